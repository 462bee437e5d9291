#include "validators/cosign/bundle_signer.h"

#include "validators/cosign/bundle_verifier.h"
#include "validators/cosign/referrers.h"

namespace connaisseur::cosign {

StatusOr<SigstoreBundle> MakeSignatureBundle(std::string_view image_digest,
                                             const PayloadSigner& signer, Deadline deadline) {
  DsseEnvelope dsse;
  dsse.payload_type = std::string(kInTotoPayloadType);
  dsse.payload = CosignSignStatement(image_digest);
  CN_ASSIGN_OR_RETURN(std::string signature,
                      signer.Sign(DssePae(dsse.payload_type, dsse.payload), deadline));
  dsse.signatures.push_back(std::move(signature));
  SigstoreBundle bundle;
  bundle.media_type = std::string(kSigstoreBundleMediaType);
  bundle.key_material = SigstoreBundle::KeyMaterial::kPublicKey;
  bundle.dsse_envelope = std::move(dsse);
  return bundle;
}

StatusOr<BundleSignResult> SignImageBundle(registry::RegistryClient& client,
                                           const image::ImageReference& image,
                                           const PayloadSigner& signer, Deadline deadline) {
  const std::string reference = image.digest() ? *image.digest() : image.tag().value_or("latest");
  CN_ASSIGN_OR_RETURN(
      auto manifest, client.GetManifest(image.registry(), image.repository(), reference, deadline));
  CN_ASSIGN_OR_RETURN(SigstoreBundle bundle,
                      MakeSignatureBundle(manifest.digest, signer, deadline));
  CN_ASSIGN_OR_RETURN(auto published, PublishBundle(client, image.registry(), image.repository(),
                                                    manifest, bundle, deadline));
  BundleSignResult result;
  result.image_digest = manifest.digest;
  result.bundle_manifest_digest = published.manifest_digest;
  result.referrers_tag = published.referrers_tag;
  return result;
}

}  // namespace connaisseur::cosign
