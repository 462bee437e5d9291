#include "runtime/config/alerting_parser.h"

namespace connaisseur::config {
namespace {

using nlohmann::json;

// http(s)://host[...] with a non-empty host and no whitespace or control characters.
bool IsAbsoluteHttpUrl(std::string_view url) {
  if (HasControlChars(url) || url.find(' ') != std::string_view::npos) return false;
  for (std::string_view scheme : {"https://", "http://"}) {
    if (url.substr(0, scheme.size()) == scheme) {
      std::string_view rest = url.substr(scheme.size());
      return !rest.empty() && rest[0] != '/' && rest[0] != ':' && rest[0] != '?';
    }
  }
  return false;
}

// Template names become file names: no path separators or dot files.
bool IsTemplateName(std::string_view name) {
  if (name.empty() || name[0] == '.') return false;
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_' || c == '.';
    if (!ok) return false;
  }
  return true;
}

AlertReceiver ParseReceiver(const json& value, const std::string& path, Dialect dialect,
                            Diagnostics& diag) {
  FieldReader r(value, path, diag, dialect);
  AlertReceiver receiver;
  if (auto t = r.String("template", /*required=*/true)) {
    if (IsTemplateName(*t)) {
      receiver.template_name = *t;
    } else {
      diag.Error(r.PathOf("template"),
                 "must be a template file name without extension (letters, digits, . _ -)");
    }
  }
  if (auto url = r.String("receiverUrl", /*required=*/true)) {
    if (IsAbsoluteHttpUrl(*url)) {
      receiver.receiver_url = *url;
    } else {
      diag.Error(r.PathOf("receiverUrl"), "must be an absolute http:// or https:// URL");
    }
  }
  receiver.priority = static_cast<int>(r.Int("priority", 0, INT32_MAX).value_or(receiver.priority));
  if (auto headers = r.StringList("customHeaders", /*non_empty=*/true)) {
    for (size_t i = 0; i < headers->size(); ++i) {
      const std::string& h = (*headers)[i];
      size_t colon = h.find(':');
      if (colon == std::string::npos || colon == 0 || HasControlChars(h)) {
        diag.Error(IndexPath(r.PathOf("customHeaders"), i),
                   "must be \"Name: value\" (the header is not shown, it may hold a secret)");
      }
    }
    receiver.custom_headers = std::move(*headers);
  }
  if (const json* fields = r.Mapping("payloadFields")) receiver.payload_fields = *fields;
  receiver.fail_if_alert_sending_fails = r.Bool("failIfAlertSendingFails").value_or(false);
  r.Finish();
  return receiver;
}

std::vector<AlertReceiver> ParseStream(FieldReader& parent, std::string_view key) {
  std::vector<AlertReceiver> out;
  const json* stream = parent.Get(key);
  if (stream == nullptr) return out;
  FieldReader r(*stream, parent.PathOf(key), parent.diag(), parent.dialect());
  r.Alias("templates", "receivers");
  const json* receivers = r.List("receivers");
  if (r.is_mapping() && receivers == nullptr && !r.Has("receivers")) {
    parent.diag().Error(r.path(), "Receivers is a required field");
  }
  if (receivers != nullptr) {
    if (receivers->empty())
      parent.diag().Error(r.PathOf("receivers"), "must contain at least 1 item");
    for (size_t i = 0; i < receivers->size(); ++i) {
      out.push_back(ParseReceiver((*receivers)[i], IndexPath(r.PathOf("receivers"), i),
                                  parent.dialect(), parent.diag()));
    }
  }
  r.Finish();
  return out;
}

}  // namespace

AlertingConfig ParseAlerting(const json& alerting, const std::string& path, Dialect dialect,
                             Diagnostics& diag) {
  AlertingConfig config;
  FieldReader r(alerting, path, diag, dialect);
  if (!r.is_mapping()) return config;
  config.enabled = true;
  if (auto id = r.String("clusterIdentifier")) config.cluster_identifier = *id;
  config.admit_request = ParseStream(r, "admitRequest");
  config.reject_request = ParseStream(r, "rejectRequest");
  r.Finish();
  return config;
}

}  // namespace connaisseur::config
