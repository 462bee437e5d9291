#include "validators/cosign/encrypted_key.h"

#include <sodium.h>

#include <array>
#include <cstdint>
#include <nlohmann/json.hpp>

#include "runtime/crypto/encoding.h"

namespace connaisseur::cosign {

namespace {

constexpr size_t kSaltBytes = 32;
constexpr size_t kKeyBytes = crypto_secretbox_KEYBYTES;      // 32
constexpr size_t kNonceBytes = crypto_secretbox_NONCEBYTES;  // 24
constexpr size_t kMacBytes = crypto_secretbox_MACBYTES;      // 16
constexpr uint64_t kWriteN = 65536;

struct ScryptParams {
  uint64_t n, r, p;
};
// The sets go-securesystemslib writes (legacy, standard, OWASP); it refuses any other.
constexpr std::array<ScryptParams, 3> kKnownParams{{{32768, 8, 1}, {65536, 8, 1}, {131072, 8, 1}}};

Status EnsureSodium() {
  static const int rc = sodium_init();  // thread-safe once; >= 0 means ready
  if (rc < 0) return InternalError("libsodium failed to initialise");
  return Status::Ok();
}

StatusOr<std::string> DeriveKey(std::string_view passphrase, std::string_view salt,
                                const ScryptParams& params) {
  std::string key(kKeyBytes, '\0');
  if (crypto_pwhash_scryptsalsa208sha256_ll(
          reinterpret_cast<const uint8_t*>(passphrase.data()), passphrase.size(),
          reinterpret_cast<const uint8_t*>(salt.data()), salt.size(), params.n,
          static_cast<uint32_t>(params.r), static_cast<uint32_t>(params.p),
          reinterpret_cast<uint8_t*>(key.data()), key.size()) != 0) {
    return ResourceExhaustedError("scrypt: key derivation failed (out of memory?)");
  }
  return key;
}

// The body of the first PEM block labelled `label`, base64-decoded.
StatusOr<std::string> PemBody(std::string_view pem, std::string_view label) {
  const std::string begin = "-----BEGIN " + std::string(label) + "-----";
  const std::string end = "-----END " + std::string(label) + "-----";
  size_t b = pem.find(begin);
  if (b == std::string_view::npos)
    return InvalidArgumentError("no PEM block " + std::string(label));
  b += begin.size();
  size_t e = pem.find(end, b);
  if (e == std::string_view::npos) return InvalidArgumentError("unterminated PEM block");
  std::string b64;
  for (char c : pem.substr(b, e - b)) {
    if (c != '\n' && c != '\r' && c != ' ' && c != '\t') b64.push_back(c);
  }
  auto der = crypto::Base64Decode(b64);
  if (!der.ok()) return InvalidArgumentError("PEM body is not base64");
  return der;
}

std::string Pem(std::string_view label, std::string_view body) {
  std::string b64 = crypto::Base64Encode(body);
  std::string out = "-----BEGIN " + std::string(label) + "-----\n";
  for (size_t i = 0; i < b64.size(); i += 64) out += b64.substr(i, 64) + "\n";
  out += "-----END " + std::string(label) + "-----\n";
  return out;
}

std::string_view TrimLeft(std::string_view s) {
  while (!s.empty() &&
         (s.front() == ' ' || s.front() == '\n' || s.front() == '\r' || s.front() == '\t')) {
    s.remove_prefix(1);
  }
  return s;
}

// Reads `obj[key]` as a base64 string of exactly `size` bytes.
StatusOr<std::string> B64Field(const nlohmann::json& obj, const char* key, size_t size) {
  if (!obj.is_object() || !obj.contains(key) || !obj[key].is_string()) {
    return InvalidArgumentError(std::string("encrypted key: missing ") + key);
  }
  auto raw = crypto::Base64Decode(obj[key].get<std::string>());
  if (!raw.ok()) return InvalidArgumentError(std::string("encrypted key: bad base64 in ") + key);
  if (size != 0 && raw->size() != size) {
    return InvalidArgumentError(std::string("encrypted key: wrong length of ") + key);
  }
  return raw;
}

// Members read without nlohmann's throwing value(): "" / null when absent or of another type.
std::string Str(const nlohmann::json& obj, const char* key) {
  if (!obj.is_object()) return "";
  auto it = obj.find(key);
  return it != obj.end() && it->is_string() ? it->get<std::string>() : "";
}
nlohmann::json Obj(const nlohmann::json& obj, const char* key) {
  if (!obj.is_object()) return nlohmann::json();
  auto it = obj.find(key);
  return it != obj.end() && it->is_object() ? *it : nlohmann::json();
}

}  // namespace

bool IsEncryptedCosignKey(std::string_view pem) {
  std::string_view s = TrimLeft(pem);
  for (std::string_view label : {kSigstoreKeyLabel, kCosignKeyLabel}) {
    std::string begin = "-----BEGIN " + std::string(label) + "-----";
    if (s.substr(0, begin.size()) == begin) return true;
  }
  return false;
}

StatusOr<std::string> OpenBox(std::string_view box_json, std::string_view passphrase) {
  CN_RETURN_IF_ERROR(EnsureSodium());
  auto box = nlohmann::json::parse(box_json, nullptr, false);
  if (box.is_discarded() || !box.is_object()) {
    return InvalidArgumentError("encrypted key: body is not JSON");
  }
  const nlohmann::json kdf = Obj(box, "kdf");
  const nlohmann::json cipher = Obj(box, "cipher");
  if (Str(kdf, "name") != "scrypt") {
    return InvalidArgumentError("encrypted key: unsupported kdf (want scrypt)");
  }
  if (Str(cipher, "name") != "nacl/secretbox") {
    return InvalidArgumentError("encrypted key: unsupported cipher (want nacl/secretbox)");
  }
  const nlohmann::json p = Obj(kdf, "params");
  if (!p.is_object() || !p.contains("N") || !p.contains("r") || !p.contains("p") ||
      !p["N"].is_number_unsigned() || !p["r"].is_number_unsigned() ||
      !p["p"].is_number_unsigned()) {
    return InvalidArgumentError("encrypted key: bad scrypt parameters");
  }
  ScryptParams params{p["N"].get<uint64_t>(), p["r"].get<uint64_t>(), p["p"].get<uint64_t>()};
  bool known = false;
  for (const auto& k : kKnownParams) {
    known = known || (k.n == params.n && k.r == params.r && k.p == params.p);
  }
  if (!known) return InvalidArgumentError("encrypted key: unsupported scrypt parameters");
  CN_ASSIGN_OR_RETURN(std::string salt, B64Field(kdf, "salt", 0));
  CN_ASSIGN_OR_RETURN(std::string nonce, B64Field(cipher, "nonce", kNonceBytes));
  CN_ASSIGN_OR_RETURN(std::string sealed, B64Field(box, "ciphertext", 0));
  if (sealed.size() < kMacBytes) return InvalidArgumentError("encrypted key: ciphertext too short");
  CN_ASSIGN_OR_RETURN(std::string key, DeriveKey(passphrase, salt, params));
  std::string plain(sealed.size() - kMacBytes, '\0');
  const int rc = crypto_secretbox_open_easy(
      reinterpret_cast<uint8_t*>(plain.data()), reinterpret_cast<const uint8_t*>(sealed.data()),
      sealed.size(), reinterpret_cast<const uint8_t*>(nonce.data()),
      reinterpret_cast<const uint8_t*>(key.data()));
  sodium_memzero(key.data(), key.size());
  if (rc != 0) return PermissionDeniedError("decrypt: wrong passphrase or corrupted key");
  return plain;
}

StatusOr<std::string> SealBox(std::string_view plaintext, std::string_view passphrase) {
  CN_RETURN_IF_ERROR(EnsureSodium());
  std::string salt(kSaltBytes, '\0'), nonce(kNonceBytes, '\0');
  randombytes_buf(salt.data(), salt.size());
  randombytes_buf(nonce.data(), nonce.size());
  const ScryptParams params{kWriteN, 8, 1};
  CN_ASSIGN_OR_RETURN(std::string key, DeriveKey(passphrase, salt, params));
  std::string sealed(plaintext.size() + kMacBytes, '\0');
  crypto_secretbox_easy(reinterpret_cast<uint8_t*>(sealed.data()),
                        reinterpret_cast<const uint8_t*>(plaintext.data()), plaintext.size(),
                        reinterpret_cast<const uint8_t*>(nonce.data()),
                        reinterpret_cast<const uint8_t*>(key.data()));
  sodium_memzero(key.data(), key.size());
  // Field order as securesystemslib marshals its structs.
  nlohmann::ordered_json box;
  box["kdf"]["name"] = "scrypt";
  box["kdf"]["params"]["N"] = params.n;
  box["kdf"]["params"]["r"] = params.r;
  box["kdf"]["params"]["p"] = params.p;
  box["kdf"]["salt"] = crypto::Base64Encode(salt);
  box["cipher"]["name"] = "nacl/secretbox";
  box["cipher"]["nonce"] = crypto::Base64Encode(nonce);
  box["ciphertext"] = crypto::Base64Encode(sealed);
  return box.dump();
}

StatusOr<crypto::PrivateKey> DecryptCosignKey(std::string_view pem, std::string_view passphrase) {
  std::string_view s = TrimLeft(pem);
  std::string_view label = kSigstoreKeyLabel;
  if (s.find(std::string("-----BEGIN ") + std::string(kCosignKeyLabel)) == 0) {
    label = kCosignKeyLabel;
  } else if (s.find(std::string("-----BEGIN ") + std::string(kSigstoreKeyLabel)) != 0) {
    return InvalidArgumentError("not an encrypted cosign private key");
  }
  CN_ASSIGN_OR_RETURN(std::string box, PemBody(s, label));
  CN_ASSIGN_OR_RETURN(std::string der, OpenBox(box, passphrase));
  auto key = crypto::PrivateKey::FromPkcs8Der(der);
  sodium_memzero(der.data(), der.size());
  if (!key.ok()) return key.status().WithPrefix("encrypted key: parsing PKCS#8");
  return key;
}

StatusOr<std::string> EncryptCosignKey(const crypto::PrivateKey& key, std::string_view passphrase,
                                       std::string_view label) {
  if (label != kSigstoreKeyLabel && label != kCosignKeyLabel) {
    return InvalidArgumentError("unknown encrypted key label");
  }
  std::string der = key.PrivatePkcs8Der();
  auto box = SealBox(der, passphrase);
  sodium_memzero(der.data(), der.size());
  if (!box.ok()) return box.status();
  return Pem(label, *box);
}

StatusOr<crypto::PrivateKey> LoadSigningKey(std::string_view pem, std::string_view passphrase) {
  if (IsEncryptedCosignKey(pem)) return DecryptCosignKey(pem, passphrase);
  return crypto::PrivateKey::FromPem(pem);
}

}  // namespace connaisseur::cosign
