#include "tests/runtime/http/raw_tls_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>

namespace connaisseur::testing {
namespace {

using Clock = std::chrono::steady_clock;

int MillisLeft(Clock::time_point end) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(end - Clock::now());
  return left.count() > 0 ? static_cast<int>(left.count()) : 0;
}

}  // namespace

std::unique_ptr<RawTlsClient> RawTlsClient::Connect(int port, const char* source_ip) {
  // These clients write to connections the server has shut down on purpose (a TLS alert after a
  // refused handshake, a request after a timeout): that must be EPIPE, not a SIGPIPE that ends the
  // test process and leaves its server child holding CTest's output pipe, which looks like a hang.
  // OpenSSL writes with write(2), so MSG_NOSIGNAL cannot be asked for per call.
  static const bool sigpipe_ignored = signal(SIGPIPE, SIG_IGN) != SIG_ERR;
  (void)sigpipe_ignored;
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return nullptr;
  sockaddr_in local{};
  local.sin_family = AF_INET;
  inet_pton(AF_INET, source_ip, &local.sin_addr);
  sockaddr_in server{};
  server.sin_family = AF_INET;
  server.sin_port = htons(static_cast<uint16_t>(port));
  server.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(fd, reinterpret_cast<sockaddr*>(&local), sizeof(local)) != 0 ||
      connect(fd, reinterpret_cast<sockaddr*>(&server), sizeof(server)) != 0) {
    close(fd);
    return nullptr;
  }
  return std::unique_ptr<RawTlsClient>(new RawTlsClient(fd));
}

RawTlsClient::~RawTlsClient() {
  ssl_.reset();
  close(fd_);
}

bool RawTlsClient::StartTls(std::chrono::milliseconds timeout) {
  ctx_.reset(SSL_CTX_new(TLS_client_method()));
  if (!ctx_) return false;
  ssl_.reset(SSL_new(ctx_.get()));
  if (!ssl_ || SSL_set_fd(ssl_.get(), fd_) != 1) return false;
  timeval tv{static_cast<time_t>(timeout.count() / 1000),
             static_cast<suseconds_t>(timeout.count() % 1000 * 1000)};
  setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  const bool ok = SSL_connect(ssl_.get()) == 1;
  if (!ok) ssl_.reset();
  return ok;
}

bool RawTlsClient::Send(std::string_view bytes) {
  while (!bytes.empty()) {
    const int n = ssl_ ? SSL_write(ssl_.get(), bytes.data(), static_cast<int>(bytes.size()))
                       : static_cast<int>(::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL));
    if (n <= 0) return false;
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

int RawTlsClient::ReadSome(char* buf, int size, std::chrono::milliseconds timeout) {
  if (ssl_ && SSL_pending(ssl_.get()) == 0) {
    pollfd pfd{fd_, POLLIN, 0};
    if (poll(&pfd, 1, static_cast<int>(timeout.count())) <= 0) return -1;
  } else if (!ssl_) {
    pollfd pfd{fd_, POLLIN, 0};
    if (poll(&pfd, 1, static_cast<int>(timeout.count())) <= 0) return -1;
  }
  const int n =
      ssl_ ? SSL_read(ssl_.get(), buf, size) : static_cast<int>(::recv(fd_, buf, size, 0));
  if (n > 0) return n;
  if (ssl_) {
    const int err = SSL_get_error(ssl_.get(), n);
    if (err == SSL_ERROR_WANT_READ) return -1;
  } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
    return -1;
  }
  return 0;  // closed, reset, or a TLS alert: the server is done with us
}

std::string RawTlsClient::ReadUntilClosed(std::chrono::milliseconds timeout) {
  const auto end = Clock::now() + timeout;
  std::string out;
  char buf[4096];
  for (int left = MillisLeft(end); left > 0; left = MillisLeft(end)) {
    const int n = ReadSome(buf, sizeof(buf), std::chrono::milliseconds(left));
    if (n == 0) break;
    if (n > 0) out.append(buf, static_cast<size_t>(n));
  }
  return out;
}

bool RawTlsClient::ClosedWithin(std::chrono::milliseconds timeout) {
  const auto end = Clock::now() + timeout;
  char buf[4096];
  for (int left = MillisLeft(end); left > 0; left = MillisLeft(end)) {
    if (ReadSome(buf, sizeof(buf), std::chrono::milliseconds(left)) == 0) return true;
  }
  return false;
}

int StatusOf(std::string_view response) {
  if (!response.starts_with("HTTP/1.") || response.size() < 12) return 0;
  return std::atoi(std::string(response.substr(9, 3)).c_str());
}

}  // namespace connaisseur::testing
