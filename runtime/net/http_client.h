// HttpClient: the process's one way to speak HTTP(S) to back-ends (notary, registries, token
// realms, alert receivers). Every request gets the same hardening: allowed protocols, verified
// TLS, no redirects, connect and total timeouts bounded by the caller's deadline, and a body cap.
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "runtime/crypto/openssl_ptr.h"
#include "runtime/deadline.h"
#include "runtime/net/ca_store.h"
#include "runtime/net/curl_ptr.h"
#include "runtime/status.h"

namespace connaisseur::net {

// Initialises libcurl once per process. Call from main before any thread starts; tests call it
// too. Safe to call more than once. HttpClient::Create also calls it.
void GlobalInit();

struct TlsOptions {
  // PEM bundle (one or more CERTIFICATE blocks) trusted in addition to the system CAs. Empty:
  // system CAs only. A bundle without a parseable certificate makes Create fail.
  std::string extra_ca_pem;
  // Allow http:// URLs. Tests and explicit opt-in only; default https only.
  bool allow_plain_http = false;
};

// AWS Signature Version 4 for one request (libcurl's CURLOPT_AWS_SIGV4): curl adds X-Amz-Date
// and Authorization, signing the method, path, query, body hash and every header of the request
// (a session token goes in as an `X-Amz-Security-Token` header and is signed with them).
struct AwsSigV4 {
  std::string provider;  // "aws:amz:<region>:<service>", e.g. "aws:amz:us-east-1:kms"
  std::string access_key_id;
  std::string secret_access_key;  // secret: never logged
};

struct HttpRequest {
  std::string method = "GET";  // GET, HEAD, POST, PUT, DELETE, PATCH
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;  // sent as "name: value"
  std::string body;                                          // sent when non-empty (or POST/PUT)
  // Longest body accepted; a longer one aborts the transfer with kResourceExhausted.
  size_t max_body_bytes = 10u << 20;
  // The whole transfer (connect, TLS, request, response) must end by then.
  Deadline deadline = Deadline::Infinite();
  // Longest TCP + TLS connect, further bounded by `deadline`.
  std::chrono::milliseconds connect_timeout{10000};
  // Signs the request for AWS when set.
  std::optional<AwsSigV4> aws_sigv4;
};

struct HttpResponse {
  long status = 0;
  // In arrival order; names lower-cased, values trimmed. Only the final response's headers.
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;

  // The first header called `lower_name`, or nullptr. The pointer lives as long as *this.
  const std::string* Header(std::string_view lower_name) const;
};

class HttpClient {
 public:
  static StatusOr<std::unique_ptr<HttpClient>> Create(const TlsOptions& options);
  ~HttpClient();

  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Performs one request. Any HTTP status is a successful Send (the caller judges it). Errors:
  // kDeadlineExceeded (timeout or deadline already past), kResourceExhausted (body cap),
  // kUnavailable (DNS, connect, TLS, peer), kInvalidArgument (malformed or disallowed URL).
  // Thread-safe; idle connections are kept alive and reused by later requests.
  StatusOr<HttpResponse> Send(const HttpRequest& request) const;

  // Performs `requests` concurrently (a connection each, kept alive for later batches) and
  // returns one result per request, in order, each as Send would. Thread-safe.
  std::vector<StatusOr<HttpResponse>> SendAll(const std::vector<HttpRequest>& requests) const;

  bool allow_plain_http() const { return options_.allow_plain_http; }

 private:
  struct Call;
  // A multi handle (holding the batch connections) and the easy handles it runs.
  struct Batch {
    CurlMultiPtr multi;
    std::vector<CurlPtr> easies;
  };

  HttpClient(TlsOptions options, X509StorePtr ca_store);

  // An easy handle from the idle pool (keeps its live connections), or a new one.
  CurlPtr Acquire() const;
  void Release(CurlPtr handle) const;
  Batch AcquireBatch() const;
  // SendAll's transfers, once it holds its slot.
  std::vector<StatusOr<HttpResponse>> SendBatch(const std::vector<HttpRequest>& requests) const;
  void ReleaseBatch(Batch batch) const;

  // Sets every option of `request` on `h`; `call` holds what the options point at.
  Status Prepare(CURL* h, const HttpRequest& request, Call* call) const;
  // The response of a finished transfer, or its error.
  static StatusOr<HttpResponse> Finish(CURL* h, CURLcode code, Call* call,
                                       const HttpRequest& request);

  // curl's CURLOPT_SSL_CTX_FUNCTION: makes ca_store_ the new connection's trust store.
  static CURLcode UseCaStore(CURL* curl, void* ssl_ctx, void* self) noexcept;

  const TlsOptions options_;
  const X509StorePtr ca_store_;  // system + extra CAs, shared by every connection
  mutable std::mutex mu_;
  mutable std::vector<CurlPtr> idle_;        // guarded by mu_
  mutable std::vector<Batch> idle_batches_;  // guarded by mu_
};

}  // namespace connaisseur::net
