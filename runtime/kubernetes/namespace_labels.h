// NamespaceLabelReader: the labels of a namespace, read from the Kubernetes API (GET
// /api/v1/namespaces/<name> as the webhook's service account) for policies that read
// `request.namespace_labels` (docs/policy-lua.md). Labels read are kept for `ttl` (and readers
// of one namespace share one GET, runtime/kubernetes/shared_fetches.h), so a burst of Pods in a
// namespace costs the API server one request; a relabelled namespace is seen within `ttl`.
// Failures are not kept: the next read asks again. Thread-safe.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "runtime/deadline.h"
#include "runtime/kubernetes/api_client.h"
#include "runtime/kubernetes/shared_fetches.h"
#include "runtime/policy/namespace_labels.h"
#include "runtime/status.h"

namespace connaisseur::kubernetes {

class NamespaceLabelReader {
 public:
  using LabelsPtr = std::shared_ptr<const nlohmann::json>;

  struct Options {
    // How long labels read from the API are reused.
    std::chrono::seconds ttl{30};
    // The clock; tests pass their own. Empty: Deadline::Clock::now.
    std::function<Deadline::Clock::time_point()> now;
  };

  NamespaceLabelReader(std::unique_ptr<ApiClient> api, Options options);

  // `metadata.labels` of namespace `namespace_name` (an empty object when it has none).
  // Errors as ApiClient::GetClusterObject (kPermissionDenied: the chart's RBAC is missing;
  // kNotFound; kUnavailable; kDeadlineExceeded; kInvalidArgument for a malformed name), and
  // kUnavailable when the labels are not an object of strings.
  StatusOr<LabelsPtr> Labels(const std::string& namespace_name, Deadline deadline);

 private:
  std::unique_ptr<ApiClient> api_;
  SharedFetches<LabelsPtr> namespaces_;
};

// The fetch `serve` and `review` give the policy: in a cluster (InClusterApiServer), a reader of
// that cluster's namespaces, made once here; off-cluster (KUBERNETES_SERVICE_HOST unset), or when
// the service-account files are unusable, a fetch that fails saying so, so that only policies
// reading the labels are affected. `off_cluster_advice` (may be empty) is appended to the
// off-cluster message ("; give them with --namespace-labels").
policy::NamespaceLabelFetch InClusterNamespaceLabels(std::string_view off_cluster_advice = {});

}  // namespace connaisseur::kubernetes
