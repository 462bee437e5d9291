#include "validators/cosign/signer.h"

#include "runtime/crypto/encoding.h"
#include "validators/cosign/signature_manifest.h"
#include "validators/cosign/simple_signing.h"

namespace connaisseur::cosign {

crypto::SignatureScheme CosignScheme(crypto::KeyType type) {
  switch (type) {
    case crypto::KeyType::kEcdsaP256:
    case crypto::KeyType::kEcdsaP384:
      return crypto::SignatureScheme::kEcdsaDer;
    case crypto::KeyType::kRsa:
      return crypto::SignatureScheme::kRsaPkcs1Sha256;
    case crypto::KeyType::kEd25519:
      return crypto::SignatureScheme::kEd25519;
  }
  return crypto::SignatureScheme::kEcdsaDer;
}

StatusOr<std::string> PrivateKeySigner::Sign(std::string_view payload, Deadline) const {
  return key_.Sign(payload, CosignScheme(key_.type()));
}

StatusOr<SignResult> SignImage(registry::RegistryClient& client, const image::ImageReference& image,
                               const crypto::PrivateKey& key,
                               const std::map<std::string, std::string>& annotations,
                               Deadline deadline) {
  return SignImage(client, image, PrivateKeySigner(key), annotations, deadline);
}

StatusOr<SignResult> SignImage(registry::RegistryClient& client, const image::ImageReference& image,
                               const PayloadSigner& signer,
                               const std::map<std::string, std::string>& annotations,
                               Deadline deadline) {
  const std::string& registry = image.registry();
  const std::string& repo = image.repository();
  const std::string reference = image.digest() ? *image.digest() : image.tag().value_or("latest");
  CN_ASSIGN_OR_RETURN(auto manifest, client.GetManifest(registry, repo, reference, deadline));
  SignResult result;
  result.image_digest = manifest.digest;
  CN_ASSIGN_OR_RETURN(std::string sig_tag, SignatureTag(manifest.digest));
  result.signature_reference = image.name() + ":" + sig_tag;

  SimpleSigning payload;
  payload.docker_reference = DockerReference(registry, repo);
  payload.manifest_digest = manifest.digest;
  payload.type = std::string(kSimpleSigningType);
  payload.optional = annotations;
  const std::string payload_bytes = payload.Serialize();
  CN_ASSIGN_OR_RETURN(std::string signature, signer.Sign(payload_bytes, deadline));

  SignatureManifest sig;
  auto existing = client.GetManifest(registry, repo, sig_tag, deadline);
  if (existing.ok()) {
    CN_ASSIGN_OR_RETURN(sig, SignatureManifest::Parse(existing->body));
  } else if (existing.status().code() != StatusCode::kNotFound) {
    return existing.status();
  }
  CN_ASSIGN_OR_RETURN(std::string payload_digest,
                      client.PutBlob(registry, repo, payload_bytes, deadline));
  Descriptor layer;
  layer.media_type = std::string(kSimpleSigningMediaType);
  layer.digest = payload_digest;
  layer.size = static_cast<int64_t>(payload_bytes.size());
  layer.annotations[std::string(kSignatureAnnotation)] = crypto::Base64Encode(signature);
  sig.layers.push_back(std::move(layer));

  std::vector<std::string> diff_ids;
  for (const auto& l : sig.layers) diff_ids.push_back(l.digest);
  const std::string config = SignatureConfig(diff_ids);
  CN_ASSIGN_OR_RETURN(std::string config_digest, client.PutBlob(registry, repo, config, deadline));
  sig.config = {
      std::string(kOciConfigMediaType), config_digest, static_cast<int64_t>(config.size()), {}};
  CN_ASSIGN_OR_RETURN(result.signature_manifest_digest,
                      client.PutManifest(registry, repo, sig_tag, sig.Serialize(),
                                         kOciManifestMediaType, deadline));
  result.layers = sig.layers.size();
  return result;
}

}  // namespace connaisseur::cosign
