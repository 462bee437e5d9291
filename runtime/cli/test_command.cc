// `connaisseur test` (docs/cli.md): runs the policy cases of a CASES.yaml against the configured
// policy and prints a line per failing case and "N passed, M failed".
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "runtime/cli/case_runner.h"
#include "runtime/cli/command_line.h"
#include "runtime/cli/commands.h"
#include "runtime/cli/policy_cases.h"
#include "runtime/cli/usage_error.h"

namespace connaisseur::cli {
namespace {

constexpr char kTestHelp[] =
    R"(Usage: connaisseur test --config VALUES.yaml [--policy-script FILE.lua]
                        [--alert-config FILE] [--output text|json] CASES.yaml

Runs policy test cases. Each case gives an image, a Kubernetes object or an AdmissionReview,
and what must come out:

  cases:
    - name: official images need Docker Content Trust
      image: nginx:1.25
      expect: {rule: "docker.io/library/*:*", validator: dockerhub}
    - name: unsigned images of our registry are refused
      image: registry.example.com/app:1
      verify: true
      expect: {verdict: deny, message: "no signatures found"}
    - name: a Deployment of cluster images is admitted
      object: {apiVersion: apps/v1, kind: Deployment, metadata: {name: d}, spec: ...}
      expect: {allowed: true}
    - review: reviews/pod.json          # relative to CASES.yaml
      namespace_labels: {env: prod}     # what request.namespace_labels reads
      expect: {allowed: false, message: "static deny"}

Image cases run offline like `check --plan`: the policy selects the rule, static validators
decide, any other validator gives verdict "plan" unless the case says `verify: true`. Image
expectations: verdict (allow|deny|plan), rule, validator, digest, message (a substring).
Object and review cases run the webhook's pipeline (validators included, no alerts); their
expectations: allowed, patched, warning and message (substrings). Any case may give
`namespace` (default: default) and `namespace_labels`; a policy that reads
request.namespace_labels in a case without them is denied, as the webhook is when it cannot read
them.

Options:
  --config FILE          helm values file; required
  --policy-script FILE   Lua policy to use instead of application.policyScript / the default
  --alert-config FILE    alerting section in a file of its own (as Connaisseur's chart mounts it)
  --output FORMAT        text (default): failing cases and a summary; json: every case
  -h, --help             show this help

Exit status: 0 every case passed, 1 at least one case failed, 2 usage, configuration, script or
cases-file error.
)";

constexpr OptionSpec kTestOptions[] = {{"config", true},
                                       {"policy-script", true},
                                       {"alert-config", true},
                                       {"output", true},
                                       {"help", false}};

struct CaseReport {
  const PolicyCase* c;
  std::vector<std::string> failures;  // empty = passed
};

void PrintText(const std::string& source, const std::vector<CaseReport>& reports) {
  size_t failed = 0;
  for (const auto& r : reports) {
    if (r.failures.empty()) continue;
    ++failed;
    std::printf("FAIL %s (%s:%d)\n", r.c->name.c_str(), source.c_str(), r.c->line);
    for (const auto& f : r.failures) std::printf("  %s\n", f.c_str());
  }
  std::printf("%zu passed, %zu failed\n", reports.size() - failed, failed);
}

void PrintJson(const std::vector<CaseReport>& reports) {
  nlohmann::ordered_json out = nlohmann::ordered_json::array();
  for (const auto& r : reports) {
    out.push_back({{"name", r.c->name},
                   {"line", r.c->line},
                   {"passed", r.failures.empty()},
                   {"failures", r.failures}});
  }
  std::printf("%s\n",
              out.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace).c_str());
}

}  // namespace

int RunTestCommand(std::span<const std::string_view> argv) {
  int exit_code = kExitOk;
  const auto args = ParseCommandLine({"test", kTestOptions, kTestHelp}, argv, &exit_code);
  if (!args) return exit_code;
  if (!args->Has("config") || args->positionals().size() != 1) {
    return UsageError("test", "needs --config and exactly one CASES.yaml");
  }
  const std::string output = args->Get("output", "text");
  if (output != "text" && output != "json") {
    return UsageError("test", "--output must be text or json, not \"" + output + "\"");
  }
  const std::string source = args->positionals()[0];
  std::ifstream in(source, std::ios::binary);
  if (!in) return UsageError("test", "cannot read " + source);
  std::stringstream text;
  text << in.rdbuf();
  auto cases = ParsePolicyCases(text.str(), source);
  if (!cases.ok()) {
    std::fprintf(stderr, "connaisseur test: %s\n", cases.status().message().c_str());
    return kExitUsage;
  }

  // Script logs and print() go to stderr, so stdout stays the report.
  log::JsonLogger logger(stderr, log::Level::kWarn);
  const EnvironmentOptions env_options = EnvironmentOptionsFrom(*args);
  auto env = PolicyEnvironment::Load(env_options, &logger);
  if (!env.ok()) {
    std::fprintf(stderr, "connaisseur test: %s\n", env.status().message().c_str());
    return kExitUsage;
  }
  CaseRunner runner(env->get(), env_options, &logger);
  std::vector<CaseReport> reports;
  bool all_passed = true;
  for (const PolicyCase& c : *cases) {
    CaseReport report{&c, {}};
    auto outcome = runner.Run(c);
    report.failures = outcome.ok()
                          ? CompareOutcome(c, *outcome)
                          : std::vector<std::string>{"error: " + outcome.status().message()};
    all_passed = all_passed && report.failures.empty();
    reports.push_back(std::move(report));
  }
  if (output == "json") {
    PrintJson(reports);
  } else {
    PrintText(source, reports);
  }
  return all_passed ? kExitOk : kExitDenied;
}

}  // namespace connaisseur::cli
