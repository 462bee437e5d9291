#include "runtime/http/server.h"

#include <civetweb.h>
#include <openssl/ssl.h>

#include <chrono>
#include <vector>

namespace connaisseur::http {
namespace {

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
    case 413:
      return "Payload Too Large";
    case 500:
      return "Internal Server Error";
    case 503:
      return "Service Unavailable";
    default:
      return "Status";
  }
}

// OpenSSL's certificate callback: runs inside every handshake, on the worker's thread.
int InstallCertificate(SSL* ssl, void* store) {
  return static_cast<CertificateStore*>(store)->InstallOn(ssl) ? 1 : 0;
}

}  // namespace

std::string SerializeResponse(const Response& response) {
  std::string out = "HTTP/1.1 " + std::to_string(response.status) + " " + Reason(response.status) +
                    "\r\nContent-Type: " + response.content_type +
                    "\r\nContent-Length: " + std::to_string(response.body.size()) + "\r\n\r\n";
  out += response.body;
  return out;
}

Server::Server(Tag, Handler handler, ServerOptions options)
    : handler_(std::move(handler)), options_(std::move(options)) {}

StatusOr<std::unique_ptr<Server>> Server::Start(const ServerOptions& options, Handler handler) {
  auto server = std::make_unique<Server>(Tag{}, std::move(handler), options);
  if (!options.insecure_http) {
    if (options.cert_file.empty() || options.key_file.empty()) {
      return InvalidArgumentError("TLS needs a certificate and a key file (or --insecure-http)");
    }
    CN_ASSIGN_OR_RETURN(server->certificates_,
                        CertificateStore::Create(options.cert_file, options.key_file));
  }
  const std::string ports = options.listen + (options.insecure_http ? "" : "s");
  const std::string threads = std::to_string(options.num_threads);
  const std::string timeout = std::to_string(options.request_timeout_ms);
  std::vector<const char*> mg_options = {
      "listening_ports",       ports.c_str(),   "num_threads",       threads.c_str(),
      "request_timeout_ms",    timeout.c_str(), "enable_keep_alive", "yes",
      "keep_alive_timeout_ms", "15000",         "tcp_nodelay",       "1"};
  if (!options.insecure_http) {
    mg_options.insert(mg_options.end(), {"ssl_protocol_version", "4"});  // TLS 1.2+
  }
  mg_options.push_back(nullptr);

  mg_init_library(options.insecure_http ? 0 : MG_FEATURES_TLS);
  mg_callbacks callbacks{};
  callbacks.init_ssl = &Server::InitSsl;
  server->ctx_ = mg_start(&callbacks, server.get(), mg_options.data());
  if (server->ctx_ == nullptr) {
    return UnavailableError("cannot start the HTTP server on " + options.listen +
                            " (address in use or TLS setup failed)");
  }
  mg_set_request_handler(server->ctx_, "/", &Server::HandleRequest, server.get());
  mg_server_port bound[4] = {};
  if (mg_get_server_ports(server->ctx_, 4, bound) > 0) server->port_ = bound[0].port;
  return server;
}

Server::~Server() { Stop(); }

void Server::Stop() {
  if (ctx_ == nullptr) return;
  {
    std::unique_lock lock(drain_mu_);
    draining_ = true;
    drained_.wait_for(lock, std::chrono::milliseconds(options_.request_timeout_ms),
                      [&] { return in_flight_ == 0; });
  }
  mg_stop(ctx_);  // closes idle keep-alive connections and joins the workers
  ctx_ = nullptr;
}

int Server::InitSsl(void* ssl_ctx, void* self) noexcept {
  auto* server = static_cast<Server*>(self);
  auto* ctx = static_cast<SSL_CTX*>(ssl_ctx);
  if (server->certificates_ == nullptr) return -1;
  if (SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION) != 1) return -1;
  SSL_CTX_set_cert_cb(ctx, &InstallCertificate, server->certificates_.get());
  return 1;  // configured here: civetweb must not load certificates itself
}

Response Server::Dispatch(mg_connection* conn) const {
  const mg_request_info* info = mg_get_request_info(conn);
  Request request;
  request.method = info->request_method ? info->request_method : "";
  request.path = info->local_uri ? info->local_uri : "";
  if (const char* ct = mg_get_header(conn, "Content-Type")) request.content_type = ct;
  if (info->content_length > static_cast<long long>(options_.max_body_bytes)) {
    return {413, "text/plain; charset=utf-8", "request body too large"};
  }
  if (info->content_length > 0) request.body.reserve(static_cast<size_t>(info->content_length));
  char buf[16384];
  for (;;) {
    int n = mg_read(conn, buf, sizeof(buf));
    if (n < 0) return {500, "text/plain; charset=utf-8", "could not read request body"};
    if (n == 0) break;
    request.body.append(buf, static_cast<size_t>(n));
    if (request.body.size() > options_.max_body_bytes) {
      return {413, "text/plain; charset=utf-8", "request body too large"};
    }
  }
  return handler_(request);
}

int Server::HandleRequest(mg_connection* conn, void* self) noexcept {
  auto* server = static_cast<Server*>(self);
  {
    std::lock_guard lock(server->drain_mu_);
    if (server->draining_) {
      const std::string wire =
          SerializeResponse({503, "text/plain; charset=utf-8", "server is shutting down"});
      mg_write(conn, wire.data(), wire.size());
      return 503;
    }
    ++server->in_flight_;
  }
  Response response;
  try {
    response = server->Dispatch(conn);
  } catch (...) {  // only bad_alloc can get here; it must not unwind into civetweb (C)
    response = {500, "text/plain; charset=utf-8", "internal error"};
  }
  const std::string wire = SerializeResponse(response);
  mg_write(conn, wire.data(), wire.size());
  {
    std::lock_guard lock(server->drain_mu_);
    --server->in_flight_;
  }
  server->drained_.notify_all();
  return response.status;
}

}  // namespace connaisseur::http
