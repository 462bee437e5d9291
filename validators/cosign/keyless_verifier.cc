#include "validators/cosign/keyless_verifier.h"

#include <nlohmann/json.hpp>

#include "runtime/crypto/encoding.h"
#include "validators/cosign/rekor_bundle.h"
#include "validators/cosign/sct.h"
#include "validators/cosign/signature_manifest.h"
#include "validators/cosign/simple_signing.h"

namespace connaisseur::cosign {

namespace {

using nlohmann::json;

std::string Annotation(const SignedLayer& layer, std::string_view key) {
  auto it = layer.descriptor.annotations.find(std::string(key));
  return it == layer.descriptor.annotations.end() ? std::string() : it->second;
}

// `obj[key]` when it is a string, else "".
std::string StringAt(const json& obj, const char* key) {
  if (!obj.is_object()) return "";
  auto it = obj.find(key);
  return it != obj.end() && it->is_string() ? it->get<std::string>() : "";
}

// The signer `intoto` entries name: 0.0.2 per envelope signature (spec.content.envelope.
// signatures[i].publicKey, its `sig` base64 of the signature's base64), 0.0.1 once
// (spec.publicKey).
std::string IntotoSignerB64(const json& spec, std::string_view signature) {
  auto content = spec.find("content");
  if (content != spec.end() && content->is_object()) {
    auto envelope = content->find("envelope");
    if (envelope != content->end() && envelope->is_object()) {
      auto sigs = envelope->find("signatures");
      if (sigs == envelope->end() || !sigs->is_array()) return "";
      for (const auto& s : *sigs) {
        auto once = crypto::Base64Decode(StringAt(s, "sig"));
        auto raw = once.ok() ? crypto::Base64Decode(*once) : once;
        if (raw.ok() && *raw == signature) return StringAt(s, "publicKey");
      }
      return "";
    }
  }
  return StringAt(spec, "publicKey");
}

// The base64 PEM the entry body names as the signer of `signature`: a hashedrekord's (or
// rekord's) spec.signature.publicKey.content, a dsse entry's spec.signatures[i].verifier for the
// signature that is this one, an intoto entry's as above. "" when it names none.
std::string EntrySignerB64(const json& body, std::string_view signature) {
  auto spec = body.find("spec");
  if (spec == body.end() || !spec->is_object()) return "";
  const std::string kind = StringAt(body, "kind");
  if (kind == "intoto") return IntotoSignerB64(*spec, signature);
  if (kind != "dsse") {
    auto sig = spec->find("signature");
    if (sig == spec->end() || !sig->is_object()) return "";
    auto key = sig->find("publicKey");
    return key == sig->end() ? "" : StringAt(*key, "content");
  }
  auto sigs = spec->find("signatures");
  if (sigs == spec->end() || !sigs->is_array()) return "";
  for (const auto& s : *sigs) {
    auto raw = crypto::Base64Decode(StringAt(s, "signature"));
    if (raw.ok() && *raw == signature) return StringAt(s, "verifier");
  }
  return "";
}

// The DER of the one certificate the entry names as the signer of `signature`, or "" when it
// names none, a bare key, or something else.
std::string EntryCertificateDer(const LoggedEntry& entry) {
  auto body_text = crypto::Base64Decode(entry.body_b64);
  if (!body_text.ok()) return "";
  auto body = json::parse(*body_text, nullptr, false);
  if (body.is_discarded() || !body.is_object()) return "";
  auto pem = crypto::Base64Decode(EntrySignerB64(body, entry.signature));
  if (!pem.ok()) return "";
  auto certs = ParseCertificates(*pem);
  if (!certs.ok() || certs->size() != 1) return "";
  return CertificateDer(*certs->front());
}

// Keeps `reason` of the attempt that passed most checks (`best`, updated).
void KeepFurthest(const Status& s, int passed, const std::string& prefix, int& best,
                  std::string& reason) {
  if (passed > best) {
    best = passed;
    reason = prefix + s.message();
  }
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

std::string KeylessVerifier::RuleProblem(const KeylessChecks& checks) {
  if (checks.transparency_log) return "";
  return "keyless signatures need the transparency log: verifyInTransparencyLog must not be false";
}

Status KeylessVerifier::Verify(const SignedLayer& layer, std::string_view image_digest,
                               const KeylessChecks& checks, int& passed) const {
  passed = 0;
  const std::string cert_pem = Annotation(layer, kCertificateAnnotation);
  if (cert_pem.empty()) {
    return VerificationFailedError("layer " + layer.descriptor.digest +
                                   " has no signing certificate");
  }
  CN_ASSIGN_OR_RETURN(SigningCertificate certificate,
                      SigningCertificate::FromPem(cert_pem, Annotation(layer, kChainAnnotation)));
  CN_ASSIGN_OR_RETURN(crypto::PublicKey key, certificate.Key());
  ++passed;  // 1: a certificate

  const TlogPolicy tlog{/*required=*/true, checks.rekor_key};
  Status layer_ok = cosign::VerifyLayer(layer, key, image_digest, tlog);
  if (!layer_ok.ok()) return layer_ok.WithPrefix("keyless signature");
  ++passed;  // 2: signature, payload, signed entry timestamp
  auto bundle = RekorBundle::Parse(Annotation(layer, kBundleAnnotation));
  auto signature = crypto::Base64Decode(Annotation(layer, kSignatureAnnotation));
  if (!bundle.ok()) return bundle.status();        // parsed by VerifyLayer already
  if (!signature.ok()) return signature.status();  // decoded by VerifyLayer already
  const LoggedEntry entry{bundle->body, bundle->integrated_time, std::move(signature).value()};
  return CheckCertificate(certificate, entry, checks, passed);
}

Status KeylessVerifier::Verify(const SigstoreBundle& bundle, const BundleSubject& subject,
                               const KeylessChecks& checks, int& passed) const {
  passed = 0;
  if (bundle.key_material == SigstoreBundle::KeyMaterial::kPublicKey) {
    return VerificationFailedError("bundle is signed with a key, not a certificate");
  }
  const SigningCertificate certificate{bundle.certificate_der, bundle.chain_der};
  CN_ASSIGN_OR_RETURN(crypto::PublicKey key, certificate.Key());
  ++passed;  // 1: a certificate

  const TlogPolicy tlog{/*required=*/true, checks.rekor_key};
  auto logged = VerifyBundleSignature(bundle, key, subject, tlog);
  if (!logged.ok()) return logged.status().WithPrefix("keyless signature");
  if (logged->entry == nullptr) return InternalError("verified bundle without its tlog entry");
  ++passed;  // 2: signature, content, signed entry timestamp
  const LoggedEntry entry{logged->entry->canonicalized_body, logged->entry->integrated_time,
                          std::move(logged->signature)};
  return CheckCertificate(certificate, entry, checks, passed);
}

Status KeylessVerifier::CheckCertificate(const SigningCertificate& certificate,
                                         const LoggedEntry& entry, const KeylessChecks& checks,
                                         int& passed) const {
  CN_ASSIGN_OR_RETURN(crypto::X509Ptr leaf, certificate.Leaf());
  CN_ASSIGN_OR_RETURN(std::vector<crypto::X509Ptr> intermediates, certificate.Intermediates());
  const std::string leaf_der = CertificateDer(*leaf);
  if (leaf_der.empty() || EntryCertificateDer(entry) != leaf_der) {
    return VerificationFailedError("transparency log entry does not name this signing certificate");
  }
  ++passed;  // 3: the entry binds the certificate

  CN_ASSIGN_OR_RETURN(crypto::X509Ptr issuer,
                      chain_.Verify(*leaf, intermediates, entry.integrated_time));
  ++passed;  // 4: chain at integratedTime
  if (checks.verify_sct) {
    if (!ct_log_key_) {
      return VerificationFailedError(
          "SCT: host.ctLogPubkey is not configured (set it, or verifySCT: false)");
    }
    CN_RETURN_IF_ERROR(VerifyEmbeddedSct(*leaf, *issuer, *ct_log_key_));
  }
  ++passed;  // 5: SCT
  CN_ASSIGN_OR_RETURN(CertificateIdentity identity, ReadCertificateIdentity(*leaf));
  return identity_.Match(identity);
}

Status KeylessVerifier::VerifyLayer(const SignedLayer& layer, std::string_view image_digest,
                                    const KeylessChecks& checks) const {
  int passed = 0;
  return Verify(layer, image_digest, checks, passed);
}

Status KeylessVerifier::VerifyBundle(const SigstoreBundle& bundle, const BundleSubject& subject,
                                     const KeylessChecks& checks) const {
  int passed = 0;
  return Verify(bundle, subject, checks, passed);
}

Status KeylessVerifier::VerifyCertificate(const SigningCertificate& certificate,
                                          const LoggedEntry& entry,
                                          const KeylessChecks& checks) const {
  int passed = 0;
  return CheckCertificate(certificate, entry, checks, passed);
}

RootOutcome KeylessVerifier::CheckRoot(std::string_view root_name,
                                       const std::vector<SignedLayer>& layers,
                                       std::string_view image_digest,
                                       const KeylessChecks& checks) const {
  RootOutcome outcome;
  outcome.root = std::string(root_name);
  outcome.reason = RuleProblem(checks);
  if (!outcome.reason.empty()) return outcome;
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
    KeepFurthest(s, passed, "", best, outcome.reason);
  }
  if (outcome.reason.empty()) outcome.reason = "no signatures found";
  return outcome;
}

RootOutcome KeylessVerifier::CheckRootBundles(std::string_view root_name,
                                              const std::vector<FetchedBundle>& bundles,
                                              const BundleSubject& subject,
                                              const KeylessChecks& checks) const {
  RootOutcome outcome;
  outcome.root = std::string(root_name);
  outcome.reason = RuleProblem(checks);
  if (!outcome.reason.empty()) return outcome;
  int best = -1;
  for (const auto& fetched : bundles) {
    const std::string prefix = "bundle " + fetched.manifest_digest + ": ";
    if (!fetched.bundle.ok()) {
      const Status malformed =
          VerificationFailedError("malformed: " + fetched.bundle.status().message());
      KeepFurthest(malformed, 0, prefix, best, outcome.reason);
      continue;
    }
    int passed = 0;
    Status s = Verify(*fetched.bundle, subject, checks, passed);
    if (s.ok()) {
      outcome.valid = true;
      outcome.reason.clear();
      return outcome;
    }
    KeepFurthest(s, passed, prefix, best, outcome.reason);
  }
  if (outcome.reason.empty()) outcome.reason = "no signatures found";
  return outcome;
}

}  // namespace connaisseur::cosign
