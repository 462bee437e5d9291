#include "validators/cosign/rekor_bundle.h"

#include <nlohmann/json.hpp>

#include "runtime/crypto/digest.h"
#include "runtime/crypto/encoding.h"

namespace connaisseur::cosign {

namespace {

Status Fail(std::string what) {
  return VerificationFailedError("transparency log bundle: " + std::move(what));
}

// The key inside an entry's publicKey.content (base64 of a PEM PUBLIC KEY or CERTIFICATE).
StatusOr<crypto::PublicKey> EntryKey(const std::string& b64) {
  auto pem = crypto::Base64Decode(b64);
  if (!pem.ok()) return InvalidArgumentError("publicKey.content is not base64");
  if (pem->find("CERTIFICATE") != std::string::npos) {
    return crypto::PublicKey::FromCertificatePem(*pem);
  }
  return crypto::PublicKey::FromPem(*pem);
}

// Members read without nlohmann's throwing value(): "" / {} when absent or of another type.
std::string Str(const nlohmann::json& obj, const char* key) {
  if (!obj.is_object()) return "";
  auto it = obj.find(key);
  return it != obj.end() && it->is_string() ? it->get<std::string>() : "";
}
nlohmann::json Obj(const nlohmann::json& obj, const char* key) {
  if (!obj.is_object()) return nlohmann::json::object();
  auto it = obj.find(key);
  return it != obj.end() && it->is_object() ? *it : nlohmann::json::object();
}

// When the entry names its signer (base64 PEM; empty: it does not), that key is `signer`.
Status CheckEntryKey(const std::string& key_b64, const crypto::PublicKey& signer) {
  if (key_b64.empty()) return Status::Ok();
  auto key = EntryKey(key_b64);
  if (!key.ok() || key->spki_der() != signer.spki_der()) {
    return Fail("entry was made by another key");
  }
  return Status::Ok();
}

// A `dsse` entry: {"payloadHash": {algorithm, value}, "signatures": [{signature, verifier}]}.
Status VerifyDsseBody(const nlohmann::json& spec, std::string_view signature,
                      std::string_view payload, const crypto::PublicKey& signer) {
  const auto hash = Obj(spec, "payloadHash");
  if (Str(hash, "algorithm") != "sha256" || Str(hash, "value") != crypto::Sha256Hex(payload)) {
    return Fail("entry does not name this payload's sha256");
  }
  auto sigs = spec.is_object() ? spec.find("signatures") : spec.end();
  if (sigs == spec.end() || !sigs->is_array()) return Fail("entry does not name this signature");
  for (const auto& s : *sigs) {
    auto entry_sig = crypto::Base64Decode(Str(s, "signature"));
    if (entry_sig.ok() && *entry_sig == signature) return CheckEntryKey(Str(s, "verifier"), signer);
  }
  return Fail("entry does not name this signature");
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

Status VerifyEntryBody(std::string_view body_b64, std::string_view signature,
                       std::string_view payload, const crypto::PublicKey& signer) {
  auto body_text = crypto::Base64Decode(body_b64);
  if (!body_text.ok()) return Fail("body is not base64");
  auto body = nlohmann::json::parse(*body_text, nullptr, false);
  if (body.is_discarded() || !body.is_object()) return Fail("body is not JSON");
  const std::string kind = Str(body, "kind");
  const auto spec = Obj(body, "spec");
  if (kind == "dsse") return VerifyDsseBody(spec, signature, payload, signer);
  if (kind != "hashedrekord" && kind != "rekord") return Fail("unsupported entry kind " + kind);
  const auto sig = Obj(spec, "signature");
  const auto hash = Obj(Obj(spec, "data"), "hash");
  auto entry_sig = crypto::Base64Decode(Str(sig, "content"));
  if (!entry_sig.ok() || *entry_sig != signature) {
    return Fail("entry does not name this signature");
  }
  if (Str(hash, "algorithm") != "sha256" || Str(hash, "value") != crypto::Sha256Hex(payload)) {
    return Fail("entry does not name this payload's sha256");
  }
  return CheckEntryKey(Str(Obj(sig, "publicKey"), "content"), signer);
}

Status VerifyRekorBundle(std::string_view bundle_json, const crypto::PublicKey& rekor_key,
                         std::string_view signature, std::string_view payload,
                         const crypto::PublicKey& signer) {
  auto bundle = RekorBundle::Parse(bundle_json);
  if (!bundle.ok()) return Fail(bundle.status().message());
  CN_RETURN_IF_ERROR(VerifyEntryTimestamp(*bundle, rekor_key));
  return VerifyEntryBody(bundle->body, signature, payload, signer);
}

}  // namespace connaisseur::cosign
