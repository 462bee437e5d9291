#include "runtime/config/application_parser.h"

#include <algorithm>

#include "runtime/config/features_parser.h"
#include "runtime/config/rule_parser.h"
#include "runtime/config/validator_parser.h"

namespace connaisseur::config {
namespace {

using nlohmann::json;

// A policy script is source code, not data: 1 MiB is far beyond any sane policy.
constexpr size_t kMaxPolicyScriptBytes = 1u << 20;

void ParseSandbox(const json& value, const std::string& path, Diagnostics& diag,
                  SandboxLimits* limits) {
  FieldReader r(value, path, diag);
  // Bounds: below them even the default script cannot run; above them a runaway script could
  // hold a worker (or the memory of the pod) for too long.
  if (auto n = r.Int("instructionLimit", 10'000, 10'000'000'000)) {
    limits->instruction_limit = static_cast<uint64_t>(*n);
  }
  if (auto n = r.Int("memoryLimitBytes", 1 << 20, int64_t{4} << 30)) {
    limits->memory_limit_bytes = static_cast<size_t>(*n);
  }
  if (auto n = r.Int("callTimeoutMs", 1, 30'000)) limits->call_timeout_ms = static_cast<int>(*n);
  r.Finish();
}

void ParseLogFormat(FieldReader& r, Config* config) {
  std::optional<std::string> format = r.String("logFormat");
  if (!format) return;
  if (*format == "json" || *format == "json-pretty") {
    config->log_format = *format;
  } else {
    // Connaisseur v3.10 treats any other value as json-pretty; say so instead of failing.
    r.diag().Warning(r.PathOf("logFormat"),
                     "unknown log format \"" + *format + "\", using json-pretty");
    config->log_format = "json-pretty";
  }
}

void CheckEnum(FieldReader& r, std::string_view key, std::initializer_list<std::string_view> ok) {
  std::optional<std::string> v = r.String(key);
  if (!v || std::find(ok.begin(), ok.end(), *v) != ok.end()) return;
  std::string names;
  for (std::string_view n : ok) names += (names.empty() ? "" : " ") + std::string(n);
  r.diag().Error(r.PathOf(key), "must be one of [" + names + "], got \"" + *v + "\"");
}

}  // namespace

std::optional<std::string> NormaliseLogLevel(std::string_view level) {
  std::string lower(level);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (lower == "warning") return "warn";
  if (lower == "critical") return "fatal";
  for (std::string_view known : {"debug", "info", "warn", "error", "fatal"}) {
    if (lower == known) return lower;
  }
  return std::nullopt;
}

void ParseLogLevel(FieldReader& r, Config* config) {
  std::optional<std::string> level = r.String("logLevel");
  if (!level) return;
  if (auto normalised = NormaliseLogLevel(*level)) {
    config->log_level = *normalised;
  } else {
    r.diag().Error(r.PathOf("logLevel"),
                   "LogLevel must be one of [debug info warn error fatal], got \"" + *level + "\"");
  }
}

void ParseApplication(FieldReader& app, Config* config) {
  Diagnostics& diag = app.diag();
  config->validators =
      ParseValidators(app.Get("validators"), app.PathOf("validators"), app.dialect(), diag);
  config->policy = ParsePolicy(app.Get("policy"), app.PathOf("policy"), app.dialect(), diag);
  if (const json* features = app.Get("features")) {
    config->features = ParseFeatures(*features, app.PathOf("features"), diag);
  }
  ParseLogLevel(app, config);
  ParseLogFormat(app, config);
  if (auto script = app.String("policyScript")) {
    if (script->empty() || script->size() > kMaxPolicyScriptBytes) {
      diag.Error(app.PathOf("policyScript"), "must be non-empty Lua source of at most " +
                                                 std::to_string(kMaxPolicyScriptBytes) + " bytes");
    } else {
      config->policy_script = *script;
    }
  }
  if (const json* sandbox = app.Get("sandbox")) {
    ParseSandbox(*sandbox, app.PathOf("sandbox"), diag, &config->sandbox);
  }
  // The webhook gives up after 30 s; our own deadline must fire first to answer with a reason.
  if (auto t = app.Int("timeoutSeconds", 1, 29)) config->timeout_seconds = static_cast<int>(*t);
}

void CheckKubernetesSection(const json& kubernetes, const std::string& path, Diagnostics& diag) {
  FieldReader k(kubernetes, path, diag);
  if (!k.is_mapping()) return;
  if (const json* deployment = k.Mapping("deployment")) {
    FieldReader d(*deployment, k.PathOf("deployment"), diag);
    (void)d.Int("replicasCount", 0, 1000);  // checked only; the chart uses it
  }
  if (const json* webhook = k.Mapping("webhook")) {
    FieldReader w(*webhook, k.PathOf("webhook"), diag);
    CheckEnum(w, "failurePolicy", {"Fail", "Ignore"});
    CheckEnum(w, "reinvocationPolicy", {"Never", "IfNeeded"});
  }
  if (const json* service = k.Mapping("service")) {
    FieldReader s(*service, k.PathOf("service"), diag);
    (void)s.Int("port", 1, 65535);
  }
  (void)k.Mapping("redis");
}

}  // namespace connaisseur::config
