// Signer: writes what `cosign sign --key` writes, so users and tests can sign without cosign.
// Resolves the image to its manifest digest, signs the simple-signing payload with the key, and
// appends one layer to the image's `sha256-<hex>.sig` manifest (creating it when absent), so
// several signers accumulate layers in one manifest exactly like cosign.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "runtime/crypto/private_key.h"
#include "runtime/deadline.h"
#include "runtime/image/image_reference.h"
#include "runtime/registry/registry_client.h"
#include "runtime/status.h"

namespace connaisseur::cosign {

struct SignResult {
  std::string image_digest;               // "sha256:<hex>" that was signed
  std::string signature_reference;        // "<registry>/<repo>:sha256-<hex>.sig"
  std::string signature_manifest_digest;  // digest of the pushed .sig manifest
  size_t layers = 0;                      // signatures in the manifest now
};

// What signs a payload: a private key here, or a key held by a KMS (kms_keys.h).
class PayloadSigner {
 public:
  virtual ~PayloadSigner() = default;
  // The signature cosign's annotation carries (base64 of these bytes) over `payload`.
  virtual StatusOr<std::string> Sign(std::string_view payload, Deadline deadline) const = 0;
};

// Signs with a local key in cosign's scheme for its type (CosignScheme). Borrows `key`.
class PrivateKeySigner final : public PayloadSigner {
 public:
  explicit PrivateKeySigner(const crypto::PrivateKey& key) : key_(key) {}
  StatusOr<std::string> Sign(std::string_view payload, Deadline deadline) const override;

 private:
  const crypto::PrivateKey& key_;
};

// `annotations` go to the payload's `optional` map (cosign sign -a k=v).
StatusOr<SignResult> SignImage(registry::RegistryClient& client, const image::ImageReference& image,
                               const PayloadSigner& signer,
                               const std::map<std::string, std::string>& annotations,
                               Deadline deadline);
StatusOr<SignResult> SignImage(registry::RegistryClient& client, const image::ImageReference& image,
                               const crypto::PrivateKey& key,
                               const std::map<std::string, std::string>& annotations,
                               Deadline deadline);

// The signature scheme cosign uses for a key type: ECDSA DER (SHA-256 / SHA-384), RSA PKCS#1
// v1.5 with SHA-256, pure Ed25519.
crypto::SignatureScheme CosignScheme(crypto::KeyType type);

}  // namespace connaisseur::cosign
