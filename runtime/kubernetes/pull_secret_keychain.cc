#include "runtime/kubernetes/pull_secret_keychain.h"

#include "runtime/crypto/encoding.h"

namespace connaisseur::kubernetes {
namespace {

using nlohmann::json;

constexpr char kDockerConfigJsonType[] = "kubernetes.io/dockerconfigjson";
constexpr char kDockercfgType[] = "kubernetes.io/dockercfg";

// The string at object[field], or "" when absent or not a string.
std::string StringField(const json& object, const char* field) {
  auto it = object.find(field);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// The pull-secret entries of a Secret object as the API serves it (data values in base64).
StatusOr<std::shared_ptr<const registry::PullSecretKeyring>> ParsePullSecret(const json& secret) {
  const std::string type = StringField(secret, "type");
  const char* data_key = type == kDockerConfigJsonType ? ".dockerconfigjson"
                         : type == kDockercfgType      ? ".dockercfg"
                                                       : nullptr;
  if (data_key == nullptr) return std::shared_ptr<const registry::PullSecretKeyring>();
  auto data = secret.find("data");
  const std::string encoded =
      data != secret.end() && data->is_object() ? StringField(*data, data_key) : "";
  if (encoded.empty()) return std::shared_ptr<const registry::PullSecretKeyring>();
  auto decoded = crypto::Base64Decode(encoded);
  if (!decoded.ok()) return InvalidArgumentError(std::string(data_key) + " is not base64");
  auto keyring = std::make_shared<registry::PullSecretKeyring>();
  CN_RETURN_IF_ERROR(type == kDockerConfigJsonType ? keyring->AddDockerConfigJson(*decoded)
                                                   : keyring->AddDockercfg(*decoded));
  return std::shared_ptr<const registry::PullSecretKeyring>(std::move(keyring));
}

// The names in a ServiceAccount object's imagePullSecrets.
StatusOr<std::shared_ptr<const std::vector<std::string>>> ParsePullSecretNames(
    const json& account) {
  auto names = std::make_shared<std::vector<std::string>>();
  auto refs = account.find("imagePullSecrets");
  if (refs == account.end() || refs->is_null()) {
    return std::shared_ptr<const std::vector<std::string>>(std::move(names));
  }
  if (!refs->is_array()) return InvalidArgumentError("imagePullSecrets is not a list");
  for (const json& ref : *refs) {
    if (!ref.is_object()) return InvalidArgumentError("imagePullSecrets holds a non-object");
    const std::string name = StringField(ref, "name");
    if (!name.empty()) names->push_back(name);
  }
  return std::shared_ptr<const std::vector<std::string>>(std::move(names));
}

}  // namespace

PullSecretKeychain::PullSecretKeychain(std::unique_ptr<ApiClient> api, Options options)
    : api_(std::move(api)),
      secrets_(options.ttl, options.now),
      service_accounts_(options.ttl, options.now) {}

StatusOr<PullSecretKeychain::KeyringPtr> PullSecretKeychain::SecretKeyring(
    const std::string& namespace_name, const std::string& name, Deadline deadline) {
  return secrets_.Get(namespace_name + "/" + name, deadline, [&]() -> StatusOr<KeyringPtr> {
    auto secret = api_->GetCoreObject(namespace_name, "secrets", name, deadline);
    if (!secret.ok()) {
      if (secret.status().code() == StatusCode::kNotFound) return KeyringPtr();
      return secret.status();
    }
    auto keyring = ParsePullSecret(*secret);
    if (!keyring.ok()) {
      return keyring.status().WithPrefix("pull secret " + namespace_name + "/" + name);
    }
    return keyring;
  });
}

StatusOr<PullSecretKeychain::NamesPtr> PullSecretKeychain::ServiceAccountPullSecrets(
    const std::string& namespace_name, const std::string& name, Deadline deadline) {
  return service_accounts_.Get(namespace_name + "/" + name, deadline, [&]() -> StatusOr<NamesPtr> {
    auto account = api_->GetCoreObject(namespace_name, "serviceaccounts", name, deadline);
    if (!account.ok()) {
      if (account.status().code() == StatusCode::kNotFound) return NamesPtr();
      return account.status();
    }
    auto names = ParsePullSecretNames(*account);
    if (!names.ok()) {
      return names.status().WithPrefix("service account " + namespace_name + "/" + name);
    }
    return names;
  });
}

StatusOr<std::optional<net::BasicCredentials>> PullSecretKeychain::Resolve(
    const verification::PullContext& pull, std::string_view registry, std::string_view repository,
    Deadline deadline) {
  if (pull.empty()) return std::optional<net::BasicCredentials>();
  const std::string& ns = pull.namespace_name;
  const std::string account = pull.service_account.empty() ? "default" : pull.service_account;
  registry::PullSecretKeyring keyring;
  for (const std::string& name : pull.image_pull_secrets) {
    CN_ASSIGN_OR_RETURN(KeyringPtr secret, SecretKeyring(ns, name, deadline));
    if (secret) keyring.Append(*secret);
  }
  CN_ASSIGN_OR_RETURN(NamesPtr account_secrets, ServiceAccountPullSecrets(ns, account, deadline));
  if (account_secrets) {
    for (const std::string& name : *account_secrets) {
      CN_ASSIGN_OR_RETURN(KeyringPtr secret, SecretKeyring(ns, name, deadline));
      if (secret) keyring.Append(*secret);
    }
  }
  return keyring.Lookup(registry, repository);
}

StatusOr<std::shared_ptr<PullSecretKeychain>> InClusterKeychain() {
  static const StatusOr<std::shared_ptr<PullSecretKeychain>> keychain =
      []() -> StatusOr<std::shared_ptr<PullSecretKeychain>> {
    CN_ASSIGN_OR_RETURN(std::optional<ApiServer> server, InClusterApiServer());
    if (!server) return std::shared_ptr<PullSecretKeychain>();
    CN_ASSIGN_OR_RETURN(auto api, ApiClient::Create(*std::move(server)));
    return std::make_shared<PullSecretKeychain>(std::move(api), PullSecretKeychain::Options{});
  }();
  return keychain;
}

}  // namespace connaisseur::kubernetes
