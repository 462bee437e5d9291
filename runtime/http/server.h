// Server: the civetweb adapter. HTTPS (TLS >= 1.2, certificate re-read when its files change)
// or, by explicit choice, plain HTTP; every request goes to one Handler; every response leaves in
// one mg_write with TCP_NODELAY (two small writes meet Nagle + delayed ACK and cap a keep-alive
// connection at ~25 req/s, measured).
//
// Hostile clients are bounded before the handler runs:
//   - the TLS handshake, the request line and headers, and every later read or write must
//     progress within io_timeout_ms, and the whole body must arrive within body_timeout_ms;
//   - one client address holds at most max_connections_per_client TLS connections (each holds a
//     civetweb worker while open): one more is shut down at its first handshake step;
//   - bodies count against a shared MemoryBudget before they are read (503 when it is full, 413
//     above max_body_bytes or the whole budget); a body shorter than its Content-Length, a
//     malformed chunk, or ambiguous framing (differing Content-Lengths, Content-Length with
//     Transfer-Encoding) is a 400 and the connection is closed;
//   - std::bad_alloc in the handler is answered 500 and never unwinds into civetweb;
//   - requests civetweb cannot parse (an HTTP/2.0 request line: 505) get an HTTP/1.1 answer.
#pragma once

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "runtime/http/certificate_store.h"
#include "runtime/http/client_connection_limit.h"
#include "runtime/http/http_message.h"
#include "runtime/http/memory_budget.h"
#include "runtime/http/socket_deadlines.h"
#include "runtime/log/logger.h"
#include "runtime/status.h"

struct mg_context;
struct mg_connection;

namespace connaisseur::http {

using Handler = std::function<Response(const Request&)>;

// Deleter of a civetweb context: mg_stop closes its connections and joins its threads.
struct StopCivetweb {
  void operator()(mg_context* ctx) const noexcept;
};

struct ServerOptions {
  // "ADDR:PORT"; port 0 picks a free port (see Server::port()).
  std::string listen = "0.0.0.0:5000";
  // PEM files; required unless insecure_http.
  std::string cert_file, key_file;
  // Serve plain HTTP (tests, or TLS terminated in front). Never a silent fallback. The
  // per-client connection cap applies to TLS only.
  bool insecure_http = false;
  // Worker threads: civetweb serves one open connection per thread (kept-alive ones included),
  // so this bounds the connections served at once; keep it above what the API servers hold
  // plus max_connections_per_client for each other client expected.
  int num_threads = 256;
  // TLS connections one client address may hold open at once; <= 0: no cap.
  int max_connections_per_client = 64;
  // Longest request body read; a longer Content-Length is answered 413 without reading it.
  size_t max_body_bytes = 8u << 20;
  // Handshake, request line and headers, and each read or write afterwards.
  int io_timeout_ms = 5000;
  // The whole body, from the end of the headers.
  int body_timeout_ms = 10000;
  // How long a kept-alive connection waits for its next request.
  int keep_alive_timeout_ms = 15000;
  // How long Stop() waits for requests in flight.
  int drain_timeout_ms = 30000;
  // Shared by every request's body and what the handler charges (Request::memory); borrowed,
  // may be null (no budget).
  MemoryBudget* memory_budget = nullptr;
  // Certificate reloads and rejected certificate files are logged here; borrowed, may be null.
  log::Logger* logger = nullptr;
};

class Server {
 public:
  // Binds and starts serving. `handler` runs on civetweb's worker threads, concurrently.
  static StatusOr<std::unique_ptr<Server>> Start(const ServerOptions& options, Handler handler);
  ~Server();  // Stop()
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Answers new requests 503, waits (up to drain_timeout_ms) until every request in flight has
  // written its response, then stops civetweb and joins the workers. Idempotent. The wait is
  // ours because civetweb drops whatever a handler writes once its stop flag is set.
  void Stop();

  // Re-reads the certificate files now (SIGHUP); a failure keeps the current pair. Logged.
  Status ReloadCertificates();

  // The bound port.
  int port() const { return port_; }
  // TLS connections shut down for exceeding their client's cap, since start.
  uint64_t refused_connections() const { return connection_limit_.refused(); }

 private:
  struct Tag {};

 public:
  Server(Tag, Handler handler, ServerOptions options);

 private:
  static int HandleRequest(mg_connection* conn, void* self) noexcept;
  static int InitSsl(void* ssl_ctx, void* self) noexcept;
  // civetweb's own error answers (unparsable request line, unsupported HTTP version, headers
  // too large) in our one-buffer HTTP/1.1 form; civetweb 1.15 would echo an "HTTP/2.0" status
  // line that no HTTP/1.1 client reads as an answer.
  static int AnswerProtocolError(mg_connection* conn, int status, const char* message) noexcept;
  Response Dispatch(mg_connection* conn) const;
  // Reads the body into `request` (charging `memory`); an answer when it cannot be read whole.
  std::optional<Response> ReadBody(mg_connection* conn, Request& request,
                                   MemoryReservation& memory) const;

  Handler handler_;
  ServerOptions options_;
  ClientConnectionLimit connection_limit_;
  mutable SocketDeadlines deadlines_;  // whole-body deadlines (thread-safe)
  std::mutex drain_mu_;
  std::condition_variable drained_;
  int in_flight_ = 0;                               // guarded by drain_mu_
  bool draining_ = false;                           // guarded by drain_mu_
  std::unique_ptr<CertificateStore> certificates_;  // null for plain HTTP
  int port_ = 0;
  // Declared last, so destroyed first: civetweb's threads use every member above until mg_stop
  // has joined them. Reset by Stop() after the drain.
  std::unique_ptr<mg_context, StopCivetweb> ctx_;
};

// "HTTP/1.1 <status> <reason>\r\n…headers…\r\n\r\n<body>": the one buffer written per response.
std::string SerializeResponse(const Response& response);

}  // namespace connaisseur::http
