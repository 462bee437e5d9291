// TrustPolicy: which trust roots a rule checks and how many must hold (docs/configuration.md
// "Policy rules"). Counts DISTINCT roots with a valid signature, never signature layers, so one key
// that signed three layers still counts once.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "runtime/config/config.h"
#include "runtime/status.h"

namespace connaisseur::cosign {

// What checking every signature layer against one root found.
struct RootOutcome {
  std::string root;
  bool valid = false;  // at least one layer verified with this root (and passed the tlog check)
  std::string reason;  // why not valid; empty when valid
};

class TrustPolicy {
 public:
  // Resolves a rule's options against the validator's roots (`root_names`, in config order):
  //   trustRoot ""/"default"/<name> → [that root], threshold 1; "*" → every root, threshold =
  //   `threshold` if > 0, else |required| if non-empty, else the number of roots.
  // Errors (kInvalidArgument): unknown root (`error getting trust roots for validator <v>: unable
  // to find trust root <n>`), negative threshold, threshold > 1 or `required` with a named root,
  // a `required` name the validator does not have.
  static StatusOr<TrustPolicy> Create(std::string_view validator_name,
                                      const std::vector<std::string>& root_names,
                                      const config::RuleOptions& options);

  const std::vector<std::string>& roots() const { return roots_; }
  int threshold() const { return threshold_; }
  const std::vector<std::string>& required() const { return required_; }

  // OK iff the distinct valid roots reach the threshold and include every required root. Else
  // kVerificationFailed: `validation threshold not reached (<n>/<t>)` or `missing required
  // signatures from [<names>]`, followed by each failing root's reason.
  Status Decide(const std::vector<RootOutcome>& outcomes) const;

 private:
  TrustPolicy(std::vector<std::string> roots, int threshold, std::vector<std::string> required)
      : roots_(std::move(roots)), threshold_(threshold), required_(std::move(required)) {}

  std::vector<std::string> roots_;
  int threshold_;
  std::vector<std::string> required_;
};

}  // namespace connaisseur::cosign
