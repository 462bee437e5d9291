#include "validators/notaryv1/tuf_metadata.h"

#include <cctype>
#include <nlohmann/json.hpp>

#include "runtime/crypto/encoding.h"
#include "validators/notaryv1/canonical_json.h"

namespace connaisseur::notaryv1 {

namespace {

using json = nlohmann::json;

// Error helper: every shape problem of one file carries the same prefix.
class Parser {
 public:
  explicit Parser(std::string_view role) : role_(role) {}

  Status Error(std::string_view what) const {
    return InvalidArgumentError("error parsing trust data " + role_ + ": " + std::string(what));
  }

  StatusOr<const json*> Field(const json& obj, const char* name, json::value_t type) const {
    auto it = obj.find(name);
    if (it == obj.end()) return Error(std::string("missing ") + name);
    bool ok =
        it->type() == type || (type == json::value_t::number_integer && it->is_number_unsigned());
    if (!ok) return Error(std::string(name) + " has the wrong type");
    return &*it;
  }

  StatusOr<int64_t> Int(const json& obj, const char* name) const {
    CN_ASSIGN_OR_RETURN(const json* v, Field(obj, name, json::value_t::number_integer));
    if (v->is_number_unsigned() && v->get<uint64_t>() > INT64_MAX) return Error("number too big");
    return v->get<int64_t>();
  }

  StatusOr<std::string> String(const json& obj, const char* name) const {
    CN_ASSIGN_OR_RETURN(const json* v, Field(obj, name, json::value_t::string));
    return v->get<std::string>();
  }

  StatusOr<std::vector<std::string>> Strings(const json& obj, const char* name) const {
    CN_ASSIGN_OR_RETURN(const json* v, Field(obj, name, json::value_t::array));
    std::vector<std::string> out;
    for (const auto& item : *v) {
      if (!item.is_string()) return Error(std::string(name) + " must hold strings");
      out.push_back(item.get<std::string>());
    }
    return out;
  }

  // Parses the envelope and checks signed._type; returns the `signed` object.
  StatusOr<const json*> Envelope(const json& doc, std::string_view type,
                                 SignedEnvelope* env) const {
    if (!doc.is_object()) return Error("not a JSON object");
    CN_ASSIGN_OR_RETURN(const json* s, Field(doc, "signed", json::value_t::object));
    CN_ASSIGN_OR_RETURN(const json* sigs, Field(doc, "signatures", json::value_t::array));
    CN_ASSIGN_OR_RETURN(std::string actual_type, String(*s, "_type"));
    if (actual_type != type) {
      return VerificationFailedError(role_ + ": wrong _type \"" + actual_type.substr(0, 32) +
                                     "\", expected \"" + std::string(type) + "\"");
    }
    env->role = role_;
    CN_ASSIGN_OR_RETURN(env->version, Int(*s, "version"));
    CN_ASSIGN_OR_RETURN(std::string expires, String(*s, "expires"));
    auto when = ParseRfc3339(expires);
    if (!when.ok()) return Error("expires: " + when.status().message());
    env->expires = *when;
    auto canonical = CanonicalJson(*s);
    if (!canonical.ok()) return Error(canonical.status().message());
    env->canonical = std::move(canonical).value();
    for (const auto& item : *sigs) {
      if (!item.is_object()) return Error("signature is not an object");
      TufSignature sig;
      CN_ASSIGN_OR_RETURN(sig.keyid, String(item, "keyid"));
      CN_ASSIGN_OR_RETURN(sig.method, String(item, "method"));
      CN_ASSIGN_OR_RETURN(std::string b64, String(item, "sig"));
      auto raw = crypto::Base64Decode(b64);
      if (!raw.ok()) return Error("signature is not base64");
      sig.sig = std::move(raw).value();
      env->signatures.push_back(std::move(sig));
    }
    return s;
  }

  StatusOr<std::map<std::string, TufKey>> Keys(const json& obj) const {
    std::map<std::string, TufKey> keys;
    for (const auto& [id, k] : obj.items()) {
      if (!k.is_object()) return Error("key " + id + " is not an object");
      TufKey key;
      CN_ASSIGN_OR_RETURN(key.keytype, String(k, "keytype"));
      CN_ASSIGN_OR_RETURN(const json* val, Field(k, "keyval", json::value_t::object));
      CN_ASSIGN_OR_RETURN(key.public_b64, String(*val, "public"));
      keys.emplace(id, std::move(key));
    }
    return keys;
  }

  StatusOr<RoleKeys> Role(const json& obj) const {
    RoleKeys role;
    CN_ASSIGN_OR_RETURN(role.keyids, Strings(obj, "keyids"));
    CN_ASSIGN_OR_RETURN(role.threshold, Int(obj, "threshold"));
    return role;
  }

  StatusOr<FileMeta> File(const json& obj, std::string_view name) const {
    if (!obj.is_object()) return Error("meta for " + std::string(name) + " is not an object");
    FileMeta meta;
    CN_ASSIGN_OR_RETURN(meta.length, Int(obj, "length"));
    CN_ASSIGN_OR_RETURN(const json* hashes, Field(obj, "hashes", json::value_t::object));
    for (const auto& [algo, field] :
         {std::pair{"sha256", &meta.sha256}, {"sha512", &meta.sha512}}) {
      auto it = hashes->find(algo);
      if (it == hashes->end()) continue;
      if (!it->is_string()) return Error(std::string(algo) + " hash is not a string");
      auto raw = crypto::Base64Decode(it->get<std::string>());
      if (!raw.ok()) return Error(std::string(algo) + " hash is not base64");
      *field = std::move(raw).value();
    }
    if (auto it = obj.find("version"); it != obj.end()) {
      CN_ASSIGN_OR_RETURN(meta.version, Int(obj, "version"));
    }
    return meta;
  }

 private:
  std::string role_;
};

StatusOr<json> ParseJson(std::string_view raw, const Parser& p) {
  json doc = json::parse(raw, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return p.Error("malformed JSON");
  return doc;
}

}  // namespace

bool IsValidRoleName(std::string_view role) {
  if (role == "root" || role == "snapshot" || role == "timestamp" || role == "targets") {
    return true;
  }
  if (!role.starts_with("targets/")) return false;
  std::string_view rest = role.substr(8);
  if (rest.empty()) return false;
  for (char c : rest) {
    if (c == '/' || std::isspace(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

StatusOr<RootRole> ParseRoot(std::string_view raw) {
  Parser p("root");
  CN_ASSIGN_OR_RETURN(json doc, ParseJson(raw, p));
  RootRole root;
  CN_ASSIGN_OR_RETURN(const json* s, p.Envelope(doc, "Root", &root.envelope));
  CN_ASSIGN_OR_RETURN(const json* keys, p.Field(*s, "keys", json::value_t::object));
  CN_ASSIGN_OR_RETURN(root.keys, p.Keys(*keys));
  CN_ASSIGN_OR_RETURN(const json* roles, p.Field(*s, "roles", json::value_t::object));
  for (const char* name : {"root", "targets", "snapshot", "timestamp"}) {
    CN_ASSIGN_OR_RETURN(const json* r, p.Field(*roles, name, json::value_t::object));
    CN_ASSIGN_OR_RETURN(root.roles[name], p.Role(*r));
  }
  return root;
}

StatusOr<TimestampRole> ParseTimestamp(std::string_view raw) {
  Parser p("timestamp");
  CN_ASSIGN_OR_RETURN(json doc, ParseJson(raw, p));
  TimestampRole ts;
  CN_ASSIGN_OR_RETURN(const json* s, p.Envelope(doc, "Timestamp", &ts.envelope));
  CN_ASSIGN_OR_RETURN(const json* meta, p.Field(*s, "meta", json::value_t::object));
  auto it = meta->find("snapshot");
  if (it == meta->end()) return p.Error("no meta for snapshot");
  CN_ASSIGN_OR_RETURN(ts.snapshot, p.File(*it, "snapshot"));
  return ts;
}

StatusOr<SnapshotRole> ParseSnapshot(std::string_view raw) {
  Parser p("snapshot");
  CN_ASSIGN_OR_RETURN(json doc, ParseJson(raw, p));
  SnapshotRole snap;
  CN_ASSIGN_OR_RETURN(const json* s, p.Envelope(doc, "Snapshot", &snap.envelope));
  CN_ASSIGN_OR_RETURN(const json* meta, p.Field(*s, "meta", json::value_t::object));
  for (const auto& [name, file] : meta->items()) {
    CN_ASSIGN_OR_RETURN(snap.meta[name], p.File(file, name));
  }
  return snap;
}

StatusOr<TargetsRole> ParseTargets(std::string_view raw, std::string_view role) {
  Parser p(role);
  CN_ASSIGN_OR_RETURN(json doc, ParseJson(raw, p));
  TargetsRole targets;
  CN_ASSIGN_OR_RETURN(const json* s, p.Envelope(doc, "Targets", &targets.envelope));
  CN_ASSIGN_OR_RETURN(const json* map, p.Field(*s, "targets", json::value_t::object));
  for (const auto& [name, file] : map->items()) {
    CN_ASSIGN_OR_RETURN(targets.targets[name], p.File(file, name));
  }
  auto del = s->find("delegations");
  if (del == s->end() || del->is_null()) return targets;
  if (!del->is_object()) return p.Error("delegations is not an object");
  CN_ASSIGN_OR_RETURN(const json* keys, p.Field(*del, "keys", json::value_t::object));
  CN_ASSIGN_OR_RETURN(targets.delegation_keys, p.Keys(*keys));
  CN_ASSIGN_OR_RETURN(const json* roles, p.Field(*del, "roles", json::value_t::array));
  for (const auto& r : *roles) {
    if (!r.is_object()) return p.Error("delegation role is not an object");
    DelegatedRole d;
    CN_ASSIGN_OR_RETURN(d.name, p.String(r, "name"));
    CN_ASSIGN_OR_RETURN(d.keys, p.Role(r));
    if (auto it = r.find("paths"); it != r.end() && !it->is_null()) {
      CN_ASSIGN_OR_RETURN(d.paths, p.Strings(r, "paths"));
    }
    targets.delegations.push_back(std::move(d));
  }
  return targets;
}

}  // namespace connaisseur::notaryv1
