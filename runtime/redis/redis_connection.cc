#include "runtime/redis/redis_connection.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>
#include <vector>

namespace connaisseur::redis {
namespace {

std::string Where(const Endpoint& e) { return e.host + ":" + std::to_string(e.port); }

// The OpenSSL error queue as text, emptied.
std::string DrainSslErrors() {
  std::string out;
  while (unsigned long e = ERR_get_error()) {
    char buf[256];
    ERR_error_string_n(e, buf, sizeof buf);
    if (!out.empty()) out += "; ";
    out += buf;
  }
  return out.empty() ? "TLS error" : out;
}

Reply Copy(const redisReply& r) {
  Reply out;
  switch (r.type) {
    case REDIS_REPLY_STRING:
      out.type = Reply::Type::kString;
      break;
    case REDIS_REPLY_ARRAY:
      out.type = Reply::Type::kArray;
      break;
    case REDIS_REPLY_INTEGER:
      out.type = Reply::Type::kInteger;
      break;
    case REDIS_REPLY_STATUS:
      out.type = Reply::Type::kStatus;
      break;
    case REDIS_REPLY_ERROR:
      out.type = Reply::Type::kError;
      break;
    default:
      out.type = Reply::Type::kNil;
      break;
  }
  if (r.str != nullptr) out.str.assign(r.str, r.len);
  out.integer = r.integer;
  for (size_t i = 0; i < r.elements; ++i) out.elements.push_back(Copy(*r.element[i]));
  return out;
}

// A non-blocking socket connected to one of `host`'s addresses before `deadline`.
StatusOr<int> ConnectTcp(const Endpoint& e, Deadline deadline) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  const std::string port = std::to_string(e.port);
  if (int rc = getaddrinfo(e.host.c_str(), port.c_str(), &hints, &found); rc != 0) {
    return UnavailableError("redis " + Where(e) + ": cannot resolve: " + gai_strerror(rc));
  }
  const std::unique_ptr<addrinfo, FreeWith<freeaddrinfo>> addresses(found);
  std::string last = "no address";
  for (const addrinfo* a = found; a != nullptr; a = a->ai_next) {
    SocketFd fd(socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    if (fd.get() < 0) continue;
    if (connect(fd.get(), a->ai_addr, a->ai_addrlen) != 0 && errno != EINPROGRESS) {
      last = std::strerror(errno);
      continue;
    }
    pollfd p{fd.get(), POLLOUT, 0};
    const int waited = poll(&p, 1, static_cast<int>(deadline.remaining().count()));
    if (waited == 0) return DeadlineExceededError("redis " + Where(e) + ": connect timed out");
    int error = 0;
    socklen_t len = sizeof error;
    if (waited < 0 || getsockopt(fd.get(), SOL_SOCKET, SO_ERROR, &error, &len) != 0) error = errno;
    if (error != 0) {
      last = std::strerror(error);
      continue;
    }
    return fd.release();
  }
  return UnavailableError("redis " + Where(e) + ": cannot connect: " + last);
}

}  // namespace

StatusOr<std::unique_ptr<RedisConnection>> RedisConnection::Connect(const Endpoint& endpoint,
                                                                    Deadline deadline) {
  CN_ASSIGN_OR_RETURN(int fd, ConnectTcp(endpoint, deadline));
  auto c = std::make_unique<RedisConnection>(PassKey{}, fd);
  c->reader_.reset(redisReaderCreate());
  if (c->reader_ == nullptr) return ResourceExhaustedError("redis: cannot allocate a reader");
  if (endpoint.tls != nullptr) CN_RETURN_IF_ERROR(c->StartTls(endpoint, deadline));
  if (!endpoint.password.empty()) {
    const std::vector<std::string> auth = {"AUTH", endpoint.password};
    CN_ASSIGN_OR_RETURN(Reply reply, c->Command(auth, deadline));
    if (!reply.is_ok_status()) {
      // The server's message ("WRONGPASS invalid username-password pair") names no secret.
      return PermissionDeniedError("redis " + Where(endpoint) + ": AUTH refused: " + reply.str);
    }
  }
  return c;
}

Status RedisConnection::StartTls(const Endpoint& endpoint, Deadline deadline) {
  ssl_.reset(SSL_new(endpoint.tls));
  if (ssl_ == nullptr || SSL_set_fd(ssl_.get(), fd_.get()) != 1) {
    return InternalError("redis: cannot set up TLS: " + DrainSslErrors());
  }
  // The certificate must name `host`: an IP address SAN for an address, else a DNS name (sent
  // as SNI too).
  in6_addr ip;
  const bool is_ip = inet_pton(AF_INET, endpoint.host.c_str(), &ip) == 1 ||
                     inet_pton(AF_INET6, endpoint.host.c_str(), &ip) == 1;
  const bool named =
      is_ip ? X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl_.get()), endpoint.host.c_str()) == 1
            : SSL_set1_host(ssl_.get(), endpoint.host.c_str()) == 1 &&
                  SSL_set_tlsext_host_name(ssl_.get(), endpoint.host.c_str()) == 1;
  if (!named) return InternalError("redis: cannot set the TLS peer name: " + DrainSslErrors());
  for (;;) {
    const int rc = SSL_connect(ssl_.get());
    if (rc == 1) return Status();
    const int err = SSL_get_error(ssl_.get(), rc);
    if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE) {
      CN_RETURN_IF_ERROR(Wait(err == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT, deadline));
      continue;
    }
    return UnavailableError("redis " + Where(endpoint) +
                            ": TLS handshake failed: " + DrainSslErrors());
  }
}

Status RedisConnection::Wait(short events, Deadline deadline) {
  for (;;) {
    if (deadline.expired()) return DeadlineExceededError("redis: deadline passed");
    pollfd p{fd_.get(), events, 0};
    const int rc =
        poll(&p, 1, static_cast<int>(std::min<int64_t>(deadline.remaining().count(), INT32_MAX)));
    if (rc > 0) return Status();
    if (rc == 0) return DeadlineExceededError("redis: deadline passed");
    if (errno != EINTR)
      return UnavailableError(std::string("redis: poll: ") + std::strerror(errno));
  }
}

Status RedisConnection::SendAll(std::string_view bytes, Deadline deadline) {
  while (!bytes.empty()) {
    ssize_t n;
    if (ssl_ != nullptr) {
      n = SSL_write(ssl_.get(), bytes.data(), static_cast<int>(bytes.size()));
      if (n <= 0) {
        const int err = SSL_get_error(ssl_.get(), static_cast<int>(n));
        if (err != SSL_ERROR_WANT_READ && err != SSL_ERROR_WANT_WRITE) {
          return UnavailableError("redis: TLS write failed: " + DrainSslErrors());
        }
        CN_RETURN_IF_ERROR(Wait(err == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT, deadline));
        continue;
      }
    } else {
      n = send(fd_.get(), bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (n < 0) {
        if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
          return UnavailableError(std::string("redis: send: ") + std::strerror(errno));
        }
        CN_RETURN_IF_ERROR(Wait(POLLOUT, deadline));
        continue;
      }
    }
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return Status();
}

Status RedisConnection::ReadSome(Deadline deadline, size_t* total) {
  char buf[16 * 1024];
  for (;;) {
    ssize_t n;
    short want = POLLIN;
    if (ssl_ != nullptr) {
      n = SSL_read(ssl_.get(), buf, sizeof buf);
      if (n <= 0) {
        const int err = SSL_get_error(ssl_.get(), static_cast<int>(n));
        if (err == SSL_ERROR_ZERO_RETURN) return UnavailableError("redis: connection closed");
        if (err != SSL_ERROR_WANT_READ && err != SSL_ERROR_WANT_WRITE) {
          return UnavailableError("redis: TLS read failed: " + DrainSslErrors());
        }
        if (err == SSL_ERROR_WANT_WRITE) want = POLLOUT;
      }
    } else {
      n = recv(fd_.get(), buf, sizeof buf, 0);
      if (n == 0) return UnavailableError("redis: connection closed");
      if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
        return UnavailableError(std::string("redis: recv: ") + std::strerror(errno));
      }
    }
    if (n > 0) {
      *total += static_cast<size_t>(n);
      if (*total > kMaxReplyBytes) return ResourceExhaustedError("redis: reply too large");
      if (redisReaderFeed(reader_.get(), buf, static_cast<size_t>(n)) != REDIS_OK) {
        return InternalError("redis: cannot buffer the reply");
      }
      return Status();
    }
    CN_RETURN_IF_ERROR(Wait(want, deadline));
  }
}

StatusOr<Reply> RedisConnection::Command(std::span<const std::string> args, Deadline deadline) {
  std::vector<const char*> argv;
  std::vector<size_t> lengths;
  for (const std::string& a : args) {
    argv.push_back(a.data());
    lengths.push_back(a.size());
  }
  char* raw = nullptr;
  const int len =
      redisFormatCommandArgv(&raw, static_cast<int>(argv.size()), argv.data(), lengths.data());
  const CommandPtr command(raw);
  if (len < 0 || raw == nullptr) return ResourceExhaustedError("redis: cannot encode a command");
  CN_RETURN_IF_ERROR(SendAll(std::string_view(raw, static_cast<size_t>(len)), deadline));
  size_t total = 0;
  for (;;) {
    void* parsed = nullptr;
    if (redisReaderGetReply(reader_.get(), &parsed) != REDIS_OK) {
      return UnavailableError("redis: malformed reply: " + std::string(reader_->errstr));
    }
    if (parsed != nullptr) return Copy(*ReplyPtr(static_cast<redisReply*>(parsed)));
    CN_RETURN_IF_ERROR(ReadSome(deadline, &total));
  }
}

}  // namespace connaisseur::redis
