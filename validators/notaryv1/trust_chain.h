// VerifyTrustChain: fetches and verifies one GUN's TUF metadata in order (root pinned to trust
// roots, timestamp, snapshot, targets, delegations), hashes and lengths over the exact bytes
// received, thresholds, `_type`, expiry. The result says which target roles to search.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "runtime/crypto/public_key.h"
#include "runtime/status.h"
#include "validators/notaryv1/expiry.h"
#include "validators/notaryv1/key_set.h"
#include "validators/notaryv1/tuf_metadata.h"

namespace connaisseur::notaryv1 {

// Returns the bytes of `role` (a valid role name), at most `max_bytes` of them. kNotFound when
// the server has no such file; other errors as they come (unavailable, deadline, ...).
using RoleFetcher = std::function<StatusOr<std::string>(const std::string& role, size_t max_bytes)>;

// A configured trust root: root.json must carry a valid signature by this key.
struct PinnedKey {
  std::string name;
  std::shared_ptr<const crypto::PublicKey> key;
};

// Verified metadata of one GUN.
struct TrustData {
  RootRole root;
  TimestampRole timestamp;
  SnapshotRole snapshot;
  // "targets" and every verified delegation, by role name.
  std::map<std::string, TargetsRole> targets;
  // The roles whose targets a lookup must search (all of them must agree).
  std::vector<std::string> searched;
  // The earliest `expires` among the roles above: the data is unusable from then on.
  SystemTime expires;
  // root.json as received: what the snapshot pins, and what a later chain may start from.
  std::string root_raw;
  // The other verified files as received, by role (snapshot, targets, delegations; not the
  // timestamp): a later chain whose fresh timestamp pins the same bytes need not download them.
  std::map<std::string, std::string> files;
};

// A root.json that passed the pinned-key checks for some set of trust roots, kept so that a
// later chain for the same GUN and trust roots need not fetch and check it again.
struct TrustedRoot {
  std::string raw;
  RootRole root;
};

// Limit for files whose size no parent pins yet (root, timestamp).
inline constexpr size_t kMaxUnpinnedMetadataBytes = 10u << 20;

// `pinned`: every key must have signed root (AND). `delegations`: role names with the
// "targets/" prefix, or empty for the default search (`targets/releases`, else `targets`). `now`:
// for expiry. `key_cache`: parsed keys shared across calls (optional). Every failure names the
// step.
StatusOr<TrustData> VerifyTrustChain(const RoleFetcher& fetch, const std::vector<PinnedKey>& pinned,
                                     const std::vector<std::string>& delegations, SystemTime now,
                                     KeyCache* key_cache = nullptr);

// VerifyTrustChain starting from `known` (a root verified earlier against the same pinned keys)
// instead of fetching root.json: the root must not have expired, must still assign the keys that
// sign timestamp and snapshot, and the snapshot must pin exactly `known.raw` (hash, length,
// version), so a rotated root makes it fail. Everything after root is checked as in
// VerifyTrustChain. A failure here is not a verdict: the caller runs VerifyTrustChain, whose
// answer (and message) is authoritative. This is how notary's own client skips root.json.
StatusOr<TrustData> VerifyTrustChainFromRoot(const RoleFetcher& fetch, const TrustedRoot& known,
                                             const std::vector<std::string>& delegations,
                                             SystemTime now, KeyCache* key_cache = nullptr);

// OK iff `raw` has the pinned length, sha256 (required) and sha512 (when pinned).
// kVerificationFailed "error validating <role> checksums: ...".
Status CheckFileMeta(std::string_view role, std::string_view raw, const FileMeta& meta);

}  // namespace connaisseur::notaryv1
