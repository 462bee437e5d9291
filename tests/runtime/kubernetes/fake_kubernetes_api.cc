#include "tests/runtime/kubernetes/fake_kubernetes_api.h"

#include <filesystem>

#include "runtime/crypto/encoding.h"
#include "tests/runtime/net/test_ca.h"

namespace connaisseur::testing {
namespace {

constexpr char kInitialToken[] = "fake-service-account-token-1";

TestResponse Json(int status, const nlohmann::json& body) {
  TestResponse r;
  r.status = status;
  r.headers = {{"Content-Type", "application/json"}};
  r.body = body.dump();
  return r;
}

TestResponse StatusObject(int status, const std::string& reason) {
  return Json(status,
              {{"kind", "Status"}, {"status", "Failure"}, {"reason", reason}, {"code", status}});
}

}  // namespace

StatusOr<std::unique_ptr<FakeKubernetesApi>> FakeKubernetesApi::Start() {
  const TestCa* ca = TestCa::Shared();
  if (ca == nullptr) return InternalError("no test CA");
  std::unique_ptr<FakeKubernetesApi> api(new FakeKubernetesApi());
  CN_ASSIGN_OR_RETURN(api->dir_, MakeTempDir("fake-kube-api"));
  CN_RETURN_IF_ERROR(WriteFile(api->dir_ + "/ca.crt", ca->ca_cert_pem()));
  CN_RETURN_IF_ERROR(WriteFile(api->dir_ + "/namespace", "connaisseur"));
  api->RotateToken(kInitialToken);
  FakeKubernetesApi* self = api.get();
  CN_ASSIGN_OR_RETURN(api->server_, TestHttpsServer::Start(
                                        ca->server_cert_pem(), ca->server_key_pem(),
                                        [self](const TestRequest& r) { return self->Answer(r); }));
  return api;
}

FakeKubernetesApi::~FakeKubernetesApi() {
  server_.reset();  // stop answering before the objects go
  std::error_code ec;
  if (!dir_.empty()) std::filesystem::remove_all(dir_, ec);
}

void FakeKubernetesApi::PutServiceAccount(const std::string& ns, const std::string& name,
                                          const std::vector<std::string>& pull_secrets) {
  nlohmann::json account = {{"apiVersion", "v1"},
                            {"kind", "ServiceAccount"},
                            {"metadata", {{"name", name}, {"namespace", ns}}}};
  for (const std::string& s : pull_secrets) account["imagePullSecrets"].push_back({{"name", s}});
  std::lock_guard<std::mutex> lock(mu_);
  objects_["serviceaccounts/" + ns + "/" + name] = std::move(account);
}

void FakeKubernetesApi::PutDockerConfigSecret(const std::string& ns, const std::string& name,
                                              const std::string& registry_key,
                                              const std::string& username,
                                              const std::string& password) {
  const nlohmann::json config = {{"auths",
                                  {{registry_key,
                                    {{"username", username},
                                     {"password", password},
                                     {"auth", crypto::Base64Encode(username + ":" + password)}}}}}};
  PutSecret(ns, name,
            {{"apiVersion", "v1"},
             {"kind", "Secret"},
             {"metadata", {{"name", name}, {"namespace", ns}}},
             {"type", "kubernetes.io/dockerconfigjson"},
             {"data", {{".dockerconfigjson", crypto::Base64Encode(config.dump())}}}});
}

void FakeKubernetesApi::PutNamespace(const std::string& name, nlohmann::json labels) {
  nlohmann::json ns = {{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", name}}}};
  if (!labels.is_null()) ns["metadata"]["labels"] = std::move(labels);
  std::lock_guard<std::mutex> lock(mu_);
  objects_["namespaces//" + name] = std::move(ns);
}

void FakeKubernetesApi::PutSecret(const std::string& ns, const std::string& name,
                                  nlohmann::json object) {
  std::lock_guard<std::mutex> lock(mu_);
  objects_["secrets/" + ns + "/" + name] = std::move(object);
}

void FakeKubernetesApi::Forbid(const std::string& resource) {
  std::lock_guard<std::mutex> lock(mu_);
  forbidden_.insert(resource);
}

void FakeKubernetesApi::RotateToken(const std::string& token) {
  std::lock_guard<std::mutex> lock(mu_);
  token_ = token;
  Status written = WriteFile(dir_ + "/token", token);
  (void)written;  // a test that cannot write its temp dir fails on the next request anyway
}

size_t FakeKubernetesApi::requests(const std::string& resource) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = requests_.find(resource);
  return it == requests_.end() ? 0 : it->second;
}

kubernetes::ApiServer FakeKubernetesApi::api_server() const {
  return {"https://127.0.0.1:" + std::to_string(server_->port()), TestCa::Shared()->ca_cert_pem(),
          dir_ + "/token"};
}

int FakeKubernetesApi::port() const { return server_->port(); }

TestResponse FakeKubernetesApi::Answer(const TestRequest& request) {
  // /api/v1/namespaces/<ns>/<resource>/<name>, or /api/v1/namespaces/<name> (kept under
  // "namespaces//<name>")
  static constexpr std::string_view kPrefix = "/api/v1/namespaces/";
  std::lock_guard<std::mutex> lock(mu_);
  const std::string* auth = request.Header("authorization");
  if (auth == nullptr || *auth != "Bearer " + token_) return StatusObject(401, "Unauthorized");
  if (request.method != "GET") return StatusObject(405, "MethodNotAllowed");
  std::string_view path = request.path;
  if (path.substr(0, kPrefix.size()) != kPrefix) return StatusObject(404, "NotFound");
  path.remove_prefix(kPrefix.size());
  const size_t a = path.find('/'), b = path.find('/', a + 1);
  if (a != std::string_view::npos && b == std::string_view::npos) {
    return StatusObject(404, "NotFound");
  }
  const bool is_namespace = a == std::string_view::npos;
  const std::string ns(is_namespace ? "" : path.substr(0, a)),
      resource(is_namespace ? "namespaces" : path.substr(a + 1, b - a - 1)),
      name(is_namespace ? path : path.substr(b + 1));
  ++requests_[resource];
  if (forbidden_.contains(resource)) return StatusObject(403, "Forbidden");
  auto it = objects_.find(resource + "/" + ns + "/" + name);
  if (it == objects_.end()) return StatusObject(404, "NotFound");
  return Json(200, it->second);
}

}  // namespace connaisseur::testing
