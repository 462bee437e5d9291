// Fuzzes the sigstore bundle a registry serves as an OCI referrer (validators/cosign/
// sigstore_bundle.h) and its judgement (bundle_verifier.h). Invariants: no crash or sanitizer
// report; Serialize() of a parsed bundle parses back to the same fields; a bundle that verifies
// under the harness's key (with or without the transparency log) holds a DSSE cosign statement or
// a message signature, never a keyless certificate. Its DSSE envelope, if any, goes through the
// attestation path too (attestation_verifier.h): the envelope's JSON form round-trips, its payload
// is parsed as an in-toto statement, an envelope that verifies as an attestation is about the
// harness's image digest, and every tlog entry's body is judged against the envelope directly
// (rekor_entry_body.h: dsse and intoto 0.0.1/0.0.2 bodies, with and without the stored envelope
// bytes), so the body parsers are reached without a valid inclusion promise.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "runtime/crypto/private_key.h"
#include "validators/cosign/attestation_verifier.h"
#include "validators/cosign/bundle_verifier.h"
#include "validators/cosign/in_toto_statement.h"
#include "validators/cosign/rekor_entry_body.h"
#include "validators/cosign/sigstore_bundle.h"

namespace {

using namespace connaisseur;
using namespace connaisseur::cosign;

constexpr size_t kMaxInput = 64 * 1024;
constexpr std::string_view kImageDigest =
    "sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";

void Check(bool ok) {
  if (!ok) std::abort();
}

const crypto::PublicKey& Key() {
  static const crypto::PublicKey key =
      crypto::PrivateKey::FromPem(
          "-----BEGIN PRIVATE KEY-----\n"
          "MC4CAQAwBQYDK2VwBCIEIBrBPfk87Chwaj5ULVkuSsRHpugyhDuwItuPLszocvgm\n"
          "-----END PRIVATE KEY-----\n")
          .value()
          .Public()
          .value();
  return key;
}

void CheckRoundTrip(const SigstoreBundle& b) {
  auto again = SigstoreBundle::Parse(b.Serialize());
  Check(again.ok());
  Check(again->key_material == b.key_material && again->certificate_der == b.certificate_der &&
        again->tlog_entries.size() == b.tlog_entries.size() &&
        again->dsse_envelope.has_value() == b.dsse_envelope.has_value() &&
        again->message_signature.has_value() == b.message_signature.has_value());
  if (b.dsse_envelope) {
    Check(again->dsse_envelope->payload == b.dsse_envelope->payload &&
          again->dsse_envelope->signatures == b.dsse_envelope->signatures);
  }
  for (size_t i = 0; i < b.tlog_entries.size(); ++i) {
    Check(again->tlog_entries[i].canonicalized_body == b.tlog_entries[i].canonicalized_body &&
          again->tlog_entries[i].log_index == b.tlog_entries[i].log_index &&
          again->tlog_entries[i].signed_entry_timestamp ==
              b.tlog_entries[i].signed_entry_timestamp);
  }
}

void CheckAttestationPath(const SigstoreBundle& b) {
  if (!b.dsse_envelope) return;
  auto again = DsseEnvelope::Parse(b.dsse_envelope->Serialize());
  Check(again.ok() && again->payload == b.dsse_envelope->payload &&
        again->signatures == b.dsse_envelope->signatures);
  (void)InTotoStatement::Parse(b.dsse_envelope->payload);  // must only not crash
  FoundEnvelope found;
  found.source = "fuzz";
  found.envelope = *b.dsse_envelope;
  found.tlog_entries = b.tlog_entries;
  for (bool tlog_required : {false, true}) {
    auto statement = VerifyAttestation(found, Key(), kImageDigest, {tlog_required, &Key()});
    if (statement.ok()) Check(statement->NamesDigest(kImageDigest));
  }
  const std::string stored = b.dsse_envelope->Serialize();
  for (const BundleTlogEntry& e : b.tlog_entries) {
    for (const std::string& sig : b.dsse_envelope->signatures) {
      LoggedArtifact logged{sig, b.dsse_envelope->payload, true};
      (void)VerifyEntryBody(e.canonicalized_body, logged, Key(), ClaimedKind{e.kind, e.version});
      logged.envelope = stored;
      (void)VerifyEntryBody(e.canonicalized_body, logged, Key());  // must only not crash
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > kMaxInput) return 0;
  auto bundle = SigstoreBundle::Parse(std::string_view(reinterpret_cast<const char*>(data), size));
  if (!bundle.ok()) return 0;
  CheckRoundTrip(*bundle);
  CheckAttestationPath(*bundle);
  const std::string manifest = "{}";
  const BundleSubject subject{kImageDigest, &manifest};
  for (bool tlog_required : {false, true}) {
    const TlogPolicy tlog{tlog_required, &Key()};
    if (!VerifyBundle(*bundle, Key(), subject, tlog).ok()) continue;
    Check(bundle->key_material == SigstoreBundle::KeyMaterial::kPublicKey);
  }
  return 0;
}
