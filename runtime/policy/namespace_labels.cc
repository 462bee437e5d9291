#include "runtime/policy/namespace_labels.h"

#include <string_view>

namespace connaisseur::policy {
namespace {

// Characters of a label key (prefix/name) and of a label value, as Kubernetes allows them.
bool IsLabelChar(char c, bool in_key) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_' || c == '.' || (in_key && c == '/');
}

bool AllLabelChars(std::string_view s, bool in_key) {
  for (char c : s) {
    if (!IsLabelChar(c, in_key)) return false;
  }
  return true;
}

}  // namespace

NamespaceLabelFetch FixedNamespaceLabels(nlohmann::json labels) {
  auto shared = std::make_shared<const nlohmann::json>(std::move(labels));
  return [shared](const std::string&, Deadline) -> StatusOr<std::shared_ptr<const nlohmann::json>> {
    return shared;
  };
}

NamespaceLabelFetch NoNamespaceLabels(std::string why) {
  return [why = std::move(why)](const std::string&,
                                Deadline) -> StatusOr<std::shared_ptr<const nlohmann::json>> {
    return UnavailableError(why);
  };
}

StatusOr<nlohmann::json> ParseNamespaceLabels(std::string_view text) {
  nlohmann::json labels = nlohmann::json::object();
  while (!text.empty()) {
    const size_t comma = text.find(',');
    const std::string_view item = text.substr(0, comma);
    text = comma == std::string_view::npos ? std::string_view() : text.substr(comma + 1);
    const size_t eq = item.find('=');
    const std::string_view key = item.substr(0, eq);
    const std::string_view value =
        eq == std::string_view::npos ? std::string_view() : item.substr(eq + 1);
    if (eq == std::string_view::npos || key.empty() || key.size() > 317 || value.size() > 63 ||
        !AllLabelChars(key, true) || !AllLabelChars(value, false)) {
      return InvalidArgumentError("namespace label \"" + std::string(item.substr(0, 80)) +
                                  "\" is not KEY=VALUE with a Kubernetes label key and value");
    }
    if (labels.contains(key)) {
      return InvalidArgumentError("namespace label \"" + std::string(key) + "\" given twice");
    }
    labels[std::string(key)] = std::string(value);
  }
  return labels;
}

}  // namespace connaisseur::policy
