// Fuzzes the values loader in every layout (v3 `application:`, v2, v1, the rendered config) and
// the alerting file of `--alert-config`. No crash, no sanitizer report, no hang (yaml-cpp and our
// YAML-to-JSON conversion under deep nesting included), and every failure is kInvalidArgument
// with a message; a loaded configuration yields the script-visible `connaisseur.config` tree.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "runtime/config/config.h"

namespace {

// Values files are a few KiB; 64 KiB leaves room for long PEM blocks and policies.
constexpr size_t kMaxInput = 64 * 1024;

void Check(bool ok) {
  if (!ok) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace connaisseur::config;
  if (size > kMaxInput) return 0;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto config = LoadConfigText(text, "values.yaml");
  if (!config.ok()) {
    Check(config.status().code() == connaisseur::StatusCode::kInvalidArgument);
    Check(!config.status().message().empty());
  } else {
    Check(config->PublicJson().is_object());
  }
  Config alert_target;
  const connaisseur::Status alert = LoadAlertConfigText(text, "alerting.yaml", &alert_target);
  Check(alert.ok() || alert.code() == connaisseur::StatusCode::kInvalidArgument);
  return 0;
}
