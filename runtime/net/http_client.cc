#include "runtime/net/http_client.h"

#include <openssl/pem.h>
#include <openssl/ssl.h>

#include <algorithm>
#include <cctype>

#include "runtime/crypto/openssl_error.h"
#include "runtime/net/origin_slots.h"
#include "runtime/net/url.h"

namespace connaisseur::net {

namespace {

constexpr size_t kMaxIdleHandles = 8;
constexpr size_t kMaxHeaderBytes = 64u << 10;  // all response headers together

std::once_flag global_init_once;

// Per-transfer state shared with curl's callbacks.
struct Transfer {
  HttpResponse* response;
  size_t max_body_bytes;
  size_t header_bytes = 0;
  bool body_too_large = false;
  bool headers_too_large = false;
};

size_t OnBody(char* data, size_t size, size_t nmemb, void* user) noexcept {
  auto* t = static_cast<Transfer*>(user);
  size_t n = size * nmemb;
  if (t->response->body.size() + n > t->max_body_bytes) {
    t->body_too_large = true;
    return 0;  // a short count aborts the transfer (CURLE_WRITE_ERROR)
  }
  t->response->body.append(data, n);
  return n;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

size_t OnHeader(char* data, size_t size, size_t nmemb, void* user) noexcept {
  auto* t = static_cast<Transfer*>(user);
  size_t n = size * nmemb;
  t->header_bytes += n;
  if (t->header_bytes > kMaxHeaderBytes) {
    t->headers_too_large = true;
    return 0;
  }
  std::string_view line(data, n);
  if (line.starts_with("HTTP/")) {
    // A new response (after 100 Continue or a proxy CONNECT): only the last one counts.
    t->response->headers.clear();
    return n;
  }
  size_t colon = line.find(':');
  if (colon == std::string_view::npos) return n;  // blank line ending the headers
  std::string name(Trim(line.substr(0, colon)));
  std::transform(name.begin(), name.end(), name.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  t->response->headers.emplace_back(std::move(name), std::string(Trim(line.substr(colon + 1))));
  return n;
}

StatusOr<std::vector<crypto::X509Ptr>> ParseCaBundle(std::string_view pem) {
  std::vector<crypto::X509Ptr> certs;
  if (Trim(pem).empty()) return certs;
  crypto::BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (!bio) return InternalError(crypto::DrainOpenSslErrors("BIO_new_mem_buf"));
  while (true) {
    crypto::X509Ptr cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
    if (!cert) break;
    certs.push_back(std::move(cert));
  }
  (void)crypto::DrainOpenSslErrors("");  // the end-of-input "no start line" is expected
  size_t blocks = 0;
  for (size_t pos = pem.find("-----BEGIN"); pos != std::string_view::npos;
       pos = pem.find("-----BEGIN", pos + 1)) {
    ++blocks;
  }
  if (certs.empty() || certs.size() != blocks) {
    return InvalidArgumentError("CA bundle: not a PEM bundle of certificates");
  }
  return certs;
}

Status CurlStatus(CURLcode code, const char* error_buffer, const Transfer& t,
                  const HttpRequest& request) {
  std::string detail = error_buffer[0] ? error_buffer : curl_easy_strerror(code);
  std::string where = request.method + " " + request.url + ": ";
  switch (code) {
    case CURLE_WRITE_ERROR:
      if (t.body_too_large) {
        return ResourceExhaustedError(where + "response body exceeds " +
                                      std::to_string(t.max_body_bytes) + " bytes");
      }
      break;
    case CURLE_OPERATION_TIMEDOUT:
      return DeadlineExceededError(where + detail);
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_URL_MALFORMAT:
      return InvalidArgumentError(where + detail);
    default:
      break;
  }
  if (t.headers_too_large) return ResourceExhaustedError(where + "response headers too large");
  return UnavailableError(where + detail);
}

}  // namespace

void GlobalInit() {
  std::call_once(global_init_once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

const std::string* HttpResponse::Header(std::string_view lower_name) const {
  for (const auto& [name, value] : headers) {
    if (name == lower_name) return &value;
  }
  return nullptr;
}

StatusOr<std::unique_ptr<HttpClient>> HttpClient::Create(const TlsOptions& options) {
  GlobalInit();
  CN_ASSIGN_OR_RETURN(auto cas, ParseCaBundle(options.extra_ca_pem));
  CN_ASSIGN_OR_RETURN(X509StorePtr store, NewCaStore(cas));
  return std::unique_ptr<HttpClient>(new HttpClient(options, std::move(store)));
}

HttpClient::HttpClient(TlsOptions options, X509StorePtr ca_store)
    : options_(std::move(options)), ca_store_(std::move(ca_store)) {}

HttpClient::~HttpClient() = default;

CurlPtr HttpClient::Acquire() const {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!idle_.empty()) {
      CurlPtr handle = std::move(idle_.back());
      idle_.pop_back();
      curl_easy_reset(handle.get());  // drops options, keeps live connections
      return handle;
    }
  }
  return CurlPtr(curl_easy_init());
}

void HttpClient::Release(CurlPtr handle) const {
  std::lock_guard<std::mutex> lock(mu_);
  if (idle_.size() < kMaxIdleHandles) idle_.push_back(std::move(handle));
}

CURLcode HttpClient::UseCaStore(CURL*, void* ssl_ctx, void* self) noexcept {
  auto* client = static_cast<const HttpClient*>(self);
  // Takes a reference: the store outlives the connection even if the client goes first.
  SSL_CTX_set1_cert_store(static_cast<SSL_CTX*>(ssl_ctx), client->ca_store_.get());
  return CURLE_OK;
}

// One transfer's state: what curl's callbacks and options point at while it runs.
struct HttpClient::Call {
  Call() = default;
  Call(const Call&) = delete;  // `transfer` points into the object itself
  Call& operator=(const Call&) = delete;

  HttpResponse response;
  Transfer transfer{&response, 0};
  char error_buffer[CURL_ERROR_SIZE] = {0};
  CurlSlistPtr headers;
};

Status HttpClient::Prepare(CURL* h, const HttpRequest& request, Call* call) const {
  if (request.deadline.expired()) {
    return DeadlineExceededError(request.method + " " + request.url + ": deadline exceeded");
  }
  call->transfer.max_body_bytes = request.max_body_bytes;
  for (const auto& [name, value] : request.headers) {
    std::string line = value.empty() ? name + ";" : name + ": " + value;
    curl_slist* appended = curl_slist_append(call->headers.get(), line.c_str());
    if (!appended) return InternalError("curl_slist_append failed");
    (void)call->headers.release();  // now owned by `appended`
    call->headers.reset(appended);
  }
  long total_ms = std::max<long>(1, static_cast<long>(request.deadline.remaining().count()));
  long connect_ms = std::max<long>(1, std::min<long>(total_ms, request.connect_timeout.count()));

  curl_easy_setopt(h, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, options_.allow_plain_http ? "http,https" : "https");
  curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "https");
  curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, connect_ms);
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, total_ms);
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, call->error_buffer);
  curl_easy_setopt(h, CURLOPT_USERAGENT, "connaisseur-cpp/0.1");
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, &OnBody);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &call->transfer);
  curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, &OnHeader);
  curl_easy_setopt(h, CURLOPT_HEADERDATA, &call->transfer);
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, call->headers.get());
  curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(request.max_body_bytes));
  // curl loads no CA file itself (it would parse the system bundle per connection); every
  // connection gets this client's prebuilt store instead. Peer verification stays on.
  curl_easy_setopt(h, CURLOPT_CAINFO, nullptr);
  curl_easy_setopt(h, CURLOPT_CAPATH, nullptr);
  curl_easy_setopt(h, CURLOPT_CA_CACHE_TIMEOUT, 0L);
  curl_easy_setopt(h, CURLOPT_SSL_CTX_FUNCTION, &HttpClient::UseCaStore);
  curl_easy_setopt(h, CURLOPT_SSL_CTX_DATA, const_cast<HttpClient*>(this));
  if (request.aws_sigv4) {
    // curl copies the strings; curl_easy_reset (on reuse) forgets them.
    curl_easy_setopt(h, CURLOPT_AWS_SIGV4, request.aws_sigv4->provider.c_str());
    curl_easy_setopt(h, CURLOPT_USERNAME, request.aws_sigv4->access_key_id.c_str());
    curl_easy_setopt(h, CURLOPT_PASSWORD, request.aws_sigv4->secret_access_key.c_str());
  }
  if (request.method == "HEAD") {
    curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
  } else if (request.method != "GET") {
    curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  }
  if (!request.body.empty() || request.method == "POST" || request.method == "PUT") {
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, request.body.data());
  }
  return Status::Ok();
}

StatusOr<HttpResponse> HttpClient::Finish(CURL* h, CURLcode code, Call* call,
                                          const HttpRequest& request) {
  if (code == CURLE_FILESIZE_EXCEEDED) {
    call->transfer.body_too_large = true;
    code = CURLE_WRITE_ERROR;
  }
  if (code != CURLE_OK) return CurlStatus(code, call->error_buffer, call->transfer, request);
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &call->response.status);
  // The handle's options point at `call`; clear them before the handle is pooled.
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, nullptr);
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, nullptr);
  if (request.aws_sigv4) curl_easy_setopt(h, CURLOPT_PASSWORD, nullptr);  // no secret kept idle
  return std::move(call->response);
}

StatusOr<HttpResponse> HttpClient::Send(const HttpRequest& request) const {
  if (request.deadline.expired()) {
    return DeadlineExceededError(request.method + " " + request.url + ": deadline exceeded");
  }
  auto slot = OriginSlots::Process().Acquire(UrlOrigin(request.url), request.deadline);
  if (!slot.ok()) return slot.status().WithPrefix(request.method + " " + request.url);
  CurlPtr curl = Acquire();
  if (!curl) return InternalError("curl_easy_init failed");
  Call call;
  CN_RETURN_IF_ERROR(Prepare(curl.get(), request, &call));
  auto response = Finish(curl.get(), curl_easy_perform(curl.get()), &call, request);
  // Drop the handle after a failure so that a half-read connection is never reused.
  if (response.ok()) Release(std::move(curl));
  return response;
}

HttpClient::Batch HttpClient::AcquireBatch() const {
  std::lock_guard<std::mutex> lock(mu_);
  if (idle_batches_.empty()) return Batch{CurlMultiPtr(curl_multi_init()), {}};
  Batch batch = std::move(idle_batches_.back());
  idle_batches_.pop_back();
  return batch;
}

void HttpClient::ReleaseBatch(Batch batch) const {
  std::lock_guard<std::mutex> lock(mu_);
  if (idle_batches_.size() < kMaxIdleHandles) idle_batches_.push_back(std::move(batch));
}

std::vector<StatusOr<HttpResponse>> HttpClient::SendAll(
    const std::vector<HttpRequest>& requests) const {
  if (requests.empty()) return {};
  // A batch (one caller's fetches, e.g. a notary's delegations) holds one slot of its first
  // request's origin.
  auto slot = OriginSlots::Process().Acquire(UrlOrigin(requests[0].url), requests[0].deadline);
  if (!slot.ok()) return std::vector<StatusOr<HttpResponse>>(requests.size(), slot.status());
  return SendBatch(requests);
}

std::vector<StatusOr<HttpResponse>> HttpClient::SendBatch(
    const std::vector<HttpRequest>& requests) const {
  std::vector<StatusOr<HttpResponse>> results(requests.size(), InternalError("not run"));
  Batch batch = AcquireBatch();
  if (!batch.multi) {
    for (auto& r : results) r = InternalError("curl_multi_init failed");
    return results;
  }
  CURLM* multi = batch.multi.get();
  curl_multi_setopt(multi, CURLMOPT_MAXCONNECTS, static_cast<long>(kMaxIdleHandles));
  // Handles used with curl_easy_perform own connections that adding them to a multi handle
  // would close, so a batch keeps easy handles of its own.
  while (batch.easies.size() < requests.size()) batch.easies.emplace_back(curl_easy_init());
  std::vector<Call> calls(requests.size());
  std::vector<bool> running(requests.size(), false);
  for (size_t i = 0; i < requests.size(); ++i) {
    CURL* h = batch.easies[i].get();
    if (!h) {
      results[i] = InternalError("curl_easy_init failed");
      continue;
    }
    curl_easy_reset(h);  // drops options, keeps nothing else: connections live in `multi`
    Status prepared = Prepare(h, requests[i], &calls[i]);
    if (!prepared.ok()) {
      results[i] = prepared;
      continue;
    }
    if (curl_multi_add_handle(multi, h) != CURLM_OK) {
      results[i] = InternalError("curl_multi_add_handle failed");
      continue;
    }
    running[i] = true;
  }
  bool broken = false;
  for (int still_running = 1; still_running > 0;) {
    if (curl_multi_perform(multi, &still_running) != CURLM_OK) broken = true;
    if (broken || still_running == 0) break;
    // Wakes for socket activity and curl's own timers (each transfer's timeout).
    if (curl_multi_poll(multi, nullptr, 0, 1000, nullptr) != CURLM_OK) broken = true;
  }
  int left = 0;
  while (CURLMsg* msg = curl_multi_info_read(multi, &left)) {
    if (msg->msg != CURLMSG_DONE) continue;
    for (size_t i = 0; i < requests.size(); ++i) {
      if (!running[i] || batch.easies[i].get() != msg->easy_handle) continue;
      results[i] = Finish(msg->easy_handle, msg->data.result, &calls[i], requests[i]);
      running[i] = false;
    }
  }
  for (size_t i = 0; i < requests.size(); ++i) {
    if (running[i]) results[i] = InternalError(requests[i].url + ": transfer did not finish");
    curl_multi_remove_handle(multi, batch.easies[i].get());
  }
  // A failed transfer's connection is closed by curl; the others stay in `multi` for later.
  if (!broken) ReleaseBatch(std::move(batch));
  return results;
}

}  // namespace connaisseur::net
