// Server: the civetweb adapter. HTTPS (TLS >= 1.2, certificate re-read when its files change)
// or, by explicit choice, plain HTTP; every request goes to one Handler; every response leaves in
// one mg_write with TCP_NODELAY (two small writes meet Nagle + delayed ACK and cap a keep-alive
// connection at ~25 req/s, measured). Bodies above the cap get 413 unread.
#pragma once

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "runtime/http/certificate_store.h"
#include "runtime/http/http_message.h"
#include "runtime/status.h"

struct mg_context;
struct mg_connection;

namespace connaisseur::http {

using Handler = std::function<Response(const Request&)>;

struct ServerOptions {
  // "ADDR:PORT"; port 0 picks a free port (see Server::port()).
  std::string listen = "0.0.0.0:5000";
  // PEM files; required unless insecure_http.
  std::string cert_file, key_file;
  // Serve plain HTTP (tests, or TLS terminated in front). Never a silent fallback.
  bool insecure_http = false;
  // Worker threads: civetweb serves one connection per thread, so keep this above the number of
  // keep-alive connections the API servers hold.
  int num_threads = 80;
  // Longest request body read; a longer Content-Length is answered 413 without reading it.
  size_t max_body_bytes = 8u << 20;
  // Socket read/write timeout.
  int request_timeout_ms = 30000;
};

class Server {
 public:
  // Binds and starts serving. `handler` runs on civetweb's worker threads, concurrently.
  static StatusOr<std::unique_ptr<Server>> Start(const ServerOptions& options, Handler handler);
  ~Server();  // Stop()
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Answers new requests 503, waits (up to request_timeout_ms) until every request in flight has
  // written its response, then stops civetweb and joins the workers. Idempotent. The wait is
  // ours because civetweb drops whatever a handler writes once its stop flag is set.
  void Stop();

  // The bound port.
  int port() const { return port_; }

 private:
  struct Tag {};

 public:
  Server(Tag, Handler handler, ServerOptions options);

 private:
  static int HandleRequest(mg_connection* conn, void* self) noexcept;
  static int InitSsl(void* ssl_ctx, void* self) noexcept;
  Response Dispatch(mg_connection* conn) const;

  Handler handler_;
  ServerOptions options_;
  std::mutex drain_mu_;
  std::condition_variable drained_;
  int in_flight_ = 0;                               // guarded by drain_mu_
  bool draining_ = false;                           // guarded by drain_mu_
  std::unique_ptr<CertificateStore> certificates_;  // null for plain HTTP
  mg_context* ctx_ = nullptr;                       // owned; mg_stop in Stop()
  int port_ = 0;
};

// "HTTP/1.1 <status> <reason>\r\n…headers…\r\n\r\n<body>": the one buffer written per response.
std::string SerializeResponse(const Response& response);

}  // namespace connaisseur::http
