#include "validators/cosign/attestation_signer.h"

#include <array>
#include <utility>

#include "validators/cosign/attestations.h"
#include "validators/cosign/in_toto_statement.h"
#include "validators/cosign/referrers.h"
#include "validators/cosign/simple_signing.h"

namespace connaisseur::cosign {

namespace {

constexpr std::string_view kCustomPredicateType = "https://cosign.sigstore.dev/attestation/v1";

// cosign's `--type` names and the URIs they stand for.
constexpr std::array<std::pair<std::string_view, std::string_view>, 8> kPredicateTypes{{
    {"slsaprovenance", "https://slsa.dev/provenance/v0.2"},
    {"slsaprovenance02", "https://slsa.dev/provenance/v0.2"},
    {"slsaprovenance1", "https://slsa.dev/provenance/v1"},
    {"spdx", "https://spdx.dev/Document"},
    {"spdxjson", "https://spdx.dev/Document"},
    {"cyclonedx", "https://cyclonedx.org/bom"},
    {"vuln", "https://cosign.sigstore.dev/attestation/vuln/v1"},
    {"custom", kCustomPredicateType},
}};

}  // namespace

StatusOr<std::string> PredicateTypeUri(std::string_view type) {
  for (const auto& [name, uri] : kPredicateTypes) {
    if (type == name) return std::string(uri);
  }
  if (type.find("://") != std::string_view::npos) return std::string(type);
  return InvalidArgumentError("unknown predicate type \"" + std::string(type) +
                              "\" (slsaprovenance, slsaprovenance1, spdxjson, cyclonedx, vuln, "
                              "custom or a URI)");
}

StatusOr<nlohmann::json> PredicateFromFile(std::string_view type, std::string_view file_text,
                                           std::string_view timestamp) {
  if (type == "custom") {
    return nlohmann::json{{"data", std::string(file_text)}, {"timestamp", std::string(timestamp)}};
  }
  nlohmann::json predicate = nlohmann::json::parse(file_text, nullptr, false);
  if (predicate.is_discarded() || !predicate.is_object()) {
    return InvalidArgumentError("the predicate file is not a JSON object");
  }
  return predicate;
}

StatusOr<DsseEnvelope> MakeAttestationEnvelope(std::string_view subject_name,
                                               std::string_view image_digest,
                                               std::string_view predicate_type,
                                               const nlohmann::json& predicate,
                                               const PayloadSigner& signer, Deadline deadline) {
  DsseEnvelope envelope;
  envelope.payload_type = std::string(kInTotoPayloadType);
  envelope.payload = MakeInTotoStatement(subject_name, image_digest, predicate_type, predicate);
  CN_ASSIGN_OR_RETURN(std::string signature,
                      signer.Sign(DssePae(envelope.payload_type, envelope.payload), deadline));
  envelope.signatures.push_back(std::move(signature));
  return envelope;
}

StatusOr<AttestResult> AttestImage(registry::RegistryClient& client,
                                   const image::ImageReference& image,
                                   std::string_view predicate_type, const nlohmann::json& predicate,
                                   const PayloadSigner& signer, bool as_bundle, Deadline deadline) {
  const std::string& registry = image.registry();
  const std::string& repo = image.repository();
  const std::string reference = image.digest() ? *image.digest() : image.tag().value_or("latest");
  CN_ASSIGN_OR_RETURN(auto manifest, client.GetManifest(registry, repo, reference, deadline));
  CN_ASSIGN_OR_RETURN(DsseEnvelope envelope,
                      MakeAttestationEnvelope(DockerReference(registry, repo), manifest.digest,
                                              predicate_type, predicate, signer, deadline));
  AttestResult result;
  result.image_digest = manifest.digest;
  if (!as_bundle) {
    CN_ASSIGN_OR_RETURN(result.manifest_digest,
                        PublishAttestationLayer(client, registry, repo, manifest.digest, envelope,
                                                predicate_type, deadline));
    return result;
  }
  SigstoreBundle bundle;
  bundle.media_type = std::string(kSigstoreBundleMediaType);
  bundle.key_material = SigstoreBundle::KeyMaterial::kPublicKey;
  bundle.dsse_envelope = std::move(envelope);
  CN_ASSIGN_OR_RETURN(auto published,
                      PublishBundle(client, registry, repo, manifest, bundle, deadline));
  result.manifest_digest = published.manifest_digest;
  result.referrers_tag = published.referrers_tag;
  return result;
}

}  // namespace connaisseur::cosign
