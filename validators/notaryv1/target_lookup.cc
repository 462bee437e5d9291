#include "validators/notaryv1/target_lookup.h"

#include <set>

#include "runtime/crypto/encoding.h"

namespace connaisseur::notaryv1 {

namespace {

// Target names `role` may sign: all for "targets", the delegation's path prefixes otherwise.
bool MaySign(const TrustData& data, const std::string& role, const std::string& target) {
  if (role == "targets") return true;
  for (const DelegatedRole& d : data.targets.at("targets").delegations) {
    if (d.name != role) continue;
    for (const std::string& prefix : d.paths) {
      if (target.starts_with(prefix)) return true;
    }
  }
  return false;
}

StatusOr<std::string> DigestOf(const std::string& role, const std::string& target,
                               const FileMeta& meta) {
  if (meta.sha256.size() != 32) {
    return VerificationFailedError("target '" + target + "' in " + role +
                                   " has no valid sha256 hash");
  }
  return "sha256:" + crypto::HexEncode(meta.sha256);
}

}  // namespace

StatusOr<std::string> FindSignedDigest(const TrustData& data, const image::ImageReference& image) {
  std::set<std::string> digests;
  const auto& tag = image.tag();
  const auto& given = image.digest();
  for (const std::string& role : data.searched) {
    const TargetsRole& targets = data.targets.at(role);
    if (tag) {
      auto it = targets.targets.find(*tag);
      if (it == targets.targets.end() || !MaySign(data, role, *tag)) {
        return NotFoundError("validated targets don't contain reference: no tag '" + *tag +
                             "' found in " + role);
      }
      CN_ASSIGN_OR_RETURN(std::string digest, DigestOf(role, *tag, it->second));
      if (given && digest != *given) {
        return VerificationFailedError("digest " + digest + " resolved for tag " + *tag +
                                       " doesn't match given digest " + *given);
      }
      digests.insert(digest);
      continue;
    }
    if (!given) return InvalidArgumentError("image reference has neither tag nor digest");
    bool found = false;
    for (const auto& [name, meta] : targets.targets) {
      auto digest = DigestOf(role, name, meta);
      if (digest.ok() && *digest == *given && MaySign(data, role, name)) found = true;
    }
    if (!found) {
      return NotFoundError("validated targets don't contain reference: no digest '" + *given +
                           "' found in " + role);
    }
    digests.insert(*given);
  }
  if (digests.size() != 1) {
    return VerificationFailedError("found " + std::to_string(digests.size()) +
                                   " digests for image");
  }
  return *digests.begin();
}

}  // namespace connaisseur::notaryv1
