#include "validators/cosign/vault_signer.h"

#include <string>

#include "runtime/crypto/digest.h"
#include "runtime/crypto/public_key.h"
#include "runtime/vault/transit_key_uri.h"

namespace connaisseur::cosign {
namespace {

// How the payload goes to Vault for a key type, so that the signature is the one cosign's
// verification of that type expects (CosignScheme): ECDSA over SHA-256 (P-256) or SHA-384
// (P-384), RSA PKCS#1 v1.5 over SHA-256, Ed25519 over the payload itself.
struct TransitAlgorithm {
  std::string hash;  // transit's hash_algorithm; "" sends the payload itself
  bool ecdsa = false;
};

TransitAlgorithm AlgorithmFor(crypto::KeyType type) {
  switch (type) {
    case crypto::KeyType::kEcdsaP256:
      return {"sha2-256", true};
    case crypto::KeyType::kEcdsaP384:
      return {"sha2-384", true};
    case crypto::KeyType::kRsa:
      return {"sha2-256", false};
    case crypto::KeyType::kEd25519:
      return {"", false};
  }
  return {"sha2-256", false};
}

// What transit signs for `payload`: its digest under `hash`, or the payload itself.
std::string TransitInput(std::string_view payload, const std::string& hash) {
  if (hash == "sha2-384") {
    const auto d = crypto::Sha384(payload);
    return std::string(reinterpret_cast<const char*>(d.data()), d.size());
  }
  if (hash == "sha2-256") {
    const auto d = crypto::Sha256(payload);
    return std::string(reinterpret_cast<const char*>(d.data()), d.size());
  }
  return std::string(payload);
}

class VaultSigner final : public PayloadSigner {
 public:
  VaultSigner(std::string reference, std::unique_ptr<vault::TransitClient> client,
              crypto::PublicKey key, uint64_t version)
      : reference_(std::move(reference)),
        client_(std::move(client)),
        key_(std::move(key)),
        version_(version),
        algorithm_(AlgorithmFor(key_.type())) {}

  StatusOr<std::string> Sign(std::string_view payload, Deadline deadline) const override {
    vault::TransitSignRequest request{version_, algorithm_.hash,
                                      TransitInput(payload, algorithm_.hash), algorithm_.ecdsa};
    CN_ASSIGN_OR_RETURN(vault::TransitSignature signature, client_->Sign(request, deadline));
    const std::string which = "version " + std::to_string(version_) + " of " + reference_;
    if (signature.key_version != version_) {
      return VerificationFailedError("Vault signed with version " +
                                     std::to_string(signature.key_version) + ", not " + which);
    }
    Status verified = key_.Verify(payload, signature.signature, CosignScheme(key_.type()));
    if (!verified.ok()) {
      return verified.WithPrefix("Vault returned a signature that does not verify with " + which +
                                 "'s public key");
    }
    return std::move(signature.signature);
  }

 private:
  const std::string reference_;
  const std::unique_ptr<vault::TransitClient> client_;
  const crypto::PublicKey key_;
  const uint64_t version_;
  const TransitAlgorithm algorithm_;
};

}  // namespace

StatusOr<std::unique_ptr<PayloadSigner>> VaultPayloadSigner(std::string_view reference,
                                                            const vault::Environment& env,
                                                            Deadline deadline) {
  CN_ASSIGN_OR_RETURN(vault::TransitKeyUri uri, vault::ParseTransitKeyUri(reference));
  CN_ASSIGN_OR_RETURN(auto client, vault::TransitClient::Create(uri, env));
  CN_ASSIGN_OR_RETURN(vault::TransitPublicKey info, client->ReadPublicKey(deadline));
  auto key = crypto::PublicKey::FromSpkiDer(info.spki_der);
  if (!key.ok()) {
    return InvalidArgumentError("Vault key " + client->key_url() + " (type \"" + info.type +
                                "\") is not a key cosign verifies: " + key.status().message());
  }
  return std::unique_ptr<PayloadSigner>(std::make_unique<VaultSigner>(
      std::string(reference), std::move(client), std::move(key).value(), info.latest_version));
}

}  // namespace connaisseur::cosign
