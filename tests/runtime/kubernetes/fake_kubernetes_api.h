// FakeKubernetesApi: a loopback HTTPS server (TestHttpsServer with the shared test CA) answering
// GET /api/v1/namespaces/<ns>/{serviceaccounts,secrets}/<name> and GET /api/v1/namespaces/<ns>
// (resource "namespaces") from objects the test puts in, as
// the API server does: 401 unless the request carries the current bearer token, 403 for a
// resource the test forbids, 404 for an unknown object, 405 for anything but GET. It also
// writes the service-account directory (`token`, `ca.crt`, `namespace`) a Pod would have.
// Debian has no kube-apiserver; this serves exactly the endpoints the keychain and the namespace
// label reader use.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "runtime/kubernetes/api_client.h"
#include "runtime/status.h"
#include "tests/runtime/net/test_https_server.h"

namespace connaisseur::testing {

class FakeKubernetesApi {
 public:
  static StatusOr<std::unique_ptr<FakeKubernetesApi>> Start();
  ~FakeKubernetesApi();

  // A ServiceAccount whose imagePullSecrets name `pull_secrets`.
  void PutServiceAccount(const std::string& ns, const std::string& name,
                         const std::vector<std::string>& pull_secrets);
  // A kubernetes.io/dockerconfigjson Secret with one `auths` entry `registry_key`.
  void PutDockerConfigSecret(const std::string& ns, const std::string& name,
                             const std::string& registry_key, const std::string& username,
                             const std::string& password);
  // A Namespace with `labels` (a JSON object; null: no labels key).
  void PutNamespace(const std::string& name, nlohmann::json labels);
  // Any Secret object, served as given.
  void PutSecret(const std::string& ns, const std::string& name, nlohmann::json object);
  // Answers 403 for `resource` ("secrets", "serviceaccounts", "namespaces") from now on.
  void Forbid(const std::string& resource);
  // Writes a new token file; the server accepts only the new token from now on.
  void RotateToken(const std::string& token);

  // GETs of `resource` answered so far (any status).
  size_t requests(const std::string& resource) const;
  // The directory holding `token`, `ca.crt` and `namespace`.
  const std::string& service_account_dir() const { return dir_; }
  // Where a client finds this server (url, CA, token file).
  kubernetes::ApiServer api_server() const;
  int port() const;

 private:
  FakeKubernetesApi() = default;
  TestResponse Answer(const TestRequest& request);

  std::string dir_;
  std::unique_ptr<TestHttpsServer> server_;
  mutable std::mutex mu_;
  std::string token_;                              // guarded by mu_
  std::map<std::string, nlohmann::json> objects_;  // "<resource>/<ns>/<name>"; guarded
  std::set<std::string> forbidden_;                // guarded by mu_
  std::map<std::string, size_t> requests_;         // by resource; guarded by mu_
};

}  // namespace connaisseur::testing
