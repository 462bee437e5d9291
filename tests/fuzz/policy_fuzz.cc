// Fuzzes policy loading and one `select` under tight budgets: the input is a Lua script (text;
// bytecode is refused), loaded with the standard `connaisseur` modules against a small
// configuration, then asked to select a rule for one image. No crash, no sanitizer report, no
// hang past the budgets, and the sandbox's contracts: a script that does not load is an error
// with a message (kInvalidArgument, or kResourceExhausted / kDeadlineExceeded for an overrun),
// and a rule `select` returns names a configured validator.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>

#include "runtime/config/config.h"
#include "runtime/image/image_reference.h"
#include "runtime/log/logger.h"
#include "runtime/matching/rule_index.h"
#include "runtime/policy/policy.h"
#include "stdlib/stdlib.h"

namespace {

using namespace connaisseur;

constexpr size_t kMaxInput = 16 * 1024;

constexpr std::string_view kValues = R"(application:
  validators:
    - name: allow
      type: static
      approve: true
    - name: deny
      type: static
      approve: false
  policy:
    - pattern: "*:*"
      validator: deny
    - pattern: "docker.io/library/*:*"
      validator: allow
)";

void Check(bool ok) {
  if (!ok) std::abort();
}

struct Environment {
  config::Config config;
  std::unique_ptr<matching::RuleIndex> rules;
  log::NullLogger logger;
};

Environment MakeEnvironment() {
  Environment env;
  env.config = config::LoadConfigText(kValues, "values.yaml").value();
  // Small budgets keep each run short; the sandbox's own tests cover the default ones.
  env.config.sandbox.instruction_limit = 200'000;
  env.config.sandbox.memory_limit_bytes = 16u << 20;
  env.config.sandbox.call_timeout_ms = 200;
  env.rules = matching::RuleIndex::Build(env.config.policy, false).value();
  return env;
}

bool IsBudgetOrScriptError(StatusCode code) {
  return code == StatusCode::kInvalidArgument || code == StatusCode::kResourceExhausted ||
         code == StatusCode::kDeadlineExceeded || code == StatusCode::kNotFound;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > kMaxInput) return 0;
  static Environment env = MakeEnvironment();
  policy::PolicyOptions options;
  options.source = std::string(reinterpret_cast<const char*>(data), size);
  options.chunk_name = "fuzz.lua";
  options.config = &env.config;
  options.rules = env.rules.get();
  options.logger = &env.logger;
  options.modules = stdlib::StandardModules();
  auto policy = policy::Policy::Create(options);
  if (!policy.ok()) {
    Check(IsBudgetOrScriptError(policy.status().code()) && !policy.status().message().empty());
    return 0;
  }
  static const image::ImageReference image =
      image::ImageReference::Parse("docker.io/library/nginx:1.25").value();
  policy::PolicyRequest request;
  auto rule = (*policy)->Select(image, request, Deadline::In(std::chrono::milliseconds(500)));
  if (!rule.ok()) {
    Check(IsBudgetOrScriptError(rule.status().code()) && !rule.status().message().empty());
    return 0;
  }
  Check(env.config.FindValidator(rule->validator) != nullptr);
  return 0;
}
