// PublicKey: a parsed verification key (ECDSA P-256/P-384, RSA, Ed25519) and signature checks
// in every encoding our trust data uses. Parse once at load; Verify is thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "runtime/crypto/openssl_ptr.h"
#include "runtime/status.h"

namespace connaisseur::crypto {

enum class KeyType { kEcdsaP256, kEcdsaP384, kRsa, kEd25519 };
std::string_view KeyTypeName(KeyType t);

enum class SignatureScheme {
  kEcdsaDer,        // ASN.1 DER ECDSA-Sig-Value (cosign); SHA-256 for P-256, SHA-384 for P-384
  kEcdsaRaw,        // raw r‖s, fixed width (notary/TUF "ecdsa"); same hashes
  kRsaPkcs1Sha256,  // RSASSA-PKCS1-v1_5 with SHA-256 (cosign RSA)
  kRsaPssSha256,    // RSASSA-PSS with SHA-256, salt = digest length (notary "rsapss")
  kEd25519,         // pure Ed25519 over the message
};

class PublicKey {
 public:
  // Exactly one PEM "PUBLIC KEY" block (SPKI); surrounding whitespace is allowed, anything else
  // ("contains extraneous characters"), bare base64 or another key type is kInvalidArgument.
  static StatusOr<PublicKey> FromPem(std::string_view pem);
  // DER SubjectPublicKeyInfo.
  static StatusOr<PublicKey> FromSpkiDer(std::string_view der);
  // The subject key of the first certificate in a PEM "CERTIFICATE" block (notary ecdsa-x509).
  static StatusOr<PublicKey> FromCertificatePem(std::string_view pem);

  PublicKey(PublicKey&&) = default;
  PublicKey& operator=(PublicKey&&) = default;

  KeyType type() const { return type_; }
  // DER SubjectPublicKeyInfo: what key ids and pinning compare.
  const std::string& spki_der() const { return spki_der_; }

  // OK iff `signature` is a valid signature of `message` under this key with `scheme`.
  // A wrong signature is kVerificationFailed; a scheme that does not fit the key type is
  // kInvalidArgument. The OpenSSL error queue is left empty.
  Status Verify(std::string_view message, std::string_view signature, SignatureScheme scheme) const;

 private:
  PublicKey(EvpPkeyPtr key, KeyType type, std::string spki_der)
      : key_(std::move(key)), type_(type), spki_der_(std::move(spki_der)) {}
  static StatusOr<PublicKey> FromEvp(EvpPkeyPtr key);

  EvpPkeyPtr key_;
  KeyType type_;
  std::string spki_der_;
};

}  // namespace connaisseur::crypto
