// RawTlsClient: a TLS (or plain TCP) connection to a loopback server from a chosen source
// address, sending exactly the bytes a test writes. For what a well-behaved HTTP client never
// does: idle or slow connections, truncated bodies, conflicting framing, odd request lines.
// The server's certificate is not verified (the tests are about the server's behaviour).
#pragma once

#include <openssl/ssl.h>

#include <chrono>
#include <memory>
#include <string>
#include <string_view>

#include "runtime/free_with.h"

namespace connaisseur::testing {

class RawTlsClient {
 public:
  // TCP connection from `source_ip` (any 127.x.y.z) to 127.0.0.1:`port`; null when refused.
  // The first call ignores SIGPIPE in the whole process: a write to a connection the server
  // closed fails instead of killing the test.
  static std::unique_ptr<RawTlsClient> Connect(int port, const char* source_ip = "127.0.0.1");
  ~RawTlsClient();
  RawTlsClient(const RawTlsClient&) = delete;
  RawTlsClient& operator=(const RawTlsClient&) = delete;

  // Completes a TLS handshake within `timeout`; false when it fails or the server closes.
  bool StartTls(std::chrono::milliseconds timeout);
  // Writes all of `bytes` (through TLS once started); false on error.
  bool Send(std::string_view bytes);
  // Everything received until the server closes the connection or `timeout` passes.
  std::string ReadUntilClosed(std::chrono::milliseconds timeout);
  // True when the server closed the connection (or reset it) within `timeout`.
  bool ClosedWithin(std::chrono::milliseconds timeout);

  int fd() const { return fd_; }

 private:
  explicit RawTlsClient(int fd) : fd_(fd) {}
  // One read of up to `size` bytes: > 0 read, 0 closed, -1 timeout or error.
  int ReadSome(char* buf, int size, std::chrono::milliseconds timeout);

  int fd_;
  std::unique_ptr<SSL_CTX, FreeWith<SSL_CTX_free>> ctx_;
  std::unique_ptr<SSL, FreeWith<SSL_free>> ssl_;
};

// "HTTP/1.1 200 OK" → 200; 0 when `response` does not start with a status line.
int StatusOf(std::string_view response);

}  // namespace connaisseur::testing
