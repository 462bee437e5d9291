// Bundle verification (docs/security.md "(4) The registry"): does one sigstore bundle,
// found as an OCI referrer of the image, prove the image digest under a trust root's key? No
// network: referrers.h fetches, this judges. Two contents count as an image signature:
//   - a DSSE envelope (payloadType application/vnd.in-toto+json) holding an in-toto statement
//     with predicateType https://sigstore.dev/cosign/sign/v1 whose subject names the image
//     digest: what `cosign sign` writes in the bundle format (cosign v3's default) and what
//     `connaisseur sign --bundle` writes; the signature is over DSSE's PAE of the payload;
//   - a messageSignature whose messageDigest (SHA2_256) is the image digest and whose signature
//     is over the image manifest's bytes (a blob signature of the manifest).
// Statements of other predicate types are attestations, never signatures.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "runtime/crypto/public_key.h"
#include "runtime/status.h"
#include "validators/cosign/layer_verifier.h"
#include "validators/cosign/rekor_entry_body.h"
#include "validators/cosign/sigstore_bundle.h"
#include "validators/cosign/trust_policy.h"

namespace connaisseur::cosign {

inline constexpr std::string_view kCosignSignPredicateType = "https://sigstore.dev/cosign/sign/v1";

// A bundle as fetched: where it came from (the referrer manifest's digest, for messages) and
// its parsed form, or why it did not parse.
struct FetchedBundle {
  std::string manifest_digest;
  StatusOr<SigstoreBundle> bundle;
};

// What a bundle is checked against: the resolved image digest and, for messageSignature
// bundles, the image manifest's bytes (null: not fetched; such bundles then fail).
struct BundleSubject {
  std::string_view image_digest;
  const std::string* image_manifest = nullptr;
};

// OK iff the bundle is key-based (a bundle signed with a certificate counts only for keyless
// roots: keyless_verifier.h), its signature verifies with `key`, its content names `subject` as
// above, and, when the tlog is required, one of its tlog entries has an inclusion promise (SET)
// that verifies under the Rekor key and a body naming this signature and payload (else
// `signature not found in transparency log: ...`). kVerificationFailed with the reason otherwise.
Status VerifyBundle(const SigstoreBundle& bundle, const crypto::PublicKey& key,
                    const BundleSubject& subject, const TlogPolicy& tlog);

// What a bundle's verified signature is and, when the tlog was required, the entry that logs
// it (borrowed from the bundle): what the keyless checks of the certificate then read.
struct LoggedBundleSignature {
  std::string signature;                   // raw bytes
  const BundleTlogEntry* entry = nullptr;  // null when the tlog was not required
};

// VerifyBundle's checks whatever the bundle's key material: the certificate's key is `key` for
// a keyless bundle.
StatusOr<LoggedBundleSignature> VerifyBundleSignature(const SigstoreBundle& bundle,
                                                      const crypto::PublicKey& key,
                                                      const BundleSubject& subject,
                                                      const TlogPolicy& tlog);

// One of `entries` has an inclusion promise (SET) that verifies under tlog.rekor_key, a
// kindVersion that agrees with its body, and a body naming `artifact` signed by `key`
// (rekor_entry_body.h); kVerificationFailed `signature not found in transparency log: ...`
// otherwise.
Status VerifyBundleTlog(const std::vector<BundleTlogEntry>& entries, const crypto::PublicKey& key,
                        const LoggedArtifact& artifact, const TlogPolicy& tlog);

// VerifyBundleTlog, returning the entry (one of `entries`) that logs the artifact.
StatusOr<const BundleTlogEntry*> LoggedBundleEntry(const std::vector<BundleTlogEntry>& entries,
                                                   const crypto::PublicKey& key,
                                                   const LoggedArtifact& artifact,
                                                   const TlogPolicy& tlog);

// The root is valid when one bundle verifies; otherwise the reason names the most telling
// failure and the bundle it came from.
RootOutcome CheckRootBundles(std::string_view root_name, const crypto::PublicKey& key,
                             const std::vector<FetchedBundle>& bundles,
                             const BundleSubject& subject, const TlogPolicy& tlog);

// The in-toto statement `cosign sign` signs in a bundle for `image_digest` ("sha256:<hex>"):
// {"_type":"https://in-toto.io/Statement/v1","subject":[{"digest":{"sha256":HEX}}],
//  "predicateType":"https://sigstore.dev/cosign/sign/v1","predicate":{}}
std::string CosignSignStatement(std::string_view image_digest);

}  // namespace connaisseur::cosign
