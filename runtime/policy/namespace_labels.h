// NamespaceLabelFetch: where the labels of a request's namespace come from. The request value
// (request_value.h) asks it only when a script reads `request.namespace_labels`, at most once
// per request, so a policy that never reads them costs no lookup. `serve` asks the Kubernetes
// API (runtime/kubernetes/namespace_labels.h); the CLI commands, which have no cluster, answer
// with labels given on the command line or in a test case, or say why there are none.
#pragma once

#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "runtime/deadline.h"
#include "runtime/status.h"

namespace connaisseur::policy {

// The labels of namespace `namespace_name` as a JSON object (label → string value), or why they
// cannot be had: the script's read then raises "namespace labels of <name> unavailable: <why>",
// which denies the request. Never returns a null pointer with an OK status.
using NamespaceLabelFetch = std::function<StatusOr<std::shared_ptr<const nlohmann::json>>(
    const std::string& namespace_name, Deadline deadline)>;

// A fetch answering `labels` (a JSON object) for every namespace: the labels a user gave.
NamespaceLabelFetch FixedNamespaceLabels(nlohmann::json labels);

// A fetch that always fails with kUnavailable and `why` (e.g. "not in a Kubernetes cluster").
NamespaceLabelFetch NoNamespaceLabels(std::string why);

// Parses "k=v,k2=v2" (the --namespace-labels syntax: keys and values as kubectl's label
// selectors write them, no spaces; an empty text is no labels) into a JSON object.
// kInvalidArgument naming the malformed item.
StatusOr<nlohmann::json> ParseNamespaceLabels(std::string_view text);

}  // namespace connaisseur::policy
