#include "validators/cosign/attestations.h"

#include "validators/cosign/signature_manifest.h"

namespace connaisseur::cosign {

StatusOr<std::string> AttestationTag(std::string_view image_digest) {
  CN_ASSIGN_OR_RETURN(std::string sig_tag, SignatureTag(image_digest));
  return sig_tag.substr(0, sig_tag.size() - 4) + ".att";  // "sha256-<hex>" + ".att"
}

StatusOr<std::vector<FoundEnvelope>> FindAttestationLayers(
    registry::RegistryClient& client, std::string_view registry, std::string_view repository,
    std::string_view image_digest, Deadline deadline, std::string* overflow) {
  CN_ASSIGN_OR_RETURN(std::string tag, AttestationTag(image_digest));
  std::vector<FoundEnvelope> found;
  auto served = client.GetManifest(std::string(registry), std::string(repository), tag, deadline);
  if (!served.ok()) {
    if (served.status().code() == StatusCode::kNotFound) return found;
    return served.status().WithPrefix(tag);
  }
  auto manifest = SignatureManifest::Parse(served->body);
  if (!manifest.ok()) return manifest.status().WithPrefix(tag);
  size_t index = 0;
  for (const Descriptor& d : manifest->layers) {
    if (d.media_type != kDsseEnvelopeMediaType) continue;
    if (found.size() == kMaxAttestationLayers) {
      *overflow = tag + ": only the first " + std::to_string(kMaxAttestationLayers) +
                  " attestation layers were read";
      break;
    }
    FoundEnvelope f;
    f.source = tag + " layer " + std::to_string(index++);
    auto blob =
        client.GetBlob(std::string(registry), std::string(repository), d.digest, d.size, deadline);
    if (!blob.ok()) return blob.status().WithPrefix(f.source);
    f.envelope = DsseEnvelope::Parse(*blob);
    f.stored_envelope = std::move(blob).value();
    if (auto it = d.annotations.find(std::string(kBundleAnnotation)); it != d.annotations.end()) {
      f.rekor_bundle = it->second;
    }
    if (auto cert = d.annotations.find(std::string(kCertificateAnnotation));
        cert != d.annotations.end()) {
      auto chain = d.annotations.find(std::string(kChainAnnotation));
      auto certificate = SigningCertificate::FromPem(
          cert->second, chain == d.annotations.end() ? std::string_view() : chain->second);
      if (certificate.ok()) {
        f.certificate = std::move(certificate).value();
      } else {
        f.envelope = certificate.status();  // a malformed certificate: the layer is malformed
      }
    }
    found.push_back(std::move(f));
  }
  return found;
}

std::vector<FoundEnvelope> EnvelopesOfBundles(const std::vector<FetchedBundle>& bundles) {
  std::vector<FoundEnvelope> found;
  for (const FetchedBundle& b : bundles) {
    FoundEnvelope f;
    f.source = "bundle " + b.manifest_digest;
    if (!b.bundle.ok()) {
      f.envelope = b.bundle.status();
    } else if (!b.bundle->dsse_envelope) {
      continue;  // a messageSignature: a signature, never an attestation
    } else {
      f.envelope = *b.bundle->dsse_envelope;
      f.tlog_entries = b.bundle->tlog_entries;
      if (b.bundle->key_material != SigstoreBundle::KeyMaterial::kPublicKey) {
        f.certificate = SigningCertificate{b.bundle->certificate_der, b.bundle->chain_der};
      }
    }
    found.push_back(std::move(f));
  }
  return found;
}

StatusOr<std::string> PublishAttestationLayer(registry::RegistryClient& client,
                                              std::string_view registry_sv,
                                              std::string_view repository_sv,
                                              std::string_view image_digest,
                                              const DsseEnvelope& envelope,
                                              std::string_view predicate_type, Deadline deadline) {
  const std::string registry(registry_sv), repo(repository_sv);
  CN_ASSIGN_OR_RETURN(std::string tag, AttestationTag(image_digest));
  SignatureManifest att;
  auto existing = client.GetManifest(registry, repo, tag, deadline);
  if (existing.ok()) {
    CN_ASSIGN_OR_RETURN(att, SignatureManifest::Parse(existing->body));
  } else if (existing.status().code() != StatusCode::kNotFound) {
    return existing.status();
  }
  const std::string blob = envelope.Serialize();
  CN_ASSIGN_OR_RETURN(std::string blob_digest, client.PutBlob(registry, repo, blob, deadline));
  Descriptor layer;
  layer.media_type = std::string(kDsseEnvelopeMediaType);
  layer.digest = blob_digest;
  layer.size = static_cast<int64_t>(blob.size());
  layer.annotations[std::string(kSignatureAnnotation)] = "";
  layer.annotations[std::string(kPredicateTypeAnnotation)] = std::string(predicate_type);
  att.layers.push_back(std::move(layer));
  std::vector<std::string> diff_ids;
  for (const auto& l : att.layers) diff_ids.push_back(l.digest);
  const std::string config = SignatureConfig(diff_ids);
  CN_ASSIGN_OR_RETURN(std::string config_digest, client.PutBlob(registry, repo, config, deadline));
  att.config = {
      std::string(kOciConfigMediaType), config_digest, static_cast<int64_t>(config.size()), {}};
  return client.PutManifest(registry, repo, tag, att.Serialize(), kOciManifestMediaType, deadline);
}

}  // namespace connaisseur::cosign
