#include "validators/cosign/attestation_verifier.h"

#include "validators/cosign/bundle_verifier.h"
#include "validators/cosign/rekor_bundle.h"

namespace connaisseur::cosign {

namespace {

Status Fail(std::string what) { return VerificationFailedError(std::move(what)); }

// Check 2: the signature that verifies over the PAE, or why none does.
StatusOr<std::string> VerifiedSignature(const DsseEnvelope& dsse, const crypto::PublicKey& key) {
  const std::string pae = DssePae(dsse.payload_type, dsse.payload);
  for (const auto& sig : dsse.signatures) {
    if (VerifyCosignSignature(key, pae, sig).ok()) return sig;
  }
  return Fail("DSSE signature does not verify with the trust root's key");
}

// Check 5, once the signature is known.
Status CheckTlog(const FoundEnvelope& found, const crypto::PublicKey& key,
                 std::string_view signature, const TlogPolicy& tlog) {
  if (!tlog.required) return Status::Ok();
  LoggedArtifact logged{signature, found.envelope->payload, true};
  if (found.stored_envelope) logged.envelope = *found.stored_envelope;
  if (found.rekor_bundle) {
    if (tlog.rekor_key == nullptr) {
      return Fail("signature not found in transparency log (no Rekor key)");
    }
    Status s = VerifyRekorBundle(*found.rekor_bundle, *tlog.rekor_key, logged, key);
    if (!s.ok()) return Fail("signature not found in transparency log: " + s.message());
    return s;
  }
  if (found.tlog_entries.empty()) {
    return Fail("signature not found in transparency log (the attestation has no Rekor entry)");
  }
  return VerifyBundleTlog(found.tlog_entries, key, logged, tlog);
}

AttestationVerdict Failed(AttestationCheck check, Status why) { return {std::move(why), check}; }

// How telling a failure is when several roots judge one envelope (see JudgeAttestations).
int Telling(AttestationCheck check) {
  if (check == AttestationCheck::kSignature) return 0;  // only: not this root's key
  return 2;  // the same under every root, or failed after a root's key verified
}
constexpr int kKeylessRootTelling = 1;

}  // namespace

AttestationVerdict CheckAttestation(const FoundEnvelope& found, const crypto::PublicKey& key,
                                    std::string_view image_digest, const TlogPolicy& tlog) {
  using enum AttestationCheck;
  if (!found.envelope.ok()) return Failed(kEnvelope, found.envelope.status());
  const DsseEnvelope& dsse = *found.envelope;
  if (found.keyless) {
    return Failed(kEnvelope,
                  Fail("signed with a certificate: keyless attestations are not verified yet"));
  }
  if (dsse.payload_type != kInTotoPayloadType) {
    return Failed(kEnvelope, Fail("DSSE payloadType \"" + dsse.payload_type + "\" is not " +
                                  std::string(kInTotoPayloadType)));
  }
  auto signature = VerifiedSignature(dsse, key);
  if (!signature.ok()) return Failed(kSignature, signature.status());
  auto statement = InTotoStatement::Parse(dsse.payload);
  if (!statement.ok()) return Failed(kStatement, statement.status());
  if (!statement->NamesDigest(image_digest)) {
    const std::string named = statement->subject_sha256s.empty()
                                  ? std::string("no sha256 digest")
                                  : "sha256:" + statement->subject_sha256s.front();
    return Failed(kSubject, Fail("statement is about " + named + ", not the image's " +
                                 std::string(image_digest)));
  }
  if (Status s = CheckTlog(found, key, *signature, tlog); !s.ok()) {
    return Failed(kTransparencyLog, std::move(s));
  }
  return {std::move(statement), kPassed};
}

StatusOr<InTotoStatement> VerifyAttestation(const FoundEnvelope& found,
                                            const crypto::PublicKey& key,
                                            std::string_view image_digest, const TlogPolicy& tlog) {
  return CheckAttestation(found, key, image_digest, tlog).statement;
}

AttestationOutcome JudgeAttestations(const std::vector<FoundEnvelope>& found,
                                     const std::vector<AttestationRoot>& roots,
                                     std::string_view image_digest, const TlogPolicy& tlog) {
  AttestationOutcome outcome;
  for (const FoundEnvelope& f : found) {
    if (f.envelope.ok() && PeekPredicateType(f.envelope->payload) == kCosignSignPredicateType) {
      continue;  // an image signature in the bundle format: the signature path judges it
    }
    std::string reason;
    int reason_telling = -1;
    bool verified = false;
    for (const AttestationRoot& root : roots) {
      if (root.key == nullptr) {
        if (kKeylessRootTelling > reason_telling) {
          reason =
              "trust root " + root.name + " is keyless: keyless attestations are not verified yet";
          reason_telling = kKeylessRootTelling;
        }
        continue;
      }
      AttestationVerdict v = CheckAttestation(f, *root.key, image_digest, tlog);
      if (!v.statement.ok()) {
        if (Telling(v.failed) > reason_telling) {
          reason = v.statement.status().message();
          reason_telling = Telling(v.failed);
        }
        continue;
      }
      outcome.attestations.push_back(
          {v.statement->predicate_type,
           v.statement->predicate.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
           root.name, f.source});
      verified = true;
      break;
    }
    if (!verified) {
      outcome.errors.push_back(f.source + ": " + (reason.empty() ? "no trust root" : reason));
    }
  }
  return outcome;
}

}  // namespace connaisseur::cosign
