#include "tests/validators/notaryv1/tuf_repo.h"

#include <cstdlib>

#include "runtime/crypto/digest.h"
#include "runtime/crypto/encoding.h"
#include "tests/runtime/net/test_ca.h"
#include "validators/notaryv1/canonical_json.h"
#include "validators/notaryv1/key_set.h"

namespace connaisseur::notaryv1::testing {

namespace {

using json = nlohmann::json;

constexpr char kFarFuture[] = "2099-01-01T00:00:00.123456789Z";

json FileMeta(const std::string& bytes, std::optional<int64_t> version) {
  auto sha256 = crypto::Sha256(bytes);
  auto sha512 = crypto::Sha512(bytes);
  json meta = {{"length", bytes.size()},
               {"hashes",
                {{"sha256", crypto::Base64Encode(std::string(sha256.begin(), sha256.end()))},
                 {"sha512", crypto::Base64Encode(std::string(sha512.begin(), sha512.end()))}}}};
  if (version) meta["version"] = *version;
  return meta;
}

json KeyJson(const TestKey& k) {
  return {{"keytype", k.keytype}, {"keyval", {{"private", nullptr}, {"public", k.public_b64}}}};
}

std::string Fail(const std::string& what) {
  std::abort();  // fixture construction failures are bugs in the test set-up
  return what;
}

}  // namespace

TestKey NewKey() {
  auto key = crypto::PrivateKey::Generate(crypto::KeyType::kEcdsaP256);
  if (!key.ok()) Fail("generate");
  auto shared = std::make_shared<crypto::PrivateKey>(std::move(key).value());
  auto pub = shared->Public();
  if (!pub.ok()) Fail("public");
  TestKey t{shared, "ecdsa", crypto::Base64Encode(pub->spki_der()), "", shared->PublicPem()};
  t.id = TufKeyId(t.keytype, t.public_b64);
  return t;
}

TestKey X509Form(const TestKey& key) {
  auto dir = connaisseur::testing::MakeTempDir("cn-tuf-x509");
  if (!dir.ok()) Fail("tempdir");
  std::string log = *dir + "/log";
  if (!connaisseur::testing::WriteFile(*dir + "/k.pem", key.key->PrivatePem()).ok() ||
      !connaisseur::testing::RunCommand("openssl req -new -x509 -key '" + *dir + "/k.pem' -out '" +
                                            *dir + "/c.pem' -subj /CN=test-gun -days 3650",
                                        log)
           .ok()) {
    Fail("openssl");
  }
  auto cert = connaisseur::testing::ReadFile(*dir + "/c.pem");
  (void)connaisseur::testing::RunCommand("rm -rf '" + *dir + "'", "/dev/null");
  TestKey t = key;
  t.keytype = "ecdsa-x509";
  t.public_b64 = crypto::Base64Encode(cert.ok() ? *cert : "");
  t.id = TufKeyId(t.keytype, t.public_b64);
  return t;
}

std::string DigestOf(const std::string& text) { return crypto::OciDigest(text); }

json TargetEntry(const std::string& digest, int64_t length) {
  auto raw = crypto::HexDecode(digest.substr(7));
  return {{"length", length}, {"hashes", {{"sha256", crypto::Base64Encode(raw.ok() ? *raw : "")}}}};
}

TufRepo::TufRepo()
    : root_key(NewKey()), targets_key(NewKey()), snapshot_key(NewKey()), timestamp_key(NewKey()) {
  json keys = json::object();
  for (const TestKey* k : {&root_key, &targets_key, &snapshot_key, &timestamp_key}) {
    keys[k->id] = KeyJson(*k);
  }
  auto role = [](const TestKey& k) { return json{{"keyids", {k.id}}, {"threshold", 1}}; };
  root = {{"_type", "Root"},
          {"consistent_snapshot", false},
          {"expires", kFarFuture},
          {"version", 1},
          {"keys", keys},
          {"roles",
           {{"root", role(root_key)},
            {"targets", role(targets_key)},
            {"snapshot", role(snapshot_key)},
            {"timestamp", role(timestamp_key)}}}};
  targets = {{"_type", "Targets"},
             {"expires", kFarFuture},
             {"version", 1},
             {"targets", json::object()},
             {"delegations", {{"keys", json::object()}, {"roles", json::array()}}}};
  snapshot = {{"_type", "Snapshot"}, {"expires", kFarFuture}, {"version", 1}, {"meta", {}}};
  timestamp = {{"_type", "Timestamp"}, {"expires", kFarFuture}, {"version", 1}, {"meta", {}}};
  signers = {{"root", {root_key}},
             {"targets", {targets_key}},
             {"snapshot", {snapshot_key}},
             {"timestamp", {timestamp_key}}};
}

void TufRepo::AddDelegation(const std::string& name, const std::vector<TestKey>& keys) {
  json ids = json::array();
  for (const TestKey& k : keys) {
    targets["delegations"]["keys"][k.id] = KeyJson(k);
    ids.push_back(k.id);
  }
  targets["delegations"]["roles"].push_back(
      {{"name", name}, {"keyids", ids}, {"threshold", 1}, {"paths", {""}}});
  delegations[name] = {
      {"_type", "Targets"}, {"expires", kFarFuture}, {"version", 1}, {"targets", json::object()}};
  signers[name] = keys;
}

void TufRepo::Sign(const std::string& role, const std::string& tag, const std::string& digest) {
  json& doc = role == "targets" ? targets : delegations.at(role);
  doc["targets"][tag] = TargetEntry(digest);
}

void TufRepo::BumpVersions() {
  for (json* doc : {&root, &targets, &snapshot, &timestamp}) {
    (*doc)["version"] = (*doc)["version"].get<int64_t>() + 1;
  }
  for (auto& [name, doc] : delegations) doc["version"] = doc["version"].get<int64_t>() + 1;
}

std::string TufRepo::Render(const std::string& role, json signed_part) const {
  auto canonical = CanonicalJson(signed_part);
  if (!canonical.ok()) Fail("canonical");
  json sigs = json::array();
  for (const TestKey& k : signers.at(role)) {
    auto sig = k.key->Sign(*canonical, crypto::SignatureScheme::kEcdsaRaw);
    if (!sig.ok()) Fail("sign");
    sigs.push_back({{"keyid", k.id}, {"method", "ecdsa"}, {"sig", crypto::Base64Encode(*sig)}});
  }
  if (auto it = after_signing.find(role); it != after_signing.end()) it->second(signed_part);
  // Indented, unlike the canonical form: hashes must be over these exact bytes.
  return json{{"signed", signed_part}, {"signatures", sigs}}.dump(1);
}

std::map<std::string, std::string> TufRepo::Publish() const {
  std::map<std::string, std::string> files;
  files["root"] = Render("root", root);
  files["targets"] = Render("targets", targets);
  for (const auto& [name, doc] : delegations) files[name] = Render(name, doc);
  json snap = snapshot;
  snap["meta"]["root"] = FileMeta(files["root"], root["version"].get<int64_t>());
  snap["meta"]["targets"] = FileMeta(files["targets"], targets["version"].get<int64_t>());
  for (const auto& [name, doc] : delegations) {
    snap["meta"][name] = FileMeta(files[name], doc["version"].get<int64_t>());
  }
  if (tamper_snapshot_meta) tamper_snapshot_meta(snap["meta"]);
  files["snapshot"] = Render("snapshot", snap);
  json ts = timestamp;
  ts["meta"]["snapshot"] = FileMeta(files["snapshot"], snap["version"].get<int64_t>());
  if (tamper_timestamp_meta) tamper_timestamp_meta(ts["meta"]);
  files["timestamp"] = Render("timestamp", ts);
  return files;
}

}  // namespace connaisseur::notaryv1::testing
