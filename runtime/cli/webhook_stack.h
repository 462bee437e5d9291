// WebhookStack: the admission webhook assembled from one read of the values file: its logger, the
// policy environment (rules, validators, script), the reviewer with its verification pool and
// digest cache, the policy runners, the metrics and (for `serve`) the alert dispatcher. `review`
// and `serve` both start by building it, so both answer an AdmissionReview through the one
// admission::Reviewer code path.
#pragma once

#include <memory>

#include "runtime/admission/reviewer.h"
#include "runtime/admission/runner_pool.h"
#include "runtime/admission/verified_digests.h"
#include "runtime/admission/worker_pool.h"
#include "runtime/alerting/alert_dispatcher.h"
#include "runtime/cli/policy_environment.h"
#include "runtime/log/logger.h"
#include "runtime/metrics/registry.h"
#include "runtime/net/http_client.h"
#include "runtime/policy/namespace_labels.h"
#include "runtime/redis/redis_client.h"
#include "validators/shared_verification_cache.h"

namespace connaisseur::cli {

struct WebhookOptions {
  EnvironmentOptions environment;  // --config, --policy-script, --alert-config
  // Where the webhook logs; borrowed, must outlive the stack. Null (serve): the stack's own
  // logger, JSON lines on stdout at the values file's logLevel and logFormat.
  log::Logger* logger = nullptr;
  // Build the alert dispatcher of the values' alerting section (serve); review sends no alerts.
  bool with_alerts = false;
  // Where request.namespace_labels come from. Empty: the cluster's API when in one
  // (kubernetes::InClusterNamespaceLabels), else reads of them raise saying so.
  policy::NamespaceLabelFetch namespace_labels;
};

class WebhookStack {
  struct PassKey {
    explicit PassKey() = default;
  };

 public:
  explicit WebhookStack(PassKey) {}

  // Reads the configuration once, then builds the logger from it, the validators, the alert
  // dispatcher (with `with_alerts`) and one policy state to prove the script loads. Errors are
  // configuration errors (exit 2) and name the file that failed.
  static StatusOr<std::unique_ptr<WebhookStack>> Create(const WebhookOptions& options);
  static StatusOr<std::unique_ptr<WebhookStack>> Create(const EnvironmentOptions& environment,
                                                        log::Logger* logger, bool with_alerts) {
    return Create(WebhookOptions{environment, logger, with_alerts, {}});
  }

  log::Logger& logger() { return *logger_; }
  const admission::Reviewer& reviewer() const { return *reviewer_; }
  admission::RunnerPool& runners() { return *runners_; }
  metrics::Registry& metrics() { return metrics_; }
  const config::Config& config() const { return environment_->config(); }
  // The validators, for /ready's back-end check.
  verification::ImageVerifier& verifier() { return environment_->verifier(); }
  // Copies the verification cache's counters into the registry (before /metrics renders).
  void RefreshMetrics(metrics::Registry& registry);

 private:
  // The Redis cache of features.cache.redis behind the validators' in-process cache. Never fails
  // the stack: a password file that cannot be read is logged and the cache stays in-process.
  void BuildSharedCache();
  Status BuildAlerts(bool with_alerts);
  void BuildReviewer(policy::NamespaceLabelFetch namespace_labels);
  Status BuildRunners();

  // First: every other member may log until it is destroyed.
  std::unique_ptr<log::JsonLogger> own_logger_;  // when WebhookOptions::logger is null
  log::Logger* logger_ = nullptr;                // own_logger_ or WebhookOptions::logger
  // Before environment_: its validators borrow the shared cache until they are destroyed.
  std::unique_ptr<redis::RedisClient> redis_;
  std::unique_ptr<validators::SharedVerificationCache> shared_cache_;
  std::unique_ptr<PolicyEnvironment> environment_;
  metrics::Registry metrics_;
  std::unique_ptr<admission::VerifiedDigests> verified_;
  std::unique_ptr<net::HttpClient> alert_client_;
  std::unique_ptr<alerting::AlertDispatcher> alerts_;
  std::unique_ptr<admission::WorkerPool> pool_;  // before reviewer_: outlives its users
  std::unique_ptr<admission::Reviewer> reviewer_;
  std::unique_ptr<admission::RunnerPool> runners_;
};

}  // namespace connaisseur::cli
