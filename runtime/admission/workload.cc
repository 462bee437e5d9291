#include "runtime/admission/workload.h"

#include <array>

namespace connaisseur::admission {
namespace {

using nlohmann::json;

constexpr std::array<std::string_view, 3> kContainerTypes = {"containers", "initContainers",
                                                             "ephemeralContainers"};

// Follows a pointer of plain object keys ("/spec/template/spec") without throwing: null when any
// step is missing or not an object.
const json* Descend(const json& root, std::string_view pointer) {
  const json* node = &root;
  while (!pointer.empty()) {
    pointer.remove_prefix(1);  // '/'
    size_t slash = pointer.find('/');
    std::string_view key = pointer.substr(0, slash);
    if (!node->is_object()) return nullptr;
    auto it = node->find(key);
    if (it == node->end()) return nullptr;
    node = &*it;
    pointer = slash == std::string_view::npos ? std::string_view() : pointer.substr(slash);
  }
  return node;
}

// Image volumes (Kubernetes 1.31+, `volumes[].image.reference`): the kubelet pulls them like
// container images, so they are verified and pinned like them.
Status AppendVolumeImages(const json& spec, std::string_view spec_pointer,
                          std::vector<ContainerImage>* images) {
  auto volumes = spec.find("volumes");
  if (volumes == spec.end() || volumes->is_null()) return Status::Ok();
  const std::string list_path = std::string(spec_pointer) + "/volumes";
  if (!volumes->is_array()) return InvalidArgumentError(list_path + " is not an array");
  for (size_t i = 0; i < volumes->size(); ++i) {
    const json& volume = (*volumes)[i];
    const std::string volume_path = list_path + "/" + std::to_string(i);
    if (!volume.is_object()) return InvalidArgumentError(volume_path + " is not an object");
    auto source = volume.find("image");
    if (source == volume.end() || source->is_null()) continue;
    const std::string path = volume_path + "/image/reference";
    auto reference = source->is_object() ? source->find("reference") : source->end();
    if (!source->is_object() || reference == source->end() || !reference->is_string()) {
      return InvalidArgumentError(path + " is not a string");
    }
    images->push_back({reference->get<std::string>(), path});
  }
  return Status::Ok();
}

}  // namespace

std::string_view PodSpecPointer(std::string_view kind) {
  if (kind == "Pod") return "/spec";
  if (kind == "CronJob") return "/spec/jobTemplate/spec/template/spec";
  if (kind == "Deployment" || kind == "ReplicationController" || kind == "ReplicaSet" ||
      kind == "DaemonSet" || kind == "StatefulSet" || kind == "Job") {
    return "/spec/template/spec";
  }
  return "";
}

bool IsWorkloadKind(std::string_view kind) { return !PodSpecPointer(kind).empty(); }

StatusOr<std::vector<ContainerImage>> ExtractImages(std::string_view kind, const json& object) {
  std::string_view spec_pointer = PodSpecPointer(kind);
  if (spec_pointer.empty()) {
    return InvalidArgumentError("unknown workload kind \"" + std::string(kind) + "\"");
  }
  if (!object.is_object()) return InvalidArgumentError("object is not a JSON object");
  std::vector<ContainerImage> images;
  const json* spec = Descend(object, spec_pointer);
  if (spec == nullptr || spec->is_null()) return images;
  if (!spec->is_object()) {
    return InvalidArgumentError(std::string(spec_pointer) + " is not an object");
  }
  for (std::string_view type : kContainerTypes) {
    auto list = spec->find(type);
    if (list == spec->end() || list->is_null()) continue;
    std::string list_path = std::string(spec_pointer) + "/" + std::string(type);
    if (!list->is_array()) return InvalidArgumentError(list_path + " is not an array");
    for (size_t i = 0; i < list->size(); ++i) {
      const json& container = (*list)[i];
      std::string path = list_path + "/" + std::to_string(i) + "/image";
      auto image = container.is_object() ? container.find("image") : container.end();
      if (!container.is_object() || image == container.end() || !image->is_string()) {
        return InvalidArgumentError(path + " is not a string");
      }
      images.push_back({image->get<std::string>(), std::move(path)});
    }
  }
  CN_RETURN_IF_ERROR(AppendVolumeImages(*spec, spec_pointer, &images));
  if (images.size() > kMaxImagesPerObject) {
    return ResourceExhaustedError("the object has " + std::to_string(images.size()) +
                                  " container images; at most " +
                                  std::to_string(kMaxImagesPerObject) + " are reviewed per object");
  }
  return images;
}

StatusOr<verification::PullContext> ExtractPullContext(std::string_view kind, const json& object,
                                                       std::string_view namespace_name) {
  std::string_view spec_pointer = PodSpecPointer(kind);
  if (spec_pointer.empty()) {
    return InvalidArgumentError("unknown workload kind \"" + std::string(kind) + "\"");
  }
  verification::PullContext pull;
  pull.namespace_name = namespace_name.empty() ? "default" : std::string(namespace_name);
  const json* spec = Descend(object, spec_pointer);
  if (spec == nullptr || !spec->is_object()) return pull;
  const std::string at(spec_pointer);
  for (const char* field : {"serviceAccountName", "serviceAccount"}) {
    auto name = spec->find(field);
    if (name == spec->end() || name->is_null()) continue;
    if (!name->is_string()) return InvalidArgumentError(at + "/" + field + " is not a string");
    if (pull.service_account.empty()) pull.service_account = name->get<std::string>();
  }
  auto secrets = spec->find("imagePullSecrets");
  if (secrets == spec->end() || secrets->is_null()) return pull;
  if (!secrets->is_array()) return InvalidArgumentError(at + "/imagePullSecrets is not an array");
  for (size_t i = 0; i < secrets->size(); ++i) {
    const json& ref = (*secrets)[i];
    const std::string where = at + "/imagePullSecrets/" + std::to_string(i);
    if (!ref.is_object()) return InvalidArgumentError(where + " is not an object");
    auto name = ref.find("name");
    // A reference without a name is valid in Kubernetes and names nothing: skipped.
    if (name == ref.end() || name->is_null()) continue;
    if (!name->is_string()) return InvalidArgumentError(where + "/name is not a string");
    if (!name->get_ref<const std::string&>().empty()) {
      pull.image_pull_secrets.push_back(name->get<std::string>());
    }
  }
  return pull;
}

}  // namespace connaisseur::admission
