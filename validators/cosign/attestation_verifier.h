// Attestation verification (docs/policy-lua.md "Attestations"): which of the DSSE envelopes
// found for an image (cosign's `.att` layers, sigstore bundles among its referrers) are in-toto
// statements about the image that a trust root of the rule signed. No network: attestations.h
// fetches, this judges. An envelope counts only when every check passes, in this order:
//   1. payloadType is application/vnd.in-toto+json (a signature over another type proves nothing
//      about a statement);
//   2. one of its signatures verifies with the root's key over DSSE's PAE of type and payload
//      (computed here; a signature over the bare payload does not count);
//   3. the payload is an in-toto Statement v0.1/v1 (in_toto_statement.h);
//   4. a subject's sha256 is the image's digest (a statement about another image is dropped);
//   5. when the rule verifies the transparency log, the envelope's Rekor entry (the `.att`
//      layer's bundle annotation, or the sigstore bundle's tlog entry) verifies offline.
// Everything else is dropped with a reason; nothing unverified is ever returned.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/crypto/public_key.h"
#include "runtime/status.h"
#include "runtime/verification/attestation.h"
#include "validators/cosign/dsse_envelope.h"
#include "validators/cosign/in_toto_statement.h"
#include "validators/cosign/layer_verifier.h"
#include "validators/cosign/sigstore_bundle.h"

namespace connaisseur::cosign {

// One envelope as found, before any check.
struct FoundEnvelope {
  // Where it came from, for reasons and for Attestation::source: "sha256-<hex>.att layer 0",
  // "bundle sha256:<referrer manifest digest>".
  std::string source;
  StatusOr<DsseEnvelope> envelope = InvalidArgumentError("not read");  // or why it is malformed
  // Transparency-log proof: a `.att` layer's dev.sigstore.cosign/bundle annotation (Rekor bundle
  // JSON), or a sigstore bundle's tlog entries. Neither: nothing to check the log with.
  std::optional<std::string> rekor_bundle;
  std::vector<BundleTlogEntry> tlog_entries;
  // Signed with a certificate (a keyless signer): not verified yet, dropped with that reason.
  bool keyless = false;
};

// A trust root the rule consults; `key` is borrowed, null for a keyless root.
struct AttestationRoot {
  std::string name;
  const crypto::PublicKey* key = nullptr;
};

// Checks 1-5 above for one envelope under one key. kVerificationFailed (or kInvalidArgument for
// a malformed statement) naming the failed check; on success the statement.
StatusOr<InTotoStatement> VerifyAttestation(const FoundEnvelope& found,
                                            const crypto::PublicKey& key,
                                            std::string_view image_digest, const TlogPolicy& tlog);

struct AttestationOutcome {
  std::vector<verification::Attestation> attestations;  // verified, in the order found
  std::vector<std::string> errors;                      // "<source>: <reason>", one per drop
};

// Judges every envelope under every root: an envelope becomes an attestation (signed_by = the
// first root whose key verifies it) or one error naming its source and the reason it failed
// (with several roots, the first reason beyond "signature does not verify", if any). Envelopes
// whose statement is a cosign image signature (predicateType https://sigstore.dev/cosign/sign/v1)
// are signatures, not attestations: skipped silently.
AttestationOutcome JudgeAttestations(const std::vector<FoundEnvelope>& found,
                                     const std::vector<AttestationRoot>& roots,
                                     std::string_view image_digest, const TlogPolicy& tlog);

}  // namespace connaisseur::cosign
