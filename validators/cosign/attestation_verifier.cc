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
  const std::string& payload = found.envelope->payload;
  if (found.rekor_bundle) {
    if (tlog.rekor_key == nullptr) {
      return Fail("signature not found in transparency log (no Rekor key)");
    }
    Status s = VerifyRekorBundle(*found.rekor_bundle, *tlog.rekor_key, signature, payload, key);
    if (!s.ok()) return Fail("signature not found in transparency log: " + s.message());
    return s;
  }
  if (found.tlog_entries.empty()) {
    return Fail("signature not found in transparency log (the attestation has no Rekor entry)");
  }
  return VerifyBundleTlog(found.tlog_entries, key, signature, payload, tlog);
}

}  // namespace

StatusOr<InTotoStatement> VerifyAttestation(const FoundEnvelope& found,
                                            const crypto::PublicKey& key,
                                            std::string_view image_digest, const TlogPolicy& tlog) {
  if (!found.envelope.ok()) return found.envelope.status();
  const DsseEnvelope& dsse = *found.envelope;
  if (found.keyless) {
    return Fail("signed with a certificate: keyless attestations are not verified yet");
  }
  if (dsse.payload_type != kInTotoPayloadType) {
    return Fail("DSSE payloadType \"" + dsse.payload_type + "\" is not " +
                std::string(kInTotoPayloadType));
  }
  CN_ASSIGN_OR_RETURN(std::string signature, VerifiedSignature(dsse, key));
  CN_ASSIGN_OR_RETURN(InTotoStatement statement, InTotoStatement::Parse(dsse.payload));
  if (!statement.NamesDigest(image_digest)) {
    const std::string named = statement.subject_sha256s.empty()
                                  ? std::string("no sha256 digest")
                                  : "sha256:" + statement.subject_sha256s.front();
    return Fail("statement is about " + named + ", not the image's " + std::string(image_digest));
  }
  CN_RETURN_IF_ERROR(CheckTlog(found, key, signature, tlog));
  return statement;
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
    bool verified = false;
    for (const AttestationRoot& root : roots) {
      if (root.key == nullptr) {
        if (reason.empty()) {
          reason =
              "trust root " + root.name + " is keyless: keyless attestations are not verified yet";
        }
        continue;
      }
      auto statement = VerifyAttestation(f, *root.key, image_digest, tlog);
      if (!statement.ok()) {
        // Another root's key not verifying says less than a check that failed after it did.
        if (reason.empty() || reason.find("does not verify") != std::string::npos) {
          reason = statement.status().message();
        }
        continue;
      }
      outcome.attestations.push_back(
          {statement->predicate_type,
           statement->predicate.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
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
