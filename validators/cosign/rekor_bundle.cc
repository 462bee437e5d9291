#include "validators/cosign/rekor_bundle.h"

#include <nlohmann/json.hpp>

#include "runtime/crypto/digest.h"
#include "runtime/crypto/encoding.h"

namespace connaisseur::cosign {

namespace {

Status Fail(std::string what) {
  return VerificationFailedError("transparency log bundle: " + std::move(what));
}

}  // namespace

StatusOr<RekorBundle> RekorBundle::Parse(std::string_view json) {
  auto doc = nlohmann::json::parse(json, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) {
    return InvalidArgumentError("rekor bundle is not a JSON object");
  }
  if (!doc.contains("SignedEntryTimestamp") || !doc["SignedEntryTimestamp"].is_string() ||
      !doc.contains("Payload") || !doc["Payload"].is_object()) {
    return InvalidArgumentError("rekor bundle lacks SignedEntryTimestamp or Payload");
  }
  auto set = crypto::Base64Decode(doc["SignedEntryTimestamp"].get<std::string>());
  if (!set.ok()) return InvalidArgumentError("rekor bundle: SignedEntryTimestamp is not base64");
  const auto& p = doc["Payload"];
  if (!p.contains("body") || !p["body"].is_string() || !p.contains("integratedTime") ||
      !p["integratedTime"].is_number_integer() || !p.contains("logIndex") ||
      !p["logIndex"].is_number_integer() || !p.contains("logID") || !p["logID"].is_string()) {
    return InvalidArgumentError("rekor bundle: Payload lacks body/integratedTime/logIndex/logID");
  }
  RekorBundle b;
  b.signed_entry_timestamp = std::move(set).value();
  b.body = p["body"].get<std::string>();
  b.integrated_time = p["integratedTime"].get<int64_t>();
  b.log_index = p["logIndex"].get<int64_t>();
  b.log_id = p["logID"].get<std::string>();
  return b;
}

std::string RekorBundle::CanonicalPayload() const {
  // nlohmann::json keeps object keys in a std::map: sorted by code unit, as RFC 8785 wants for
  // these ASCII keys; integers print without exponent or fraction.
  nlohmann::json j;
  j["body"] = body;
  j["integratedTime"] = integrated_time;
  j["logID"] = log_id;
  j["logIndex"] = log_index;
  return j.dump();
}

Status VerifyEntryTimestamp(const RekorBundle& entry, const crypto::PublicKey& rekor_key) {
  if (!rekor_key
           .Verify(entry.CanonicalPayload(), entry.signed_entry_timestamp,
                   crypto::SignatureScheme::kEcdsaDer)
           .ok()) {
    return Fail("signed entry timestamp does not verify with the Rekor public key");
  }
  if (entry.log_id != crypto::Sha256Hex(rekor_key.spki_der())) {
    return Fail("logID " + entry.log_id + " is not the configured Rekor key");
  }
  return Status::Ok();
}

Status VerifyRekorBundle(std::string_view bundle_json, const crypto::PublicKey& rekor_key,
                         const LoggedArtifact& artifact, const crypto::PublicKey& signer) {
  auto bundle = RekorBundle::Parse(bundle_json);
  if (!bundle.ok()) return Fail(bundle.status().message());
  CN_RETURN_IF_ERROR(VerifyEntryTimestamp(*bundle, rekor_key));
  return VerifyEntryBody(bundle->body, artifact, signer);
}

Status VerifyRekorBundle(std::string_view bundle_json, const crypto::PublicKey& rekor_key,
                         std::string_view signature, std::string_view payload,
                         const crypto::PublicKey& signer) {
  return VerifyRekorBundle(bundle_json, rekor_key, LoggedArtifact{signature, payload}, signer);
}

}  // namespace connaisseur::cosign
