#include "validators/cosign/attestation_verifier.h"

#include "validators/cosign/bundle_verifier.h"
#include "validators/cosign/rekor_bundle.h"
#include "validators/cosign/shown.h"

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

// What the envelope's Rekor entry must name: `signature` over its payload (DSSE).
LoggedArtifact LoggedArtifactOf(const FoundEnvelope& found, std::string_view signature) {
  LoggedArtifact logged{signature, found.envelope->payload, true};
  if (found.stored_envelope) logged.envelope = *found.stored_envelope;
  return logged;
}

// Check 5, once the signature is known.
Status CheckTlog(const FoundEnvelope& found, const crypto::PublicKey& key,
                 std::string_view signature, const TlogPolicy& tlog) {
  if (!tlog.required) return Status::Ok();
  const LoggedArtifact logged = LoggedArtifactOf(found, signature);
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

// Checks 1-4: on success the statement, and `*signature` the signature that verified.
AttestationVerdict CheckEnvelope(const FoundEnvelope& found, const crypto::PublicKey& key,
                                 std::string_view image_digest, std::string* signature) {
  using enum AttestationCheck;
  const DsseEnvelope& dsse = *found.envelope;
  if (dsse.payload_type != kInTotoPayloadType) {
    return Failed(kEnvelope, Fail("DSSE payloadType \"" + Shown(dsse.payload_type) + "\" is not " +
                                  std::string(kInTotoPayloadType)));
  }
  auto verified = VerifiedSignature(dsse, key);
  if (!verified.ok()) return Failed(kSignature, verified.status());
  *signature = std::move(verified).value();
  auto statement = InTotoStatement::Parse(dsse.payload);
  if (!statement.ok()) return Failed(kStatement, statement.status());
  if (!statement->NamesDigest(image_digest)) {
    const std::string named = statement->subject_sha256s.empty()
                                  ? std::string("no sha256 digest")
                                  : "sha256:" + statement->subject_sha256s.front();
    return Failed(kSubject, Fail("statement is about " + named + ", not the image's " +
                                 std::string(image_digest)));
  }
  return {std::move(statement), kPassed};
}

// Check 5 for a keyless envelope (always required): the entry that logs `signature`, which the
// certificate checks then read.
StatusOr<LoggedEntry> LoggedEntryOf(const FoundEnvelope& found, const crypto::PublicKey& key,
                                    const std::string& signature,
                                    const crypto::PublicKey* rekor_key) {
  const TlogPolicy tlog{/*required=*/true, rekor_key};
  if (found.rekor_bundle) {
    CN_RETURN_IF_ERROR(CheckTlog(found, key, signature, tlog));
    auto bundle = RekorBundle::Parse(*found.rekor_bundle);
    if (!bundle.ok()) return bundle.status();  // parsed by CheckTlog already
    return LoggedEntry{bundle->body, bundle->integrated_time, signature};
  }
  if (found.tlog_entries.empty()) {
    return Fail("signature not found in transparency log (the attestation has no Rekor entry)");
  }
  CN_ASSIGN_OR_RETURN(
      const BundleTlogEntry* entry,
      LoggedBundleEntry(found.tlog_entries, key, LoggedArtifactOf(found, signature), tlog));
  return LoggedEntry{entry->canonicalized_body, entry->integrated_time, signature};
}

}  // namespace

AttestationVerdict CheckAttestation(const FoundEnvelope& found, const crypto::PublicKey& key,
                                    std::string_view image_digest, const TlogPolicy& tlog) {
  using enum AttestationCheck;
  if (!found.envelope.ok()) return Failed(kEnvelope, found.envelope.status());
  if (found.certificate) {
    return Failed(kSignature, Fail("signed with a certificate: the trust root's key does not "
                                   "verify it (only a keyless root does)"));
  }
  std::string signature;
  AttestationVerdict v = CheckEnvelope(found, key, image_digest, &signature);
  if (!v.statement.ok()) return v;
  if (Status s = CheckTlog(found, key, signature, tlog); !s.ok()) {
    return Failed(kTransparencyLog, std::move(s));
  }
  return v;
}

AttestationVerdict CheckKeylessAttestation(const FoundEnvelope& found, const KeylessVerifier& root,
                                           std::string_view image_digest,
                                           const KeylessChecks& checks) {
  using enum AttestationCheck;
  if (!found.envelope.ok()) return Failed(kEnvelope, found.envelope.status());
  if (!found.certificate) {
    return Failed(kSignature,
                  Fail("signed with a key, no certificate: a keyless root does not verify it"));
  }
  if (const std::string problem = KeylessVerifier::RuleProblem(checks); !problem.empty()) {
    return Failed(kTransparencyLog, Fail(problem));
  }
  auto key = found.certificate->Key();
  if (!key.ok()) return Failed(kCertificate, key.status());
  std::string signature;
  AttestationVerdict v = CheckEnvelope(found, *key, image_digest, &signature);
  if (!v.statement.ok()) return v;
  auto entry = LoggedEntryOf(found, *key, signature, checks.rekor_key);
  if (!entry.ok()) return Failed(kTransparencyLog, entry.status());
  if (Status s = root.VerifyCertificate(*found.certificate, *entry, checks); !s.ok()) {
    return Failed(kCertificate, std::move(s));
  }
  return v;
}

AttestationVerdict CheckAttestationFor(const FoundEnvelope& found, const AttestationRoot& root,
                                       std::string_view image_digest, const TlogPolicy& tlog) {
  if (root.keyless != nullptr) {
    return CheckKeylessAttestation(found, *root.keyless, image_digest, root.keyless_checks);
  }
  if (root.key == nullptr) {
    return Failed(AttestationCheck::kSignature, Fail("trust root " + root.name + " has no key"));
  }
  return CheckAttestation(found, *root.key, image_digest, tlog);
}

StatusOr<InTotoStatement> VerifyAttestation(const FoundEnvelope& found,
                                            const crypto::PublicKey& key,
                                            std::string_view image_digest, const TlogPolicy& tlog) {
  return CheckAttestation(found, key, image_digest, tlog).statement;
}

StatusOr<InTotoStatement> VerifyKeylessAttestation(const FoundEnvelope& found,
                                                   const KeylessVerifier& root,
                                                   std::string_view image_digest,
                                                   const KeylessChecks& checks) {
  return CheckKeylessAttestation(found, root, image_digest, checks).statement;
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
      AttestationVerdict v = CheckAttestationFor(f, root, image_digest, tlog);
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
