// `connaisseur lint`: loads the configuration and the policy script and reports every problem
// with its file (and line where known); also warns about rules that can never take effect.
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "runtime/alerting/alert_dispatcher.h"
#include "runtime/cli/command_line.h"
#include "runtime/cli/commands.h"
#include "runtime/cli/policy_environment.h"
#include "runtime/cli/rule_lines.h"
#include "runtime/cli/rule_lint.h"
#include "runtime/cli/usage_error.h"
#include "runtime/log/logger.h"

namespace connaisseur::cli {
namespace {

constexpr char kHelp[] = R"(Usage: connaisseur lint --config VALUES.yaml [--policy-script FILE.lua]
                        [--alert-config FILE] [--strict]

Loads and validates the values file and the policy script (the script's top level runs in the
sandbox) and prints every problem with its file and line:
  errors    what `serve` refuses to start with: malformed YAML, a value of the wrong type, a
            malformed PEM, a script that does not load or has no select function, an alert
            template that is missing or cannot render
  warnings  what loads but denies at request time, with the reason the denial will give (a
            validator without trust roots or with an empty key, a rule naming a missing
            validator or trust root, an option the validator cannot apply, an auth secret that
            is not mounted here); deprecated settings; rules that can never match under
            anchored matching (e.g. "test-image" or "team/*:v*"); a rule shadowed by a later
            rule with the same pattern

Options:
  --config FILE          helm values file; required
  --policy-script FILE   Lua policy to check instead of application.policyScript / the default
  --alert-config FILE    alerting section in a file of its own (as Connaisseur's chart mounts it)
  --strict               exit 1 when there is any warning (for CI pipelines)
  -h, --help             show this help

Environment: CONNAISSEUR_ALERT_TEMPLATES (alert template directory, as for serve; default
/app/alerts/templates, then the shipped templates).

Exit status: 0 no errors (warnings pass unless --strict), 1 warnings with --strict, 2 usage,
configuration or script error.
)";

constexpr OptionSpec kOptions[] = {{"config", true},
                                   {"policy-script", true},
                                   {"alert-config", true},
                                   {"strict", false},
                                   {"help", false}};

// Prints each line of a multi-line Status message as its own problem.
void PrintErrors(const std::string& file, const std::string& message) {
  std::string_view rest = message;
  while (!rest.empty()) {
    const size_t nl = rest.find('\n');
    std::string_view line = rest.substr(0, nl);
    rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
    if (line.empty()) continue;
    if (line.substr(0, file.size()) == file) {
      std::printf("%.*s\n", static_cast<int>(line.size()), line.data());
    } else {
      std::printf("%s: error: %.*s\n", file.c_str(), static_cast<int>(line.size()), line.data());
    }
  }
}

// Prints a configuration warning. The loader formats them "<file>[:<line>]: <path>: <message>";
// the line goes where editors look for it: "<file>:<line>: warning: <path>: <message>".
void PrintConfigWarning(const std::string& file, std::string_view warning) {
  std::string_view location = file;
  std::string location_with_line;
  if (warning.substr(0, file.size()) == file && warning.size() > file.size() &&
      warning[file.size()] == ':') {
    std::string_view rest = warning.substr(file.size() + 1);
    const size_t digits = rest.find_first_not_of("0123456789");
    if (digits > 0 && digits != std::string_view::npos && rest[digits] == ':') {
      location_with_line = file + ":" + std::string(rest.substr(0, digits));
      location = location_with_line;
      rest.remove_prefix(digits + 1);
    }
    warning = rest.substr(rest.find_first_not_of(' ') == std::string_view::npos
                              ? rest.size()
                              : rest.find_first_not_of(' '));
  }
  std::printf("%.*s: warning: %.*s\n", static_cast<int>(location.size()), location.data(),
              static_cast<int>(warning.size()), warning.data());
}

// What `serve` checks of the alerting section at start-up (templates found and renderable),
// with the template directory serve would use.
Status CheckAlertTemplates(const config::Config& config, log::Logger* logger) {
  if (!config.alerting.enabled) return Status();
  const char* dir = std::getenv("CONNAISSEUR_ALERT_TEMPLATES");
  alerting::AlertDispatcherOptions options;
  options.config = &config.alerting;
  options.template_dir = dir != nullptr && *dir != '\0' ? dir : "/app/alerts/templates";
  options.logger = logger;
  auto dispatcher = alerting::AlertDispatcher::Create(options);
  return dispatcher.ok() ? Status() : dispatcher.status();
}

}  // namespace

int RunLintCommand(std::span<const std::string_view> args) {
  int exit_code = kExitOk;
  const auto parsed = ParseCommandLine({"lint", kOptions, kHelp}, args, &exit_code);
  if (!parsed) return exit_code;
  if (!parsed->Has("config")) return UsageError("lint", "--config VALUES.yaml is required");
  if (!parsed->positionals().empty()) {
    return UsageError("lint", "unexpected argument " + parsed->positionals().front());
  }
  const std::string config_path = parsed->Get("config");
  log::JsonLogger logger(stderr, log::Level::kWarn);
  auto env = PolicyEnvironment::Load(EnvironmentOptionsFrom(*parsed), &logger);
  if (!env.ok()) {
    PrintErrors(config_path, env.status().message());
    return kExitUsage;
  }
  auto policy = (*env)->NewPolicy(/*with_verifier=*/false);
  if (!policy.ok()) {
    PrintErrors((*env)->script_name(), policy.status().message());
    return kExitUsage;
  }

  const config::Config& config = (*env)->config();
  if (Status alerts = CheckAlertTemplates(config, &logger); !alerts.ok()) {
    PrintErrors(config_path, alerts.message());
    return kExitUsage;
  }
  size_t warnings = 0;
  for (const std::string& warning : config.warnings) {
    PrintConfigWarning(config_path, warning);
    ++warnings;
  }
  const std::vector<int> lines = PolicyRuleLines(config_path);
  std::vector<RuleWarning> rule_warnings =
      LintRules(config.policy, config.features.legacy_unanchored_matching);
  for (RuleWarning& w : LintCredentialScope(config)) rule_warnings.push_back(std::move(w));
  for (const RuleWarning& w : rule_warnings) {
    const size_t position = config.policy[w.rule_index].index;
    if (position < lines.size()) {
      std::printf("%s:%d: warning: %s\n", config_path.c_str(), lines[position], w.message.c_str());
    } else {
      std::printf("%s: warning: %s\n", config_path.c_str(), w.message.c_str());
    }
    ++warnings;
  }
  std::printf("%s: %zu rule(s), %zu validator(s), script %s: %zu warning(s), no errors\n",
              config_path.c_str(), config.policy.size(), config.validators.size(),
              (*env)->script_name().c_str(), warnings);
  return parsed->Has("strict") && warnings > 0 ? kExitDenied : kExitOk;
}

}  // namespace connaisseur::cli
