// Verification keys of a TUF role set, and signature-threshold checks over a SignedEnvelope.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/crypto/public_key.h"
#include "runtime/status.h"
#include "validators/notaryv1/tuf_metadata.h"

namespace connaisseur::notaryv1 {

// TUF key id: hex sha256 of canonical {"keytype":T,"keyval":{"private":null,"public":B}}.
std::string TufKeyId(std::string_view keytype, std::string_view public_b64);

// A usable key: its id, type and the public key that verifies (for *-x509, the certificate's).
struct VerificationKey {
  std::string id;
  std::string keytype;
  std::shared_ptr<const crypto::PublicKey> key;
};

// Parsed public keys by TUF key id, so that each key or certificate is parsed once rather than
// on every verification: OpenSSL 3 decodes a key or certificate at several times the cost of a
// signature check. The id is a hash of the key's type and bytes, so a hit is the very same key.
// Thread-safe; bounded (emptied when full).
class KeyCache {
 public:
  std::shared_ptr<const crypto::PublicKey> Find(const std::string& id) const;
  void Insert(const std::string& id, std::shared_ptr<const crypto::PublicKey> key);

 private:
  mutable std::mutex mu_;
  std::map<std::string, std::shared_ptr<const crypto::PublicKey>> keys_;  // guarded by mu_
};

// Builds the key of `tuf` and checks that `listed_id` is its real key id (a key listed under
// another id could let one key count twice). kInvalidArgument on a bad key or id. With a
// `cache`, a key parsed before is reused.
StatusOr<VerificationKey> LoadKey(const std::string& listed_id, const TufKey& tuf,
                                  KeyCache* cache = nullptr);

// Keys by id, built from a metadata `keys` map. Keys that fail to load are left out (they can
// never count toward a threshold).
class KeySet {
 public:
  static KeySet FromTufKeys(const std::map<std::string, TufKey>& keys, KeyCache* cache = nullptr);
  const VerificationKey* Find(const std::string& id) const;

 private:
  std::map<std::string, VerificationKey> keys_;
};

// OK iff signature `sig` by `key` over `env.canonical` is valid with `sig.method` ("ecdsa" for
// ecdsa/ecdsa-x509 keys: raw r‖s over SHA-256; "rsapss"; "eddsa"/"ed25519"). Unknown methods
// and methods that do not fit the key are invalid.
Status VerifySignature(const SignedEnvelope& env, const TufSignature& sig,
                       const crypto::PublicKey& key, std::string_view keytype);

// OK iff at least `role.threshold` distinct key ids from `role.keyids`, each found in `keys`,
// have a valid signature on `env`. A threshold < 1 is invalid. kVerificationFailed:
// "error validating <role> signatures: <n> of threshold <t> valid". `verified`: key ids whose
// signature on this very `env` the caller has already checked with that key (not re-checked).
Status VerifyThreshold(const SignedEnvelope& env, const KeySet& keys, const RoleKeys& role,
                       const std::set<std::string>& verified = {});

}  // namespace connaisseur::notaryv1
