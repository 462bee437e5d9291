// TufRepo: a notary repository signed by the test itself (runtime/crypto keys, raw r‖s ECDSA),
// so that every attack on the trust chain can be crafted: fields changed after signing, wrong
// keys, expired dates, stale versions, bad pins. Publish() renders the files a server serves.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "runtime/crypto/private_key.h"

namespace connaisseur::notaryv1::testing {

struct TestKey {
  std::shared_ptr<crypto::PrivateKey> key;
  std::string keytype;     // "ecdsa" or "ecdsa-x509" (public is a PEM certificate)
  std::string public_b64;  // keyval.public
  std::string id;
  std::string public_pem;  // SPKI PEM, what a trust root pins
};

// A new P-256 key in "ecdsa" form.
TestKey NewKey();
// The same key in "ecdsa-x509" form (a self-signed certificate made with the openssl CLI).
TestKey X509Form(const TestKey& key);

// "sha256:<hex>" of `text`, and the matching TUF target entry.
std::string DigestOf(const std::string& text);
nlohmann::json TargetEntry(const std::string& digest, int64_t length = 1234);

class TufRepo {
 public:
  TufRepo();  // root/targets/snapshot/timestamp keys, one each, threshold 1, expiry in 2 years

  TestKey root_key, targets_key, snapshot_key, timestamp_key;
  // The `signed` part of each role; tests edit them freely before Publish().
  nlohmann::json root, targets, snapshot, timestamp;
  std::map<std::string, nlohmann::json> delegations;  // "targets/releases" → signed
  // Who signs each role ("root", "targets", ..., "targets/<d>").
  std::map<std::string, std::vector<TestKey>> signers;
  // Runs on a role's `signed` JSON after it was signed (to break the signature).
  std::map<std::string, std::function<void(nlohmann::json&)>> after_signing;
  // Runs on the snapshot/timestamp `meta` after pins were computed (to break the pins).
  std::function<void(nlohmann::json& snapshot_meta)> tamper_snapshot_meta;
  std::function<void(nlohmann::json& timestamp_meta)> tamper_timestamp_meta;

  // Adds delegation `name` with `keys` (threshold 1, all paths) to targets and an empty role.
  void AddDelegation(const std::string& name, const std::vector<TestKey>& keys);
  // Sets tag → digest in `role` ("targets" or a delegation).
  void Sign(const std::string& role, const std::string& tag, const std::string& digest);
  // Bumps every role's version (a newer publication).
  void BumpVersions();

  // Renders every file: role → bytes (snapshot pins root, targets and delegations; timestamp
  // pins snapshot).
  std::map<std::string, std::string> Publish() const;

 private:
  std::string Render(const std::string& role, nlohmann::json signed_part) const;
};

}  // namespace connaisseur::notaryv1::testing
