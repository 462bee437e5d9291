// ImageReference: a parsed, normalised container image reference (docs/policy-lua.md "image").
//
// Parse() runs in time linear in the input and never reads past it. Every failure is
// kInvalidArgument with the message `invalid image reference "<raw>": <reason>`.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "runtime/status.h"

namespace connaisseur::image {

class ImageReference {
 public:
  static StatusOr<ImageReference> Parse(std::string_view raw);

  // The reference exactly as given.
  const std::string& raw() const { return raw_; }
  // "docker.io", "registry.io:8080", "[::1]:5000", "localhost".
  const std::string& registry() const { return registry_; }
  // Path below the registry: "library/nginx", "path/to/repo/image".
  const std::string& repository() const { return repository_; }
  // "<registry>/<repository>": the GUN for notary, the name for patches.
  std::string name() const { return registry_ + "/" + repository_; }
  // Tag; absent only for a digest-only reference ("latest" is filled in when neither is given).
  const std::optional<std::string>& tag() const { return tag_; }
  // "sha256:<64 lower-case hex>" when the reference pins a digest.
  const std::optional<std::string>& digest() const { return digest_; }
  // "<registry>/<repository>[:<tag>][@sha256:<hex>]", e.g. "docker.io/library/nginx:latest".
  const std::string& normalized() const { return normalized_; }

  // The same name and tag pinned to `digest` ("sha256:<hex>"): what a JSON patch writes.
  std::string WithDigest(std::string_view digest) const;

  bool operator==(const ImageReference& o) const { return normalized_ == o.normalized_; }

 private:
  ImageReference() = default;
  // Fills the fields from `raw`; the Status holds only the reason, Parse adds the prefix.
  Status ParseInto(std::string_view raw);
  std::string raw_, registry_, repository_, normalized_;
  std::optional<std::string> tag_, digest_;
};

}  // namespace connaisseur::image
