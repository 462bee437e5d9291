#include "runtime/alerting/alert_template.h"

#include <chrono>
#include <ctime>
#include <utility>

#include "runtime/admission/json_nesting.h"

namespace connaisseur::alerting {
namespace {

// The body of a JSON string for `value` (no surrounding quotes).
std::string JsonEscaped(const std::string& value) {
  std::string quoted =
      nlohmann::json(value).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return quoted.substr(1, quoted.size() - 2);
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

}  // namespace

StatusOr<AlertTemplate> AlertTemplate::Parse(std::string_view text, std::string_view name) {
  static const std::pair<std::string_view, Field> kNames[] = {
      {"alert_message", Field::kAlertMessage}, {"priority", Field::kPriority},
      {"connaisseur_pod_id", Field::kPodId},   {"cluster", Field::kCluster},
      {"namespace", Field::kNamespace},        {"timestamp", Field::kTimestamp},
      {"request_id", Field::kRequestId},       {"images", Field::kImages}};
  AlertTemplate t;
  t.name_ = std::string(name);
  while (!text.empty()) {
    size_t open = text.find("{{");
    t.pieces_.push_back({Field::kLiteral, std::string(text.substr(0, open))});
    if (open == std::string_view::npos) break;
    size_t close = text.find("}}", open + 2);
    if (close == std::string_view::npos) {
      return InvalidArgumentError("alert template " + t.name_ + ": unclosed {{");
    }
    std::string_view placeholder = Trim(text.substr(open + 2, close - open - 2));
    bool known = false;
    for (const auto& [n, field] : kNames) {
      if (n == placeholder) {
        t.pieces_.push_back({field, ""});
        known = true;
      }
    }
    if (!known) {
      return InvalidArgumentError("alert template " + t.name_ + ": unknown placeholder {{ " +
                                  std::string(placeholder) + " }}");
    }
    text.remove_prefix(close + 2);
  }
  AlertValues probe;
  probe.priority = "3";
  auto rendered = t.Render(probe, nlohmann::json::object());
  if (!rendered.ok()) return rendered.status();
  return t;
}

std::string AlertTemplate::Substitute(const AlertValues& v) const {
  std::string out;
  for (const Piece& p : pieces_) {
    switch (p.field) {
      case Field::kLiteral:
        out += p.literal;
        break;
      case Field::kAlertMessage:
        out += JsonEscaped(v.alert_message);
        break;
      case Field::kPriority:
        out += JsonEscaped(v.priority);
        break;
      case Field::kPodId:
        out += JsonEscaped(v.connaisseur_pod_id);
        break;
      case Field::kCluster:
        out += JsonEscaped(v.cluster);
        break;
      case Field::kNamespace:
        out += JsonEscaped(v.namespace_name);
        break;
      case Field::kTimestamp:
        out += JsonEscaped(v.timestamp);
        break;
      case Field::kRequestId:
        out += JsonEscaped(v.request_id);
        break;
      case Field::kImages:
        out += JsonEscaped(v.images);
        break;
    }
  }
  return out;
}

StatusOr<std::string> AlertTemplate::Render(const AlertValues& values,
                                            const nlohmann::json& payload_fields) const {
  const std::string text = Substitute(values);
  if (Trim(text).empty()) return std::string();
  if (Status s = admission::CheckJsonNesting(text); !s.ok()) {
    return InvalidArgumentError("alert template " + name_ + ": " + s.message());
  }
  nlohmann::json doc = nlohmann::json::parse(text, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) {
    return InvalidArgumentError("alert template " + name_ + " does not render to a JSON object");
  }
  if (payload_fields.is_object()) {
    for (const auto& [key, value] : payload_fields.items()) doc[key] = value;
  }
  if (doc.empty()) return std::string();
  // nlohmann's object is a std::map: dump() gives sorted keys, and no spaces with indent -1.
  return doc.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string AlertTimestamp() {
  const auto now = std::chrono::system_clock::now();
  const std::time_t secs = std::chrono::system_clock::to_time_t(now);
  const auto nanos =
      std::chrono::duration_cast<std::chrono::nanoseconds>(now.time_since_epoch()).count() %
      1'000'000'000;
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char date[32];
  std::strftime(date, sizeof(date), "%Y-%m-%d %H:%M:%S", &tm);
  std::string out = date;
  if (nanos != 0) {  // Go prints the fraction without trailing zeros
    char frac[16];
    std::snprintf(frac, sizeof(frac), ".%09lld", static_cast<long long>(nanos));
    std::string f = frac;
    while (f.back() == '0') f.pop_back();
    out += f;
  }
  return out + " +0000 UTC";
}

}  // namespace connaisseur::alerting
