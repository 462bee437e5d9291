// `connaisseur serve` (docs/cli.md), and WebhookStack: the webhook assembled from a loaded
// PolicyEnvironment (reviewer, policy runners, metrics, alerts). `review` builds the same stack,
// so both answer an AdmissionReview through the one admission::Reviewer code path.
#pragma once

#include <memory>

#include "runtime/admission/reviewer.h"
#include "runtime/admission/runner_pool.h"
#include "runtime/admission/verified_digests.h"
#include "runtime/admission/worker_pool.h"
#include "runtime/alerting/alert_dispatcher.h"
#include "runtime/cli/policy_environment.h"
#include "runtime/metrics/registry.h"
#include "runtime/net/http_client.h"

namespace connaisseur::cli {

class WebhookStack {
  struct PassKey {
    explicit PassKey() = default;
  };

 public:
  explicit WebhookStack(PassKey) {}

  // Loads config and script, builds validators, one policy state to prove the script loads,
  // and (with `with_alerts`) the alert dispatcher. Errors are configuration errors (exit 2).
  static StatusOr<std::unique_ptr<WebhookStack>> Create(const EnvironmentOptions& options,
                                                        log::Logger* logger, bool with_alerts);

  const admission::Reviewer& reviewer() const { return *reviewer_; }
  admission::RunnerPool& runners() { return *runners_; }
  metrics::Registry& metrics() { return metrics_; }
  const config::Config& config() const { return environment_->config(); }
  // The validators, for /ready's back-end check.
  verification::ImageVerifier& verifier() { return environment_->verifier(); }
  // Copies the verification cache's counters into the registry (before /metrics renders).
  void RefreshMetrics(metrics::Registry& registry);

 private:
  std::unique_ptr<PolicyEnvironment> environment_;
  metrics::Registry metrics_;
  std::unique_ptr<admission::VerifiedDigests> verified_;
  std::unique_ptr<net::HttpClient> alert_client_;
  std::unique_ptr<alerting::AlertDispatcher> alerts_;
  std::unique_ptr<admission::WorkerPool> pool_;  // before reviewer_: outlives its users
  std::unique_ptr<admission::Reviewer> reviewer_;
  std::unique_ptr<admission::RunnerPool> runners_;
};

// argv[0] is the subcommand's first argument (not the program name); argc counts from there.
int RunServe(int argc, char** argv);

}  // namespace connaisseur::cli
