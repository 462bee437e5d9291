#include "validators/cosign/bundle_verifier.h"

#include <nlohmann/json.hpp>

#include "runtime/crypto/digest.h"
#include "runtime/crypto/encoding.h"
#include "validators/cosign/rekor_bundle.h"

namespace connaisseur::cosign {

namespace {

using nlohmann::json;

Status Fail(std::string what) { return VerificationFailedError(std::move(what)); }

// The hex of "sha256:<hex>", or "" for another shape.
std::string_view Sha256HexOf(std::string_view digest) {
  return digest.rfind("sha256:", 0) == 0 ? digest.substr(7) : std::string_view();
}

// The statement is a cosign image signature naming `image_digest`.
Status CheckStatement(std::string_view payload, std::string_view image_digest) {
  auto doc = json::parse(payload, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) return Fail("signed statement is not JSON");
  auto type = doc.find("_type");
  if (type == doc.end() || !type->is_string() ||
      (*type != "https://in-toto.io/Statement/v1" &&
       *type != "https://in-toto.io/Statement/v0.1")) {
    return Fail("signed payload is not an in-toto statement");
  }
  auto predicate = doc.find("predicateType");
  if (predicate == doc.end() || !predicate->is_string()) {
    return Fail("signed statement has no predicateType");
  }
  if (*predicate != kCosignSignPredicateType) {
    return Fail("bundle holds an attestation (predicateType " + predicate->get<std::string>() +
                "), not an image signature");
  }
  auto subjects = doc.find("subject");
  if (subjects == doc.end() || !subjects->is_array()) {
    return Fail("signed statement has no subject");
  }
  const std::string_view want = Sha256HexOf(image_digest);
  std::string named;
  for (const auto& s : *subjects) {
    if (!s.is_object() || !s.contains("digest") || !s["digest"].is_object()) continue;
    auto hex = s["digest"].find("sha256");
    if (hex == s["digest"].end() || !hex->is_string()) continue;
    if (!want.empty() && *hex == want) return Status::Ok();
    named = "sha256:" + hex->get<std::string>();
  }
  return Fail("signed statement names " + (named.empty() ? "no sha256 digest" : named) +
              ", not the image's " + std::string(image_digest));
}

// The DSSE content: one signature verifies over the PAE; `*signed_sig` gets it.
Status CheckDsse(const DsseEnvelope& dsse, const crypto::PublicKey& key,
                 std::string_view image_digest, std::string* signed_sig) {
  if (dsse.payload_type != kInTotoPayloadType) {
    return Fail("DSSE payloadType \"" + dsse.payload_type + "\" is not in-toto");
  }
  const std::string pae = DssePae(dsse.payload_type, dsse.payload);
  for (const auto& sig : dsse.signatures) {
    if (VerifyCosignSignature(key, pae, sig).ok()) {
      *signed_sig = sig;
      return CheckStatement(dsse.payload, image_digest);
    }
  }
  return Fail("signature does not verify with the trust root's key");
}

Status CheckMessage(const MessageSignature& m, const crypto::PublicKey& key,
                    const BundleSubject& subject) {
  if (m.digest_algorithm != "SHA2_256") {
    return Fail("messageDigest algorithm " + m.digest_algorithm + " is not SHA2_256");
  }
  const std::string named = "sha256:" + crypto::HexEncode(m.digest);
  if (subject.image_manifest == nullptr) {
    return Fail("messageSignature bundle: the image manifest was not fetched");
  }
  if (!VerifyCosignSignature(key, *subject.image_manifest, m.signature).ok()) {
    return Fail("signature does not verify with the trust root's key");
  }
  if (named != subject.image_digest) {
    return Fail("messageDigest names " + named + ", not the image's " +
                std::string(subject.image_digest));
  }
  return Status::Ok();
}

int Rank(const std::string& reason) {
  if (reason.find("transparency log") != std::string::npos) return 3;
  if (reason.find("names") != std::string::npos ||
      reason.find("attestation") != std::string::npos) {
    return 2;
  }
  return 1;
}

}  // namespace

Status VerifyBundle(const SigstoreBundle& bundle, const crypto::PublicKey& key,
                    const BundleSubject& subject, const TlogPolicy& tlog) {
  if (bundle.key_material != SigstoreBundle::KeyMaterial::kPublicKey) {
    return Fail("bundle is signed with a certificate: only a keyless trust root verifies it");
  }
  return VerifyBundleSignature(bundle, key, subject, tlog).status();
}

StatusOr<LoggedBundleSignature> VerifyBundleSignature(const SigstoreBundle& bundle,
                                                      const crypto::PublicKey& key,
                                                      const BundleSubject& subject,
                                                      const TlogPolicy& tlog) {
  LoggedBundleSignature result;
  LoggedArtifact logged;
  if (bundle.dsse_envelope) {
    CN_RETURN_IF_ERROR(
        CheckDsse(*bundle.dsse_envelope, key, subject.image_digest, &result.signature));
    logged.payload = bundle.dsse_envelope->payload;
    logged.dsse = true;  // the envelope bytes are not known: the bundle re-serialises it
  } else if (bundle.message_signature) {
    CN_RETURN_IF_ERROR(CheckMessage(*bundle.message_signature, key, subject));
    result.signature = bundle.message_signature->signature;
    logged.payload = *subject.image_manifest;
  } else {
    return Fail("bundle has no signature");
  }
  if (!tlog.required) return result;
  logged.signature = result.signature;
  CN_ASSIGN_OR_RETURN(result.entry, LoggedBundleEntry(bundle.tlog_entries, key, logged, tlog));
  return result;
}

RootOutcome CheckRootBundles(std::string_view root_name, const crypto::PublicKey& key,
                             const std::vector<FetchedBundle>& bundles,
                             const BundleSubject& subject, const TlogPolicy& tlog) {
  RootOutcome outcome;
  outcome.root = std::string(root_name);
  for (const auto& fetched : bundles) {
    Status s = fetched.bundle.ok() ? VerifyBundle(*fetched.bundle, key, subject, tlog)
                                   : Fail("malformed: " + fetched.bundle.status().message());
    if (s.ok()) {
      outcome.valid = true;
      outcome.reason.clear();
      return outcome;
    }
    if (outcome.reason.empty() || Rank(s.message()) > Rank(outcome.reason)) {
      outcome.reason = "bundle " + fetched.manifest_digest + ": " + s.message();
    }
  }
  if (outcome.reason.empty()) outcome.reason = "no signatures found";
  return outcome;
}

Status VerifyBundleTlog(const std::vector<BundleTlogEntry>& entries, const crypto::PublicKey& key,
                        const LoggedArtifact& artifact, const TlogPolicy& tlog) {
  return LoggedBundleEntry(entries, key, artifact, tlog).status();
}

StatusOr<const BundleTlogEntry*> LoggedBundleEntry(const std::vector<BundleTlogEntry>& entries,
                                                   const crypto::PublicKey& key,
                                                   const LoggedArtifact& artifact,
                                                   const TlogPolicy& tlog) {
  if (tlog.rekor_key == nullptr) {
    return Fail("signature not found in transparency log (no Rekor key)");
  }
  if (entries.empty()) {
    return Fail("signature not found in transparency log (the bundle has no tlog entry)");
  }
  std::string reason;
  for (const auto& e : entries) {
    if (e.signed_entry_timestamp.empty()) {
      reason = "entry " + std::to_string(e.log_index) + " has no inclusion promise";
      continue;
    }
    RekorBundle entry;
    entry.signed_entry_timestamp = e.signed_entry_timestamp;
    entry.body = e.canonicalized_body;
    entry.integrated_time = e.integrated_time;
    entry.log_index = e.log_index;
    entry.log_id = crypto::HexEncode(e.log_id);
    Status s = VerifyEntryTimestamp(entry, *tlog.rekor_key);
    if (s.ok()) {
      s = VerifyEntryBody(e.canonicalized_body, artifact, key, ClaimedKind{e.kind, e.version});
    }
    if (s.ok()) return &e;
    reason = s.message();
  }
  return Fail("signature not found in transparency log: " + reason);
}

std::string CosignSignStatement(std::string_view image_digest) {
  json subject = {{"digest", {{"sha256", std::string(Sha256HexOf(image_digest))}}}};
  json statement = {{"_type", "https://in-toto.io/Statement/v1"},
                    {"subject", json::array({subject})},
                    {"predicateType", kCosignSignPredicateType},
                    {"predicate", json::object()}};
  return statement.dump();
}

}  // namespace connaisseur::cosign
