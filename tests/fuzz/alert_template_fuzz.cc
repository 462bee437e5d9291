// Fuzzes AlertTemplate: the input is a template, optionally followed by a NUL byte and a text
// that fills every placeholder (as a request's namespace, images or a policy's alert message
// would). No crash, no sanitizer report, and a template that Parse accepts renders, for any
// values, to one compact JSON object (or to nothing): what passed at start-up cannot fail when
// an alert is sent.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "runtime/alerting/alert_template.h"

namespace {

// Shipped templates are under 2 KiB.
constexpr size_t kMaxInput = 16 * 1024;

void Check(bool ok) {
  if (!ok) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using connaisseur::alerting::AlertTemplate;
  using connaisseur::alerting::AlertValues;
  if (size > kMaxInput) return 0;
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  const size_t nul = in.find('\0');
  const std::string_view text = in.substr(0, nul);
  const std::string value(nul == std::string_view::npos ? "x" : in.substr(nul + 1));
  auto parsed = AlertTemplate::Parse(text, "fuzz");
  if (!parsed.ok()) return 0;
  AlertValues values;
  values.alert_message = value;
  values.priority = "3";  // an integer from the configuration, never text
  values.connaisseur_pod_id = value;
  values.cluster = value;
  values.namespace_name = value;
  values.timestamp = value;
  values.request_id = value;
  values.images = value;
  const nlohmann::json fields = {{"extra", value}};
  auto rendered = parsed->Render(values, nlohmann::json::object());
  Check(rendered.ok());
  if (!rendered->empty()) {
    Check(nlohmann::json::parse(*rendered, nullptr, false).is_object());
  }
  auto with_fields = parsed->Render(values, fields);
  Check(with_fields.ok());
  return 0;
}
