// Workload: where a Kubernetes object keeps its container images (docs/operations.md).
//
// Pods keep them at /spec/<type>, CronJobs at /spec/jobTemplate/spec/template/spec/<type>, every
// other handled kind at /spec/template/spec/<type>, for <type> in containers, initContainers and
// ephemeralContainers, and image volumes at <spec>/volumes/<i>/image/reference (Kubernetes
// 1.31+; the kubelet pulls them like container images). Each image comes with the JSON pointer a
// patch replaces.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/status.h"
#include "runtime/verification/pull_context.h"

namespace connaisseur::admission {

struct ContainerImage {
  std::string image;  // the `image` string as written
  std::string path;   // JSON pointer to it, e.g. "/spec/containers/0/image"
  bool operator==(const ContainerImage&) const = default;
};

// Pod, Deployment, ReplicationController, ReplicaSet, DaemonSet, StatefulSet, Job, CronJob.
bool IsWorkloadKind(std::string_view kind);

// The pod spec pointer for `kind` ("/spec", "/spec/template/spec", ...); "" for other kinds.
std::string_view PodSpecPointer(std::string_view kind);

// Most container images (containers of every type plus image volumes) one object may carry. Each
// distinct image costs a verification, so an 8 MiB review of a hundred thousand containers would
// otherwise hold the verification pool for its whole deadline. Real Pods stay far below.
inline constexpr size_t kMaxImagesPerObject = 256;

// Every container image of `object`, in order containers, initContainers, ephemeralContainers,
// then image volumes. More than kMaxImagesPerObject → kResourceExhausted naming both counts.
// An object without any container yields an empty list (the caller decides whether that is an
// error). Unknown kind → kInvalidArgument `unknown workload kind "<Kind>"`; a container list or
// image of the wrong type → kInvalidArgument saying where.
StatusOr<std::vector<ContainerImage>> ExtractImages(std::string_view kind,
                                                    const nlohmann::json& object);

// The pull identity of `object`'s pod spec in `namespace_name` ("default" when empty): its
// serviceAccountName (else the deprecated serviceAccount) and imagePullSecrets names. Absent
// fields leave them empty. A field of the wrong type → kInvalidArgument saying where; an unknown
// kind as ExtractImages.
StatusOr<verification::PullContext> ExtractPullContext(std::string_view kind,
                                                       const nlohmann::json& object,
                                                       std::string_view namespace_name);

}  // namespace connaisseur::admission
