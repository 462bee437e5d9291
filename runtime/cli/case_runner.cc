#include "runtime/cli/case_runner.h"

#include "runtime/cli/image_evaluator.h"

namespace connaisseur::cli {

StatusOr<CaseOutcome> CaseRunner::Run(const PolicyCase& c) {
  return c.image ? RunImage(c) : RunReview(c);
}

policy::NamespaceLabelFetch CaseRunner::LabelsOf(const PolicyCase& c) {
  if (c.namespace_labels) return policy::FixedNamespaceLabels(*c.namespace_labels);
  return policy::NoNamespaceLabels("the case gives no namespace_labels");
}

StatusOr<CaseOutcome> CaseRunner::RunImage(const PolicyCase& c) {
  EvaluationOptions options;
  options.namespace_name = c.namespace_name;
  options.namespace_labels = LabelsOf(c);
  options.detection = env_->config().features.detection_mode;
  options.plan = !c.verify;  // offline, static validators still decide: they need no network
  CN_ASSIGN_OR_RETURN(
      auto evaluator,
      ImageEvaluator::Create(
          &env_->config(), &env_->verifier(),
          [&](verification::ImageVerifier* v) { return env_->NewPolicy(v); }, options));
  const CheckResult result = evaluator->Evaluate(*c.image);
  CaseOutcome outcome;
  outcome.verdict = std::string(VerdictName(result.verdict));
  outcome.rule = result.rule.value_or("");
  outcome.validator = result.validator.value_or("");
  outcome.digest = result.digest.value_or("");
  outcome.message = result.reason;
  return outcome;
}

StatusOr<CaseOutcome> CaseRunner::RunReview(const PolicyCase& c) {
  case_labels_ = LabelsOf(c);
  if (stack_ == nullptr) {
    WebhookOptions options{options_, logger_, /*with_alerts=*/false, {}};
    options.namespace_labels = [this](const std::string& ns, Deadline deadline) {
      return case_labels_(ns, deadline);
    };
    CN_ASSIGN_OR_RETURN(stack_, WebhookStack::Create(options));
  }
  CN_ASSIGN_OR_RETURN(auto runner, stack_->runners().Acquire());
  CN_ASSIGN_OR_RETURN(std::string body, stack_->reviewer().Review(c.review->dump(), *runner));
  auto doc = nlohmann::json::parse(body, nullptr, false);
  if (doc.is_discarded() || !doc.contains("response")) {
    return InternalError("the reviewer returned no AdmissionReview response");
  }
  const nlohmann::json& r = doc["response"];
  CaseOutcome outcome;
  outcome.allowed = r.value("allowed", false);
  outcome.patched = r.contains("patch");
  if (auto status = r.find("status"); status != r.end() && status->is_object()) {
    outcome.message = status->value("message", "");
  }
  if (auto warnings = r.find("warnings"); warnings != r.end() && warnings->is_array()) {
    for (const auto& w : *warnings) {
      if (w.is_string()) outcome.warnings.push_back(w.get<std::string>());
    }
  }
  return outcome;
}

}  // namespace connaisseur::cli
