#include "validators/cosign/trust_policy.h"

#include <algorithm>
#include <set>

#include "runtime/join.h"

namespace connaisseur::cosign {

namespace {

bool Contains(const std::vector<std::string>& v, std::string_view s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

}  // namespace

StatusOr<TrustPolicy> TrustPolicy::Create(std::string_view validator_name,
                                          const std::vector<std::string>& root_names,
                                          const config::RuleOptions& options) {
  const std::string v(validator_name);
  const int threshold = options.threshold.value_or(0);
  if (threshold < 0) {
    return InvalidArgumentError("validator " + v + ": threshold must not be negative");
  }
  // De-duplicate `required`: naming a root twice must not raise the threshold.
  std::vector<std::string> required;
  for (const auto& r : options.required) {
    if (!Contains(root_names, r)) {
      return InvalidArgumentError("error getting trust roots for validator " + v +
                                  ": unable to find trust root " + r + " (in required)");
    }
    if (!Contains(required, r)) required.push_back(r);
  }
  if (options.trust_root == "*") {
    if (root_names.empty()) {
      return InvalidArgumentError("validator " + v + " has no trust roots");
    }
    int effective = threshold > 0       ? threshold
                    : !required.empty() ? static_cast<int>(required.size())
                                        : static_cast<int>(root_names.size());
    return TrustPolicy(root_names, effective, std::move(required));
  }
  const std::string name = options.trust_root.empty() ? "default" : options.trust_root;
  if (!Contains(root_names, name)) {
    return InvalidArgumentError("error getting trust roots for validator " + v +
                                ": unable to find trust root " + name);
  }
  if (threshold > 1 || !required.empty()) {
    return InvalidArgumentError("validator " + v + ": threshold and required need trustRoot \"*\"");
  }
  return TrustPolicy({name}, 1, {});
}

Status TrustPolicy::Decide(const std::vector<RootOutcome>& outcomes) const {
  std::set<std::string> valid;
  std::vector<std::string> reasons;
  for (const auto& o : outcomes) {
    if (!Contains(roots_, o.root)) continue;  // a root this rule does not consult never counts
    if (o.valid) {
      valid.insert(o.root);
    } else {
      reasons.push_back(o.root + ": " + o.reason);
    }
  }
  const std::string details = reasons.empty() ? "" : " (" + Join(reasons, "; ") + ")";
  if (static_cast<int>(valid.size()) < threshold_) {
    return VerificationFailedError("validation threshold not reached (" +
                                   std::to_string(valid.size()) + "/" + std::to_string(threshold_) +
                                   ")" + details);
  }
  std::vector<std::string> missing;
  for (const auto& r : required_) {
    if (!valid.count(r)) missing.push_back(r);
  }
  if (!missing.empty()) {
    return VerificationFailedError("missing required signatures from [" + Join(missing, " ") + "]" +
                                   details);
  }
  return Status::Ok();
}

}  // namespace connaisseur::cosign
