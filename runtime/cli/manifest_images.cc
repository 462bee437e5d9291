#include "runtime/cli/manifest_images.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <array>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>

namespace connaisseur::cli {
namespace {

constexpr size_t kMaxManifestBytes = 64ull << 20;  // a manifest set larger than this is a mistake
constexpr int kMaxListNesting = 4;                 // List of List of ... is not a real manifest

constexpr std::array<const char*, 3> kContainerFields = {"containers", "initContainers",
                                                         "ephemeralContainers"};

// yaml-cpp's const operator[] on a missing key yields an invalid node whose type queries throw;
// map it to a plain undefined node so callers can test kinds on any shape.
YAML::Node Child(const YAML::Node& node, const char* key) {
  if (!node.IsDefined() || !node.IsMap()) return YAML::Node(YAML::NodeType::Undefined);
  YAML::Node child = node[key];
  if (!child.IsDefined()) return YAML::Node(YAML::NodeType::Undefined);
  return child;
}

// Appends the images of one object to `images`, each with its origin.
class ObjectWalker {
 public:
  ObjectWalker(std::string_view file, std::vector<SourcedImage>* images)
      : file_(file), images_(images) {}

  void Object(const YAML::Node& object, int depth);

 private:
  // The pod spec at `spec_path` ("spec", "spec.template.spec", ...) of the object `origin_`.
  void PodSpec(const YAML::Node& pod_spec, const std::string& spec_path);
  void Add(const YAML::Node& image, std::string path);

  const std::string_view file_;
  std::vector<SourcedImage>* images_;  // borrowed
  ImageOrigin origin_;                 // of the object being walked, without line and path
};

void ObjectWalker::Add(const YAML::Node& image, std::string path) {
  if (!image.IsScalar()) return;
  SourcedImage sourced{image.Scalar(), origin_};
  sourced.origin->line = image.Mark().line >= 0 ? image.Mark().line + 1 : 0;
  sourced.origin->path = std::move(path);
  images_->push_back(std::move(sourced));
}

void ObjectWalker::PodSpec(const YAML::Node& pod_spec, const std::string& spec_path) {
  for (const char* field : kContainerFields) {
    const YAML::Node containers = Child(pod_spec, field);
    if (!containers.IsSequence()) continue;
    for (size_t i = 0; i < containers.size(); ++i) {
      Add(Child(containers[i], "image"),
          spec_path + "." + field + "[" + std::to_string(i) + "].image");
    }
  }
  // Image volumes (Kubernetes 1.31+), which the webhook verifies too (workload.h).
  const YAML::Node volumes = Child(pod_spec, "volumes");
  if (!volumes.IsSequence()) return;
  for (size_t i = 0; i < volumes.size(); ++i) {
    Add(Child(Child(volumes[i], "image"), "reference"),
        spec_path + ".volumes[" + std::to_string(i) + "].image.reference");
  }
}

std::string ScalarOr(const YAML::Node& node, std::string fallback) {
  return node.IsScalar() ? node.Scalar() : std::move(fallback);
}

void ObjectWalker::Object(const YAML::Node& object, int depth) {
  const YAML::Node kind_node = Child(object, "kind");
  if (!kind_node.IsScalar()) return;
  const std::string kind = kind_node.Scalar();
  const YAML::Node metadata = Child(object, "metadata");
  origin_ = ImageOrigin{.file = std::string(file_),
                        .kind = kind,
                        .namespace_name = ScalarOr(Child(metadata, "namespace"), ""),
                        .name = ScalarOr(Child(metadata, "name"), "")};
  const YAML::Node spec = Child(object, "spec");
  if (kind == "Pod") {
    PodSpec(spec, "spec");
  } else if (kind == "CronJob") {
    PodSpec(Child(Child(Child(Child(spec, "jobTemplate"), "spec"), "template"), "spec"),
            "spec.jobTemplate.spec.template.spec");
  } else if (kind == "Deployment" || kind == "ReplicaSet" || kind == "ReplicationController" ||
             kind == "DaemonSet" || kind == "StatefulSet" || kind == "Job") {
    PodSpec(Child(Child(spec, "template"), "spec"), "spec.template.spec");
  } else if (kind == "List" && depth < kMaxListNesting) {
    const YAML::Node items = Child(object, "items");
    if (!items.IsSequence()) return;
    for (const YAML::Node& item : items) Object(item, depth + 1);
  }
}

Status ReadAll(std::istream& in, const std::string& name, std::string* text) {
  text->assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  if (in.bad()) return InvalidArgumentError(name + ": read error");
  if (text->size() > kMaxManifestBytes) {
    return InvalidArgumentError(name + ": larger than " + std::to_string(kMaxManifestBytes >> 20) +
                                " MiB");
  }
  return Status::Ok();
}

Status FileImages(const std::string& path, std::vector<SourcedImage>* images) {
  std::string text;
  if (path == "-") {
    CN_RETURN_IF_ERROR(ReadAll(std::cin, "stdin", &text));
  } else {
    std::ifstream in(path, std::ios::binary);
    if (!in) return InvalidArgumentError(path + ": cannot open manifest");
    CN_RETURN_IF_ERROR(ReadAll(in, path, &text));
  }
  return ImagesFromManifests(text, path == "-" ? "stdin" : path, images);
}

}  // namespace

Status ImagesFromManifests(std::string_view text, std::string_view source,
                           std::vector<SourcedImage>* images) {
  // yaml-cpp reports syntax errors (and nesting beyond its depth guard) by throwing; this
  // adapter is the one place in the CLI that catches them.
  try {
    std::vector<YAML::Node> documents = YAML::LoadAll(std::string(text));
    ObjectWalker walker(source, images);
    for (const YAML::Node& doc : documents) walker.Object(doc, 0);
  } catch (const YAML::Exception& e) {
    return InvalidArgumentError(std::string(source) + ":" + std::to_string(e.mark.line + 1) + ": " +
                                e.msg);
  }
  return Status::Ok();
}

Status ImagesFromManifestPath(const std::string& path, std::vector<SourcedImage>* images) {
  std::error_code ec;
  if (path == "-" || !std::filesystem::is_directory(path, ec)) return FileImages(path, images);
  std::vector<std::string> files;
  for (auto it = std::filesystem::recursive_directory_iterator(path, ec);
       !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    const std::string ext = it->path().extension().string();
    if (it->is_regular_file(ec) && (ext == ".yaml" || ext == ".yml" || ext == ".json")) {
      files.push_back(it->path().string());
    }
  }
  if (ec) return InvalidArgumentError(path + ": cannot list directory: " + ec.message());
  std::sort(files.begin(), files.end());
  for (const std::string& file : files) CN_RETURN_IF_ERROR(FileImages(file, images));
  return Status::Ok();
}

}  // namespace connaisseur::cli
