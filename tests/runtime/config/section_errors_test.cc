// Tests the error messages of features, alerting, application keys and layout detection.
#include <gtest/gtest.h>

#include "tests/runtime/config/config_test_util.h"

namespace connaisseur::config::testing {
namespace {

const std::string kP = "{pattern: '*:*', validator: allow}";

std::string App(const std::string& extra) { return V3(kAllow, kP, extra); }
std::string Top(const std::string& top) { return V3(kAllow, kP, "", top); }

std::vector<ErrorCase> FeatureCases() {
  return {
      {"DetectionModeYes", App("  features: {detectionMode: yes}\n"),
       "application.features.detectionMode: expected a bool (true or false), got a string"},
      {"DetectionModeNumber", App("  features: {detectionMode: 1}\n"),
       "application.features.detectionMode: expected a bool"},
      {"NamespacedScalar", App("  features: {namespacedValidation: 42}\n"),
       "application.features.namespacedValidation: expected a mapping, got an integer"},
      {"NamespacedMode", App("  features: {namespacedValidation: {mode: skip}}\n"),
       "namespacedValidation.mode: Mode must be one of [ignore validate], got \"skip\""},
      {"ResourceMode", App("  features: {resourceValidationMode: some}\n"),
       "ResourceValidationMode must be one of [all podsOnly]"},
      {"CacheScalar", App("  features: {cache: 30}\n"),
       "application.features.cache: expected a mapping, got an integer"},
      {"CacheExpiryString", App("  features: {cache: {expirySeconds: '30'}}\n"),
       "application.features.cache.expirySeconds: expected an integer, got a string"},
      {"CacheErrorsString", App("  features: {cache: {cacheErrors: 'no'}}\n"),
       "application.features.cache.cacheErrors: expected a bool"},
      {"RedisWithoutHost", App("  features: {cache: {redis: {port: 1}}}\n"),
       "application.features.cache.redis: Host is a required field"},
      {"RedisBadPort", App("  features: {cache: {redis: {host: r, port: 70000}}}\n"),
       "application.features.cache.redis.port: must be between 1 and 65535"},
      {"FeaturesList", App("  features: [detectionMode]\n"),
       "application.features: expected a mapping, got a list"},
  };
}

std::vector<ErrorCase> ApplicationCases() {
  return {
      {"LogLevel", App("  logLevel: verbose\n"),
       "application.logLevel: LogLevel must be one of [debug info warn error fatal], got "
       "\"verbose\""},
      {"SandboxTooFewInstructions", App("  sandbox: {instructionLimit: 5}\n"),
       "application.sandbox.instructionLimit: must be between 10000 and 10000000000, got 5"},
      {"SandboxMemoryString", App("  sandbox: {memoryLimitBytes: 64Mi}\n"),
       "application.sandbox.memoryLimitBytes: expected an integer, got a string"},
      {"TimeoutTooLong", App("  timeoutSeconds: 60\n"),
       "application.timeoutSeconds: must be between 1 and 29, got 60"},
      {"EmptyPolicyScript", App("  policyScript: ''\n"), "application.policyScript: must be"},
      {"ApplicationList", "application: [validators]\n",
       "application: expected a mapping, got a list"},
      {"KubernetesFailurePolicy", Top("kubernetes: {webhook: {failurePolicy: Deny}}\n"),
       "kubernetes.webhook.failurePolicy: must be one of [Fail Ignore], got \"Deny\""},
      {"KubernetesScalar", Top("kubernetes: yes\n"), "kubernetes: expected a mapping"},
  };
}

std::vector<ErrorCase> AlertingCases() {
  auto alert = [](const std::string& receiver) {
    return Top("alerting: {admitRequest: {receivers: [" + receiver + "]}}\n");
  };
  return {
      {"MissingTemplate", alert("{receiverUrl: 'https://a.example'}"),
       "alerting.admitRequest.receivers[0]: Template is a required field"},
      {"TemplateWithSlash", alert("{template: ../x, receiverUrl: 'https://a.example'}"),
       "alerting.admitRequest.receivers[0].template: must be a template file name"},
      {"MissingUrl", alert("{template: slack}"),
       "alerting.admitRequest.receivers[0]: ReceiverUrl is a required field"},
      {"RelativeUrl", alert("{template: slack, receiverUrl: /hook}"),
       "alerting.admitRequest.receivers[0].receiverUrl: must be an absolute http:// or https:// "
       "URL"},
      {"FtpUrl", alert("{template: slack, receiverUrl: 'ftp://a.example'}"),
       "must be an absolute http:// or https:// URL"},
      {"NegativePriority", alert("{template: slack, receiverUrl: 'https://a', priority: -1}"),
       "receivers[0].priority: must be between 0 and"},
      {"HeaderWithoutColon",
       alert("{template: slack, receiverUrl: 'https://a', customHeaders: ['Bearer x']}"),
       "receivers[0].customHeaders[0]: must be \"Name: value\""},
      {"EmptyHeaders", alert("{template: slack, receiverUrl: 'https://a', customHeaders: []}"),
       "receivers[0].customHeaders: must contain at least 1 item"},
      {"PayloadFieldsList",
       alert("{template: slack, receiverUrl: 'https://a', payloadFields: [a]}"),
       "receivers[0].payloadFields: expected a mapping, got a list"},
      {"FailIfNotBool",
       alert("{template: slack, receiverUrl: 'https://a', failIfAlertSendingFails: maybe}"),
       "receivers[0].failIfAlertSendingFails: expected a bool"},
      {"NoReceivers", Top("alerting: {rejectRequest: {}}\n"),
       "alerting.rejectRequest: Receivers is a required field"},
      {"EmptyReceivers", Top("alerting: {rejectRequest: {receivers: []}}\n"),
       "alerting.rejectRequest.receivers: must contain at least 1 item"},
  };
}

std::vector<ErrorCase> LayoutCases() {
  return {
      {"Empty", "", "configuration is empty"},
      {"OnlyComments", "# nothing here\n", "configuration is empty"},
      {"Scalar", "hello\n", "configuration must be a mapping, got a string"},
      {"List", "- a\n- b\n", "configuration must be a mapping, got a list"},
      {"Neither", "kubernetes: {}\n",
       "configuration has neither application.validators nor validators"},
      {"NotariesLayout", "notaries: []\n", "the `notaries:` layout"},
      {"V3AndV2", App("") + "validators: [" + kAllow + "]\n",
       "ambiguous layout: both \"application\" (v3) and \"validators\" are given"},
      {"V2AndV1", "validators: [" + kAllow + "]\nnotary: {host: h}\n", "ambiguous layout"},
      {"V1VerifyString",
       "notary: {host: h, rootPubKey: " + kKey + "}\npolicy: [{pattern: '*:*', verify: 'true'}]\n",
       "policy[0].verify: expected a bool"},
      {"V1HttpHost",
       "notary: {host: 'http://n', rootPubKey: " + kKey + "}\npolicy: [{pattern: '*:*'}]\n",
       "notary.host: plain http:// is not allowed"},
      {"V2BothSpellings",
       "validators: [{name: n, type: notaryv1, trustRoots: [{name: default, key: " + kKey +
           "}], trust_roots: []}]\npolicy: [{pattern: '*:*', validator: n}]\ndebug: true\n",
       "validators[0].trust_roots: both \"trustRoots\" and \"trust_roots\" are given"},
  };
}

INSTANTIATE_TEST_SUITE_P(Features, ConfigErrorTest, ::testing::ValuesIn(FeatureCases()),
                         [](const auto& info) { return info.param.name; });
INSTANTIATE_TEST_SUITE_P(Application, ConfigErrorTest, ::testing::ValuesIn(ApplicationCases()),
                         [](const auto& info) { return info.param.name; });
INSTANTIATE_TEST_SUITE_P(Alerting, ConfigErrorTest, ::testing::ValuesIn(AlertingCases()),
                         [](const auto& info) { return info.param.name; });
INSTANTIATE_TEST_SUITE_P(Layout, ConfigErrorTest, ::testing::ValuesIn(LayoutCases()),
                         [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace connaisseur::config::testing
