#include "validators/cosign/sigstore_bundle.h"

#include <charconv>
#include <nlohmann/json.hpp>

#include "runtime/crypto/encoding.h"

namespace connaisseur::cosign {

namespace {

using nlohmann::json;

const json* Member(const json& obj, const char* key) {
  if (!obj.is_object()) return nullptr;
  auto it = obj.find(key);
  return it == obj.end() || it->is_null() ? nullptr : &*it;
}

StatusOr<std::string> String(const json& obj, const char* key, const std::string& where) {
  const json* v = Member(obj, key);
  if (v == nullptr || !v->is_string()) {
    return InvalidArgumentError(where + "." + key + " is not a string");
  }
  return v->get<std::string>();
}

// Protobuf JSON writes bytes in the standard alphabet; it also reads the URL-safe one.
StatusOr<std::string> Bytes(const json& obj, const char* key, const std::string& where) {
  CN_ASSIGN_OR_RETURN(std::string text, String(obj, key, where));
  auto raw = crypto::Base64Decode(text);
  if (!raw.ok()) raw = crypto::Base64UrlDecode(text);
  if (!raw.ok()) return InvalidArgumentError(where + "." + key + " is not base64");
  return raw;
}

// int64 fields: protobuf writes decimal strings, other writers numbers.
StatusOr<int64_t> Int64(const json& obj, const char* key, const std::string& where) {
  const json* v = Member(obj, key);
  if (v != nullptr && v->is_number_integer()) return v->get<int64_t>();
  if (v != nullptr && v->is_string()) {
    const std::string s = v->get<std::string>();
    int64_t out = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    if (ec == std::errc() && end == s.data() + s.size() && !s.empty()) return out;
  }
  return InvalidArgumentError(where + "." + key + " is not an integer");
}

StatusOr<BundleTlogEntry> ParseTlogEntry(const json& j, const std::string& where) {
  if (!j.is_object()) return InvalidArgumentError(where + " is not an object");
  BundleTlogEntry e;
  CN_ASSIGN_OR_RETURN(e.log_index, Int64(j, "logIndex", where));
  const json* log_id = Member(j, "logId");
  if (log_id == nullptr) return InvalidArgumentError(where + ".logId is missing");
  CN_ASSIGN_OR_RETURN(e.log_id, Bytes(*log_id, "keyId", where + ".logId"));
  const json* kv = Member(j, "kindVersion");
  if (kv == nullptr) return InvalidArgumentError(where + ".kindVersion is missing");
  CN_ASSIGN_OR_RETURN(e.kind, String(*kv, "kind", where + ".kindVersion"));
  CN_ASSIGN_OR_RETURN(e.version, String(*kv, "version", where + ".kindVersion"));
  CN_ASSIGN_OR_RETURN(e.integrated_time, Int64(j, "integratedTime", where));
  if (const json* promise = Member(j, "inclusionPromise"); promise != nullptr) {
    CN_ASSIGN_OR_RETURN(e.signed_entry_timestamp,
                        Bytes(*promise, "signedEntryTimestamp", where + ".inclusionPromise"));
  }
  CN_ASSIGN_OR_RETURN(e.canonicalized_body, String(j, "canonicalizedBody", where));
  if (!crypto::Base64Decode(e.canonicalized_body).ok()) {
    return InvalidArgumentError(where + ".canonicalizedBody is not base64");
  }
  return e;
}

Status ParseMaterial(const json& m, SigstoreBundle& b) {
  const std::string where = "verificationMaterial";
  if (!m.is_object()) return InvalidArgumentError(where + " is not an object");
  if (const json* pk = Member(m, "publicKey"); pk != nullptr) {
    b.key_material = SigstoreBundle::KeyMaterial::kPublicKey;
    if (Member(*pk, "hint") != nullptr) {
      CN_ASSIGN_OR_RETURN(b.public_key_hint, String(*pk, "hint", where + ".publicKey"));
    }
  } else if (const json* cert = Member(m, "certificate"); cert != nullptr) {
    b.key_material = SigstoreBundle::KeyMaterial::kCertificate;
    CN_ASSIGN_OR_RETURN(b.certificate_der, Bytes(*cert, "rawBytes", where + ".certificate"));
  } else if (const json* chain = Member(m, "x509CertificateChain"); chain != nullptr) {
    b.key_material = SigstoreBundle::KeyMaterial::kCertificateChain;
    const json* certs = Member(*chain, "certificates");
    if (certs == nullptr || !certs->is_array() || certs->empty()) {
      return InvalidArgumentError(where + ".x509CertificateChain has no certificates");
    }
    for (size_t i = 0; i < certs->size(); ++i) {
      CN_ASSIGN_OR_RETURN(std::string der, Bytes((*certs)[i], "rawBytes",
                                                 where + ".x509CertificateChain.certificates[" +
                                                     std::to_string(i) + "]"));
      if (i == 0) {
        b.certificate_der = std::move(der);
      } else {
        b.chain_der.push_back(std::move(der));
      }
    }
  } else {
    return InvalidArgumentError(where + " has no publicKey, certificate or x509CertificateChain");
  }
  if (const json* entries = Member(m, "tlogEntries"); entries != nullptr) {
    if (!entries->is_array()) return InvalidArgumentError(where + ".tlogEntries is not a list");
    for (size_t i = 0; i < entries->size(); ++i) {
      CN_ASSIGN_OR_RETURN(
          auto e, ParseTlogEntry((*entries)[i], where + ".tlogEntries[" + std::to_string(i) + "]"));
      b.tlog_entries.push_back(std::move(e));
    }
  }
  return Status::Ok();
}

StatusOr<MessageSignature> ParseMessageSignature(const json& j) {
  const std::string where = "messageSignature";
  MessageSignature m;
  const json* digest = Member(j, "messageDigest");
  if (digest == nullptr) return InvalidArgumentError(where + ".messageDigest is missing");
  CN_ASSIGN_OR_RETURN(m.digest_algorithm, String(*digest, "algorithm", where + ".messageDigest"));
  CN_ASSIGN_OR_RETURN(m.digest, Bytes(*digest, "digest", where + ".messageDigest"));
  CN_ASSIGN_OR_RETURN(m.signature, Bytes(j, "signature", where));
  return m;
}

StatusOr<DsseEnvelope> ParseDsse(const json& j) {
  const std::string where = "dsseEnvelope";
  DsseEnvelope d;
  CN_ASSIGN_OR_RETURN(d.payload, Bytes(j, "payload", where));
  CN_ASSIGN_OR_RETURN(d.payload_type, String(j, "payloadType", where));
  const json* sigs = Member(j, "signatures");
  if (sigs == nullptr || !sigs->is_array() || sigs->empty()) {
    return InvalidArgumentError(where + ".signatures is not a non-empty list");
  }
  for (size_t i = 0; i < sigs->size(); ++i) {
    CN_ASSIGN_OR_RETURN(std::string sig,
                        Bytes((*sigs)[i], "sig", where + ".signatures[" + std::to_string(i) + "]"));
    d.signatures.push_back(std::move(sig));
  }
  return d;
}

bool KnownMediaType(const std::string& t) {
  return t == kSigstoreBundleMediaType ||
         t == "application/vnd.dev.sigstore.bundle+json;version=0.2" ||
         t == "application/vnd.dev.sigstore.bundle+json;version=0.1";
}

}  // namespace

StatusOr<SigstoreBundle> SigstoreBundle::Parse(std::string_view text) {
  auto doc = json::parse(text, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) {
    return InvalidArgumentError("sigstore bundle is not a JSON object");
  }
  SigstoreBundle b;
  CN_ASSIGN_OR_RETURN(b.media_type, String(doc, "mediaType", "bundle"));
  if (!KnownMediaType(b.media_type)) {
    return InvalidArgumentError("sigstore bundle has unknown mediaType \"" + b.media_type + "\"");
  }
  const json* material = Member(doc, "verificationMaterial");
  if (material == nullptr) return InvalidArgumentError("bundle.verificationMaterial is missing");
  CN_RETURN_IF_ERROR(ParseMaterial(*material, b));
  const json* message = Member(doc, "messageSignature");
  const json* dsse = Member(doc, "dsseEnvelope");
  if ((message == nullptr) == (dsse == nullptr)) {
    return InvalidArgumentError(
        "sigstore bundle must hold exactly one of messageSignature and "
        "dsseEnvelope");
  }
  if (message != nullptr) {
    CN_ASSIGN_OR_RETURN(b.message_signature, ParseMessageSignature(*message));
  } else {
    CN_ASSIGN_OR_RETURN(b.dsse_envelope, ParseDsse(*dsse));
  }
  return b;
}

std::string SigstoreBundle::Serialize() const {
  json material = json::object();
  switch (key_material) {
    case KeyMaterial::kPublicKey:
      material["publicKey"] = json::object();
      if (!public_key_hint.empty()) material["publicKey"]["hint"] = public_key_hint;
      break;
    case KeyMaterial::kCertificate:
      material["certificate"] = {{"rawBytes", crypto::Base64Encode(certificate_der)}};
      break;
    case KeyMaterial::kCertificateChain: {
      json certs = json::array({{{"rawBytes", crypto::Base64Encode(certificate_der)}}});
      for (const auto& der : chain_der) certs.push_back({{"rawBytes", crypto::Base64Encode(der)}});
      material["x509CertificateChain"] = {{"certificates", std::move(certs)}};
      break;
    }
  }
  json entries = json::array();
  for (const auto& e : tlog_entries) {
    json entry = {{"logIndex", std::to_string(e.log_index)},
                  {"logId", {{"keyId", crypto::Base64Encode(e.log_id)}}},
                  {"kindVersion", {{"kind", e.kind}, {"version", e.version}}},
                  {"integratedTime", std::to_string(e.integrated_time)},
                  {"canonicalizedBody", e.canonicalized_body}};
    if (!e.signed_entry_timestamp.empty()) {
      entry["inclusionPromise"] = {
          {"signedEntryTimestamp", crypto::Base64Encode(e.signed_entry_timestamp)}};
    }
    entries.push_back(std::move(entry));
  }
  material["tlogEntries"] = std::move(entries);
  json doc = {{"mediaType", media_type}, {"verificationMaterial", std::move(material)}};
  if (message_signature) {
    doc["messageSignature"] = {{"messageDigest",
                                {{"algorithm", message_signature->digest_algorithm},
                                 {"digest", crypto::Base64Encode(message_signature->digest)}}},
                               {"signature", crypto::Base64Encode(message_signature->signature)}};
  }
  if (dsse_envelope) {
    json sigs = json::array();
    for (const auto& s : dsse_envelope->signatures) {
      sigs.push_back({{"sig", crypto::Base64Encode(s)}, {"keyid", ""}});
    }
    doc["dsseEnvelope"] = {{"payload", crypto::Base64Encode(dsse_envelope->payload)},
                           {"payloadType", dsse_envelope->payload_type},
                           {"signatures", std::move(sigs)}};
  }
  return doc.dump();
}

}  // namespace connaisseur::cosign
