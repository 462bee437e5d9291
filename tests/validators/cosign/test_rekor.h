// A Rekor stand-in for tests: the entry bodies Rekor logs for a DSSE envelope (`intoto` 0.0.1 and
// 0.0.2, as rekor's pkg/types/intoto canonicalises them; `dsse` 0.0.1) and the offline bundle
// cosign attaches (dev.sigstore.cosign/bundle) with an inclusion promise (SET) signed by a test
// Rekor key. Each input can be changed by a test to make an entry for something else.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "runtime/crypto/digest.h"
#include "runtime/crypto/encoding.h"
#include "runtime/crypto/private_key.h"

namespace connaisseur::cosign::testing {

// 2026-01-01T00:00:00Z, the integratedTime of every test entry.
inline constexpr int64_t kLoggedAt = 1767225600;

// What Rekor was given: the envelope as uploaded and the signer's public key (PEM).
struct IntotoUpload {
  std::string envelope;    // the DSSE envelope JSON, exactly as uploaded
  std::string signer_pem;  // PUBLIC KEY or CERTIFICATE
};

inline nlohmann::json Sha256Of(std::string_view bytes) {
  return {{"algorithm", "sha256"}, {"value", crypto::Sha256Hex(bytes)}};
}

// sha256 of the envelope's decoded payload ("" when the envelope does not parse).
inline nlohmann::json PayloadSha256Of(const nlohmann::json& envelope) {
  auto payload = crypto::Base64Decode(envelope.value("payload", ""));
  return Sha256Of(payload.ok() ? *payload : "");
}

// intoto 0.0.2: the envelope's signatures with their `sig` base64-encoded once more (Rekor's
// strfmt.Base64 of the base64 text) and the signer's key, the envelope's and payload's sha256.
inline nlohmann::json IntotoV2Body(const IntotoUpload& up) {
  const auto env = nlohmann::json::parse(up.envelope);
  nlohmann::json sigs = nlohmann::json::array();
  for (const auto& s : env["signatures"]) {
    sigs.push_back({{"keyid", s.value("keyid", "")},
                    {"sig", crypto::Base64Encode(s["sig"].get<std::string>())},
                    {"publicKey", crypto::Base64Encode(up.signer_pem)}});
  }
  return {{"apiVersion", "0.0.2"},
          {"kind", "intoto"},
          {"spec",
           {{"content",
             {{"envelope", {{"payloadType", env["payloadType"]}, {"signatures", sigs}}},
              {"hash", Sha256Of(up.envelope)},
              {"payloadHash", PayloadSha256Of(env)}}}}}};
}

// intoto 0.0.1: the envelope's and payload's sha256 and the signer's key, no signature.
inline nlohmann::json IntotoV1Body(const IntotoUpload& up) {
  const auto env = nlohmann::json::parse(up.envelope);
  return {{"apiVersion", "0.0.1"},
          {"kind", "intoto"},
          {"spec",
           {{"content", {{"hash", Sha256Of(up.envelope)}, {"payloadHash", PayloadSha256Of(env)}}},
            {"publicKey", crypto::Base64Encode(up.signer_pem)}}}};
}

// The dev.sigstore.cosign/bundle JSON logging `body`, its SET signed by `set_signer` (Rekor's
// key, or another for a forged promise) and its logID that of `log_key` (Rekor's key).
inline std::string RekorBundleJson(const nlohmann::json& body, const crypto::PrivateKey& log_key,
                                   const crypto::PrivateKey& set_signer, int64_t log_index = 7) {
  nlohmann::json payload = {{"body", crypto::Base64Encode(body.dump())},
                            {"integratedTime", kLoggedAt},
                            {"logID", crypto::Sha256Hex(log_key.Public().value().spki_der())},
                            {"logIndex", log_index}};
  auto set = set_signer.Sign(payload.dump(), crypto::SignatureScheme::kEcdsaDer);
  return nlohmann::json{{"SignedEntryTimestamp", crypto::Base64Encode(set.value())},
                        {"Payload", payload}}
      .dump();
}

}  // namespace connaisseur::cosign::testing
