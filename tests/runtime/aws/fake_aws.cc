#include "tests/runtime/aws/fake_aws.h"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include <ctime>
#include <nlohmann/json.hpp>

#include "runtime/crypto/encoding.h"
#include "tests/runtime/aws/sigv4_check.h"
#include "tests/runtime/net/test_ca.h"

namespace connaisseur::testing {
namespace {

using nlohmann::json;

std::string RandomHex(size_t bytes) {
  std::string raw(bytes, '\0');
  RAND_bytes(reinterpret_cast<unsigned char*>(raw.data()), static_cast<int>(bytes));
  return crypto::HexEncode(raw);
}

std::string Uuid(size_t n) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%08zx-0000-4000-8000-%012zx", n, n * 7919);
  return buf;
}

std::vector<std::string> DefaultAlgorithms(crypto::KeyType type) {
  switch (type) {
    case crypto::KeyType::kEcdsaP256:
      return {"ECDSA_SHA_256"};
    case crypto::KeyType::kEcdsaP384:
      return {"ECDSA_SHA_384"};
    case crypto::KeyType::kRsa:
      return {"RSASSA_PKCS1_V1_5_SHA_256", "RSASSA_PKCS1_V1_5_SHA_384", "RSASSA_PKCS1_V1_5_SHA_512",
              "RSASSA_PSS_SHA_256",        "RSASSA_PSS_SHA_384",        "RSASSA_PSS_SHA_512"};
    case crypto::KeyType::kEd25519:
      return {"ED25519_SHA_512"};
  }
  return {};
}

std::string KeySpec(crypto::KeyType type) {
  switch (type) {
    case crypto::KeyType::kEcdsaP256:
      return "ECC_NIST_P256";
    case crypto::KeyType::kEcdsaP384:
      return "ECC_NIST_P384";
    case crypto::KeyType::kRsa:
      return "RSA_2048";
    case crypto::KeyType::kEd25519:
      return "ECC_NIST_EDWARDS25519";
  }
  return "";
}

crypto::EvpPkeyPtr Generate(crypto::KeyType type) {
  switch (type) {
    case crypto::KeyType::kEcdsaP256:
      return crypto::EvpPkeyPtr(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
    case crypto::KeyType::kEcdsaP384:
      return crypto::EvpPkeyPtr(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-384"));
    case crypto::KeyType::kRsa:
      return crypto::EvpPkeyPtr(
          EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(2048)));
    case crypto::KeyType::kEd25519:
      return crypto::EvpPkeyPtr(EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519"));
  }
  return nullptr;
}

// Signs a precomputed digest as KMS does for MessageType DIGEST; "" on failure.
std::string SignDigest(EVP_PKEY* key, std::string_view digest, const std::string& algorithm) {
  const EVP_MD* md = algorithm.ends_with("SHA_256")   ? EVP_sha256()
                     : algorithm.ends_with("SHA_384") ? EVP_sha384()
                                                      : EVP_sha512();
  crypto::EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new(key, nullptr));
  if (!ctx || EVP_PKEY_sign_init(ctx.get()) != 1 ||
      EVP_PKEY_CTX_set_signature_md(ctx.get(), md) != 1) {
    return "";
  }
  if (algorithm.starts_with("RSASSA_PSS")) {
    if (EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_PSS_PADDING) != 1 ||
        EVP_PKEY_CTX_set_rsa_pss_saltlen(ctx.get(), RSA_PSS_SALTLEN_DIGEST) != 1) {
      return "";
    }
  } else if (algorithm.starts_with("RSASSA_PKCS1")) {
    if (EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_PADDING) != 1) return "";
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

size_t DigestSize(const std::string& algorithm) {
  if (algorithm.ends_with("SHA_256")) return 32;
  if (algorithm.ends_with("SHA_384")) return 48;
  return 64;
}

std::string IsoTime(std::chrono::system_clock::time_point t) {
  std::time_t tt = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::map<std::string, std::string> ParseForm(std::string_view body) {
  std::map<std::string, std::string> form;
  auto decode = [](std::string_view s) {
    std::string out;
    for (size_t i = 0; i < s.size(); ++i) {
      if (s[i] == '%' && i + 2 < s.size()) {
        out += static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16));
        i += 2;
      } else {
        out += s[i] == '+' ? ' ' : s[i];
      }
    }
    return out;
  };
  size_t start = 0;
  while (start <= body.size()) {
    size_t end = body.find('&', start);
    std::string_view part = body.substr(start, end == std::string_view::npos ? end : end - start);
    size_t eq = part.find('=');
    if (eq != std::string_view::npos)
      form[decode(part.substr(0, eq))] = decode(part.substr(eq + 1));
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  return form;
}

TestResponse StsError(int status, const std::string& code, const std::string& message) {
  return TestResponse{.status = status,
                      .headers = {{"Content-Type", "text/xml"}},
                      .body =
                          "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">"
                          "<Error><Type>Sender</Type><Code>" +
                          code + "</Code><Message>" + message +
                          "</Message></Error><RequestId>fake</RequestId></ErrorResponse>"};
}

}  // namespace

StatusOr<std::unique_ptr<FakeAws>> FakeAws::Start(Options options) {
  const TestCa* ca = TestCa::Shared();
  if (ca == nullptr) return InternalError("no test CA");
  std::unique_ptr<FakeAws> aws(new FakeAws(std::move(options)));
  FakeAws* self = aws.get();
  CN_ASSIGN_OR_RETURN(aws->kms_, TestHttpsServer::Start(
                                     ca->server_cert_pem(), ca->server_key_pem(),
                                     [self](const TestRequest& r) { return self->ServeKms(r); }));
  CN_ASSIGN_OR_RETURN(aws->sts_, TestHttpsServer::Start(
                                     ca->server_cert_pem(), ca->server_key_pem(),
                                     [self](const TestRequest& r) { return self->ServeSts(r); }));
  return aws;
}

FakeAws::~FakeAws() {
  // Stop the servers before the state their handlers use goes.
  kms_.reset();
  sts_.reset();
}

const std::string& FakeAws::ca_pem() const { return TestCa::Shared()->ca_cert_pem(); }
std::string FakeAws::ca_path() const { return TestCa::Shared()->ca_cert_path(); }

std::string FakeAws::AddKey(crypto::KeyType type, const std::string& alias,
                            std::vector<std::string> algorithms) {
  Key key;
  key.type = type;
  key.pkey = Generate(type);
  key.spki_der = crypto::EncodeDer(i2d_PUBKEY, static_cast<const EVP_PKEY*>(key.pkey.get()));
  key.algorithms = algorithms.empty() ? DefaultAlgorithms(type) : std::move(algorithms);
  std::lock_guard<std::mutex> lock(mu_);
  key.id = Uuid(next_id_++);
  const std::string id = key.id;
  keys_.emplace(id, std::move(key));
  if (!alias.empty()) aliases_[alias] = id;
  return id;
}

void FakeAws::RetargetAlias(const std::string& alias, const std::string& key_id) {
  std::lock_guard<std::mutex> lock(mu_);
  aliases_[alias] = key_id;
}

std::string FakeAws::KeyArn(const std::string& key_id) const {
  return "arn:aws:kms:" + options_.region + ":" + options_.account + ":key/" + key_id;
}

std::string FakeAws::AliasArn(const std::string& alias) const {
  return "arn:aws:kms:" + options_.region + ":" + options_.account + ":" + alias;
}

std::string FakeAws::PublicPem(const std::string& key_id) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = keys_.find(key_id);
  if (it == keys_.end()) return "";
  crypto::BioPtr bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_PUBKEY(bio.get(), it->second.pkey.get());
  char* data = nullptr;
  long n = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(n));
}

void FakeAws::ExpireSessions() {
  std::lock_guard<std::mutex> lock(mu_);
  for (auto& [id, session] : sessions_) {
    session.expiration = std::chrono::system_clock::now() - std::chrono::seconds(1);
  }
}

std::vector<std::string> FakeAws::rejections() const {
  std::lock_guard<std::mutex> lock(mu_);
  return rejections_;
}

const FakeAws::Key* FakeAws::FindKey(const std::string& key_id) const {
  std::string id = key_id;
  const std::string arn_prefix = "arn:aws:kms:" + options_.region + ":" + options_.account + ":";
  if (id.starts_with(arn_prefix)) id.erase(0, arn_prefix.size());
  if (id.starts_with("alias/")) {
    auto alias = aliases_.find(id);
    if (alias == aliases_.end()) return nullptr;
    id = alias->second;
  } else if (id.starts_with("key/")) {
    id.erase(0, 4);
  } else if (key_id.starts_with("arn:")) {
    return nullptr;  // another account or region
  }
  auto it = keys_.find(id);
  return it == keys_.end() ? nullptr : &it->second;
}

TestResponse FakeAws::KmsError(int status, const std::string& type, const std::string& message) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    rejections_.push_back(type + ": " + message);
  }
  return TestResponse{
      .status = status,
      .headers = {{"Content-Type", "application/x-amz-json-1.1"}, {"x-amzn-ErrorType", type}},
      .body = json{{"__type", type}, {"message", message}}.dump()};
}

TestResponse FakeAws::ServeKms(const TestRequest& request) {
  if (int failure = kms_failure_.load(); failure != 0) {
    return KmsError(failure, "KMSInternalException", "the fake KMS was told to fail");
  }
  if (request.method != "POST" || request.path != "/") {
    return KmsError(404, "UnknownOperationException", "POST / only");
  }
  const std::string* content_type = request.Header("content-type");
  if (content_type == nullptr || *content_type != "application/x-amz-json-1.1") {
    return KmsError(400, "SerializationException",
                    "Content-Type must be application/x-amz-json-1.1");
  }
  SigV4Expectation expect;
  expect.region = options_.region;
  expect.service = "kms";
  const std::string* token = request.Header("x-amz-security-token");
  bool expired = false;
  expect.secret_for = [&](std::string_view id) -> std::optional<std::string> {
    std::lock_guard<std::mutex> lock(mu_);
    if (id == options_.access_key_id) return options_.secret_access_key;
    auto it = sessions_.find(std::string(id));
    if (it == sessions_.end() || token == nullptr || *token != it->second.token)
      return std::nullopt;
    expired = it->second.expiration <= std::chrono::system_clock::now();
    return it->second.secret;
  };
  SigV4Result checked = CheckSigV4(request, expect);
  if (checked.rejection) return KmsError(400, checked.rejection->type, checked.rejection->message);
  if (expired) {
    return KmsError(400, "ExpiredTokenException",
                    "The security token included in the request is expired");
  }
  const std::string* target = request.Header("x-amz-target");
  if (target != nullptr && *target == "TrentService.GetPublicKey")
    return GetPublicKey(request.body);
  if (target != nullptr && *target == "TrentService.Sign") return Sign(request.body);
  return KmsError(400, "UnknownOperationException", "unknown X-Amz-Target");
}

TestResponse FakeAws::GetPublicKey(const std::string& body) {
  get_public_key_calls_.fetch_add(1);
  json request = json::parse(body, nullptr, false);
  if (!request.is_object() || !request.contains("KeyId") || !request["KeyId"].is_string()) {
    return KmsError(400, "ValidationException", "KeyId is required");
  }
  const std::string key_id = request["KeyId"];
  json answer;
  {
    std::lock_guard<std::mutex> lock(mu_);
    const Key* key = FindKey(key_id);
    if (key != nullptr) {
      answer = {{"KeyId", KeyArn(key->id)},      {"PublicKey", crypto::Base64Encode(key->spki_der)},
                {"KeySpec", KeySpec(key->type)}, {"CustomerMasterKeySpec", KeySpec(key->type)},
                {"KeyUsage", "SIGN_VERIFY"},     {"SigningAlgorithms", key->algorithms}};
    }
  }
  if (answer.is_null()) {
    return KmsError(400, "NotFoundException", "Key '" + key_id + "' does not exist");
  }
  return TestResponse{.headers = {{"Content-Type", "application/x-amz-json-1.1"}},
                      .body = answer.dump()};
}

TestResponse FakeAws::Sign(const std::string& body) {
  sign_calls_.fetch_add(1);
  json request = json::parse(body, nullptr, false);
  auto text = [&](const char* name) {
    return request.is_object() && request.contains(name) && request[name].is_string()
               ? request[name].get<std::string>()
               : std::string();
  };
  const std::string key_id = text("KeyId"), algorithm = text("SigningAlgorithm");
  if (text("MessageType") != "DIGEST") {
    return KmsError(400, "ValidationException", "this fake signs MessageType DIGEST only");
  }
  auto message = crypto::Base64Decode(text("Message"));
  if (!message.ok()) return KmsError(400, "ValidationException", "Message is not base64");
  enum class Refusal { kNone, kNoKey, kAlgorithm, kDigest } refusal = Refusal::kNone;
  std::string signature, arn;
  {
    std::lock_guard<std::mutex> lock(mu_);  // KmsError takes it too: refuse after this block
    const Key* key = FindKey(key_id);
    if (key == nullptr) {
      refusal = Refusal::kNoKey;
    } else if (std::find(key->algorithms.begin(), key->algorithms.end(), algorithm) ==
               key->algorithms.end()) {
      refusal = Refusal::kAlgorithm;
    } else if (message->size() != DigestSize(algorithm)) {
      refusal = Refusal::kDigest;
    } else {
      signature = SignDigest(key->pkey.get(), *message, algorithm);
      arn = KeyArn(key->id);
    }
  }
  switch (refusal) {
    case Refusal::kNoKey:
      return KmsError(400, "NotFoundException", "Key '" + key_id + "' does not exist");
    case Refusal::kAlgorithm:
      return KmsError(400, "InvalidKeyUsageException",
                      "algorithm " + algorithm + " is not valid for this key");
    case Refusal::kDigest:
      return KmsError(400, "ValidationException",
                      "Digest is invalid length for algorithm " + algorithm);
    case Refusal::kNone:
      break;
  }
  if (signature.empty()) return KmsError(500, "KMSInternalException", "signing failed");
  return TestResponse{.headers = {{"Content-Type", "application/x-amz-json-1.1"}},
                      .body = json{{"KeyId", arn},
                                   {"Signature", crypto::Base64Encode(signature)},
                                   {"SigningAlgorithm", algorithm}}
                                  .dump()};
}

TestResponse FakeAws::ServeSts(const TestRequest& request) {
  sts_calls_.fetch_add(1);
  auto reject = [&](int status, const std::string& code, const std::string& message) {
    std::lock_guard<std::mutex> lock(mu_);
    rejections_.push_back(code + ": " + message);
    return StsError(status, code, message);
  };
  if (request.method != "POST") return reject(400, "InvalidAction", "POST only");
  auto form = ParseForm(request.body);
  if (form["Action"] != "AssumeRoleWithWebIdentity" || form["Version"] != "2011-06-15") {
    return reject(400, "InvalidAction", "Could not find operation " + form["Action"]);
  }
  const std::string& session_name = form["RoleSessionName"];
  if (session_name.size() < 2 || session_name.size() > 64) {
    return reject(400, "ValidationError", "RoleSessionName must be 2 to 64 characters");
  }
  if (form["WebIdentityToken"] != options_.web_identity_token) {
    return reject(400, "InvalidIdentityToken", "Couldn't verify the web identity token");
  }
  if (form["RoleArn"] != options_.role_arn) {
    return reject(403, "AccessDenied", "Not authorized to perform sts:AssumeRoleWithWebIdentity");
  }
  Session session{RandomHex(20), RandomHex(64) + "+/=",
                  std::chrono::system_clock::now() + options_.session_duration};
  const std::string access_key_id = "ASIA" + RandomHex(8);
  const std::string expiration = IsoTime(session.expiration);
  const std::string secret = session.secret, token = session.token;
  {
    std::lock_guard<std::mutex> lock(mu_);
    sessions_[access_key_id] = std::move(session);
  }
  return TestResponse{
      .headers = {{"Content-Type", "text/xml"}},
      .body =
          "<AssumeRoleWithWebIdentityResponse "
          "xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><AssumeRoleWithWebIdentityResult>"
          "<SubjectFromWebIdentityToken>system:serviceaccount:connaisseur:webhook"
          "</SubjectFromWebIdentityToken><AssumedRoleUser><Arn>" +
          options_.role_arn + "/" + session_name + "</Arn><AssumedRoleId>AROAFAKE:" + session_name +
          "</AssumedRoleId></AssumedRoleUser><Credentials><SessionToken>" + token +
          "</SessionToken><SecretAccessKey>" + secret + "</SecretAccessKey><Expiration>" +
          expiration + "</Expiration><AccessKeyId>" + access_key_id +
          "</AccessKeyId></Credentials><Provider>oidc.eks.example</Provider>"
          "</AssumeRoleWithWebIdentityResult><ResponseMetadata><RequestId>fake</RequestId>"
          "</ResponseMetadata></AssumeRoleWithWebIdentityResponse>"};
}

}  // namespace connaisseur::testing
