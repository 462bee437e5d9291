// PolicyEnvironment: everything a subcommand needs to run the policy, loaded once: the typed
// configuration, the rule index, the validator set with its cache, and the policy script source
// (from --policy-script, application.policyScript, or the compiled-in scripts/default.lua).
// Workers each get their own policy::Policy from NewPolicy (Lua states are single-threaded).
#pragma once

#include <memory>
#include <string>

#include "runtime/config/config.h"
#include "runtime/log/logger.h"
#include "runtime/matching/rule_index.h"
#include "runtime/policy/policy.h"
#include "runtime/status.h"
#include "validators/validator_set.h"

namespace connaisseur::cli {

struct EnvironmentOptions {
  std::string config_path;         // --config, required
  std::string policy_script_path;  // --policy-script; empty = from the config or the default
  std::string alert_config_path;   // --alert-config; empty = alerting from the config only
};

class PolicyEnvironment {
  struct PassKey {  // private: only Load can build an environment
    explicit PassKey() = default;
  };

 public:
  explicit PolicyEnvironment(PassKey) {}

  // Fails (kInvalidArgument) with a message naming the file when the configuration or the script
  // cannot be read or is invalid. `logger` is borrowed and receives script logs and print().
  // The same as LoadConfig followed by Create.
  static StatusOr<std::unique_ptr<PolicyEnvironment>> Load(const EnvironmentOptions& options,
                                                           log::Logger* logger);
  // The configuration of `options`: the values file, with the alerting section of
  // --alert-config merged in. Errors name the file that failed.
  static StatusOr<config::Config> LoadConfig(const EnvironmentOptions& options);
  // The environment around a configuration LoadConfig read (for a caller that needs the
  // configuration first, e.g. for its log settings, and reads the file only once). Errors name
  // options.config_path or the script.
  static StatusOr<std::unique_ptr<PolicyEnvironment>> Create(config::Config config,
                                                             const EnvironmentOptions& options,
                                                             log::Logger* logger);

  const config::Config& config() const { return config_; }
  const matching::RuleIndex& rules() const { return *rules_; }
  validators::ValidatorSet& verifier() { return *verifier_; }
  // The name script errors carry: the script's path, "<values>:application.policyScript" or
  // "default.lua".
  const std::string& script_name() const { return script_name_; }

  // A new compiled Policy. `with_verifier` false leaves connaisseur.verify unavailable (plan
  // mode: no validator runs). Fails when the script does not load, naming script and line.
  StatusOr<std::unique_ptr<policy::Policy>> NewPolicy(bool with_verifier);
  // The same with connaisseur.verify calling `verifier` (borrowed; null: unavailable).
  StatusOr<std::unique_ptr<policy::Policy>> NewPolicy(verification::ImageVerifier* verifier);

 private:
  // Picks the script: --policy-script, else application.policyScript, else the compiled-in
  // default. Fails when --policy-script cannot be read.
  Status ChooseScript(const EnvironmentOptions& options);

  config::Config config_;
  std::unique_ptr<matching::RuleIndex> rules_;
  std::unique_ptr<validators::ValidatorSet> verifier_;
  std::string script_source_;
  std::string script_name_;
  log::Logger* logger_ = nullptr;  // borrowed
};

}  // namespace connaisseur::cli
