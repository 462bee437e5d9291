#include "validators/cosign/referrers.h"

#include <nlohmann/json.hpp>

#include "runtime/crypto/digest.h"
#include "runtime/image/content_digest.h"
#include "runtime/registry/media_types.h"
#include "validators/cosign/signature_manifest.h"

namespace connaisseur::cosign {

namespace {

using nlohmann::json;
using nlohmann::ordered_json;

constexpr std::string_view kEmptyConfig = "{}";

std::string StringMember(const json& obj, const char* key) {
  if (!obj.is_object()) return "";
  auto it = obj.find(key);
  return it != obj.end() && it->is_string() ? it->get<std::string>() : "";
}

// The descriptors of a referrers index (API answer or referrers tag) whose artifactType is the
// sigstore bundle type, at most kMaxBundleReferrers.
StatusOr<std::vector<Descriptor>> BundleDescriptors(std::string_view index_json,
                                                    const std::string& where) {
  auto doc = json::parse(index_json, nullptr, false);
  if (doc.is_discarded() || !doc.is_object() || !doc.contains("manifests") ||
      !doc["manifests"].is_array()) {
    return InvalidArgumentError(where + " is not an image index");
  }
  std::vector<Descriptor> out;
  for (size_t i = 0; i < doc["manifests"].size() && out.size() < kMaxBundleReferrers; ++i) {
    const json& m = doc["manifests"][i];
    if (StringMember(m, "artifactType") != kSigstoreBundleMediaType) continue;
    CN_ASSIGN_OR_RETURN(Descriptor d,
                        ParseDescriptor(m, where + ".manifests[" + std::to_string(i) + "]"));
    out.push_back(std::move(d));
  }
  return out;
}

// The bundle layer of a referrer manifest, after checking its layout names `image_digest`.
StatusOr<Descriptor> BundleLayer(std::string_view manifest_json, std::string_view image_digest) {
  auto doc = json::parse(manifest_json, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) return InvalidArgumentError("not a JSON object");
  if (StringMember(doc, "artifactType") != kSigstoreBundleMediaType) {
    return InvalidArgumentError("artifactType is not the sigstore bundle type");
  }
  if (!doc.contains("subject") ||
      StringMember(doc["subject"], "digest") != std::string(image_digest)) {
    return InvalidArgumentError("subject is not the image " + std::string(image_digest));
  }
  if (!doc.contains("layers") || !doc["layers"].is_array() || doc["layers"].size() != 1) {
    return InvalidArgumentError("has not exactly one layer");
  }
  CN_ASSIGN_OR_RETURN(Descriptor layer, ParseDescriptor(doc["layers"][0], "layers[0]"));
  if (layer.media_type != kSigstoreBundleMediaType) {
    return InvalidArgumentError("layer is not a sigstore bundle");
  }
  return layer;
}

// The index listing the referrers, and where it was read; nullopt: no referrers at all.
StatusOr<std::optional<std::string>> ReferrersIndex(registry::RegistryClient& client,
                                                    std::string_view registry,
                                                    std::string_view repository,
                                                    std::string_view image_digest,
                                                    Deadline deadline, std::string* looked_at) {
  *looked_at = "the referrers API";
  CN_ASSIGN_OR_RETURN(auto listed, client.GetReferrers(registry, repository, image_digest,
                                                       kSigstoreBundleMediaType, deadline));
  if (listed) return listed;
  CN_ASSIGN_OR_RETURN(std::string tag, ReferrersTag(image_digest));
  *looked_at = "the referrers tag " + tag;
  auto index = client.GetManifest(registry, repository, tag, deadline);
  if (!index.ok() && index.status().code() == StatusCode::kNotFound) {
    return std::optional<std::string>();
  }
  if (!index.ok()) return index.status();
  return std::optional<std::string>(std::move(index->body));
}

}  // namespace

StatusOr<std::string> ReferrersTag(std::string_view image_digest) {
  if (!image::IsSha256Digest(image_digest)) {
    return InvalidArgumentError("not a sha256 digest: " + std::string(image_digest));
  }
  return "sha256-" + std::string(image_digest.substr(7));
}

StatusOr<BundleSearch> FindSignatureBundles(registry::RegistryClient& client,
                                            std::string_view registry, std::string_view repository,
                                            std::string_view image_digest, Deadline deadline) {
  BundleSearch search;
  CN_ASSIGN_OR_RETURN(auto index, ReferrersIndex(client, registry, repository, image_digest,
                                                 deadline, &search.looked_at));
  if (!index) return search;
  CN_ASSIGN_OR_RETURN(auto descriptors, BundleDescriptors(*index, search.looked_at));
  bool wants_manifest = false;
  for (const Descriptor& d : descriptors) {
    CN_ASSIGN_OR_RETURN(auto manifest,
                        client.GetManifest(registry, repository, d.digest, deadline));
    auto layer = BundleLayer(manifest.body, image_digest);
    if (!layer.ok()) {
      search.bundles.push_back({d.digest, layer.status()});
      continue;
    }
    CN_ASSIGN_OR_RETURN(std::string blob,
                        client.GetBlob(registry, repository, layer->digest, layer->size, deadline));
    auto bundle = SigstoreBundle::Parse(blob);
    wants_manifest = wants_manifest || (bundle.ok() && bundle->message_signature);
    search.bundles.push_back({d.digest, std::move(bundle)});
  }
  if (wants_manifest) {
    CN_ASSIGN_OR_RETURN(auto manifest,
                        client.GetManifest(registry, repository, image_digest, deadline));
    search.image_manifest = std::move(manifest.body);
  }
  return search;
}

namespace {

ordered_json DescriptorJson(std::string_view media_type, std::string_view digest, size_t size) {
  ordered_json j;
  j["mediaType"] = media_type;
  j["digest"] = digest;
  j["size"] = size;
  return j;
}

// The referrers tag's index with `entry` appended (`existing`: its current body, or empty).
StatusOr<std::string> IndexWith(const std::string& existing, const ordered_json& entry) {
  ordered_json index;
  if (existing.empty()) {
    index["schemaVersion"] = 2;
    index["mediaType"] = registry::kOciIndex;
    index["manifests"] = ordered_json::array();
  } else {
    index = ordered_json::parse(existing, nullptr, false);
    if (index.is_discarded() || !index.is_object() || !index.contains("manifests") ||
        !index["manifests"].is_array()) {
      return InvalidArgumentError("the referrers tag does not hold an image index");
    }
  }
  for (const auto& m : index["manifests"]) {
    if (m.is_object() && m.contains("digest") && m["digest"] == entry["digest"]) {
      return index.dump();
    }
  }
  index["manifests"].push_back(entry);
  return index.dump();
}

}  // namespace

StatusOr<PublishedBundle> PublishBundle(registry::RegistryClient& client, std::string_view registry,
                                        std::string_view repository,
                                        const registry::Manifest& image,
                                        const SigstoreBundle& bundle, Deadline deadline) {
  CN_ASSIGN_OR_RETURN(std::string tag, ReferrersTag(image.digest));
  const std::string bundle_json = bundle.Serialize();
  CN_ASSIGN_OR_RETURN(std::string blob,
                      client.PutBlob(registry, repository, bundle_json, deadline));
  CN_ASSIGN_OR_RETURN(std::string config,
                      client.PutBlob(registry, repository, kEmptyConfig, deadline));
  ordered_json manifest;
  manifest["schemaVersion"] = 2;
  manifest["mediaType"] = kOciManifestMediaType;
  manifest["artifactType"] = kSigstoreBundleMediaType;
  manifest["config"] = DescriptorJson(kEmptyConfigMediaType, config, kEmptyConfig.size());
  ordered_json layer = DescriptorJson(kSigstoreBundleMediaType, blob, bundle_json.size());
  layer["annotations"]["org.opencontainers.image.title"] =
      "sha256-" + blob.substr(7) + ".sigstore.json";
  manifest["layers"] = ordered_json::array({layer});
  manifest["subject"] = DescriptorJson(image.media_type, image.digest, image.body.size());
  const char* content = bundle.dsse_envelope ? "dsse-envelope" : "message-signature";
  manifest["annotations"]["dev.sigstore.bundle.content"] = content;
  const std::string body = manifest.dump();

  PublishedBundle published;
  bool indexed = false;
  CN_ASSIGN_OR_RETURN(published.manifest_digest,
                      client.PutManifest(registry, repository, crypto::OciDigest(body), body,
                                         kOciManifestMediaType, deadline, &indexed));
  if (indexed) return published;
  // No referrers API: keep the referrers tag's index (read, append, write back).
  std::string existing;
  auto current = client.GetManifest(registry, repository, tag, deadline);
  if (current.ok()) {
    existing = std::move(current->body);
  } else if (current.status().code() != StatusCode::kNotFound) {
    return current.status().WithPrefix("reading the referrers tag " + tag);
  }
  ordered_json entry =
      DescriptorJson(kOciManifestMediaType, published.manifest_digest, body.size());
  entry["artifactType"] = kSigstoreBundleMediaType;
  entry["annotations"]["dev.sigstore.bundle.content"] = content;
  CN_ASSIGN_OR_RETURN(std::string index, IndexWith(existing, entry));
  CN_RETURN_IF_ERROR(
      client.PutManifest(registry, repository, tag, index, registry::kOciIndex, deadline).status());
  published.referrers_tag = true;
  return published;
}

}  // namespace connaisseur::cosign
