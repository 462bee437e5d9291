// PrivateKey: a signing key for our own signer (`connaisseur sign`) and for tests that must
// produce real signatures. Verification never needs it.
#pragma once

#include <string>
#include <string_view>

#include "runtime/crypto/openssl_ptr.h"
#include "runtime/crypto/public_key.h"
#include "runtime/status.h"

namespace connaisseur::crypto {

class PrivateKey {
 public:
  static StatusOr<PrivateKey> Generate(KeyType type);
  // Unencrypted PEM: "PRIVATE KEY" (PKCS#8), "EC PRIVATE KEY" or "RSA PRIVATE KEY".
  static StatusOr<PrivateKey> FromPem(std::string_view pem);
  // DER PKCS#8 PrivateKeyInfo (what cosign's encrypted key box contains).
  static StatusOr<PrivateKey> FromPkcs8Der(std::string_view der);

  PrivateKey(PrivateKey&&) = default;
  PrivateKey& operator=(PrivateKey&&) = default;

  KeyType type() const { return type_; }
  std::string PrivatePkcs8Der() const;  // secret: never log
  std::string PrivatePem() const;       // secret: never log; "PRIVATE KEY" (PKCS#8)
  std::string PublicPem() const;        // "PUBLIC KEY" (SPKI)
  StatusOr<PublicKey> Public() const;

  // Signs `message` (hashing it as `scheme` prescribes; see SignatureScheme).
  StatusOr<std::string> Sign(std::string_view message, SignatureScheme scheme) const;

 private:
  PrivateKey(EvpPkeyPtr key, KeyType type) : key_(std::move(key)), type_(type) {}
  static StatusOr<PrivateKey> FromEvp(EvpPkeyPtr key);
  EvpPkeyPtr key_;
  KeyType type_;
};

}  // namespace connaisseur::crypto
