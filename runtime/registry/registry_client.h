// RegistryClient: the OCI distribution API, as much of it as signature checks and our signer
// need: resolve a tag, fetch manifests and blobs by digest (each verified against its digest),
// push blobs and manifests. Auth is anonymous, HTTP Basic, or the bearer-token flow (tokens
// cached per realm, service and scope). Every body has a size cap; every call has a deadline.
// Thread-safe: one client per validator serves all workers.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "runtime/deadline.h"
#include "runtime/net/bearer_token.h"
#include "runtime/net/http_client.h"
#include "runtime/status.h"

namespace connaisseur::registry {

struct RegistryOptions {
  // PEM CA bundle trusted besides the system CAs (validator `cert`). Default: none.
  std::string ca_pem;
  // Speak http:// instead of https:// (tests; registries on loopback). Default false.
  bool plain_http = false;
  // Sent as Basic at the registry or at the token realm. Default: anonymous.
  std::optional<net::BasicCredentials> credentials;
  // Distribution refuses manifests over 4 MiB itself; larger bodies are hostile.
  size_t max_manifest_bytes = 4u << 20;
  // Blobs we read are signature payloads and configs: small JSON documents.
  size_t max_blob_bytes = 4u << 20;
};

// A manifest as served: bytes, the media type the registry named, and the digest of the bytes.
struct Manifest {
  std::string media_type;
  std::string digest;  // "sha256:<hex>" of `body`, checked against Docker-Content-Digest
  std::string body;
};

class RegistryClient {
 public:
  static StatusOr<std::unique_ptr<RegistryClient>> Create(RegistryOptions options);

  // The API host of a registry name: "docker.io" (and "index.docker.io") → "registry-1.docker.io".
  static std::string ApiHost(std::string_view registry);

  // GET /v2/<repository>/manifests/<reference> (a tag or "sha256:<hex>"). For a digest
  // reference the body must hash to it. Errors: kNotFound (404 / MANIFEST_UNKNOWN: "manifest
  // <ref> not found"), kVerificationFailed (digest mismatch), kPermissionDenied (401/403 after
  // auth), kUnavailable (5xx, transport), kDeadlineExceeded, kResourceExhausted (size cap).
  StatusOr<Manifest> GetManifest(std::string_view registry, std::string_view repository,
                                 std::string_view reference, Deadline deadline);

  // GET /v2/<repository>/blobs/<digest>, verified against `digest` (and `expected_size` when
  // >= 0). Same errors as GetManifest.
  StatusOr<std::string> GetBlob(std::string_view registry, std::string_view repository,
                                std::string_view digest, int64_t expected_size, Deadline deadline);

  // Uploads `bytes` unless the registry already has them (HEAD first); returns the digest.
  StatusOr<std::string> PutBlob(std::string_view registry, std::string_view repository,
                                std::string_view bytes, Deadline deadline);

  // PUT /v2/<repository>/manifests/<tag> with `media_type`; returns the manifest digest. When
  // `subject_indexed` is given, it is set to whether the registry answered with an OCI-Subject
  // header, i.e. indexed the manifest's `subject` for its referrers API (OCI distribution 1.1).
  StatusOr<std::string> PutManifest(std::string_view registry, std::string_view repository,
                                    std::string_view tag, std::string_view body,
                                    std::string_view media_type, Deadline deadline,
                                    bool* subject_indexed = nullptr);

  // GET /v2/<repository>/referrers/<digest>?artifactType=<artifact_type> (OCI distribution 1.1):
  // the image index listing the manifests whose `subject` is `digest`. nullopt when the registry
  // answers 404, which the specification reserves for "no referrers API" (the caller then reads
  // the referrers tag). The body is not content-addressed, so nothing is verified here; it is
  // capped like a manifest. Other errors as GetManifest.
  StatusOr<std::optional<std::string>> GetReferrers(std::string_view registry,
                                                    std::string_view repository,
                                                    std::string_view digest,
                                                    std::string_view artifact_type,
                                                    Deadline deadline);

 private:
  RegistryClient(RegistryOptions options, std::unique_ptr<net::HttpClient> http);

  // Sends `request` to `registry`, answering a 401 challenge once (Basic or Bearer for
  // `scope`), and remembering Bearer challenges per host so later calls send a token at once.
  StatusOr<net::HttpResponse> Send(std::string_view registry, net::HttpRequest request,
                                   const std::string& scope);
  std::string BaseUrl(std::string_view registry) const;
  // http_->Send, asking again after a 429 whose Retry-After (delta-seconds) ends before the
  // request's deadline, at most twice; otherwise the 429 is the answer.
  StatusOr<net::HttpResponse> SendHonouringRetryAfter(const net::HttpRequest& request) const;
  // Follows `response` while it is a redirect (at most kMaxBlobRedirects hops, all within
  // `deadline`); see GetBlob.
  StatusOr<net::HttpResponse> FollowBlobRedirects(std::string_view registry,
                                                  net::HttpResponse response, std::string url,
                                                  const std::string& scope, Deadline deadline);

  const RegistryOptions options_;
  std::unique_ptr<net::HttpClient> http_;
  net::BearerTokenSource tokens_;
  std::mutex mu_;
  std::map<std::string, net::AuthChallenge> challenges_;  // guarded by mu_; by API host
};

}  // namespace connaisseur::registry
