// `connaisseur lint`: loads the configuration and the policy script and reports every problem
// with its file (and line where known); also warns about rules that can never take effect.
#include <cstdio>
#include <string>
#include <string_view>

#include "runtime/cli/arguments.h"
#include "runtime/cli/commands.h"
#include "runtime/cli/policy_environment.h"
#include "runtime/cli/rule_lines.h"
#include "runtime/cli/rule_lint.h"
#include "runtime/log/logger.h"

namespace connaisseur::cli {
namespace {

constexpr char kHelp[] = R"(Usage: connaisseur lint --config VALUES.yaml [--policy-script FILE.lua]
                        [--alert-config FILE]

Loads and validates the values file and the policy script (the script's top level runs in the
sandbox) and prints every problem with its file and line:
  errors    invalid configuration, a script that does not load or has no select function
  warnings  deprecated settings; rules that can never match under anchored matching (e.g. a
            registry-less pattern like "test-image" or "team/*:v*"); rules identical to an
            earlier rule

Options:
  --config FILE          helm values file; required
  --policy-script FILE   Lua policy to check instead of application.policyScript / the default
  --alert-config FILE    alerting section in a file of its own (as Connaisseur's chart mounts it)
  -h, --help             show this help

Exit status: 0 no errors (warnings are printed but pass), 2 usage, configuration or script error.
)";

constexpr OptionSpec kOptions[] = {
    {"config", true}, {"policy-script", true}, {"alert-config", true}, {"help", false}};

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

}  // namespace

int RunLintCommand(std::span<char* const> argv) {
  auto parsed = Arguments::Parse(argv, kOptions);
  auto usage_error = [](const std::string& why) {
    std::fprintf(stderr, "connaisseur lint: %s\nTry 'connaisseur lint --help'.\n", why.c_str());
    return kExitUsage;
  };
  if (!parsed.ok()) return usage_error(parsed.status().message());
  if (parsed->Has("help")) {
    std::fputs(kHelp, stdout);
    return kExitOk;
  }
  if (!parsed->Has("config")) return usage_error("--config VALUES.yaml is required");
  if (!parsed->positionals().empty()) {
    return usage_error("unexpected argument " + parsed->positionals().front());
  }
  const std::string config_path = parsed->Get("config");
  log::JsonLogger logger(stderr, log::Level::kWarn);
  auto env = PolicyEnvironment::Load(
      {config_path, parsed->Get("policy-script"), parsed->Get("alert-config")}, &logger);
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
  size_t warnings = 0;
  for (const std::string& warning : config.warnings) {
    std::printf("%s: warning: %s\n", config_path.c_str(), warning.c_str());
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
  return kExitOk;
}

}  // namespace connaisseur::cli
