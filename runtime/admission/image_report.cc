#include "runtime/admission/image_report.h"

namespace connaisseur::admission {
namespace {

nlohmann::json OrNull(const std::optional<std::string>& value) {
  return value.has_value() ? nlohmann::json(*value) : nlohmann::json(nullptr);
}

}  // namespace

ImageReport ReportImage(const ImageCheck& check, const AdmissionOutcome& request,
                        const std::string& policy_message, bool detection_override,
                        bool sole_image) {
  const policy::ImageResult& result = check.result;
  ImageReport report;
  report.image = result.image;
  if (!check.normalized.empty()) report.normalized = check.normalized;
  if (result.rule.has_value()) {
    report.rule = result.rule->pattern;
    report.validator = result.rule->validator;
  }
  if (!result.digest.empty()) report.digest = result.digest;
  const bool request_denied = !request.allowed || detection_override;
  if (sole_image) {  // the request's verdict is the image's
    report.allowed = request.allowed;
    report.reason = request_denied            ? request.message
                    : !policy_message.empty() ? policy_message
                                              : result.reason;
  } else {  // the image's own result
    report.allowed = result.allowed || detection_override;
    report.reason = result.reason;
  }
  report.detection_override = detection_override && (sole_image || !result.allowed);
  if (report.detection_override) report.reason = "detection mode active: " + report.reason;
  return report;
}

nlohmann::json ReportFields(const ImageReport& report) {
  return {{"image", report.image},
          {"normalized", OrNull(report.normalized)},
          {"rule", OrNull(report.rule)},
          {"validator", OrNull(report.validator)},
          {"verdict", report.allowed ? "allow" : "deny"},
          {"digest", OrNull(report.digest)},
          {"reason", report.reason}};
}

}  // namespace connaisseur::admission
