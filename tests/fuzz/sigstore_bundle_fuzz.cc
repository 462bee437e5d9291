// Fuzzes the sigstore bundle a registry serves as an OCI referrer (validators/cosign/
// sigstore_bundle.h) and its judgement (bundle_verifier.h). Invariants: no crash or sanitizer
// report; Serialize() of a parsed bundle parses back to the same fields; a bundle that verifies
// under the harness's key (with or without the transparency log) holds a DSSE cosign statement or
// a message signature, never a keyless certificate. Its DSSE envelope, if any, goes through the
// attestation path too (attestation_verifier.h): the envelope's JSON form round-trips, its payload
// is parsed as an in-toto statement, an envelope that verifies as an attestation is about the
// harness's image digest, and every tlog entry's body is judged against the envelope directly
// (rekor_entry_body.h: dsse and intoto 0.0.1/0.0.2 bodies, with and without the stored envelope
// bytes), so the body parsers are reached without a valid inclusion promise. A bundle signed with a
// certificate also goes through the keyless path (keyless_verifier.h) of a root trusting the
// public-good Fulcio and CT log (sigstore_public_good.h): the bundle and its envelope as a keyless
// attestation, and each tlog entry directly with the certificate (the entry's certificate lookup,
// the chain at its integratedTime, the SCT, the identity), so that a seed carrying a real Fulcio
// certificate reaches every certificate check without a valid inclusion promise. A bundle that
// verifies keylessly is signed with a certificate.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/config/config.h"
#include "runtime/crypto/private_key.h"
#include "tests/fuzz/sigstore_public_good.h"
#include "validators/cosign/attestation_verifier.h"
#include "validators/cosign/bundle_verifier.h"
#include "validators/cosign/in_toto_statement.h"
#include "validators/cosign/keyless_verifier.h"
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

// A keyless root for the seed certificate's identity, trusting the public-good Fulcio (root and
// intermediate: a v0.3 bundle carries no intermediates) and CT log.
const KeylessVerifier& Keyless() {
  static const std::shared_ptr<const KeylessVerifier> root = [] {
    config::CosignHost host;
    host.fulcio_cert = std::string(fuzzing::kFulcioRoot) + fuzzing::kFulcioIntermediate;
    host.ct_log_pubkey = fuzzing::kCtLog2022;
    const config::Keyless identity{"https://github.com/login/oauth", "", "mitr@redhat.com", ""};
    auto created = KeylessVerifier::Create(identity, host);
    Check(created.ok());
    return std::move(created).value();
  }();
  return *root;
}

// The signatures a bundle carries: its message signature's or its envelope's.
std::vector<std::string> SignaturesOf(const SigstoreBundle& b) {
  if (b.message_signature) return {b.message_signature->signature};
  if (b.dsse_envelope) return b.dsse_envelope->signatures;
  return {};
}

void CheckKeylessPath(const SigstoreBundle& b, const BundleSubject& subject) {
  const SigningCertificate certificate{b.certificate_der, b.chain_der};
  for (bool verify_sct : {false, true}) {
    const KeylessChecks checks{verify_sct, true, &Key()};
    if (Keyless().VerifyBundle(b, subject, checks).ok()) {
      Check(b.key_material != SigstoreBundle::KeyMaterial::kPublicKey);
    }
    if (b.key_material == SigstoreBundle::KeyMaterial::kPublicKey) continue;
    for (const BundleTlogEntry& e : b.tlog_entries) {
      for (const std::string& sig : SignaturesOf(b)) {
        const LoggedEntry entry{e.canonicalized_body, e.integrated_time, sig};
        (void)Keyless().VerifyCertificate(certificate, entry, checks);  // must only not crash
      }
    }
    if (!b.dsse_envelope) continue;
    FoundEnvelope found;
    found.source = "fuzz";
    found.envelope = *b.dsse_envelope;
    found.tlog_entries = b.tlog_entries;
    found.certificate = certificate;
    auto statement = VerifyKeylessAttestation(found, Keyless(), kImageDigest, checks);
    if (statement.ok()) Check(statement->NamesDigest(kImageDigest));
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
  CheckKeylessPath(*bundle, subject);
  for (bool tlog_required : {false, true}) {
    const TlogPolicy tlog{tlog_required, &Key()};
    if (!VerifyBundle(*bundle, Key(), subject, tlog).ok()) continue;
    Check(bundle->key_material == SigstoreBundle::KeyMaterial::kPublicKey);
  }
  return 0;
}
