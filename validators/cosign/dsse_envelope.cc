#include "validators/cosign/dsse_envelope.h"

#include <nlohmann/json.hpp>

#include "runtime/crypto/encoding.h"

namespace connaisseur::cosign {

namespace {

using nlohmann::json;

// DSSE writes standard base64; some writers use the URL-safe alphabet: both are read.
StatusOr<std::string> Base64Field(const json& obj, const char* key, const std::string& where) {
  auto it = obj.find(key);
  if (it == obj.end() || !it->is_string()) {
    return InvalidArgumentError(where + "." + key + " is not a string");
  }
  const std::string& text = it->get_ref<const std::string&>();
  auto raw = crypto::Base64Decode(text);
  if (!raw.ok()) raw = crypto::Base64UrlDecode(text);
  if (!raw.ok()) return InvalidArgumentError(where + "." + key + " is not base64");
  return raw;
}

}  // namespace

StatusOr<DsseEnvelope> DsseEnvelope::Parse(std::string_view text) {
  const json doc = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object()) {
    return InvalidArgumentError("DSSE envelope is not a JSON object");
  }
  DsseEnvelope e;
  auto type = doc.find("payloadType");
  if (type == doc.end() || !type->is_string()) {
    return InvalidArgumentError("envelope.payloadType is not a string");
  }
  e.payload_type = type->get<std::string>();
  CN_ASSIGN_OR_RETURN(e.payload, Base64Field(doc, "payload", "envelope"));
  auto sigs = doc.find("signatures");
  if (sigs == doc.end() || !sigs->is_array() || sigs->empty()) {
    return InvalidArgumentError("envelope.signatures is not a non-empty list");
  }
  for (size_t i = 0; i < sigs->size(); ++i) {
    const std::string where = "envelope.signatures[" + std::to_string(i) + "]";
    if (!(*sigs)[i].is_object()) return InvalidArgumentError(where + " is not an object");
    CN_ASSIGN_OR_RETURN(std::string sig, Base64Field((*sigs)[i], "sig", where));
    e.signatures.push_back(std::move(sig));
  }
  return e;
}

std::string DsseEnvelope::Serialize() const {
  json sigs = json::array();
  for (const auto& s : signatures)
    sigs.push_back({{"keyid", ""}, {"sig", crypto::Base64Encode(s)}});
  json doc = json::object();
  doc["payloadType"] = payload_type;
  doc["payload"] = crypto::Base64Encode(payload);
  doc["signatures"] = std::move(sigs);
  return doc.dump();
}

std::string DssePae(std::string_view payload_type, std::string_view payload) {
  std::string out = "DSSEv1 ";
  out += std::to_string(payload_type.size());
  out += ' ';
  out += payload_type;
  out += ' ';
  out += std::to_string(payload.size());
  out += ' ';
  out += payload;
  return out;
}

}  // namespace connaisseur::cosign
