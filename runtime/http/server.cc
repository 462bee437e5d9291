#include "runtime/http/server.h"

#include <civetweb.h>
#include <openssl/ssl.h>
#include <strings.h>

#include <algorithm>
#include <chrono>
#include <vector>

#include "runtime/http/socket_deadlines.h"
#include "runtime/http/tls_connection_guard.h"

namespace connaisseur::http {
namespace {

constexpr const char* kText = "text/plain; charset=utf-8";

const char* Reason(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 400:
      return "Bad Request";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 408:
      return "Request Timeout";
    case 413:
      return "Payload Too Large";
    case 500:
      return "Internal Server Error";
    case 503:
      return "Service Unavailable";
    case 505:
      return "HTTP Version Not Supported";
    default:
      return "Status";
  }
}

Response Refuse(int status, std::string message) {
  return {status, kText, std::move(message), /*close_connection=*/true};
}

// A failed reservation: 413 when the request alone is too large, 503 when others hold the budget.
Response OverBudget(const Status& status) {
  return Refuse(status.code() == StatusCode::kResourceExhausted ? 413 : 503, status.message());
}

// OpenSSL's certificate callback: runs inside every handshake, on the worker's thread.
int InstallCertificate(SSL* ssl, void* store) {
  return static_cast<CertificateStore*>(store)->InstallOn(ssl) ? 1 : 0;
}

// Request smuggling: a body whose length two framings (or two Content-Lengths) disagree on is
// refused rather than read one way while a proxy in front read it another.
std::optional<Response> CheckFraming(const mg_request_info* info) {
  const char* length = nullptr;
  bool chunked_or_coded = false;
  for (int i = 0; i < info->num_headers; ++i) {
    const mg_header& h = info->http_headers[i];
    if (h.name == nullptr || h.value == nullptr) continue;
    if (strcasecmp(h.name, "Transfer-Encoding") == 0) chunked_or_coded = true;
    if (strcasecmp(h.name, "Content-Length") != 0) continue;
    if (length != nullptr && std::string_view(length) != h.value) {
      return Refuse(400, "conflicting Content-Length headers");
    }
    length = h.value;
  }
  if (length != nullptr && chunked_or_coded) {
    return Refuse(400, "Content-Length together with Transfer-Encoding is refused");
  }
  return std::nullopt;
}

// A request-line method that civetweb does not accept (it knows GET, HEAD, POST, PUT, DELETE,
// CONNECT, OPTIONS, PATCH and WebDAV's): an upper-case token outside that first group.
bool UnknownMethod(const char* method) {
  if (method == nullptr || *method == '\0') return false;
  for (const char* c = method; *c != '\0'; ++c) {
    if (*c < 'A' || *c > 'Z') return false;
  }
  constexpr std::string_view kKnown[] = {"GET",    "HEAD",    "POST",  "PUT",
                                         "DELETE", "CONNECT", "PATCH", "OPTIONS"};
  for (std::string_view known : kKnown) {
    if (known == method) return false;
  }
  return true;
}

void WriteResponse(mg_connection* conn, const Response& response) {
  if (response.close_connection) mg_disable_connection_keep_alive(conn);
  const std::string wire = SerializeResponse(response);
  mg_write(conn, wire.data(), wire.size());
}

// Written when even building an answer failed (memory exhausted): a constant, no allocation.
constexpr char kOutOfMemoryAnswer[] =
    "HTTP/1.1 500 Internal Server Error\r\nContent-Type: text/plain; charset=utf-8\r\n"
    "Connection: close\r\nContent-Length: 36\r\n\r\ninternal error: server out of memory";

}  // namespace

std::string SerializeResponse(const Response& response) {
  std::string out = "HTTP/1.1 " + std::to_string(response.status) + " " + Reason(response.status) +
                    "\r\nContent-Type: " + response.content_type;
  if (response.close_connection) out += "\r\nConnection: close";
  out += "\r\nContent-Length: " + std::to_string(response.body.size()) + "\r\n\r\n";
  out += response.body;
  return out;
}

Server::Server(Tag, Handler handler, ServerOptions options)
    : handler_(std::move(handler)),
      options_(std::move(options)),
      connection_limit_(options_.max_connections_per_client) {}

StatusOr<std::unique_ptr<Server>> Server::Start(const ServerOptions& options, Handler handler) {
  auto server = std::make_unique<Server>(Tag{}, std::move(handler), options);
  if (!options.insecure_http) {
    if (options.cert_file.empty() || options.key_file.empty()) {
      return InvalidArgumentError("TLS needs a certificate and a key file (or --insecure-http)");
    }
    CN_ASSIGN_OR_RETURN(
        server->certificates_,
        CertificateStore::Create(options.cert_file, options.key_file, options.logger));
  }
  const std::string ports = options.listen + (options.insecure_http ? "" : "s");
  const std::string threads = std::to_string(options.num_threads);
  const std::string queue = std::to_string(std::max(options.num_threads, 20));
  const std::string io_timeout = std::to_string(options.io_timeout_ms);
  const std::string keep_alive = std::to_string(options.keep_alive_timeout_ms);
  std::vector<const char*> mg_options = {
      "listening_ports",       ports.c_str(),      "num_threads",       threads.c_str(),
      "connection_queue",      queue.c_str(),      "listen_backlog",    "1024",
      "request_timeout_ms",    io_timeout.c_str(), "enable_keep_alive", "yes",
      "keep_alive_timeout_ms", keep_alive.c_str(), "tcp_nodelay",       "1"};
  if (!options.insecure_http) {
    mg_options.insert(mg_options.end(), {"ssl_protocol_version", "4"});  // TLS 1.2+
  }
  mg_options.push_back(nullptr);

  mg_init_library(options.insecure_http ? 0 : MG_FEATURES_TLS);
  mg_callbacks callbacks{};
  callbacks.init_ssl = &Server::InitSsl;
  callbacks.http_error = &Server::AnswerProtocolError;
  server->ctx_.reset(mg_start(&callbacks, server.get(), mg_options.data()));
  if (server->ctx_ == nullptr) {
    return UnavailableError("cannot start the HTTP server on " + options.listen +
                            " (address in use or TLS setup failed)");
  }
  mg_set_request_handler(server->ctx_.get(), "/", &Server::HandleRequest, server.get());
  mg_server_port bound[4] = {};
  if (mg_get_server_ports(server->ctx_.get(), 4, bound) > 0) server->port_ = bound[0].port;
  return server;
}

void StopCivetweb::operator()(mg_context* ctx) const noexcept { mg_stop(ctx); }

Server::~Server() { Stop(); }

void Server::Stop() {
  if (ctx_ == nullptr) return;
  {
    std::unique_lock lock(drain_mu_);
    draining_ = true;
    drained_.wait_for(lock, std::chrono::milliseconds(options_.drain_timeout_ms),
                      [&] { return in_flight_ == 0; });
  }
  ctx_.reset();  // mg_stop: closes idle keep-alive connections and joins the workers
}

Status Server::ReloadCertificates() {
  if (certificates_ == nullptr) return Status::Ok();
  return certificates_->Reload();
}

int Server::InitSsl(void* ssl_ctx, void* self) noexcept {
  auto* server = static_cast<Server*>(self);
  auto* ctx = static_cast<SSL_CTX*>(ssl_ctx);
  if (server->certificates_ == nullptr) return -1;
  if (SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION) != 1) return -1;
  SSL_CTX_set_cert_cb(ctx, &InstallCertificate, server->certificates_.get());
  GuardTlsConnections(ctx, &server->connection_limit_);
  return 1;  // configured here: civetweb must not load certificates itself
}

int Server::AnswerProtocolError(mg_connection* conn, int status, const char* message) noexcept {
  try {
    // civetweb refuses methods it does not know (TRACE, anything made up) as a bad request
    // before any handler runs; every endpoint here allows only GET or POST, so it is a 405.
    const char* method = mg_get_request_info(conn)->request_method;
    if (status == 400 && UnknownMethod(method)) {
      WriteResponse(conn, Refuse(405, std::string("Method not allowed.: ") + method));
      return 0;
    }
    WriteResponse(conn, Refuse(status, message != nullptr ? message : ""));
    return 0;      // answered here
  } catch (...) {  // bad_alloc: civetweb's own answer will do
    return 1;
  }
}

std::optional<Response> Server::ReadBody(mg_connection* conn, Request& request,
                                         MemoryReservation& memory) const {
  const long long declared = mg_get_request_info(conn)->content_length;  // -1: not given
  if (declared > static_cast<long long>(options_.max_body_bytes)) {
    return Refuse(413, "request body too large");
  }
  if (declared > 0) {
    if (Status s = memory.Grow(static_cast<size_t>(declared)); !s.ok()) return OverBudget(s);
    request.body.reserve(static_cast<size_t>(declared));
  }
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::milliseconds(options_.body_timeout_ms);
  // mg_read waits as long as each piece arrives within io_timeout_ms; the armed deadline ends a
  // body trickling in for longer by shutting its socket down for reading (TLS: the socket is
  // this thread's connection; plain HTTP has none to arm, only the checks between reads).
  const SocketDeadlines::Armed armed =
      deadlines_.Arm(options_.insecure_http ? -1 : CurrentTlsSocket(), deadline);
  const auto too_slow = [&] {
    return Refuse(408, "request body did not arrive within " +
                           std::to_string(options_.body_timeout_ms) + " ms");
  };
  char buf[16384];
  for (;;) {
    const int n = mg_read(conn, buf, sizeof(buf));
    if (n < 0 && armed.expired()) return too_slow();
    if (n < 0) return Refuse(400, "could not read the request body (malformed chunked encoding?)");
    if (n == 0) break;
    if (request.body.size() + static_cast<size_t>(n) > options_.max_body_bytes) {
      return Refuse(413, "request body too large");
    }
    if (declared < 0) {  // chunked: charged as it arrives
      if (Status s = memory.Grow(static_cast<size_t>(n)); !s.ok()) return OverBudget(s);
    }
    request.body.append(buf, static_cast<size_t>(n));
    if (std::chrono::steady_clock::now() > deadline) return too_slow();
  }
  if (armed.expired()) return too_slow();
  if (declared >= 0 && request.body.size() != static_cast<size_t>(declared)) {
    return Refuse(400, "request body ended after " + std::to_string(request.body.size()) + " of " +
                           std::to_string(declared) + " bytes");
  }
  return std::nullopt;
}

Response Server::Dispatch(mg_connection* conn) const {
  const mg_request_info* info = mg_get_request_info(conn);
  if (std::optional<Response> refused = CheckFraming(info)) return *refused;
  Request request;
  request.method = info->request_method ? info->request_method : "";
  request.path = info->local_uri ? info->local_uri : "";
  if (const char* ct = mg_get_header(conn, "Content-Type")) request.content_type = ct;
  MemoryReservation memory(options_.memory_budget);
  if (std::optional<Response> refused = ReadBody(conn, request, memory)) return *refused;
  request.memory = &memory;
  return handler_(request);
}

int Server::HandleRequest(mg_connection* conn, void* self) noexcept {
  auto* server = static_cast<Server*>(self);
  {
    std::lock_guard lock(server->drain_mu_);
    if (server->draining_) {
      mg_disable_connection_keep_alive(conn);
      constexpr char kDraining[] =
          "HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\n"
          "Connection: close\r\nContent-Length: 23\r\n\r\nserver is shutting down";
      mg_write(conn, kDraining, sizeof(kDraining) - 1);
      return 503;
    }
    ++server->in_flight_;
  }
  int status = 500;
  try {
    Response response = server->Dispatch(conn);
    status = response.status;
    WriteResponse(conn, response);
  } catch (...) {  // only bad_alloc can get here; it must not unwind into civetweb (C)
    mg_disable_connection_keep_alive(conn);
    mg_write(conn, kOutOfMemoryAnswer, sizeof(kOutOfMemoryAnswer) - 1);
  }
  {
    std::lock_guard lock(server->drain_mu_);
    --server->in_flight_;
  }
  server->drained_.notify_all();
  return status;
}

}  // namespace connaisseur::http
