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
// An envelope signed with a certificate (keyless) counts only for a keyless root: checks 1-5
// with the certificate's key and the transparency log always required, then the certificate
// checks of keyless_verifier.h (entry names the certificate, Fulcio chain at integratedTime,
// SCT, identity) against the entry of check 5. A key root never verifies it, nor a keyless
// root an envelope without a certificate.
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
#include "validators/cosign/keyless_verifier.h"
#include "validators/cosign/layer_verifier.h"
#include "validators/cosign/signing_certificate.h"
#include "validators/cosign/sigstore_bundle.h"

namespace connaisseur::cosign {

// One envelope as found, before any check.
struct FoundEnvelope {
  // Where it came from, for reasons and for Attestation::source: "sha256-<hex>.att layer 0",
  // "bundle sha256:<referrer manifest digest>".
  std::string source;
  StatusOr<DsseEnvelope> envelope = InvalidArgumentError("not read");  // or why it is malformed
  // The envelope's bytes exactly as stored (a `.att` layer's blob), which Rekor `intoto` entries
  // name by hash; nullopt for a sigstore bundle, whose dsseEnvelope is a re-serialised form.
  std::optional<std::string> stored_envelope;
  // Transparency-log proof: a `.att` layer's dev.sigstore.cosign/bundle annotation (Rekor bundle
  // JSON), or a sigstore bundle's tlog entries. Neither: nothing to check the log with.
  std::optional<std::string> rekor_bundle;
  std::vector<BundleTlogEntry> tlog_entries;
  // The signing certificate (a keyless signer: the `.att` layer's certificate and chain
  // annotations, the bundle's certificate material); absent when signed with a key.
  std::optional<SigningCertificate> certificate;
};

// A trust root the rule consults: a key (borrowed), or a keyless verifier (borrowed) with the
// rule's keyless options.
struct AttestationRoot {
  std::string name;
  const crypto::PublicKey* key = nullptr;
  const KeylessVerifier* keyless = nullptr;
  KeylessChecks keyless_checks;
};

// The checks above, in the order they run, naming the one an envelope failed.
enum class AttestationCheck {
  kEnvelope,         // malformed, or payloadType (the same under every root)
  kSignature,        // no signature verifies with this root's key (or the root is of the other
                     // kind: a key root and a certificate, a keyless root and no certificate)
  kStatement,        // the payload is not an in-toto statement
  kSubject,          // the statement is about another image
  kTransparencyLog,  // the Rekor entry is missing or does not verify
  kCertificate,      // keyless: the entry, chain, SCT or identity check of the certificate
  kPassed,
};

struct AttestationVerdict {
  StatusOr<InTotoStatement> statement;                  // the statement, or why the envelope failed
  AttestationCheck failed = AttestationCheck::kPassed;  // the failed check when !statement.ok()
};

// Checks 1-5 above for one envelope under one key. On failure kVerificationFailed (or
// kInvalidArgument for a malformed statement) naming the failed check, and the check itself.
AttestationVerdict CheckAttestation(const FoundEnvelope& found, const crypto::PublicKey& key,
                                    std::string_view image_digest, const TlogPolicy& tlog);

// CheckAttestation's statement alone.
StatusOr<InTotoStatement> VerifyAttestation(const FoundEnvelope& found,
                                            const crypto::PublicKey& key,
                                            std::string_view image_digest, const TlogPolicy& tlog);

// Checks 1-5, then the certificate checks, for one envelope under one keyless root (the
// transparency log is always required: `checks.transparency_log` false fails).
AttestationVerdict CheckKeylessAttestation(const FoundEnvelope& found, const KeylessVerifier& root,
                                           std::string_view image_digest,
                                           const KeylessChecks& checks);

// CheckKeylessAttestation's statement alone.
StatusOr<InTotoStatement> VerifyKeylessAttestation(const FoundEnvelope& found,
                                                   const KeylessVerifier& root,
                                                   std::string_view image_digest,
                                                   const KeylessChecks& checks);

// CheckAttestation or CheckKeylessAttestation, as `root` is.
AttestationVerdict CheckAttestationFor(const FoundEnvelope& found, const AttestationRoot& root,
                                       std::string_view image_digest, const TlogPolicy& tlog);

struct AttestationOutcome {
  std::vector<verification::Attestation> attestations;  // verified, in the order found
  std::vector<std::string> errors;                      // "<source>: <reason>", one per drop
};

// Judges every envelope under every root: an envelope becomes an attestation (signed_by = the
// first root whose key verifies it) or one error naming its source and the reason it failed.
// With several roots the reason is the most telling one: a failure after a root's key verified
// (or one the same under every root) outranks "this root's key does not verify" (or "this root
// is of the other kind"); among equals, the first root's. Envelopes
// whose statement is a cosign image signature (predicateType https://sigstore.dev/cosign/sign/v1)
// are signatures, not attestations: skipped silently.
AttestationOutcome JudgeAttestations(const std::vector<FoundEnvelope>& found,
                                     const std::vector<AttestationRoot>& roots,
                                     std::string_view image_digest, const TlogPolicy& tlog);

}  // namespace connaisseur::cosign
