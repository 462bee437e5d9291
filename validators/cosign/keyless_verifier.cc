#include "validators/cosign/keyless_verifier.h"

#include <nlohmann/json.hpp>

#include "runtime/crypto/encoding.h"
#include "validators/cosign/rekor_bundle.h"
#include "validators/cosign/sct.h"
#include "validators/cosign/signature_manifest.h"
#include "validators/cosign/simple_signing.h"

namespace connaisseur::cosign {

namespace {

std::string Annotation(const SignedLayer& layer, std::string_view key) {
  auto it = layer.descriptor.annotations.find(std::string(key));
  return it == layer.descriptor.annotations.end() ? std::string() : it->second;
}

// The DER of the certificate a Rekor entry body names (spec.signature.publicKey.content: base64
// of a PEM certificate), or "" when it names none or something else.
std::string EntryCertificateDer(const RekorBundle& bundle) {
  auto body_text = crypto::Base64Decode(bundle.body);
  if (!body_text.ok()) return "";
  auto body = nlohmann::json::parse(*body_text, nullptr, false);
  const auto pointer = nlohmann::json::json_pointer("/spec/signature/publicKey/content");
  if (body.is_discarded() || !body.contains(pointer) || !body[pointer].is_string()) return "";
  auto pem = crypto::Base64Decode(body[pointer].get<std::string>());
  if (!pem.ok()) return "";
  auto certs = ParseCertificates(*pem);
  if (!certs.ok() || certs->size() != 1) return "";
  return crypto::EncodeDer(i2d_X509, certs->front().get());
}

}  // namespace

StatusOr<std::shared_ptr<const KeylessVerifier>> KeylessVerifier::Create(
    const config::Keyless& identity, const config::CosignHost& host) {
  CN_ASSIGN_OR_RETURN(IdentityMatcher matcher, IdentityMatcher::Create(identity));
  if (host.fulcio_cert.empty()) {
    return InvalidArgumentError(
        "host.fulcioCert is not configured: keyless trust roots need the Fulcio root");
  }
  auto chain = CertificateChain::Create(host.fulcio_cert);
  if (!chain.ok()) return chain.status().WithPrefix("host.fulcioCert");
  std::optional<crypto::PublicKey> ct_log_key;
  if (!host.ct_log_pubkey.empty()) {
    auto key = crypto::PublicKey::FromPem(host.ct_log_pubkey);
    if (!key.ok()) return key.status().WithPrefix("host.ctLogPubkey");
    ct_log_key.emplace(std::move(key).value());
  }
  return std::shared_ptr<const KeylessVerifier>(
      new KeylessVerifier(std::move(chain).value(), std::move(ct_log_key), std::move(matcher)));
}

Status KeylessVerifier::Verify(const SignedLayer& layer, std::string_view image_digest,
                               const KeylessChecks& checks, int& passed) const {
  passed = 0;
  const std::string cert_pem = Annotation(layer, kCertificateAnnotation);
  if (cert_pem.empty()) {
    return VerificationFailedError("layer " + layer.descriptor.digest +
                                   " has no signing certificate");
  }
  auto leaf = ParseCertificates(cert_pem);
  if (!leaf.ok() || leaf->size() != 1) {
    return VerificationFailedError("signing certificate is not one PEM certificate");
  }
  std::vector<crypto::X509Ptr> intermediates;
  if (const std::string chain_pem = Annotation(layer, kChainAnnotation); !chain_pem.empty()) {
    auto parsed = ParseCertificates(chain_pem);
    if (!parsed.ok()) return parsed.status().WithPrefix("certificate chain annotation");
    intermediates = std::move(parsed).value();
  }
  X509& cert = *leaf->front();
  auto key = crypto::PublicKey::FromCertificatePem(cert_pem);
  if (!key.ok()) return key.status().WithPrefix("signing certificate");
  ++passed;  // 1: a certificate

  const TlogPolicy tlog{/*required=*/true, checks.rekor_key};
  Status layer_ok = cosign::VerifyLayer(layer, *key, image_digest, tlog);
  if (!layer_ok.ok()) return layer_ok.WithPrefix("keyless signature");
  ++passed;  // 2: signature, payload, signed entry timestamp
  auto bundle = RekorBundle::Parse(Annotation(layer, kBundleAnnotation));
  if (!bundle.ok()) return bundle.status();  // parsed by VerifyLayer already
  if (EntryCertificateDer(*bundle) != crypto::EncodeDer(i2d_X509, &cert)) {
    return VerificationFailedError("transparency log entry does not name this signing certificate");
  }
  ++passed;  // 3: the entry binds the certificate

  CN_ASSIGN_OR_RETURN(crypto::X509Ptr issuer,
                      chain_.Verify(cert, intermediates, bundle->integrated_time));
  ++passed;  // 4: chain at integratedTime
  if (checks.verify_sct) {
    if (!ct_log_key_) {
      return VerificationFailedError(
          "SCT: host.ctLogPubkey is not configured (set it, or verifySCT: false)");
    }
    CN_RETURN_IF_ERROR(VerifyEmbeddedSct(cert, *issuer, *ct_log_key_));
  }
  ++passed;  // 5: SCT
  CN_ASSIGN_OR_RETURN(CertificateIdentity identity, ReadCertificateIdentity(cert));
  return identity_.Match(identity);
}

Status KeylessVerifier::VerifyLayer(const SignedLayer& layer, std::string_view image_digest,
                                    const KeylessChecks& checks) const {
  int passed = 0;
  return Verify(layer, image_digest, checks, passed);
}

RootOutcome KeylessVerifier::CheckRoot(std::string_view root_name,
                                       const std::vector<SignedLayer>& layers,
                                       std::string_view image_digest,
                                       const KeylessChecks& checks) const {
  RootOutcome outcome;
  outcome.root = std::string(root_name);
  if (!checks.transparency_log) {
    outcome.reason =
        "keyless signatures need the transparency log: verifyInTransparencyLog must not be false";
    return outcome;
  }
  int best = -1;
  for (const auto& layer : layers) {
    if (layer.descriptor.media_type != kSimpleSigningMediaType) continue;
    int passed = 0;
    Status s = Verify(layer, image_digest, checks, passed);
    if (s.ok()) {
      outcome.valid = true;
      outcome.reason.clear();
      return outcome;
    }
    if (passed > best) {
      best = passed;
      outcome.reason = s.message();
    }
  }
  if (outcome.reason.empty()) outcome.reason = "no signatures found";
  return outcome;
}

}  // namespace connaisseur::cosign
