// bare_server: the reference the webhook's throughput is measured against (BENCHMARKS.md
// "Webhook"). The same stack as `connaisseur serve` and nothing else: Debian's civetweb with the
// same options (TLS 1.2+, keep-alive, TCP_NODELAY, 256 workers), the same OpenSSL 3 shim, the same
// kind of certificate, nlohmann::json parsing the whole body, and one fixed AdmissionReview answer
// carrying the request's uid, written in one buffer as the webhook writes its responses.
//
// Usage: bare_server CERT.pem KEY.pem PORT
// Runs until SIGTERM or SIGINT. Any path answers; a body that does not parse is a 400.
#include <civetweb.h>
#include <openssl/ssl.h>
#include <signal.h>

#include <cstdio>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

namespace {

struct Files {
  const char* cert;
  const char* key;
};

struct StopCivetweb {
  void operator()(mg_context* ctx) const noexcept { mg_stop(ctx); }
};

// The certificate is loaded into civetweb's context as serve's certificate callback installs it:
// same key type, TLS 1.2 at least, OpenSSL's default ciphers.
int InitSsl(void* ssl_ctx, void* user) noexcept {
  auto* ctx = static_cast<SSL_CTX*>(ssl_ctx);
  const auto* files = static_cast<const Files*>(user);
  if (SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION) != 1) return -1;
  if (SSL_CTX_use_certificate_chain_file(ctx, files->cert) != 1) return -1;
  if (SSL_CTX_use_PrivateKey_file(ctx, files->key, SSL_FILETYPE_PEM) != 1) return -1;
  return 1;
}

void Write(mg_connection* conn, int status, const char* reason, const std::string& body) {
  std::string wire =
      "HTTP/1.1 " + std::to_string(status) + " " + reason +
      "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
      "\r\n\r\n" + body;
  mg_write(conn, wire.data(), wire.size());
}

std::string ReadBody(mg_connection* conn) {
  std::string body;
  const long long declared = mg_get_request_info(conn)->content_length;
  if (declared > 0) body.reserve(static_cast<size_t>(declared));
  char buf[16384];
  for (int n; (n = mg_read(conn, buf, sizeof(buf))) > 0;) body.append(buf, static_cast<size_t>(n));
  return body;
}

int Answer(mg_connection* conn, void*) noexcept {
  try {
    const nlohmann::json review = nlohmann::json::parse(ReadBody(conn), nullptr, false);
    if (review.is_discarded() || !review.is_object()) {
      Write(conn, 400, "Bad Request", "{}");
      return 400;
    }
    const auto request = review.find("request");
    const nlohmann::json uid = request != review.end() && request->is_object()
                                   ? request->value("uid", nlohmann::json(""))
                                   : nlohmann::json("");
    Write(conn, 200, "OK",
          R"({"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","response":{"uid":)" +
              uid.dump() + R"(,"allowed":true}})");
    return 200;
  } catch (...) {
    return 500;
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: bare_server CERT.pem KEY.pem PORT\n");
    return 2;
  }
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);  // before the workers inherit the mask

  Files files{argv[1], argv[2]};
  const std::string ports = std::string("127.0.0.1:") + argv[3] + "s";
  const char* options[] = {"listening_ports",
                           ports.c_str(),
                           "num_threads",
                           "256",
                           "connection_queue",
                           "256",
                           "listen_backlog",
                           "1024",
                           "request_timeout_ms",
                           "5000",
                           "enable_keep_alive",
                           "yes",
                           "keep_alive_timeout_ms",
                           "15000",
                           "tcp_nodelay",
                           "1",
                           "ssl_protocol_version",
                           "4",
                           nullptr};
  mg_init_library(MG_FEATURES_TLS);
  mg_callbacks callbacks{};
  callbacks.init_ssl = &InitSsl;
  std::unique_ptr<mg_context, StopCivetweb> ctx(mg_start(&callbacks, &files, options));
  if (ctx == nullptr) {
    std::fprintf(stderr, "bare_server: cannot start on %s\n", ports.c_str());
    return 1;
  }
  mg_set_request_handler(ctx.get(), "/", &Answer, nullptr);
  int received = 0;
  sigwait(&stop_signals, &received);
  return 0;
}
