#include "runtime/cli/policy_environment.h"

#include <fstream>
#include <iterator>
#include <string_view>

#include "scripts/default_policy.h"
#include "stdlib/stdlib.h"

namespace connaisseur::cli {
namespace {

constexpr size_t kMaxScriptBytes = 1 << 20;  // a policy larger than 1 MiB is not a policy

StatusOr<std::string> ReadScript(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return InvalidArgumentError(path + ": cannot open policy script");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) return InvalidArgumentError(path + ": cannot read policy script");
  if (text.size() > kMaxScriptBytes) {
    return InvalidArgumentError(path + ": policy script larger than 1 MiB");
  }
  return text;
}

// `status` naming `path`: prefixed with it unless the loader's message already says it.
Status NamingFile(const Status& status, const std::string& path) {
  if (status.message().find(path) != std::string::npos) return status;
  return status.WithPrefix(path);
}

}  // namespace

StatusOr<std::unique_ptr<PolicyEnvironment>> PolicyEnvironment::Load(
    const EnvironmentOptions& options, log::Logger* logger) {
  CN_ASSIGN_OR_RETURN(config::Config config, LoadConfig(options));
  return Create(std::move(config), options, logger);
}

StatusOr<config::Config> PolicyEnvironment::LoadConfig(const EnvironmentOptions& options) {
  auto config = config::LoadConfigFile(options.config_path);
  if (!config.ok()) return NamingFile(config.status(), options.config_path);
  if (!options.alert_config_path.empty()) {
    Status alerting = config::LoadAlertConfigFile(options.alert_config_path, &*config);
    if (!alerting.ok()) return NamingFile(alerting, options.alert_config_path);
  }
  return config;
}

StatusOr<std::unique_ptr<PolicyEnvironment>> PolicyEnvironment::Create(
    config::Config config, const EnvironmentOptions& options, log::Logger* logger) {
  auto env = std::make_unique<PolicyEnvironment>(PassKey());
  env->logger_ = logger;
  env->config_ = std::move(config);
  auto rules = matching::RuleIndex::Build(env->config_.policy,
                                          env->config_.features.legacy_unanchored_matching);
  if (!rules.ok()) return rules.status().WithPrefix(options.config_path);
  env->rules_ = std::move(rules).value();

  // Validators that cannot be built load as validators that deny, and say why among the
  // configuration's warnings (printed by lint and at start-up).
  auto verifier = validators::ValidatorSet::Create(env->config_, &env->config_.warnings);
  if (!verifier.ok()) return verifier.status().WithPrefix(options.config_path);
  env->verifier_ = std::move(verifier).value();
  env->verifier_->SetLogger(logger);  // stale answers (staleIfError) are logged
  CN_RETURN_IF_ERROR(env->ChooseScript(options));
  return env;
}

Status PolicyEnvironment::ChooseScript(const EnvironmentOptions& options) {
  if (!options.policy_script_path.empty()) {
    CN_ASSIGN_OR_RETURN(script_source_, ReadScript(options.policy_script_path));
    script_name_ = options.policy_script_path;
  } else if (!config_.policy_script.empty()) {
    script_source_ = config_.policy_script;
    script_name_ = options.config_path + ":application.policyScript";
  } else {
    script_source_ = std::string(embedded::kDefaultPolicyLua);
    script_name_ = "default.lua";
  }
  return Status();
}

StatusOr<std::unique_ptr<policy::Policy>> PolicyEnvironment::NewPolicy(bool with_verifier) {
  return NewPolicy(with_verifier ? verifier_.get() : nullptr);
}

StatusOr<std::unique_ptr<policy::Policy>> PolicyEnvironment::NewPolicy(
    verification::ImageVerifier* verifier) {
  policy::PolicyOptions options;
  options.source = script_source_;
  options.chunk_name = script_name_;
  options.config = &config_;
  options.rules = rules_.get();
  options.verifier = verifier;
  options.logger = logger_;
  options.modules = stdlib::StandardModules();
  return policy::Policy::Create(options);
}

}  // namespace connaisseur::cli
