// Shared fixtures of the sandbox tests: a small Config, a recording logger, a Policy built from
// a script with small budgets.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "runtime/config/config.h"
#include "runtime/image/image_reference.h"
#include "runtime/log/logger.h"
#include "runtime/sandbox/policy.h"

namespace connaisseur::sandbox::testing {

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

}  // namespace connaisseur::sandbox::testing
