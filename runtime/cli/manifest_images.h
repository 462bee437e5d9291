// ImagesFromManifests: the container images of Kubernetes manifests, for `check --manifests`.
//
// Reads multi-document YAML or JSON and, for every kind the webhook handles (Pod, Deployment,
// ReplicaSet, ReplicationController, DaemonSet, StatefulSet, Job, CronJob, and `List` items),
// the images of containers, initContainers, ephemeralContainers and image volumes in document
// order, at the same paths as the webhook reads them (admission/workload.h). Other kinds are
// skipped. Every image carries its origin: file, line, the object's kind, namespace and name,
// and its path in the object.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "runtime/cli/sourced_image.h"
#include "runtime/status.h"

namespace connaisseur::cli {

// `source` names the input in messages and origins. A YAML syntax error is kInvalidArgument
// "<source>:<line>: <problem>". Appends to `images`.
Status ImagesFromManifests(std::string_view text, std::string_view source,
                           std::vector<SourcedImage>* images);

// `path` is a file, "-" (stdin) or a directory (every *.yaml, *.yml, *.json below it, sorted).
Status ImagesFromManifestPath(const std::string& path, std::vector<SourcedImage>* images);

}  // namespace connaisseur::cli
