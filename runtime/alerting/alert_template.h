// AlertTemplate: a receiver's JSON payload template (docs/configuration.md "alerting").
// Placeholders `{{ name }}` inside JSON strings, for exactly the names below; no expressions, no
// filters. Values are JSON-escaped before substitution, the result must parse, `payloadFields` are
// merged into its top level, and it is sent compact with sorted keys.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/status.h"

namespace connaisseur::alerting {

struct AlertValues {
  std::string alert_message;
  std::string priority;
  std::string connaisseur_pod_id;
  std::string cluster;
  std::string namespace_name;  // `namespace`
  std::string timestamp;
  std::string request_id;
  std::string images;  // comma+space separated
};

class AlertTemplate {
 public:
  // Fails (kInvalidArgument, naming `name`) on an unknown placeholder, an unclosed `{{`, or a
  // template that does not render to JSON.
  static StatusOr<AlertTemplate> Parse(std::string_view text, std::string_view name);

  // The payload to send, or "" when it renders to nothing (`{}` or empty: send nothing).
  StatusOr<std::string> Render(const AlertValues& values,
                               const nlohmann::json& payload_fields) const;

 private:
  enum class Field {
    kLiteral,
    kAlertMessage,
    kPriority,
    kPodId,
    kCluster,
    kNamespace,
    kTimestamp,
    kRequestId,
    kImages
  };
  struct Piece {
    Field field;
    std::string literal;  // for kLiteral
  };
  AlertTemplate() = default;
  std::string Substitute(const AlertValues& values) const;

  std::string name_;
  std::vector<Piece> pieces_;
};

// Go's time.Time.String() of now in UTC, as v3.10 sent it: "2024-01-02 03:04:05.123 +0000 UTC".
std::string AlertTimestamp();

}  // namespace connaisseur::alerting
