#include "tests/runtime/vault/fake_vault.h"

#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include <nlohmann/json.hpp>

#include "runtime/crypto/encoding.h"
#include "runtime/crypto/openssl_ptr.h"
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

// The member `name` of `object`, or nullptr (also when `object` is not an object).
const json* Field(const json& object, const char* name) {
  if (!object.is_object()) return nullptr;
  auto it = object.find(name);
  return it == object.end() ? nullptr : &*it;
}

// Signs `digest` (made with `md`) with `key`: ECDSA DER, or RSA PKCS#1 v1.5; "" on failure.
std::string SignDigest(const crypto::PrivateKey& key, const EVP_MD* md, std::string_view digest) {
  const std::string der = key.PrivatePkcs8Der();
  const auto* p = reinterpret_cast<const unsigned char*>(der.data());
  crypto::EvpPkeyPtr pkey(d2i_AutoPrivateKey(nullptr, &p, static_cast<long>(der.size())));
  if (!pkey) return "";
  crypto::EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new(pkey.get(), nullptr));
  if (!ctx || EVP_PKEY_sign_init(ctx.get()) != 1 ||
      EVP_PKEY_CTX_set_signature_md(ctx.get(), md) != 1) {
    return "";
  }
  if (key.type() == crypto::KeyType::kRsa &&
      EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_PADDING) != 1) {
    return "";
  }
  const auto* in = reinterpret_cast<const unsigned char*>(digest.data());
  size_t len = 0;
  if (EVP_PKEY_sign(ctx.get(), nullptr, &len, in, digest.size()) != 1) return "";
  std::string signature(len, '\0');
  if (EVP_PKEY_sign(ctx.get(), reinterpret_cast<unsigned char*>(signature.data()), &len, in,
                    digest.size()) != 1) {
    return "";
  }
  signature.resize(len);
  return signature;
}

// Transit's sign for one version's key: the signature, or "" with `*refusal` saying why.
std::string TransitSign(const crypto::PrivateKey& key, const std::string& hash, const json& body,
                        const std::string& input, std::string* refusal) {
  if (key.type() == crypto::KeyType::kEd25519) {
    auto signature = key.Sign(input, crypto::SignatureScheme::kEd25519);
    if (!signature.ok()) *refusal = "ed25519 signing failed";
    return signature.ok() ? *signature : "";
  }
  const EVP_MD* md = hash == "sha2-256"   ? EVP_sha256()
                     : hash == "sha2-384" ? EVP_sha384()
                                          : nullptr;
  const json* prehashed = Field(body, "prehashed");
  if (md == nullptr || prehashed == nullptr || *prehashed != true ||
      input.size() != static_cast<size_t>(EVP_MD_get_size(md))) {
    *refusal = "input must be a prehashed sha2-256 or sha2-384 digest named in the path";
    return "";
  }
  const bool ecdsa = key.type() != crypto::KeyType::kRsa;
  const json* marshaling = Field(body, "marshaling_algorithm");
  if (ecdsa && marshaling != nullptr && *marshaling != "asn1") {
    *refusal = "marshaling_algorithm must be asn1";
    return "";
  }
  std::string signature = SignDigest(key, md, input);
  if (signature.empty()) *refusal = "signing failed";
  return signature;
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

void FakeVault::AddEncryptionKey(const std::string& name) {
  std::lock_guard<std::mutex> lock(mu_);
  keys_[name] = Key{crypto::KeyType::kEcdsaP256, {nullptr}, true};
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

void FakeVault::AnswerSignWith(std::string body) {
  std::lock_guard<std::mutex> lock(mu_);
  sign_answer_ = std::move(body);
}

std::vector<FakeVault::SignRequest> FakeVault::sign_requests() const {
  std::lock_guard<std::mutex> lock(mu_);
  return sign_requests_;
}

TestResponse FakeVault::Serve(const TestRequest& request) {
  if (int failure = failure_.load(); failure != 0) {
    return Error(failure, request.path, "internal error");
  }
  const std::string* token = request.Header("x-vault-token");
  if (token == nullptr || *token != options_.token) {
    return Error(403, request.path, "permission denied");
  }
  const std::string keys = "/v1/" + options_.mount + "/keys/";
  const std::string sign = "/v1/" + options_.mount + "/sign/";
  if (request.method == "GET" && request.path.starts_with(keys)) {
    return ServeKey(request, request.path.substr(keys.size()));
  }
  if (request.method == "POST" && request.path.starts_with(sign)) {
    return ServeSign(request, request.path.substr(sign.size()));
  }
  return Error(405, request.path, "unsupported operation");
}

TestResponse FakeVault::ServeKey(const TestRequest& request, const std::string& name) {
  key_reads_.fetch_add(1);
  std::lock_guard<std::mutex> lock(mu_);
  auto it = keys_.find(name);
  if (it == keys_.end()) {
    rejections_.push_back("404 " + request.path);
    return TestResponse{404, {{"Content-Type", "application/json"}}, R"({"errors":[]})"};
  }
  const Key& key = it->second;
  json versions = json::object();
  for (size_t i = 0; i < key.versions.size(); ++i) {
    if (key.encryption_only) {
      versions[std::to_string(i + 1)] = 1764756000;  // Vault shows only the creation time
      continue;
    }
    versions[std::to_string(i + 1)] = {{"name", VaultType(key.type)},
                                       {"public_key", ShownPublicKey(*key.versions[i], key.type)},
                                       {"creation_time", "2026-12-03T10:00:00Z"}};
  }
  json data = {{"name", name},
               {"type", key.encryption_only ? "aes256-gcm96" : VaultType(key.type)},
               {"keys", versions},
               {"latest_version", key.versions.size()},
               {"min_decryption_version", 1},
               {"min_encryption_version", 0},
               {"supports_signing", !key.encryption_only},
               {"exportable", false}};
  return TestResponse{200,
                      {{"Content-Type", "application/json"}},
                      json{{"request_id", "fake"}, {"data", data}}.dump()};
}

TestResponse FakeVault::ServeSign(const TestRequest& request, const std::string& rest) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    sign_requests_.push_back({request.path, request.body});
    if (!sign_answer_.empty()) return {200, {{"Content-Type", "application/json"}}, sign_answer_};
  }
  const size_t slash = rest.find('/');
  const std::string name = rest.substr(0, slash);
  const std::string hash = slash == std::string::npos ? "" : rest.substr(slash + 1);
  const json body = json::parse(request.body, nullptr, /*allow_exceptions=*/false);
  const json* input_text = Field(body, "input");
  auto input =
      crypto::Base64Decode(input_text && input_text->is_string() ? input_text->get<std::string>()
                                                                 : std::string("not base64!"));
  const json* requested = Field(body, "key_version");
  if (!input.ok() || (requested && !requested->is_number_unsigned())) {
    return Error(400, request.path, "bad input or key_version");
  }
  std::shared_ptr<const crypto::PrivateKey> key;
  size_t version = 0;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = keys_.find(name);
    if (it == keys_.end()) return Error(404, request.path, "signing key not found");
    if (it->second.encryption_only) {
      return Error(400, request.path, "key type aes256-gcm96 does not support signing");
    }
    if (requested) version = requested->get<size_t>();
    if (version == 0) version = it->second.versions.size();
    if (version > it->second.versions.size()) {
      return Error(400, request.path, "requested version for signing is higher than the latest");
    }
    key = it->second.versions[version - 1];
  }
  std::string refusal;
  const std::string signature = TransitSign(*key, hash, body, *input, &refusal);
  if (!refusal.empty()) return Error(400, request.path, refusal);
  const std::string text =
      "vault:v" + std::to_string(version) + ":" + crypto::Base64Encode(signature);
  return TestResponse{200,
                      {{"Content-Type", "application/json"}},
                      json{{"data", {{"signature", text}, {"key_version", version}}}}.dump()};
}

}  // namespace connaisseur::testing
