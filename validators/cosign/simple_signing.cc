#include "validators/cosign/simple_signing.h"

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>

namespace connaisseur::cosign {

namespace {

// A JSON string literal with the escaping Go's encoding/json applies (<, >, & as \u00XX).
std::string Quote(std::string_view s) {
  std::string q = nlohmann::json(std::string(s)).dump();
  std::string out;
  for (char c : q) {
    if (c == '<') {
      out += "\\u003c";
    } else if (c == '>') {
      out += "\\u003e";
    } else if (c == '&') {
      out += "\\u0026";
    } else {
      out.push_back(c);
    }
  }
  return out;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

// obj[key] matched case-insensitively (Go's json.Unmarshal into a struct does that), or null.
const nlohmann::json* Field(const nlohmann::json& obj, std::string_view key) {
  if (!obj.is_object()) return nullptr;
  auto exact = obj.find(std::string(key));
  if (exact != obj.end()) return &*exact;
  for (auto it = obj.begin(); it != obj.end(); ++it) {
    if (EqualsIgnoreCase(it.key(), key)) return &it.value();
  }
  return nullptr;
}

}  // namespace

std::string SimpleSigning::Serialize() const {
  std::string out = R"({"critical":{"identity":{"docker-reference":)" + Quote(docker_reference) +
                    R"(},"image":{"docker-manifest-digest":)" + Quote(manifest_digest) +
                    R"(},"type":)" + Quote(type) + R"(},"optional":)";
  if (optional.empty()) {
    out += "null";
  } else {
    out += "{";
    bool first = true;
    for (const auto& [k, v] : optional) {  // std::map: sorted, as Go sorts map keys
      if (!first) out += ",";
      first = false;
      out += Quote(k) + ":" + Quote(v);
    }
    out += "}";
  }
  out += "}";
  return out;
}

StatusOr<SimpleSigning> SimpleSigning::Parse(std::string_view payload) {
  auto doc = nlohmann::json::parse(payload, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) {
    return InvalidArgumentError("signature payload is not a JSON object");
  }
  const nlohmann::json* critical = Field(doc, "critical");
  if (critical == nullptr || !critical->is_object()) {
    return InvalidArgumentError("signature payload has no \"critical\" object");
  }
  SimpleSigning s;
  const nlohmann::json* type = Field(*critical, "type");
  if (type == nullptr || !type->is_string()) {
    return InvalidArgumentError("signature payload has no critical.type");
  }
  s.type = type->get<std::string>();
  const nlohmann::json* image = Field(*critical, "image");
  const nlohmann::json* digest =
      image == nullptr ? nullptr : Field(*image, "docker-manifest-digest");
  if (digest == nullptr || !digest->is_string()) {
    return InvalidArgumentError("signature payload has no critical.image.docker-manifest-digest");
  }
  s.manifest_digest = digest->get<std::string>();
  const nlohmann::json* identity = Field(*critical, "identity");
  const nlohmann::json* ref = identity == nullptr ? nullptr : Field(*identity, "docker-reference");
  if (ref != nullptr && ref->is_string()) s.docker_reference = ref->get<std::string>();
  const nlohmann::json* optional = Field(doc, "optional");
  if (optional != nullptr && optional->is_object()) {
    for (auto it = optional->begin(); it != optional->end(); ++it) {
      if (it->is_string()) s.optional[it.key()] = it->get<std::string>();
    }
  }
  return s;
}

std::string DockerReference(std::string_view registry, std::string_view repository) {
  std::string host(registry);
  if (host == "docker.io") host = "index.docker.io";
  return host + "/" + std::string(repository);
}

}  // namespace connaisseur::cosign
