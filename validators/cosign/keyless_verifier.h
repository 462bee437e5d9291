// KeylessVerifier: one keyless trust root ({keyless: {issuer | issuerRegex, subject |
// subjectRegex}}) verified offline, as `cosign verify --certificate-identity... ` does with a
// pinned Fulcio root, CT log key and Rekor key (docs/configuration.md "cosign"). A signature layer
// counts for the root when, in this order:
//   1. it carries a signing certificate (dev.sigstore.cosign/certificate, with optional
//      intermediates in dev.sigstore.cosign/chain);
//   2. its signature verifies over the simple-signing payload with the certificate's key, the
//      payload names the image digest, and its Rekor bundle's signed entry timestamp verifies
//      with `host.rekorPubkey` and its entry names this signature and payload (layer_verifier);
//   3. the Rekor entry names this very certificate;
//   4. the certificate chains to `host.fulcioCert`, every certificate of the path valid at the
//      bundle's integratedTime (Fulcio certificates live 10 minutes: never "now");
//   5. with verifySCT, it embeds an SCT from the CT log of `host.ctLogPubkey`;
//   6. its OIDC issuer and a subject alternative name match the root's identity.
// A sigstore bundle signed with a certificate (verificationMaterial `certificate`, or
// `x509CertificateChain`) counts the same way: 1. the certificate; 2. the bundle's signature
// verifies with its key over what it signs, its content names the image (bundle_verifier.h), and
// one of its tlog entries has an inclusion promise verifying with `host.rekorPubkey` and a body
// naming this signature; 3 to 6 as above, against that entry. Keyless attestations
// (attestation_verifier.h) make checks 3 to 6 through VerifyCertificate.
// A keyless root needs the transparency log: without a bundle there is no time at which the
// certificate was valid, so `verifyInTransparencyLog: false` denies for it.
#pragma once

#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "runtime/config/config.h"
#include "runtime/crypto/public_key.h"
#include "runtime/status.h"
#include "validators/cosign/bundle_verifier.h"
#include "validators/cosign/certificate_chain.h"
#include "validators/cosign/keyless_identity.h"
#include "validators/cosign/layer_verifier.h"
#include "validators/cosign/signing_certificate.h"
#include "validators/cosign/trust_policy.h"

namespace connaisseur::cosign {

// What a rule asks of a keyless verification (its `with:` options).
struct KeylessChecks {
  bool verify_sct = true;                        // verifySCT
  bool transparency_log = true;                  // verifyInTransparencyLog (must stay true)
  const crypto::PublicKey* rekor_key = nullptr;  // borrowed: host.rekorPubkey or the public one
};

// A transparency-log entry whose signed entry timestamp verified, and the signature it logs.
struct LoggedEntry {
  std::string body_b64;         // the canonicalized body, base64 as logged
  int64_t integrated_time = 0;  // Unix seconds
  std::string signature;        // raw bytes: the signature the body names
};

class KeylessVerifier {
 public:
  // `host` gives fulcioCert (required) and ctLogPubkey (required when a rule verifies SCTs).
  // kInvalidArgument naming what is missing or malformed: "host.fulcioCert is not configured",
  // "host.fulcioCert: ...", "host.ctLogPubkey: ...", "keyless.subjectRegex is not a valid ...".
  static StatusOr<std::shared_ptr<const KeylessVerifier>> Create(const config::Keyless& identity,
                                                                 const config::CosignHost& host);

  // OK iff `layer` passes checks 1 to 6 above for `image_digest`. kVerificationFailed naming the
  // failed check otherwise.
  Status VerifyLayer(const SignedLayer& layer, std::string_view image_digest,
                     const KeylessChecks& checks) const;

  // VerifyLayer over every simple-signing layer; the root is valid when one passes. An invalid
  // root's reason is the failure of the layer that got furthest.
  RootOutcome CheckRoot(std::string_view root_name, const std::vector<SignedLayer>& layers,
                        std::string_view image_digest, const KeylessChecks& checks) const;

  // OK iff the sigstore bundle is signed with a certificate and passes the bundle checks above
  // for `subject`. kVerificationFailed naming the failed check otherwise.
  Status VerifyBundle(const SigstoreBundle& bundle, const BundleSubject& subject,
                      const KeylessChecks& checks) const;

  // VerifyBundle over every bundle; as CheckRoot, the reason names the bundle that got furthest.
  RootOutcome CheckRootBundles(std::string_view root_name,
                               const std::vector<FetchedBundle>& bundles,
                               const BundleSubject& subject, const KeylessChecks& checks) const;

  // Checks 3 to 6 for `certificate`, whose key made the signature `entry` logs: the entry names
  // this certificate, which chains to host.fulcioCert at entry.integrated_time, embeds an SCT
  // from host.ctLogPubkey (when checks.verify_sct) and names the root's identity.
  // kVerificationFailed naming the failed check.
  Status VerifyCertificate(const SigningCertificate& certificate, const LoggedEntry& entry,
                           const KeylessChecks& checks) const;

  // Why a rule cannot use keyless roots ("" when it can): they need the transparency log.
  static std::string RuleProblem(const KeylessChecks& checks);

 private:
  KeylessVerifier(CertificateChain chain, std::optional<crypto::PublicKey> ct_log_key,
                  IdentityMatcher identity)
      : chain_(std::move(chain)),
        ct_log_key_(std::move(ct_log_key)),
        identity_(std::move(identity)) {}

  // VerifyLayer, VerifyBundle and VerifyCertificate, also counting how many of the checks
  // passed (to rank failures).
  Status Verify(const SignedLayer& layer, std::string_view image_digest,
                const KeylessChecks& checks, int& passed) const;
  Status Verify(const SigstoreBundle& bundle, const BundleSubject& subject,
                const KeylessChecks& checks, int& passed) const;
  Status CheckCertificate(const SigningCertificate& certificate, const LoggedEntry& entry,
                          const KeylessChecks& checks, int& passed) const;

  const CertificateChain chain_;
  const std::optional<crypto::PublicKey> ct_log_key_;  // absent: no host.ctLogPubkey
  const IdentityMatcher identity_;
};

}  // namespace connaisseur::cosign
