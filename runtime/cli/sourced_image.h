// SourcedImage: an image reference `check` reads, with where it was found when it comes from a
// Kubernetes manifest, so a repository of a few hundred manifests can say where each denied
// image lives.
#pragma once

#include <optional>
#include <string>

namespace connaisseur::cli {

// The manifest object an image came from and its place in it.
struct ImageOrigin {
  std::string file;            // the manifest file as given ("stdin" for `-`)
  int line = 0;                // 1-based line of the image in `file`, 0 when unknown
  std::string kind;            // "Deployment"
  std::string namespace_name;  // metadata.namespace; empty when the manifest sets none
  std::string name;            // metadata.name; empty when the manifest sets none
  // Where the image sits in the object, as the webhook reads it:
  // "spec.template.spec.initContainers[0].image", "spec.volumes[2].image.reference".
  std::string path;
};

struct SourcedImage {
  std::string reference;              // as written
  std::optional<ImageOrigin> origin;  // absent for arguments and --images lines
};

}  // namespace connaisseur::cli
