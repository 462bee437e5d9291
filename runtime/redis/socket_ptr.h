// Owning handles for a Redis connection's socket and its TLS session: the file descriptor is
// closed and the SSL objects freed with their owner.
#pragma once

#include <openssl/ssl.h>
#include <unistd.h>

#include <memory>

#include "runtime/free_with.h"

namespace connaisseur::redis {

using SslCtxPtr = std::unique_ptr<SSL_CTX, FreeWith<SSL_CTX_free>>;
using SslPtr = std::unique_ptr<SSL, FreeWith<SSL_free>>;

// A socket descriptor, closed on destruction (-1 = none).
class SocketFd {
 public:
  explicit SocketFd(int fd = -1) : fd_(fd) {}
  ~SocketFd() {
    if (fd_ >= 0) ::close(fd_);
  }
  SocketFd(const SocketFd&) = delete;
  SocketFd& operator=(const SocketFd&) = delete;
  int get() const { return fd_; }
  // Gives up ownership.
  int release() {
    const int fd = fd_;
    fd_ = -1;
    return fd;
  }

 private:
  int fd_;
};

}  // namespace connaisseur::redis
