#include "tests/runtime/vault/fake_vault.h"

#include <nlohmann/json.hpp>

#include "runtime/crypto/encoding.h"
#include "tests/runtime/net/test_ca.h"

namespace connaisseur::testing {
namespace {

using nlohmann::json;

std::string VaultType(crypto::KeyType type) {
  switch (type) {
    case crypto::KeyType::kEcdsaP256:
      return "ecdsa-p256";
    case crypto::KeyType::kEcdsaP384:
      return "ecdsa-p384";
    case crypto::KeyType::kRsa:
      return "rsa-2048";
    case crypto::KeyType::kEd25519:
      return "ed25519";
  }
  return "";
}

// A version's public key as Vault shows it: PEM, or base64 of the raw bytes for Ed25519.
std::string ShownPublicKey(const crypto::PrivateKey& key, crypto::KeyType type) {
  if (type != crypto::KeyType::kEd25519) return key.PublicPem();
  auto pub = key.Public();
  if (!pub.ok()) return "";
  return crypto::Base64Encode(std::string_view(pub->spki_der()).substr(12));
}

}  // namespace

StatusOr<std::unique_ptr<FakeVault>> FakeVault::Start(Options options) {
  const TestCa* ca = TestCa::Shared();
  if (ca == nullptr) return InternalError("no test CA");
  std::unique_ptr<FakeVault> vault(new FakeVault(std::move(options)));
  FakeVault* self = vault.get();
  CN_ASSIGN_OR_RETURN(vault->server_, TestHttpsServer::Start(
                                          ca->server_cert_pem(), ca->server_key_pem(),
                                          [self](const TestRequest& r) { return self->Serve(r); }));
  return vault;
}

FakeVault::~FakeVault() { server_.reset(); }  // before the state its handler uses goes

std::string FakeVault::ca_path() const { return TestCa::Shared()->ca_cert_path(); }

bool FakeVault::AddKey(const std::string& name, crypto::KeyType type) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    keys_[name] = Key{type, {}};
  }
  return RotateKey(name);
}

bool FakeVault::RotateKey(const std::string& name) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = keys_.find(name);
  if (it == keys_.end()) return false;
  auto key = crypto::PrivateKey::Generate(it->second.type);
  if (!key.ok()) return false;
  it->second.versions.push_back(std::make_shared<const crypto::PrivateKey>(std::move(key).value()));
  return true;
}

const crypto::PrivateKey* FakeVault::PrivateKey(const std::string& name, size_t version) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = keys_.find(name);
  if (it == keys_.end() || version == 0 || version > it->second.versions.size()) return nullptr;
  return it->second.versions[version - 1].get();
}

std::vector<std::string> FakeVault::rejections() const {
  std::lock_guard<std::mutex> lock(mu_);
  return rejections_;
}

TestResponse FakeVault::Error(int status, const std::string& path, const std::string& message) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    rejections_.push_back(std::to_string(status) + " " + path);
  }
  return TestResponse{status,
                      {{"Content-Type", "application/json"}},
                      json{{"errors", json::array({message})}}.dump()};
}

TestResponse FakeVault::Serve(const TestRequest& request) {
  if (int failure = failure_.load(); failure != 0) {
    return Error(failure, request.path, "internal error");
  }
  const std::string* token = request.Header("x-vault-token");
  if (token == nullptr || *token != options_.token) {
    return Error(403, request.path, "permission denied");
  }
  const std::string prefix = "/v1/" + options_.mount + "/keys/";
  if (request.method != "GET" || !request.path.starts_with(prefix)) {
    return Error(405, request.path, "unsupported operation");
  }
  key_reads_.fetch_add(1);
  const std::string name = request.path.substr(prefix.size());
  std::lock_guard<std::mutex> lock(mu_);
  auto it = keys_.find(name);
  if (it == keys_.end()) {
    rejections_.push_back("404 " + request.path);
    return TestResponse{404, {{"Content-Type", "application/json"}}, R"({"errors":[]})"};
  }
  const Key& key = it->second;
  json versions = json::object();
  for (size_t i = 0; i < key.versions.size(); ++i) {
    versions[std::to_string(i + 1)] = {{"name", VaultType(key.type)},
                                       {"public_key", ShownPublicKey(*key.versions[i], key.type)},
                                       {"creation_time", "2026-12-03T10:00:00Z"}};
  }
  json data = {{"name", name},
               {"type", VaultType(key.type)},
               {"keys", versions},
               {"latest_version", key.versions.size()},
               {"min_decryption_version", 1},
               {"min_encryption_version", 0},
               {"supports_signing", true},
               {"exportable", false}};
  return TestResponse{200,
                      {{"Content-Type", "application/json"}},
                      json{{"request_id", "fake"}, {"data", data}}.dump()};
}

}  // namespace connaisseur::testing
