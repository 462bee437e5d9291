// ApiClient: reads single objects from the Kubernetes API server as the Pod's service account,
// the way client-go's in-cluster configuration does: the server from KUBERNETES_SERVICE_HOST and
// KUBERNETES_SERVICE_PORT, its CA from the service-account directory's `ca.crt`, and the bearer
// token from its `token` file (re-read after kTokenReuse, as the kubelet rotates it, and at once
// when the server answers 401 to a token that has since changed in the file). Requests go
// through the project's HttpClient (https only, verified TLS, deadlines, body cap).
//
// The token is a credential: it is never logged or put in a message.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "runtime/deadline.h"
#include "runtime/net/http_client.h"
#include "runtime/status.h"

namespace connaisseur::kubernetes {

// Where the API server is and how to authenticate to it.
struct ApiServer {
  // "https://<host>:<port>", no trailing slash.
  std::string url;
  // PEM bundle the server's certificate must chain to (the service account's ca.crt), trusted in
  // addition to the system CAs.
  std::string ca_pem;
  // File holding the bearer token (the service account's `token`), read on demand.
  std::string token_path;
};

// The default service-account directory of a Pod.
inline constexpr char kServiceAccountDir[] = "/var/run/secrets/kubernetes.io/serviceaccount";
// Environment variable naming another service-account directory (tests, unusual mounts).
inline constexpr char kServiceAccountDirEnv[] = "CONNAISSEUR_SERVICEACCOUNT_DIR";

// The API server of the cluster this process runs in, from the environment
// (KUBERNETES_SERVICE_HOST, KUBERNETES_SERVICE_PORT, $CONNAISSEUR_SERVICEACCOUNT_DIR or
// kServiceAccountDir). nullopt when KUBERNETES_SERVICE_HOST is unset (not in a cluster).
// kInvalidArgument for a malformed port; kNotFound when ca.crt cannot be read.
StatusOr<std::optional<ApiServer>> InClusterApiServer();

class ApiClient {
 public:
  // How long a token read from the file is used before the file is read again (client-go: 1 min).
  static constexpr std::chrono::seconds kTokenReuse{60};
  // Largest object accepted. A Secret holds at most 1 MiB of data, 4/3 of it in base64.
  static constexpr size_t kMaxObjectBytes = 4u << 20;

  // kInvalidArgument when `server.url` is not https or `ca_pem` holds no certificate.
  static StatusOr<std::unique_ptr<ApiClient>> Create(ApiServer server);

  // GET /api/v1/namespaces/<namespace_name>/<resource>/<name> (resource: "secrets",
  // "serviceaccounts"). Names must be Kubernetes object names (lower-case alphanumerics, '-',
  // '.'; at most 253), else kInvalidArgument. Errors: kNotFound (404), kPermissionDenied (401,
  // 403: the RBAC of the chart is missing), kUnavailable (other statuses, transport, a body that
  // is not a JSON object), kDeadlineExceeded. Thread-safe.
  StatusOr<nlohmann::json> GetCoreObject(std::string_view namespace_name, std::string_view resource,
                                         std::string_view name, Deadline deadline) const;

  // GET /api/v1/<resource>/<name> for a cluster-scoped core object (resource: "namespaces").
  // Same name rule, errors and thread-safety as GetCoreObject.
  StatusOr<nlohmann::json> GetClusterObject(std::string_view resource, std::string_view name,
                                            Deadline deadline) const;

  const std::string& url() const { return server_.url; }

 private:
  ApiClient(ApiServer server, std::unique_ptr<net::HttpClient> http)
      : server_(std::move(server)), http_(std::move(http)) {}

  // The bearer token, from the cache (unless `reread`) or the token file. kUnavailable when
  // unreadable or empty.
  StatusOr<std::string> Token(bool reread) const;
  StatusOr<net::HttpResponse> Send(const std::string& url, const std::string& token,
                                   Deadline deadline) const;
  // GET `path` (below the server URL) with the token, retried once after a 401 with a rotated
  // token; errors mapped as GetCoreObject documents. `what` names the object in messages
  // ("secrets ns/name"), `resource` the RBAC resource a 401/403 asks for.
  StatusOr<nlohmann::json> GetObject(const std::string& path, const std::string& what,
                                     std::string_view resource, Deadline deadline) const;

  const ApiServer server_;
  std::unique_ptr<net::HttpClient> http_;
  mutable std::mutex mu_;
  mutable std::string token_;                                      // guarded by mu_; a credential
  mutable std::optional<Deadline::Clock::time_point> token_read_;  // guarded by mu_
};

// Whether `name` is a valid Kubernetes object name (DNS-1123 subdomain: at most 253 characters
// of a-z, 0-9, '-' and '.', starting and ending alphanumeric). Service accounts and secrets are.
bool IsObjectName(std::string_view name);

}  // namespace connaisseur::kubernetes
