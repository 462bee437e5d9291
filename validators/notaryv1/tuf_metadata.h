// The TUF documents notary serves, parsed and shape-checked (nothing here verifies a signature):
// the signed envelope, and the root, timestamp, snapshot and targets (or delegation) roles.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/status.h"
#include "validators/notaryv1/expiry.h"

namespace connaisseur::notaryv1 {

struct TufSignature {
  std::string keyid;
  std::string method;  // "ecdsa", "rsapss", "eddsa", ...
  std::string sig;     // decoded bytes
};

// {"signed": {...}, "signatures": [...]}, with the canonical bytes of `signed`.
struct SignedEnvelope {
  std::string role;       // the file it came from: "root", "targets/releases", ...
  std::string canonical;  // canonical JSON of "signed": what signatures cover
  std::vector<TufSignature> signatures;
  int64_t version = 0;
  SystemTime expires;
};

// A key as metadata lists it: keytype and base64 `keyval.public`.
struct TufKey {
  std::string keytype;     // "ecdsa", "ecdsa-x509", "ed25519", "rsa", "rsa-x509"
  std::string public_b64;  // as written
};

struct RoleKeys {
  std::vector<std::string> keyids;
  int64_t threshold = 0;
};

// What a parent pins of a child file: length and hashes (raw bytes), optional version.
struct FileMeta {
  int64_t length = 0;
  std::string sha256;  // 32 bytes, empty when absent
  std::string sha512;  // 64 bytes, empty when absent
  std::optional<int64_t> version;
};

struct RootRole {
  SignedEnvelope envelope;
  std::map<std::string, TufKey> keys;     // keyid → key
  std::map<std::string, RoleKeys> roles;  // "root", "targets", "snapshot", "timestamp"
};

struct TimestampRole {
  SignedEnvelope envelope;
  FileMeta snapshot;
};

struct SnapshotRole {
  SignedEnvelope envelope;
  std::map<std::string, FileMeta> meta;  // "root", "targets", "targets/<d>" → pins
};

struct DelegatedRole {
  std::string name;  // "targets/releases"
  RoleKeys keys;
  std::vector<std::string> paths;  // target name prefixes; "" matches all
};

struct TargetsRole {
  SignedEnvelope envelope;
  std::map<std::string, FileMeta> targets;  // tag → pin
  std::map<std::string, TufKey> delegation_keys;
  std::vector<DelegatedRole> delegations;
};

// Each parser checks the JSON shape and `_type` (Root, Timestamp, Snapshot, Targets) and fills
// the envelope. `role` names the file for messages and the `_type` check. Errors are
// kInvalidArgument "error parsing trust data <role>: <what>"; a wrong `_type` is
// kVerificationFailed "<role>: wrong _type ...".
StatusOr<RootRole> ParseRoot(std::string_view raw);
StatusOr<TimestampRole> ParseTimestamp(std::string_view raw);
StatusOr<SnapshotRole> ParseSnapshot(std::string_view raw);
StatusOr<TargetsRole> ParseTargets(std::string_view raw, std::string_view role);

// ^(root|snapshot|timestamp|targets(/[^/\s]+)?)$
bool IsValidRoleName(std::string_view role);

}  // namespace connaisseur::notaryv1
