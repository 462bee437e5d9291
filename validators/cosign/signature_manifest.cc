#include "validators/cosign/signature_manifest.h"

#include <nlohmann/json.hpp>

#include "runtime/image/content_digest.h"

namespace connaisseur::cosign {

StatusOr<Descriptor> ParseDescriptor(const nlohmann::json& j, const std::string& where) {
  if (!j.is_object()) return InvalidArgumentError(where + " is not an object");
  Descriptor d;
  if (j.contains("mediaType")) {
    if (!j["mediaType"].is_string()) return InvalidArgumentError(where + ".mediaType not a string");
    d.media_type = j["mediaType"].get<std::string>();
  }
  if (!j.contains("digest") || !j["digest"].is_string() ||
      !image::IsSha256Digest(j["digest"].get<std::string>())) {
    return InvalidArgumentError(where + ".digest is not a sha256 digest");
  }
  d.digest = j["digest"].get<std::string>();
  if (!j.contains("size") || !j["size"].is_number_integer() || j["size"].get<int64_t>() < 0) {
    return InvalidArgumentError(where + ".size is not a non-negative integer");
  }
  d.size = j["size"].get<int64_t>();
  if (j.contains("annotations") && !j["annotations"].is_null()) {
    if (!j["annotations"].is_object()) {
      return InvalidArgumentError(where + ".annotations is not an object");
    }
    for (auto it = j["annotations"].begin(); it != j["annotations"].end(); ++it) {
      if (!it->is_string()) {
        return InvalidArgumentError(where + ".annotations[" + it.key() + "] is not a string");
      }
      d.annotations[it.key()] = it->get<std::string>();
    }
  }
  return d;
}

namespace {

nlohmann::ordered_json DescriptorJson(const Descriptor& d) {
  nlohmann::ordered_json j;
  j["mediaType"] = d.media_type;
  j["size"] = d.size;
  j["digest"] = d.digest;
  if (!d.annotations.empty()) {
    nlohmann::ordered_json a = nlohmann::ordered_json::object();
    for (const auto& [k, v] : d.annotations) a[k] = v;
    j["annotations"] = std::move(a);
  }
  return j;
}

}  // namespace

StatusOr<SignatureManifest> SignatureManifest::Parse(std::string_view json) {
  auto doc = nlohmann::json::parse(json, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) {
    return InvalidArgumentError("signature manifest is not a JSON object");
  }
  if (!doc.contains("schemaVersion") || doc["schemaVersion"] != 2) {
    return InvalidArgumentError("signature manifest: schemaVersion is not 2");
  }
  if (doc.contains("manifests")) {
    return InvalidArgumentError("signature manifest is an index, not an image manifest");
  }
  SignatureManifest m;
  if (!doc.contains("config")) return InvalidArgumentError("signature manifest has no config");
  CN_ASSIGN_OR_RETURN(m.config, ParseDescriptor(doc["config"], "config"));
  if (!doc.contains("layers") || !doc["layers"].is_array()) {
    return InvalidArgumentError("signature manifest has no layers array");
  }
  for (size_t i = 0; i < doc["layers"].size(); ++i) {
    CN_ASSIGN_OR_RETURN(Descriptor d,
                        ParseDescriptor(doc["layers"][i], "layers[" + std::to_string(i) + "]"));
    m.layers.push_back(std::move(d));
  }
  return m;
}

std::string SignatureManifest::Serialize() const {
  nlohmann::ordered_json j;
  j["schemaVersion"] = 2;
  j["mediaType"] = kOciManifestMediaType;
  j["config"] = DescriptorJson(config);
  j["layers"] = nlohmann::ordered_json::array();
  for (const auto& l : layers) j["layers"].push_back(DescriptorJson(l));
  return j.dump();
}

StatusOr<std::string> SignatureTag(std::string_view image_digest) {
  if (!image::IsSha256Digest(image_digest)) {
    return InvalidArgumentError("not a sha256 digest: " + std::string(image_digest));
  }
  return "sha256-" + std::string(image_digest.substr(7)) + ".sig";
}

std::string SignatureConfig(const std::vector<std::string>& layer_digests) {
  nlohmann::ordered_json j;
  j["architecture"] = "";
  j["created"] = "0001-01-01T00:00:00Z";
  j["history"] = nlohmann::ordered_json::array();
  for (size_t i = 0; i < layer_digests.size(); ++i) {
    j["history"].push_back({{"created", "0001-01-01T00:00:00Z"}});
  }
  j["os"] = "";
  j["rootfs"]["type"] = "layers";
  j["rootfs"]["diff_ids"] = layer_digests;
  j["config"] = nlohmann::ordered_json::object();
  return j.dump();
}

}  // namespace connaisseur::cosign
