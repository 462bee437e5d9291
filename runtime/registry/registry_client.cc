#include "runtime/registry/registry_client.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <nlohmann/json.hpp>
#include <thread>

#include "runtime/crypto/digest.h"
#include "runtime/crypto/encoding.h"
#include "runtime/net/url.h"
#include "runtime/registry/media_types.h"

namespace connaisseur::registry {

namespace {

bool IsDigest(std::string_view ref) { return ref.rfind("sha256:", 0) == 0; }

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

// The first `errors[].code` of a distribution error body ("MANIFEST_UNKNOWN"), or "".
std::string ErrorCode(const std::string& body) {
  auto doc = nlohmann::json::parse(body, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) return "";
  auto errors = doc.find("errors");
  if (errors == doc.end() || !errors->is_array() || errors->empty()) return "";
  const auto& first = (*errors)[0];
  if (!first.is_object() || !first.contains("code") || !first["code"].is_string()) return "";
  return first["code"].get<std::string>();
}

// Maps a non-success response to a Status naming `what`.
Status HttpError(const net::HttpResponse& r, const std::string& what) {
  const std::string code = ErrorCode(r.body);
  const std::string detail =
      "registry answered " + std::to_string(r.status) + (code.empty() ? "" : " " + code);
  if (r.status == 404 || code == "MANIFEST_UNKNOWN" || code == "BLOB_UNKNOWN" ||
      code == "NAME_UNKNOWN") {
    return NotFoundError(what + " not found (" + detail + ")");
  }
  if (r.status == 401 || r.status == 403) return PermissionDeniedError(what + ": " + detail);
  if (r.status == 429) {
    const std::string* after = r.Header("retry-after");
    return UnavailableError(what + ": " + detail + " (rate limited" +
                            (after ? "; Retry-After " + after->substr(0, 40) : "") +
                            ", not before the deadline)");
  }
  return UnavailableError(what + ": " + detail);
}

std::string Pull(std::string_view repository) {
  return "repository:" + std::string(repository) + ":pull";
}
std::string Push(std::string_view repository) {
  return "repository:" + std::string(repository) + ":pull,push";
}

std::string BasicHeader(const net::BasicCredentials& c) {
  return "Basic " + crypto::Base64Encode(c.username + ":" + c.password);
}

bool IsRedirect(int status) {
  return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

// Docker Hub, ghcr.io, quay.io and Artifact Registry hand out blobs through pre-signed storage URLs
// on other hosts. More hops than this is a loop or an attack.
constexpr int kMaxBlobRedirects = 5;

// Content-Type without parameters.
std::string MediaType(const net::HttpResponse& r) {
  const std::string* ct = r.Header("content-type");
  if (ct == nullptr) return "";
  return ct->substr(0, ct->find(';'));
}

}  // namespace

StatusOr<std::unique_ptr<RegistryClient>> RegistryClient::Create(RegistryOptions options) {
  net::TlsOptions tls;
  tls.extra_ca_pem = options.ca_pem;
  tls.allow_plain_http = options.plain_http;
  CN_ASSIGN_OR_RETURN(auto http, net::HttpClient::Create(tls));
  return std::unique_ptr<RegistryClient>(new RegistryClient(std::move(options), std::move(http)));
}

RegistryClient::RegistryClient(RegistryOptions options, std::unique_ptr<net::HttpClient> http)
    : options_(std::move(options)),
      http_(std::move(http)),
      tokens_(http_.get(), net::TokenShape::kBearer) {}

std::string RegistryClient::ApiHost(std::string_view registry) {
  if (registry == "docker.io" || registry == "index.docker.io") return "registry-1.docker.io";
  return std::string(registry);
}

std::string RegistryClient::BaseUrl(std::string_view registry) const {
  return (options_.plain_http ? "http://" : "https://") + ApiHost(registry);
}

StatusOr<net::HttpResponse> RegistryClient::Send(std::string_view registry,
                                                 net::HttpRequest request,
                                                 const std::string& scope) {
  const std::string host = ApiHost(registry);
  std::optional<net::AuthChallenge> known;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = challenges_.find(host);
    if (it != challenges_.end()) known = it->second;
  }
  net::HttpRequest first = request;
  bool sent_auth = false;
  if (known && EqualsIgnoreCase(known->scheme, "bearer")) {
    auto token = tokens_.Token(*known, scope, options_.credentials, request.deadline);
    if (token.ok()) {
      first.headers.emplace_back("Authorization", "Bearer " + *token);
      sent_auth = true;
    }
  } else if (known && options_.credentials) {
    first.headers.emplace_back("Authorization", BasicHeader(*options_.credentials));
    sent_auth = true;
  }
  CN_ASSIGN_OR_RETURN(net::HttpResponse response, SendHonouringRetryAfter(first));
  if (response.status != 401) return response;

  const std::string* header = response.Header("www-authenticate");
  if (header == nullptr) {
    return PermissionDeniedError("registry " + host + " answered 401 without a challenge");
  }
  CN_ASSIGN_OR_RETURN(net::AuthChallenge challenge, net::ParseAuthChallenge(*header));
  net::HttpRequest retry = std::move(request);
  if (EqualsIgnoreCase(challenge.scheme, "basic")) {
    if (!options_.credentials) {
      return PermissionDeniedError("registry " + host + " requires credentials (401)");
    }
    if (sent_auth) {
      return PermissionDeniedError("registry " + host + " rejected the credentials (401)");
    }
    retry.headers.emplace_back("Authorization", BasicHeader(*options_.credentials));
  } else {
    if (sent_auth) tokens_.Clear();  // the cached token expired or lacked the scope
    auto token = tokens_.Token(challenge, scope, options_.credentials, retry.deadline);
    if (!token.ok()) return token.status().WithPrefix("registry " + host + " token");
    retry.headers.emplace_back("Authorization", "Bearer " + *token);
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    challenges_[host] = challenge;
  }
  CN_ASSIGN_OR_RETURN(response, SendHonouringRetryAfter(retry));
  if (response.status == 401) {
    return PermissionDeniedError("registry " + host + " rejected the credentials (401)");
  }
  return response;
}

StatusOr<net::HttpResponse> RegistryClient::SendHonouringRetryAfter(
    const net::HttpRequest& request) const {
  constexpr int kMaxRateLimitRetries = 2;
  for (int attempt = 0;; ++attempt) {
    CN_ASSIGN_OR_RETURN(net::HttpResponse response, http_->Send(request));
    if (response.status != 429 || attempt == kMaxRateLimitRetries) return response;
    const std::string* after = response.Header("retry-after");
    if (after == nullptr || after->empty() || after->size() > 4 ||
        !std::all_of(after->begin(), after->end(), [](char c) { return c >= '0' && c <= '9'; })) {
      return response;  // absent, an HTTP-date, or absurd: the 429 stands
    }
    const auto wait = std::chrono::seconds(std::stoi(*after));
    if (wait >= request.deadline.remaining()) return response;
    std::this_thread::sleep_for(wait);
  }
}

StatusOr<Manifest> RegistryClient::GetManifest(std::string_view registry,
                                               std::string_view repository,
                                               std::string_view reference, Deadline deadline) {
  const std::string what = "manifest " + std::string(repository) +
                           (IsDigest(reference) ? "@" : ":") + std::string(reference);
  net::HttpRequest req;
  req.url =
      BaseUrl(registry) + "/v2/" + std::string(repository) + "/manifests/" + std::string(reference);
  req.headers.emplace_back("Accept", std::string(kManifestAccept));
  req.max_body_bytes = options_.max_manifest_bytes;
  req.deadline = deadline;
  auto response = Send(registry, std::move(req), Pull(repository));
  if (!response.ok()) return response.status().WithPrefix(what);
  if (response->status != 200) return HttpError(*response, what);
  Manifest m;
  m.body = std::move(response->body);
  m.digest = crypto::OciDigest(m.body);
  const std::string* served = response->Header("docker-content-digest");
  if (served != nullptr && *served != m.digest) {
    return VerificationFailedError(what + ": Docker-Content-Digest " + *served +
                                   " is not the digest of the bytes served (" + m.digest + ")");
  }
  if (IsDigest(reference) && reference != m.digest) {
    return VerificationFailedError(what + ": the bytes served hash to " + m.digest);
  }
  m.media_type = MediaType(*response);
  if (m.media_type.empty()) {
    auto doc = nlohmann::json::parse(m.body, nullptr, false);
    if (doc.is_object() && doc.contains("mediaType") && doc["mediaType"].is_string()) {
      m.media_type = doc["mediaType"].get<std::string>();
    }
  }
  return m;
}

StatusOr<std::string> RegistryClient::GetBlob(std::string_view registry,
                                              std::string_view repository, std::string_view digest,
                                              int64_t expected_size, Deadline deadline) {
  const std::string what = "blob " + std::string(repository) + "@" + std::string(digest);
  if (expected_size > static_cast<int64_t>(options_.max_blob_bytes)) {
    return ResourceExhaustedError(what + ": size " + std::to_string(expected_size) +
                                  " exceeds the limit");
  }
  net::HttpRequest req;
  req.url = BaseUrl(registry) + "/v2/" + std::string(repository) + "/blobs/" + std::string(digest);
  req.max_body_bytes = options_.max_blob_bytes;
  req.deadline = deadline;
  std::string url = req.url;
  auto response = Send(registry, std::move(req), Pull(repository));
  if (response.ok() && IsRedirect(response->status)) {
    response = FollowBlobRedirects(registry, *std::move(response), std::move(url), Pull(repository),
                                   deadline);
  }
  if (!response.ok()) return response.status().WithPrefix(what);
  if (response->status != 200) return HttpError(*response, what);
  const std::string actual = crypto::OciDigest(response->body);
  if (actual != digest) {
    return VerificationFailedError(what + ": content hashes to " + actual);
  }
  if (expected_size >= 0 && static_cast<int64_t>(response->body.size()) != expected_size) {
    return VerificationFailedError(what + ": size " + std::to_string(response->body.size()) +
                                   " differs from the descriptor's " +
                                   std::to_string(expected_size));
  }
  return std::move(response->body);
}

// A blob is checked against its digest, so where its bytes come from does not matter; what does:
// the registry's credentials go only to the registry's own origin (a pre-signed URL carries its
// own), https only unless the registry itself is plain http, a bounded number of hops, and every
// hop within the same deadline (HttpClient enforces it per request).
StatusOr<net::HttpResponse> RegistryClient::FollowBlobRedirects(std::string_view registry,
                                                                net::HttpResponse response,
                                                                std::string url,
                                                                const std::string& scope,
                                                                Deadline deadline) {
  const std::string registry_origin = net::UrlOrigin(BaseUrl(registry));
  for (int hops = 1; IsRedirect(response.status); ++hops) {
    if (hops > kMaxBlobRedirects) {
      return UnavailableError("more than " + std::to_string(kMaxBlobRedirects) + " redirects");
    }
    const std::string* location = response.Header("location");
    if (location == nullptr) {
      return UnavailableError("redirect " + std::to_string(response.status) +
                              " without a Location");
    }
    const std::string next = net::ResolveLocation(url, *location);
    const std::string scheme = net::UrlScheme(next);
    if (scheme != "https" && !(scheme == "http" && options_.plain_http)) {
      return UnavailableError("refused to follow a redirect to \"" + location->substr(0, 200) +
                              "\" (only https URLs are followed)");
    }
    net::HttpRequest hop;
    hop.url = next;
    hop.max_body_bytes = options_.max_blob_bytes;
    hop.deadline = deadline;
    if (net::UrlOrigin(next) == registry_origin) {
      CN_ASSIGN_OR_RETURN(response, Send(registry, std::move(hop), scope));
    } else {
      auto answer = http_->Send(hop);
      if (!answer.ok()) return answer.status().WithPrefix("redirect to " + net::UrlOrigin(next));
      response = *std::move(answer);
    }
    url = next;
  }
  return response;
}

StatusOr<std::string> RegistryClient::PutBlob(std::string_view registry,
                                              std::string_view repository, std::string_view bytes,
                                              Deadline deadline) {
  const std::string digest = crypto::OciDigest(bytes);
  const std::string what = "upload of blob " + std::string(repository) + "@" + digest;
  const std::string base = BaseUrl(registry);
  net::HttpRequest head;
  head.method = "HEAD";
  head.url = base + "/v2/" + std::string(repository) + "/blobs/" + digest;
  head.deadline = deadline;
  CN_ASSIGN_OR_RETURN(auto exists, Send(registry, std::move(head), Push(repository)));
  if (exists.status == 200) return digest;

  net::HttpRequest start;
  start.method = "POST";
  start.url = base + "/v2/" + std::string(repository) + "/blobs/uploads/";
  start.deadline = deadline;
  CN_ASSIGN_OR_RETURN(auto started, Send(registry, std::move(start), Push(repository)));
  const std::string* location = started.Header("location");
  if (started.status != 202 || location == nullptr) return HttpError(started, what);

  net::HttpRequest put;
  put.method = "PUT";
  put.url = net::AppendQuery(location->rfind("/", 0) == 0 ? base + *location : *location,
                             {{"digest", digest}});
  put.headers.emplace_back("Content-Type", "application/octet-stream");
  put.body = std::string(bytes);
  put.deadline = deadline;
  CN_ASSIGN_OR_RETURN(auto done, Send(registry, std::move(put), Push(repository)));
  if (done.status != 201) return HttpError(done, what);
  return digest;
}

StatusOr<std::string> RegistryClient::PutManifest(std::string_view registry,
                                                  std::string_view repository, std::string_view tag,
                                                  std::string_view body,
                                                  std::string_view media_type, Deadline deadline,
                                                  bool* subject_indexed) {
  const std::string what = "push of manifest " + std::string(repository) + ":" + std::string(tag);
  net::HttpRequest put;
  put.method = "PUT";
  put.url = BaseUrl(registry) + "/v2/" + std::string(repository) + "/manifests/" + std::string(tag);
  put.headers.emplace_back("Content-Type", std::string(media_type));
  put.body = std::string(body);
  put.deadline = deadline;
  CN_ASSIGN_OR_RETURN(auto done, Send(registry, std::move(put), Push(repository)));
  if (done.status != 201) return HttpError(done, what);
  if (subject_indexed != nullptr) *subject_indexed = done.Header("oci-subject") != nullptr;
  const std::string digest = crypto::OciDigest(body);
  const std::string* served = done.Header("docker-content-digest");
  if (served != nullptr && *served != digest) {
    return VerificationFailedError(what + ": registry stored digest " + *served + ", expected " +
                                   digest);
  }
  return digest;
}

StatusOr<std::optional<std::string>> RegistryClient::GetReferrers(std::string_view registry,
                                                                  std::string_view repository,
                                                                  std::string_view digest,
                                                                  std::string_view artifact_type,
                                                                  Deadline deadline) {
  const std::string what = "referrers of " + std::string(repository) + "@" + std::string(digest);
  net::HttpRequest req;
  req.url = net::AppendQuery(
      BaseUrl(registry) + "/v2/" + std::string(repository) + "/referrers/" + std::string(digest),
      {{"artifactType", std::string(artifact_type)}});
  req.headers.emplace_back("Accept", std::string(kOciIndex));
  req.max_body_bytes = options_.max_manifest_bytes;
  req.deadline = deadline;
  auto response = Send(registry, std::move(req), Pull(repository));
  if (!response.ok()) return response.status().WithPrefix(what);
  if (response->status == 404) return std::optional<std::string>();
  if (response->status != 200) return HttpError(*response, what);
  return std::optional<std::string>(std::move(response->body));
}

}  // namespace connaisseur::registry
