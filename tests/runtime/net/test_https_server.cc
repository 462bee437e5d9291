#include "tests/runtime/net/test_https_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>

#include "runtime/crypto/openssl_ptr.h"

namespace connaisseur::testing {

namespace {

using SslCtxPtr = std::unique_ptr<SSL_CTX, crypto::FreeWith<SSL_CTX_free>>;
using SslPtr = std::unique_ptr<SSL, crypto::FreeWith<SSL_free>>;

constexpr size_t kMaxHead = 64u << 10;

// One accepted connection, with or without TLS.
class Stream {
 public:
  Stream(int fd, SSL* ssl) : fd_(fd), ssl_(ssl) {}
  // Bytes read (> 0), or <= 0 on end or error.
  long Read(char* buf, size_t n) {
    if (ssl_) return SSL_read(ssl_.get(), buf, static_cast<int>(n));
    return ::recv(fd_, buf, n, 0);
  }
  bool WriteAll(std::string_view data) {
    while (!data.empty()) {
      long n = ssl_ ? SSL_write(ssl_.get(), data.data(), static_cast<int>(data.size()))
                    : ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      data.remove_prefix(static_cast<size_t>(n));
    }
    return true;
  }

 private:
  int fd_;
  SslPtr ssl_;
};

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

// Parses "METHOD target HTTP/1.1\r\nName: value\r\n...\r\n" (without the final blank line).
bool ParseHead(std::string_view head, TestRequest* request) {
  size_t eol = head.find("\r\n");
  std::string_view line = head.substr(0, eol);
  size_t sp1 = line.find(' ');
  size_t sp2 = line.rfind(' ');
  if (sp1 == std::string_view::npos || sp2 <= sp1) return false;
  request->method = std::string(line.substr(0, sp1));
  std::string_view target = line.substr(sp1 + 1, sp2 - sp1 - 1);
  size_t q = target.find('?');
  request->path = std::string(target.substr(0, q));
  if (q != std::string_view::npos) request->query = std::string(target.substr(q + 1));
  while (eol != std::string_view::npos) {
    size_t start = eol + 2;
    eol = head.find("\r\n", start);
    std::string_view h = head.substr(start, eol == std::string_view::npos ? eol : eol - start);
    size_t colon = h.find(':');
    if (colon == std::string_view::npos) continue;
    request->headers.emplace_back(Lower(std::string(Trim(h.substr(0, colon)))),
                                  std::string(Trim(h.substr(colon + 1))));
  }
  return true;
}

}  // namespace

struct TestHttpsServer::Impl {
  SslCtxPtr ctx;
};

const std::string* TestRequest::Header(std::string_view lower_name) const {
  for (const auto& [name, value] : headers) {
    if (name == lower_name) return &value;
  }
  return nullptr;
}

TestHttpsServer::TestHttpsServer(Handler handler)
    : handler_(std::move(handler)), impl_(std::make_unique<Impl>()) {}

StatusOr<std::unique_ptr<TestHttpsServer>> TestHttpsServer::Start(const std::string& cert_pem,
                                                                  const std::string& key_pem,
                                                                  Handler handler) {
  // SSL_write to a peer that hung up (a client that hit its body cap) must not kill the test.
  ::signal(SIGPIPE, SIG_IGN);
  std::unique_ptr<TestHttpsServer> server(new TestHttpsServer(std::move(handler)));
  server->tls_ = !cert_pem.empty();
  if (server->tls_) {
    SslCtxPtr ctx(SSL_CTX_new(TLS_server_method()));
    crypto::BioPtr cert_bio(BIO_new_mem_buf(cert_pem.data(), static_cast<int>(cert_pem.size())));
    crypto::BioPtr key_bio(BIO_new_mem_buf(key_pem.data(), static_cast<int>(key_pem.size())));
    crypto::X509Ptr cert(PEM_read_bio_X509(cert_bio.get(), nullptr, nullptr, nullptr));
    crypto::EvpPkeyPtr key(PEM_read_bio_PrivateKey(key_bio.get(), nullptr, nullptr, nullptr));
    if (!ctx || !cert || !key || SSL_CTX_use_certificate(ctx.get(), cert.get()) != 1 ||
        SSL_CTX_use_PrivateKey(ctx.get(), key.get()) != 1) {
      ERR_clear_error();
      return InternalError("test server: bad certificate or key");
    }
    server->impl_->ctx = std::move(ctx);
  }
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return InternalError("test server: socket failed");
  server->listen_fd_ = fd;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof addr;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(fd, 64) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    return InternalError("test server: bind/listen failed");
  }
  server->port_ = ntohs(addr.sin_port);
  if (::pipe2(server->wake_pipe_, O_CLOEXEC) != 0) return InternalError("test server: pipe");
  server->acceptor_ = std::thread([s = server.get()] { s->AcceptLoop(); });
  return server;
}

TestHttpsServer::~TestHttpsServer() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  stopping_cv_.notify_all();
  if (wake_pipe_[1] >= 0) (void)!::write(wake_pipe_[1], "x", 1);
  if (acceptor_.joinable()) acceptor_.join();
  std::vector<std::thread> workers;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (int fd : open_fds_) ::shutdown(fd, SHUT_RDWR);
    workers.swap(workers_);
  }
  for (auto& w : workers) w.join();
  for (int fd : {listen_fd_, wake_pipe_[0], wake_pipe_[1]}) {
    if (fd >= 0) ::close(fd);
  }
}

std::string TestHttpsServer::url() const {
  return std::string(tls_ ? "https" : "http") + "://127.0.0.1:" + std::to_string(port_);
}

void TestHttpsServer::AcceptLoop() {
  while (true) {
    pollfd fds[2] = {{listen_fd_, POLLIN, 0}, {wake_pipe_[0], POLLIN, 0}};
    if (::poll(fds, 2, -1) < 0) continue;
    if (fds[1].revents != 0) return;
    int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_) {
      ::close(fd);
      return;
    }
    connections_.fetch_add(1);
    open_fds_.push_back(fd);
    workers_.emplace_back([this, fd] { ServeConnection(fd); });
  }
}

bool TestHttpsServer::Sleep(std::chrono::milliseconds d) {
  std::unique_lock<std::mutex> lock(mu_);
  return !stopping_cv_.wait_for(lock, d, [this] { return stopping_; });
}

template <typename Stream>
bool TestHttpsServer::WriteFaulty(Stream& stream, const std::string& head,
                                  const TestResponse& response) {
  std::string bytes = head + (response.endless_chunks ? "" : response.body);
  if (bytes.size() > response.cut_after_bytes) bytes.resize(response.cut_after_bytes);
  std::string_view rest = bytes;
  while (!rest.empty()) {
    const size_t n =
        response.drip_bytes > 0 ? std::min(response.drip_bytes, rest.size()) : rest.size();
    if (!stream.WriteAll(rest.substr(0, n))) return false;
    rest.remove_prefix(n);
    if (response.drip_bytes > 0 && !Sleep(response.drip_every)) return false;
  }
  if (!response.endless_chunks || bytes.size() < head.size()) return false;
  const std::string chunk = "10000\r\n" + std::string(0x10000, 'a') + "\r\n";
  while (stream.WriteAll(chunk)) {
    if (!Sleep(std::chrono::milliseconds(1))) return false;
  }
  return false;
}

void TestHttpsServer::ServeConnection(int fd) {
  SSL* ssl = nullptr;
  if (tls_) {
    ssl = SSL_new(impl_->ctx.get());
    if (ssl) SSL_set_fd(ssl, fd);
  }
  Stream stream(fd, ssl);  // owns ssl
  bool alive = !tls_ || (ssl != nullptr && SSL_accept(ssl) == 1);
  std::string buffer;
  char chunk[16384];
  while (alive) {
    size_t end;
    while ((end = buffer.find("\r\n\r\n")) == std::string::npos && buffer.size() < kMaxHead) {
      long n = stream.Read(chunk, sizeof chunk);
      if (n <= 0) break;
      buffer.append(chunk, static_cast<size_t>(n));
    }
    TestRequest request;
    if (end == std::string::npos || !ParseHead(std::string_view(buffer).substr(0, end), &request)) {
      break;
    }
    buffer.erase(0, end + 4);
    size_t length = 0;
    if (const std::string* cl = request.Header("content-length")) length = std::stoul(*cl);
    while (buffer.size() < length) {
      long n = stream.Read(chunk, sizeof chunk);
      if (n <= 0) break;
      buffer.append(chunk, static_cast<size_t>(n));
    }
    if (buffer.size() < length) break;
    request.body = buffer.substr(0, length);
    buffer.erase(0, length);
    requests_.fetch_add(1);

    TestResponse response = handler_(request);
    if (response.delay.count() > 0) {
      std::unique_lock<std::mutex> lock(mu_);
      stopping_cv_.wait_for(lock, response.delay, [this] { return stopping_; });
      if (stopping_) break;
    }
    std::string head = "HTTP/1.1 " + std::to_string(response.status) + " Test\r\n";
    bool has_length = false;
    for (const auto& [name, value] : response.headers) {
      head += name + ": " + value + "\r\n";
      if (Lower(name) == "content-length") has_length = true;
    }
    const std::string* connection = request.Header("connection");
    bool close = response.omit_content_length || response.Faulty() ||
                 (connection && Lower(*connection) == "close");
    if (response.endless_chunks) {
      head += "Transfer-Encoding: chunked\r\n";
    } else if (!has_length && !response.omit_content_length) {
      head += "Content-Length: " + std::to_string(response.body.size()) + "\r\n";
    }
    if (close) head += "Connection: close\r\n";
    head += "\r\n";
    if (response.Faulty()) {
      WriteFaulty(stream, head, response);
      break;
    }
    if (request.method != "HEAD") head += response.body;
    if (!stream.WriteAll(head) || close) break;
  }
  if (ssl) SSL_shutdown(ssl);
  ERR_clear_error();
  std::lock_guard<std::mutex> lock(mu_);
  std::erase(open_fds_, fd);
  ::close(fd);
}

}  // namespace connaisseur::testing
