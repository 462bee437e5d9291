#include "validators/cosign/kms_keys.h"

#include <mutex>

#include "runtime/aws/kms_client.h"
#include "runtime/aws/kms_key_uri.h"
#include "runtime/config/kms_reference.h"
#include "runtime/crypto/digest.h"
#include "runtime/join.h"
#include "runtime/vault/transit_client.h"
#include "runtime/vault/transit_key_uri.h"
#include "validators/cosign/vault_signer.h"

namespace connaisseur::cosign {
namespace {

// The KMS client of one reference, made on first use: its settings come from the environment,
// which may lack credentials when the values are only linted.
class LazyAwsKmsClient {
 public:
  LazyAwsKmsClient(aws::KmsKeyUri uri, aws::Environment env)
      : uri_(std::move(uri)), env_(std::move(env)) {}

  StatusOr<const aws::KmsClient*> Get() {
    std::lock_guard<std::mutex> lock(mu_);
    if (!client_) {
      CN_ASSIGN_OR_RETURN(client_, aws::KmsClient::Create(uri_, {env_, nullptr}));
    }
    return client_.get();
  }

 private:
  const aws::KmsKeyUri uri_;
  const aws::Environment env_;
  std::mutex mu_;
  std::unique_ptr<aws::KmsClient> client_;  // guarded by mu_
};

// OK when KMS says the key signs (an ENCRYPT_DECRYPT key never made a signature).
Status CheckSigningKey(const aws::KmsPublicKey& key) {
  if (!key.key_usage.empty() && key.key_usage != "SIGN_VERIFY") {
    return InvalidArgumentError("KMS key " + key.key_arn + " has KeyUsage " + key.key_usage +
                                ", not SIGN_VERIFY");
  }
  return Status();
}

// A cosign-verifiable algorithm for the key's type: its KMS name and our scheme and hash.
struct Algorithm {
  std::string name;
  crypto::SignatureScheme scheme;
  bool sha384;  // else SHA-256
};

std::optional<Algorithm> Verifiable(std::string_view name, crypto::KeyType type) {
  using crypto::KeyType;
  using crypto::SignatureScheme;
  if (name == "ECDSA_SHA_256" && type == KeyType::kEcdsaP256) {
    return Algorithm{std::string(name), SignatureScheme::kEcdsaDer, false};
  }
  if (name == "ECDSA_SHA_384" && type == KeyType::kEcdsaP384) {
    return Algorithm{std::string(name), SignatureScheme::kEcdsaDer, true};
  }
  if (name == "RSASSA_PKCS1_V1_5_SHA_256" && type == KeyType::kRsa) {
    return Algorithm{std::string(name), SignatureScheme::kRsaPkcs1Sha256, false};
  }
  if (name == "RSASSA_PSS_SHA_256" && type == KeyType::kRsa) {
    return Algorithm{std::string(name), SignatureScheme::kRsaPssSha256, false};
  }
  return std::nullopt;
}

class AwsKmsSigner final : public PayloadSigner {
 public:
  AwsKmsSigner(std::unique_ptr<aws::KmsClient> client, crypto::PublicKey key, Algorithm algorithm)
      : client_(std::move(client)), key_(std::move(key)), algorithm_(std::move(algorithm)) {}

  StatusOr<std::string> Sign(std::string_view payload, Deadline deadline) const override {
    std::string digest;
    if (algorithm_.sha384) {
      const auto d = crypto::Sha384(payload);
      digest.assign(reinterpret_cast<const char*>(d.data()), d.size());
    } else {
      const auto d = crypto::Sha256(payload);
      digest.assign(reinterpret_cast<const char*>(d.data()), d.size());
    }
    CN_ASSIGN_OR_RETURN(std::string signature, client_->Sign(digest, algorithm_.name, deadline));
    Status verified = key_.Verify(payload, signature, algorithm_.scheme);
    if (!verified.ok()) {
      return verified.WithPrefix("KMS Sign returned a signature that does not verify with " +
                                 client_->key().key_id + "'s public key");
    }
    return signature;
  }

 private:
  const std::unique_ptr<aws::KmsClient> client_;
  const crypto::PublicKey key_;
  const Algorithm algorithm_;
};

// A Vault transit key's source: the client is made on first use (the environment may lack the
// token when the values are only linted), and every fetch reads the key's latest version.
StatusOr<std::shared_ptr<const KeySource>> VaultKeySource(std::string_view reference,
                                                          const KmsSettings& settings) {
  CN_ASSIGN_OR_RETURN(vault::TransitKeyUri uri, vault::ParseTransitKeyUri(reference));
  struct Lazy {
    std::mutex mu;
    std::unique_ptr<vault::TransitClient> client;  // guarded by mu
  };
  auto lazy = std::make_shared<Lazy>();
  auto fetch = [lazy, uri, env = settings.vault_env](Deadline deadline) -> StatusOr<std::string> {
    const vault::TransitClient* client = nullptr;
    {
      std::lock_guard<std::mutex> lock(lazy->mu);
      if (!lazy->client) {
        CN_ASSIGN_OR_RETURN(lazy->client, vault::TransitClient::Create(uri, env));
      }
      client = lazy->client.get();
    }
    CN_ASSIGN_OR_RETURN(vault::TransitPublicKey key, client->ReadPublicKey(deadline));
    return std::move(key.spki_der);
  };
  return std::shared_ptr<const KeySource>(std::make_shared<RemoteKeySource>(
      "Vault key " + std::string(reference), std::move(fetch), settings.refresh));
}

}  // namespace

StatusOr<std::shared_ptr<const KeySource>> KmsKeySource(std::string_view reference,
                                                        const KmsSettings& settings) {
  if (vault::IsTransitKeyUri(reference)) return VaultKeySource(reference, settings);
  if (!aws::IsAwsKmsUri(reference)) {
    return InvalidArgumentError(std::string(config::KmsScheme(reference)) +
                                " keys are not supported yet");
  }
  CN_ASSIGN_OR_RETURN(aws::KmsKeyUri uri, aws::ParseKmsKeyUri(reference));
  auto client = std::make_shared<LazyAwsKmsClient>(uri, settings.aws_env);
  auto fetch = [client](Deadline deadline) -> StatusOr<std::string> {
    CN_ASSIGN_OR_RETURN(const aws::KmsClient* kms, client->Get());
    CN_ASSIGN_OR_RETURN(aws::KmsPublicKey key, kms->GetPublicKey(deadline));
    CN_RETURN_IF_ERROR(CheckSigningKey(key));
    return std::move(key.spki_der);
  };
  return std::shared_ptr<const KeySource>(std::make_shared<RemoteKeySource>(
      "AWS KMS key " + std::string(reference), std::move(fetch), settings.refresh));
}

StatusOr<std::unique_ptr<PayloadSigner>> KmsPayloadSigner(std::string_view reference,
                                                          const KmsSettings& settings,
                                                          Deadline deadline) {
  if (vault::IsTransitKeyUri(reference)) {
    return VaultPayloadSigner(reference, settings.vault_env, deadline);
  }
  if (!aws::IsAwsKmsUri(reference)) {
    return InvalidArgumentError(std::string(config::KmsScheme(reference)) +
                                " keys are not supported yet");
  }
  CN_ASSIGN_OR_RETURN(aws::KmsKeyUri uri, aws::ParseKmsKeyUri(reference));
  CN_ASSIGN_OR_RETURN(auto client, aws::KmsClient::Create(uri, {settings.aws_env, nullptr}));
  CN_ASSIGN_OR_RETURN(aws::KmsPublicKey info, client->GetPublicKey(deadline));
  CN_RETURN_IF_ERROR(CheckSigningKey(info));
  auto key = crypto::PublicKey::FromSpkiDer(info.spki_der);
  if (!key.ok()) return key.status().WithPrefix("KMS key " + info.key_arn);
  for (const std::string& name : info.signing_algorithms) {
    if (auto algorithm = Verifiable(name, key->type())) {
      return std::unique_ptr<PayloadSigner>(std::make_unique<AwsKmsSigner>(
          std::move(client), std::move(key).value(), std::move(*algorithm)));
    }
  }
  return InvalidArgumentError("KMS key " + info.key_arn + " (" + info.key_spec +
                              ") offers no signing algorithm cosign verifies (ECDSA_SHA_256 on "
                              "P-256, ECDSA_SHA_384 on P-384, RSASSA_PKCS1_V1_5_SHA_256 or "
                              "RSASSA_PSS_SHA_256 on RSA); it offers [" +
                              Join(info.signing_algorithms) + "]");
}

}  // namespace connaisseur::cosign
