// Fuzzes what the cosign validator reads from a registry: the signature manifest (OCI manifest,
// or an index, which it refuses), the simple-signing payload and the Rekor bundle, then judges
// the first layer with VerifyLayer. The input is up to three parts separated by NUL bytes:
// manifest, payload, bundle. Where the fuzzer leaves something to be signed empty, the harness
// completes it as an honest signer and log would, so that the checks behind the signatures are
// reached: a layer without a signature annotation is signed (Ed25519 over the payload), a bundle
// whose SignedEntryTimestamp is "" gets an empty body and logID filled (an entry naming this
// signature, payload and the signer's key) and a SET by the harness's Rekor key. Invariants: no
// crash or sanitizer report; Serialize() of a parsed manifest or payload parses back to the same
// fields; a layer that verifies carries a cosign payload naming exactly the image digest asked for.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/crypto/digest.h"
#include "runtime/crypto/encoding.h"
#include "runtime/crypto/private_key.h"
#include "validators/cosign/layer_verifier.h"
#include "validators/cosign/rekor_bundle.h"
#include "validators/cosign/signature_manifest.h"
#include "validators/cosign/simple_signing.h"

namespace {

using namespace connaisseur;
using namespace connaisseur::cosign;

constexpr size_t kMaxInput = 64 * 1024;

// The digest the seed payloads name.
constexpr std::string_view kImageDigest =
    "sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";

void Check(bool ok) {
  if (!ok) std::abort();
}

const crypto::PrivateKey& Signer() {
  static const crypto::PrivateKey key =
      crypto::PrivateKey::FromPem(
          "-----BEGIN PRIVATE KEY-----\n"
          "MC4CAQAwBQYDK2VwBCIEIBrBPfk87Chwaj5ULVkuSsRHpugyhDuwItuPLszocvgm\n"
          "-----END PRIVATE KEY-----\n")
          .value();
  return key;
}

const crypto::PrivateKey& Rekor() {
  static const crypto::PrivateKey key =
      crypto::PrivateKey::FromPem(
          "-----BEGIN PRIVATE KEY-----\n"
          "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgmK19a5yQszPagC4i\n"
          "0SLUX8t+3LL48dB0YQXdN2zmWF+hRANCAAQWdAv2YziF7gqemfIaQgfFoSBleWNr\n"
          "dpIUvl0tW1I/mKLLZCvoeFp4Ua1Rrc07voKWlTNK8CAdXiJ0vTxXuAYj\n"
          "-----END PRIVATE KEY-----\n")
          .value();
  return key;
}

const crypto::PublicKey& PublicOf(const crypto::PrivateKey& key) {
  static const crypto::PublicKey signer = Signer().Public().value();
  static const crypto::PublicKey rekor = Rekor().Public().value();
  return &key == &Signer() ? signer : rekor;
}

std::vector<std::string> Split(std::string_view in, size_t n) {
  std::vector<std::string> parts(n);
  for (size_t i = 0; i < n && !in.empty(); ++i) {
    const size_t nul = in.find('\0');
    parts[i] = std::string(in.substr(0, nul));
    in = nul == std::string_view::npos ? std::string_view() : in.substr(nul + 1);
  }
  return parts;
}

void CheckRoundTrips(const std::string& manifest, const std::string& payload,
                     const std::string& bundle) {
  if (auto m = SignatureManifest::Parse(manifest); m.ok()) {
    auto again = SignatureManifest::Parse(m->Serialize());
    Check(again.ok() && again->layers.size() == m->layers.size() &&
          again->config.digest == m->config.digest);
  }
  if (auto s = SimpleSigning::Parse(payload); s.ok()) {
    auto again = SimpleSigning::Parse(s->Serialize());
    Check(again.ok() && again->manifest_digest == s->manifest_digest &&
          again->docker_reference == s->docker_reference && again->type == s->type);
  }
  if (auto b = RekorBundle::Parse(bundle); b.ok()) {
    Check(nlohmann::json::parse(b->CanonicalPayload(), nullptr, false).is_object());
  }
}

// The bundle with what the fuzzer left empty completed by an honest log (see the file comment).
std::string CompleteBundle(const std::string& bundle, const std::string& signature,
                           const std::string& payload) {
  auto doc = nlohmann::json::parse(bundle, nullptr, false);
  if (!doc.is_object() || doc.value("SignedEntryTimestamp", "x") != "" ||
      !doc.contains("Payload") || !doc["Payload"].is_object()) {
    return bundle;
  }
  nlohmann::json& p = doc["Payload"];
  if (p.value("body", "x") == "") {
    const nlohmann::json body = {
        {"apiVersion", "0.0.1"},
        {"kind", "hashedrekord"},
        {"spec",
         {{"signature",
           {{"content", crypto::Base64Encode(signature)},
            {"publicKey", {{"content", crypto::Base64Encode(Signer().PublicPem())}}}}},
          {"data", {{"hash", {{"algorithm", "sha256"}, {"value", crypto::Sha256Hex(payload)}}}}}}}};
    p["body"] = crypto::Base64Encode(body.dump());
  }
  if (p.value("logID", "x") == "") p["logID"] = crypto::Sha256Hex(PublicOf(Rekor()).spki_der());
  auto parsed =
      RekorBundle::Parse(doc.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  if (!parsed.ok()) return bundle;
  auto set = Rekor().Sign(parsed->CanonicalPayload(), crypto::SignatureScheme::kEcdsaDer);
  Check(set.ok());
  doc["SignedEntryTimestamp"] = crypto::Base64Encode(*set);
  return doc.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

SignedLayer FirstLayer(const std::string& manifest, const std::string& payload,
                       const std::string& bundle) {
  SignedLayer layer;
  layer.payload = payload;
  auto m = SignatureManifest::Parse(manifest);
  if (m.ok() && !m->layers.empty()) {
    layer.descriptor = m->layers.front();
  } else {
    layer.descriptor.media_type = std::string(kSimpleSigningMediaType);
  }
  auto& annotations = layer.descriptor.annotations;
  const std::string key(kSignatureAnnotation);
  if (!annotations.count(key)) {
    auto sig = Signer().Sign(payload, crypto::SignatureScheme::kEd25519);
    Check(sig.ok());
    annotations[key] = crypto::Base64Encode(*sig);
  }
  const std::string bundle_key(kBundleAnnotation);
  if (!annotations.count(bundle_key) && !bundle.empty()) {
    auto signature = crypto::Base64Decode(annotations[key]);
    annotations[bundle_key] = CompleteBundle(bundle, signature.ok() ? *signature : "", payload);
  }
  return layer;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > kMaxInput) return 0;
  const std::vector<std::string> parts =
      Split(std::string_view(reinterpret_cast<const char*>(data), size), 3);
  CheckRoundTrips(parts[0], parts[1], parts[2]);
  const SignedLayer layer = FirstLayer(parts[0], parts[1], parts[2]);
  for (bool tlog_required : {false, true}) {
    const TlogPolicy tlog{tlog_required, &PublicOf(Rekor())};
    if (!VerifyLayer(layer, PublicOf(Signer()), kImageDigest, tlog).ok()) continue;
    auto payload = SimpleSigning::Parse(layer.payload);
    Check(payload.ok() && payload->manifest_digest == kImageDigest &&
          payload->type == kSimpleSigningType);
  }
  return 0;
}
