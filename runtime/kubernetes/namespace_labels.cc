#include "runtime/kubernetes/namespace_labels.h"

namespace connaisseur::kubernetes {
namespace {

using nlohmann::json;

// metadata.labels of a Namespace object as the API serves it.
StatusOr<NamespaceLabelReader::LabelsPtr> ParseLabels(const json& ns, const std::string& name) {
  auto labels = std::make_shared<json>(json::object());
  auto metadata = ns.find("metadata");
  if (metadata == ns.end() || !metadata->is_object()) {
    return UnavailableError("Kubernetes namespaces " + name + ": no metadata");
  }
  auto found = metadata->find("labels");
  if (found == metadata->end() || found->is_null()) return NamespaceLabelReader::LabelsPtr(labels);
  if (!found->is_object()) {
    return UnavailableError("Kubernetes namespaces " + name + ": labels are not an object");
  }
  for (const auto& [key, value] : found->items()) {
    if (!value.is_string()) {
      return UnavailableError("Kubernetes namespaces " + name + ": label " + key +
                              " is not a string");
    }
  }
  *labels = *found;
  return NamespaceLabelReader::LabelsPtr(labels);
}

}  // namespace

NamespaceLabelReader::NamespaceLabelReader(std::unique_ptr<ApiClient> api, Options options)
    : api_(std::move(api)), namespaces_(options.ttl, options.now) {}

StatusOr<NamespaceLabelReader::LabelsPtr> NamespaceLabelReader::Labels(
    const std::string& namespace_name, Deadline deadline) {
  return namespaces_.Get(namespace_name, deadline, [&]() -> StatusOr<LabelsPtr> {
    CN_ASSIGN_OR_RETURN(json ns, api_->GetClusterObject("namespaces", namespace_name, deadline));
    return ParseLabels(ns, namespace_name);
  });
}

policy::NamespaceLabelFetch InClusterNamespaceLabels(std::string_view off_cluster_advice) {
  auto server = InClusterApiServer();
  if (!server.ok()) return policy::NoNamespaceLabels(server.status().message());
  if (!server->has_value()) {
    return policy::NoNamespaceLabels(
        "not running in a Kubernetes cluster (KUBERNETES_SERVICE_HOST is unset)" +
        std::string(off_cluster_advice));
  }
  auto api = ApiClient::Create(std::move(**server));
  if (!api.ok()) return policy::NoNamespaceLabels(api.status().message());
  auto reader = std::make_shared<NamespaceLabelReader>(std::move(api).value(),
                                                       NamespaceLabelReader::Options{});
  return [reader](const std::string& namespace_name, Deadline deadline) {
    return reader->Labels(namespace_name, deadline);
  };
}

}  // namespace connaisseur::kubernetes
