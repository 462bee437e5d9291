#include "validators/cosign/rekor_entry_body.h"

#include <nlohmann/json.hpp>
#include <string>

#include "runtime/crypto/digest.h"
#include "runtime/crypto/encoding.h"
#include "validators/cosign/shown.h"

namespace connaisseur::cosign {

namespace {

using nlohmann::json;

Status Fail(std::string what) {
  return VerificationFailedError("transparency log bundle: " + std::move(what));
}

// Members read without nlohmann's throwing accessors: "" / {} / [] when absent or ill-typed.
std::string Str(const json& obj, const char* key) {
  if (!obj.is_object()) return "";
  auto it = obj.find(key);
  return it != obj.end() && it->is_string() ? it->get<std::string>() : "";
}
json Obj(const json& obj, const char* key) {
  if (!obj.is_object()) return json::object();
  auto it = obj.find(key);
  return it != obj.end() && it->is_object() ? *it : json::object();
}
json Arr(const json& obj, const char* key) {
  if (!obj.is_object()) return json::array();
  auto it = obj.find(key);
  return it != obj.end() && it->is_array() ? *it : json::array();
}

// `hash` is {"algorithm": "sha256", "value": sha256(bytes) in hex}.
bool NamesSha256(const json& hash, std::string_view bytes) {
  return Str(hash, "algorithm") == "sha256" && Str(hash, "value") == crypto::Sha256Hex(bytes);
}

// The key of a base64 PEM PUBLIC KEY or CERTIFICATE, as entries name their signer.
StatusOr<crypto::PublicKey> EntryKey(const std::string& b64) {
  auto pem = crypto::Base64Decode(b64);
  if (!pem.ok()) return InvalidArgumentError("public key is not base64");
  if (pem->find("CERTIFICATE") != std::string::npos) {
    return crypto::PublicKey::FromCertificatePem(*pem);
  }
  return crypto::PublicKey::FromPem(*pem);
}

// The entry's signer key (base64 PEM) is `signer`'s. Rekor writes the key into every entry kind
// we accept, so an entry naming none ("") is refused rather than taken as naming any key.
Status CheckEntryKey(const std::string& key_b64, const crypto::PublicKey& signer) {
  if (key_b64.empty()) return Fail("entry names no public key");
  auto key = EntryKey(key_b64);
  if (!key.ok() || key->spki_der() != signer.spki_der()) {
    return Fail("entry was made by another key");
  }
  return Status::Ok();
}

// hashedrekord / rekord 0.0.1: {"signature": {"content", "publicKey": {"content"}},
// "data": {"hash": {algorithm, value}}}.
Status VerifyRekordSpec(const json& spec, const LoggedArtifact& a, const crypto::PublicKey& key) {
  const json sig = Obj(spec, "signature");
  auto entry_sig = crypto::Base64Decode(Str(sig, "content"));
  if (!entry_sig.ok() || *entry_sig != a.signature) {
    return Fail("entry does not name this signature");
  }
  if (!NamesSha256(Obj(Obj(spec, "data"), "hash"), a.payload)) {
    return Fail("entry does not name this payload's sha256");
  }
  return CheckEntryKey(Str(Obj(sig, "publicKey"), "content"), key);
}

// dsse 0.0.1: {"payloadHash": {algorithm, value}, "signatures": [{signature, verifier}], ...}.
Status VerifyDsseSpec(const json& spec, const LoggedArtifact& a, const crypto::PublicKey& key) {
  if (!NamesSha256(Obj(spec, "payloadHash"), a.payload)) {
    return Fail("entry does not name this payload's sha256");
  }
  for (const json& s : Arr(spec, "signatures")) {
    auto entry_sig = crypto::Base64Decode(Str(s, "signature"));
    if (entry_sig.ok() && *entry_sig == a.signature) {
      return CheckEntryKey(Str(s, "verifier"), key);
    }
  }
  return Fail("entry does not name this signature");
}

// The stored envelope's sha256 is `hash` (an envelope known only re-serialised cannot match).
Status CheckEnvelopeHash(const json& hash, const LoggedArtifact& a) {
  if (!a.envelope) {
    return Fail("entry names the envelope by hash, and only a re-serialised envelope is at hand");
  }
  if (!NamesSha256(hash, *a.envelope)) return Fail("entry does not name this envelope's sha256");
  return Status::Ok();
}

// intoto 0.0.2: {"content": {"envelope": {"payloadType", "signatures": [{"sig": b64(b64(sig)),
// "publicKey": b64(PEM)}]}, "hash": {...}, "payloadHash": {...}}}.
Status VerifyIntotoV2Spec(const json& spec, const LoggedArtifact& a, const crypto::PublicKey& key) {
  const json content = Obj(spec, "content");
  if (!NamesSha256(Obj(content, "payloadHash"), a.payload)) {
    return Fail("entry does not name this payload's sha256");
  }
  // spec.content.hash is the submitter's claim, which Rekor never checks: matching it (as cosign
  // does) binds nothing; payloadHash, the signature and its publicKey below are the binding.
  if (a.envelope) CN_RETURN_IF_ERROR(CheckEnvelopeHash(Obj(content, "hash"), a));
  for (const json& s : Arr(Obj(content, "envelope"), "signatures")) {
    auto sig_text = crypto::Base64Decode(Str(s, "sig"));
    auto entry_sig = sig_text.ok() ? crypto::Base64Decode(*sig_text) : sig_text.status();
    if (entry_sig.ok() && *entry_sig == a.signature) {
      return CheckEntryKey(Str(s, "publicKey"), key);
    }
  }
  return Fail("entry does not name this signature");
}

// intoto 0.0.1: {"content": {"hash": {...}, "payloadHash": {...}}, "publicKey": b64(PEM)}.
Status VerifyIntotoV1Spec(const json& spec, const LoggedArtifact& a, const crypto::PublicKey& key) {
  const json content = Obj(spec, "content");
  CN_RETURN_IF_ERROR(CheckEnvelopeHash(Obj(content, "hash"), a));
  // Required: the envelope's hash alone does not fix the payload, since Go reads JSON keys
  // case-insensitively and Rekor may take another of {"payload": A, "PAYLOAD": B} than we did.
  if (!NamesSha256(Obj(content, "payloadHash"), a.payload)) {
    return Fail("entry does not name this payload's sha256");
  }
  return CheckEntryKey(Str(spec, "publicKey"), key);
}

using SpecCheck = Status (*)(const json&, const LoggedArtifact&, const crypto::PublicKey&);

struct KnownKind {
  std::string_view kind, api_version;
  bool dsse;  // logs a DSSE envelope's signature (else a plain signature over an artifact)
  SpecCheck check;
};

constexpr KnownKind kKnownKinds[] = {
    {"hashedrekord", "0.0.1", false, VerifyRekordSpec},
    {"rekord", "0.0.1", false, VerifyRekordSpec},
    {"dsse", "0.0.1", true, VerifyDsseSpec},
    {"intoto", "0.0.2", true, VerifyIntotoV2Spec},
    {"intoto", "0.0.1", true, VerifyIntotoV1Spec},
};

}  // namespace

Status VerifyEntryBody(std::string_view body_b64, const LoggedArtifact& artifact,
                       const crypto::PublicKey& signer, std::optional<ClaimedKind> claimed) {
  auto body_text = crypto::Base64Decode(body_b64);
  if (!body_text.ok()) return Fail("body is not base64");
  const json body = json::parse(*body_text, nullptr, false);
  if (body.is_discarded() || !body.is_object()) return Fail("body is not JSON");
  const std::string kind = Str(body, "kind");
  const std::string version = Str(body, "apiVersion");
  if (claimed && (claimed->kind != kind || claimed->version != version)) {
    return Fail("kindVersion " + Shown(claimed->kind) + " " + Shown(claimed->version) +
                " does not match the entry's " + Shown(kind) + " " + Shown(version));
  }
  for (const KnownKind& k : kKnownKinds) {
    if (k.kind != kind || k.api_version != version) continue;
    if (k.dsse != artifact.dsse) {
      return Fail("a " + kind + " entry cannot log a " +
                  (artifact.dsse ? "DSSE envelope's signature" : "plain signature"));
    }
    return k.check(Obj(body, "spec"), artifact, signer);
  }
  return Fail("unsupported entry kind " + Shown(kind) + " apiVersion " + Shown(version));
}

}  // namespace connaisseur::cosign
