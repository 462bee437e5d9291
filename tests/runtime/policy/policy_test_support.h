// Shared fixtures of the policy and sandbox tests: a small Config, a recording logger, a Policy
// built from a script with small budgets.
#pragma once

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "runtime/config/config.h"
#include "runtime/image/image_reference.h"
#include "runtime/log/logger.h"
#include "runtime/policy/policy.h"
#include "tests/testing/status_matchers.h"

namespace connaisseur::policy::testing {

// Keeps every line logged, for assertions on print/log.
class RecordingLogger final : public log::Logger {
 public:
  void Log(log::Level, std::string_view msg, const nlohmann::json& fields) override {
    std::lock_guard<std::mutex> lock(mu_);
    lines.push_back({std::string(msg), fields});
  }
  bool Enabled(log::Level) const override { return true; }
  struct Line {
    std::string msg;
    nlohmann::json fields;
  };
  std::vector<Line> lines;

 private:
  std::mutex mu_;
};

// Validators "default" and "other" (static), no rules, small budgets so hostile cases end fast.
inline config::Config SmallConfig() {
  config::Config c;
  config::ValidatorConfig allow;
  allow.name = "default";
  allow.type = config::ValidatorType::kStatic;
  allow.approve = true;
  c.validators.push_back(allow);
  allow.name = "other";
  c.validators.push_back(allow);
  c.sandbox.instruction_limit = 200'000;
  c.sandbox.memory_limit_bytes = 8u << 20;
  c.sandbox.call_timeout_ms = 2000;
  return c;
}

inline image::ImageReference Image(const std::string& ref) {
  auto parsed = image::ImageReference::Parse(ref);
  return std::move(parsed).value();
}

inline const config::Config& TestConfig() {
  static const config::Config config = SmallConfig();
  return config;
}

// A Policy of `source` (chunk "test.lua") over TestConfig(); null, with a test failure, when the
// script does not load.
inline std::unique_ptr<Policy> MakePolicy(const std::string& source,
                                          std::vector<sandbox::ModuleOpener> modules = {}) {
  PolicyOptions options;
  options.source = source;
  options.chunk_name = "test.lua";
  options.config = &TestConfig();
  options.modules = std::move(modules);
  auto policy = Policy::Create(options);
  EXPECT_THAT(policy, IsOk()) << source;
  return policy.ok() ? std::move(policy).value() : nullptr;
}

// select's `nil, reason` answer for the image "nginx".
inline std::string Reason(Policy& policy, const PolicyRequest& request = PolicyRequest()) {
  auto rule = policy.Select(Image("nginx"), request, Deadline::In(std::chrono::seconds(5)));
  if (rule.status().code() == StatusCode::kNotFound) return rule.status().message();
  return "unexpected: " + rule.status().ToString();
}

}  // namespace connaisseur::policy::testing
