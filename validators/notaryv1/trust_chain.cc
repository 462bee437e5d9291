#include "validators/notaryv1/trust_chain.h"

#include <algorithm>
#include <set>

#include "runtime/crypto/digest.h"
#include "validators/notaryv1/key_set.h"

namespace connaisseur::notaryv1 {

namespace {

std::string Str(const crypto::Sha256Digest& d) { return std::string(d.begin(), d.end()); }
std::string Str(const crypto::Sha512Digest& d) { return std::string(d.begin(), d.end()); }

Status CheckExpiry(const SignedEnvelope& env, SystemTime now) {
  if (env.expires < now) return VerificationFailedError(env.role + " trust data expired");
  return Status::Ok();
}

// The snapshot's pinned version of a role, when given, must be the file's own version.
Status CheckPinnedVersion(const SignedEnvelope& env, const FileMeta& meta) {
  if (meta.version && *meta.version != env.version) {
    return VerificationFailedError("error validating " + env.role + " checksums: version " +
                                   std::to_string(env.version) + " but pinned version " +
                                   std::to_string(*meta.version));
  }
  return Status::Ok();
}

Status FetchError(const std::string& role, const Status& s) {
  return Status(s.code(), "error acquiring trust data " + role + ": " + s.message());
}

// Fetches a file whose length a parent pins: the pin is the transfer's hard cap, and a longer
// file is a checksum failure, not a transport one. A pin above kMaxUnpinnedMetadataBytes is
// refused before any byte is fetched: the pinning file comes from the server (which holds the
// snapshot and timestamp keys), so its pins must not buy it an unbounded download.
StatusOr<std::string> FetchPinned(const RoleFetcher& fetch, const std::string& role,
                                  const FileMeta& meta) {
  if (meta.length > static_cast<int64_t>(kMaxUnpinnedMetadataBytes)) {
    return VerificationFailedError("error validating " + role + " checksums: pinned length " +
                                   std::to_string(meta.length) + " exceeds the " +
                                   std::to_string(kMaxUnpinnedMetadataBytes) + "-byte limit");
  }
  auto raw = fetch(role, static_cast<size_t>(std::max<int64_t>(meta.length, 0)));
  if (raw.status().code() == StatusCode::kResourceExhausted) {
    return VerificationFailedError("error validating " + role +
                                   " checksums: longer than the pinned length " +
                                   std::to_string(meta.length));
  }
  if (!raw.ok()) return FetchError(role, raw.status());
  CN_RETURN_IF_ERROR(CheckFileMeta(role, *raw, meta));
  return raw;
}

// Root: every pinned key signed it (through a root-role key with the same public key), and the
// root role's own threshold holds. Signatures the pin check verified are not checked twice.
Status VerifyRoot(const RootRole& root, const KeySet& keys, const std::vector<PinnedKey>& pinned,
                  SystemTime now) {
  std::set<std::string> verified;
  const SignedEnvelope& env = root.envelope;
  if (env.signatures.empty()) return VerificationFailedError("no signatures found for root");
  const RoleKeys& root_role = root.roles.at("root");
  for (const PinnedKey& pin : pinned) {
    bool signed_by_pin = false;
    for (const std::string& id : root_role.keyids) {
      const VerificationKey* key = keys.Find(id);
      if (key == nullptr || key->key->spki_der() != pin.key->spki_der()) continue;
      for (const TufSignature& sig : env.signatures) {
        if (sig.keyid != id) continue;
        if (verified.count(id) || VerifySignature(env, sig, *pin.key, key->keytype).ok()) {
          signed_by_pin = true;
          verified.insert(id);
        }
      }
    }
    if (!signed_by_pin) {
      return VerificationFailedError(
          "error validating root signature: no valid signature by "
          "trust root \"" +
          pin.name + "\"");
    }
  }
  CN_RETURN_IF_ERROR(VerifyThreshold(env, keys, root_role, verified));
  return CheckExpiry(env, now);
}

// Fetches a file pinned by `meta`, checks its bytes, parses and verifies it as a targets role.
// The bytes go to `files[role]` once verified.
StatusOr<TargetsRole> FetchTargets(const RoleFetcher& fetch, const std::string& role,
                                   const FileMeta& meta, const KeySet& keys,
                                   const RoleKeys& role_keys, SystemTime now,
                                   std::map<std::string, std::string>* files) {
  CN_ASSIGN_OR_RETURN(std::string raw, FetchPinned(fetch, role, meta));
  CN_ASSIGN_OR_RETURN(TargetsRole targets, ParseTargets(raw, role));
  CN_RETURN_IF_ERROR(CheckPinnedVersion(targets.envelope, meta));
  CN_RETURN_IF_ERROR(VerifyThreshold(targets.envelope, keys, role_keys));
  CN_RETURN_IF_ERROR(CheckExpiry(targets.envelope, now));
  (*files)[role] = std::move(raw);
  return targets;
}

const DelegatedRole* FindDelegation(const TargetsRole& targets, const std::string& name) {
  for (const DelegatedRole& d : targets.delegations) {
    if (d.name == name) return &d;
  }
  return nullptr;
}

// Fetches and verifies the delegation `name`, declared by `targets`.
Status AddDelegation(const RoleFetcher& fetch, const SnapshotRole& snapshot, TrustData* data,
                     const std::string& name, SystemTime now, KeyCache* key_cache) {
  const TargetsRole& targets = data->targets.at("targets");
  const DelegatedRole* role = FindDelegation(targets, name);
  if (role == nullptr) return NotFoundError("delegation " + name + " not found");
  auto meta = snapshot.meta.find(name);
  if (meta == snapshot.meta.end()) {
    return VerificationFailedError("error validating " + name + " checksums: not in snapshot");
  }
  KeySet keys = KeySet::FromTufKeys(targets.delegation_keys, key_cache);
  auto verified = FetchTargets(fetch, name, meta->second, keys, role->keys, now, &data->files);
  if (!verified.ok()) {
    return verified.status().WithPrefix(
        "error during download and validation of delegations for targets");
  }
  data->targets.emplace(name, std::move(verified).value());
  data->searched.push_back(name);
  return Status::Ok();
}

Status ChooseAndVerifyTargets(const RoleFetcher& fetch, const std::vector<std::string>& wanted,
                              TrustData* data, SystemTime now, KeyCache* key_cache) {
  const TargetsRole& targets = data->targets.at("targets");
  if (!wanted.empty()) {
    if (targets.delegations.empty()) {
      return NotFoundError("no delegations found for validator");
    }
    for (const std::string& name : wanted) {
      if (data->targets.count(name)) continue;  // listed twice in the rule
      CN_RETURN_IF_ERROR(AddDelegation(fetch, data->snapshot, data, name, now, key_cache));
    }
    return Status::Ok();
  }
  if (targets.delegations.empty()) {
    data->searched.push_back("targets");
    return Status::Ok();
  }
  const std::string releases = "targets/releases";
  if (data->snapshot.meta.count(releases) == 0) {
    // Docker compatibility: a repository with delegations but no releases role is searched in
    // targets, but only when the server also has no such file.
    auto raw = fetch(releases, kMaxUnpinnedMetadataBytes);
    if (raw.status().code() == StatusCode::kNotFound) {
      data->searched.push_back("targets");
      return Status::Ok();
    }
    if (!raw.ok()) return FetchError(releases, raw.status());
  }
  return AddDelegation(fetch, data->snapshot, data, releases, now, key_cache);
}

}  // namespace

Status CheckFileMeta(std::string_view role, std::string_view raw, const FileMeta& meta) {
  std::string prefix = "error validating " + std::string(role) + " checksums: ";
  if (static_cast<int64_t>(raw.size()) != meta.length) {
    return VerificationFailedError(prefix + "length " + std::to_string(raw.size()) + ", pinned " +
                                   std::to_string(meta.length));
  }
  if (meta.sha256.empty()) return VerificationFailedError(prefix + "no sha256 pinned");
  if (Str(crypto::Sha256(raw)) != meta.sha256) {
    return VerificationFailedError(prefix + "sha256 mismatch");
  }
  if (!meta.sha512.empty() && Str(crypto::Sha512(raw)) != meta.sha512) {
    return VerificationFailedError(prefix + "sha512 mismatch");
  }
  return Status::Ok();
}

namespace {

// Everything after root: timestamp, snapshot, root's pin in the snapshot, targets, delegations.
// `data` holds the verified root and its bytes.
Status VerifyBelowRoot(const RoleFetcher& fetch, TrustData* data,
                       const std::vector<std::string>& delegations, SystemTime now,
                       KeyCache* key_cache) {
  KeySet root_keys = KeySet::FromTufKeys(data->root.keys, key_cache);
  auto ts_raw = fetch("timestamp", kMaxUnpinnedMetadataBytes);
  if (!ts_raw.ok()) return FetchError("timestamp", ts_raw.status());
  CN_ASSIGN_OR_RETURN(data->timestamp, ParseTimestamp(*ts_raw));
  CN_RETURN_IF_ERROR(
      VerifyThreshold(data->timestamp.envelope, root_keys, data->root.roles.at("timestamp")));
  CN_RETURN_IF_ERROR(CheckExpiry(data->timestamp.envelope, now));

  const FileMeta& snap_meta = data->timestamp.snapshot;
  CN_ASSIGN_OR_RETURN(std::string snap_raw, FetchPinned(fetch, "snapshot", snap_meta));
  CN_ASSIGN_OR_RETURN(data->snapshot, ParseSnapshot(snap_raw));
  CN_RETURN_IF_ERROR(CheckPinnedVersion(data->snapshot.envelope, snap_meta));
  CN_RETURN_IF_ERROR(
      VerifyThreshold(data->snapshot.envelope, root_keys, data->root.roles.at("snapshot")));
  CN_RETURN_IF_ERROR(CheckExpiry(data->snapshot.envelope, now));
  data->files["snapshot"] = std::move(snap_raw);

  auto root_pin = data->snapshot.meta.find("root");
  if (root_pin == data->snapshot.meta.end()) {
    return VerificationFailedError("error validating root checksums: not in snapshot");
  }
  CN_RETURN_IF_ERROR(CheckFileMeta("root", data->root_raw, root_pin->second));
  CN_RETURN_IF_ERROR(CheckPinnedVersion(data->root.envelope, root_pin->second));

  auto targets_pin = data->snapshot.meta.find("targets");
  if (targets_pin == data->snapshot.meta.end()) {
    return VerificationFailedError("error validating targets checksums: not in snapshot");
  }
  CN_ASSIGN_OR_RETURN(TargetsRole targets,
                      FetchTargets(fetch, "targets", targets_pin->second, root_keys,
                                   data->root.roles.at("targets"), now, &data->files));
  data->targets.emplace("targets", std::move(targets));
  CN_RETURN_IF_ERROR(ChooseAndVerifyTargets(fetch, delegations, data, now, key_cache));

  data->expires = std::min({data->root.envelope.expires, data->timestamp.envelope.expires,
                            data->snapshot.envelope.expires});
  for (const auto& [name, role] : data->targets) {
    data->expires = std::min(data->expires, role.envelope.expires);
  }
  return Status::Ok();
}

}  // namespace

StatusOr<TrustData> VerifyTrustChain(const RoleFetcher& fetch, const std::vector<PinnedKey>& pinned,
                                     const std::vector<std::string>& delegations, SystemTime now,
                                     KeyCache* key_cache) {
  if (pinned.empty()) return InvalidArgumentError("error getting trust root keys: none selected");
  TrustData data;
  auto root_raw = fetch("root", kMaxUnpinnedMetadataBytes);
  if (!root_raw.ok()) return FetchError("root", root_raw.status());
  data.root_raw = std::move(root_raw).value();
  CN_ASSIGN_OR_RETURN(data.root, ParseRoot(data.root_raw));
  KeySet root_keys = KeySet::FromTufKeys(data.root.keys, key_cache);
  CN_RETURN_IF_ERROR(VerifyRoot(data.root, root_keys, pinned, now));
  CN_RETURN_IF_ERROR(VerifyBelowRoot(fetch, &data, delegations, now, key_cache));
  return data;
}

StatusOr<TrustData> VerifyTrustChainFromRoot(const RoleFetcher& fetch, const TrustedRoot& known,
                                             const std::vector<std::string>& delegations,
                                             SystemTime now, KeyCache* key_cache) {
  TrustData data;
  data.root = known.root;
  data.root_raw = known.raw;
  CN_RETURN_IF_ERROR(CheckExpiry(data.root.envelope, now));
  CN_RETURN_IF_ERROR(VerifyBelowRoot(fetch, &data, delegations, now, key_cache));
  return data;
}

}  // namespace connaisseur::notaryv1
