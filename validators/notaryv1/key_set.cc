#include "validators/notaryv1/key_set.h"

#include <algorithm>

#include "runtime/crypto/digest.h"
#include "runtime/crypto/encoding.h"
#include "validators/notaryv1/canonical_json.h"

namespace connaisseur::notaryv1 {

namespace {

// DER prefix of an Ed25519 SubjectPublicKeyInfo; the 32 raw key bytes follow (RFC 8410).
constexpr std::string_view kEd25519SpkiPrefix("\x30\x2a\x30\x05\x06\x03\x2b\x65\x70\x03\x21\x00",
                                              12);

StatusOr<crypto::PublicKey> ParsePublic(const TufKey& tuf) {
  auto raw = crypto::Base64Decode(tuf.public_b64);
  if (!raw.ok()) return InvalidArgumentError("key is not base64");
  if (tuf.keytype == "ecdsa" || tuf.keytype == "rsa") return crypto::PublicKey::FromSpkiDer(*raw);
  if (tuf.keytype == "ecdsa-x509" || tuf.keytype == "rsa-x509") {
    return crypto::PublicKey::FromCertificatePem(*raw);
  }
  if (tuf.keytype == "ed25519") {
    if (raw->size() != 32) return InvalidArgumentError("ed25519 key is not 32 bytes");
    return crypto::PublicKey::FromSpkiDer(std::string(kEd25519SpkiPrefix) + *raw);
  }
  return InvalidArgumentError("unsupported key type \"" + tuf.keytype.substr(0, 32) + "\"");
}

constexpr size_t kMaxCachedKeys = 4096;

}  // namespace

std::shared_ptr<const crypto::PublicKey> KeyCache::Find(const std::string& id) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = keys_.find(id);
  return it == keys_.end() ? nullptr : it->second;
}

void KeyCache::Insert(const std::string& id, std::shared_ptr<const crypto::PublicKey> key) {
  std::lock_guard<std::mutex> lock(mu_);
  if (keys_.size() >= kMaxCachedKeys) keys_.clear();
  keys_.emplace(id, std::move(key));
}

std::string TufKeyId(std::string_view keytype, std::string_view public_b64) {
  nlohmann::json key = {{"keytype", keytype},
                        {"keyval", {{"private", nullptr}, {"public", public_b64}}}};
  auto canonical = CanonicalJson(key);  // strings and null only: cannot fail
  return crypto::Sha256Hex(canonical.ok() ? *canonical : "");
}

StatusOr<VerificationKey> LoadKey(const std::string& listed_id, const TufKey& tuf,
                                  KeyCache* cache) {
  std::string id = TufKeyId(tuf.keytype, tuf.public_b64);
  if (id != listed_id) {
    return InvalidArgumentError("key listed as " + listed_id.substr(0, 16) + " has id " +
                                id.substr(0, 16));
  }
  std::shared_ptr<const crypto::PublicKey> parsed = cache ? cache->Find(id) : nullptr;
  if (parsed == nullptr) {
    CN_ASSIGN_OR_RETURN(crypto::PublicKey key, ParsePublic(tuf));
    parsed = std::make_shared<const crypto::PublicKey>(std::move(key));
    if (cache) cache->Insert(id, parsed);
  }
  return VerificationKey{std::move(id), tuf.keytype, std::move(parsed)};
}

KeySet KeySet::FromTufKeys(const std::map<std::string, TufKey>& keys, KeyCache* cache) {
  KeySet set;
  for (const auto& [id, tuf] : keys) {
    auto key = LoadKey(id, tuf, cache);
    if (key.ok()) set.keys_.emplace(id, std::move(key).value());
  }
  return set;
}

const VerificationKey* KeySet::Find(const std::string& id) const {
  auto it = keys_.find(id);
  return it == keys_.end() ? nullptr : &it->second;
}

Status VerifySignature(const SignedEnvelope& env, const TufSignature& sig,
                       const crypto::PublicKey& key, std::string_view keytype) {
  crypto::SignatureScheme scheme;
  bool ecdsa_key = keytype == "ecdsa" || keytype == "ecdsa-x509";
  bool rsa_key = keytype == "rsa" || keytype == "rsa-x509";
  if (sig.method == "ecdsa" && ecdsa_key) {
    scheme = crypto::SignatureScheme::kEcdsaRaw;
  } else if (sig.method == "rsapss" && rsa_key) {
    scheme = crypto::SignatureScheme::kRsaPssSha256;
  } else if ((sig.method == "eddsa" || sig.method == "ed25519") && keytype == "ed25519") {
    scheme = crypto::SignatureScheme::kEd25519;
  } else {
    return VerificationFailedError("signature method \"" + sig.method.substr(0, 32) +
                                   "\" does not fit key type " + std::string(keytype));
  }
  return key.Verify(env.canonical, sig.sig, scheme);
}

Status VerifyThreshold(const SignedEnvelope& env, const KeySet& keys, const RoleKeys& role,
                       const std::set<std::string>& verified) {
  std::string prefix = "error validating " + env.role + " signatures: ";
  if (role.threshold < 1) {
    return VerificationFailedError(prefix + "invalid threshold " + std::to_string(role.threshold));
  }
  // Distinct ids and distinct public keys: one key listed twice (say as ecdsa and as ecdsa-x509)
  // must not count twice.
  std::set<std::string> valid, valid_spki;
  for (const TufSignature& sig : env.signatures) {
    if (valid.count(sig.keyid)) continue;
    if (std::find(role.keyids.begin(), role.keyids.end(), sig.keyid) == role.keyids.end()) {
      continue;
    }
    const VerificationKey* key = keys.Find(sig.keyid);
    if (key == nullptr) continue;
    if (valid_spki.count(key->key->spki_der())) continue;
    if (verified.count(sig.keyid) || VerifySignature(env, sig, *key->key, key->keytype).ok()) {
      valid.insert(sig.keyid);
      valid_spki.insert(key->key->spki_der());
    }
  }
  if (static_cast<int64_t>(valid.size()) < role.threshold) {
    return VerificationFailedError(prefix + std::to_string(valid.size()) + " of threshold " +
                                   std::to_string(role.threshold) + " valid");
  }
  return Status::Ok();
}

}  // namespace connaisseur::notaryv1
