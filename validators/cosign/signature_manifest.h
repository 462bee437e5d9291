// SignatureManifest: the OCI image manifest cosign stores at `<repo>:sha256-<hex>.sig`, one layer
// per signature. Each layer is a simple-signing payload blob whose descriptor carries the
// signature (and optionally a Rekor bundle and a certificate) as annotations.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/status.h"

namespace connaisseur::cosign {

inline constexpr std::string_view kSignatureAnnotation = "dev.cosignproject.cosign/signature";
inline constexpr std::string_view kBundleAnnotation = "dev.sigstore.cosign/bundle";
inline constexpr std::string_view kCertificateAnnotation = "dev.sigstore.cosign/certificate";
inline constexpr std::string_view kChainAnnotation = "dev.sigstore.cosign/chain";
inline constexpr std::string_view kOciManifestMediaType =
    "application/vnd.oci.image.manifest.v1+json";
inline constexpr std::string_view kOciConfigMediaType = "application/vnd.oci.image.config.v1+json";

struct Descriptor {
  std::string media_type;
  std::string digest;  // "sha256:<64 lower-case hex>"
  int64_t size = 0;
  std::map<std::string, std::string> annotations;
};

struct SignatureManifest {
  Descriptor config;
  std::vector<Descriptor> layers;

  // Reads a manifest body (OCI or Docker v2 schema 2 shape). kInvalidArgument for malformed
  // JSON, schemaVersion other than 2, a digest that is not sha256 hex, or a negative size.
  static StatusOr<SignatureManifest> Parse(std::string_view json);

  // The manifest as cosign writes it: schemaVersion, mediaType (OCI manifest), config, layers,
  // fields in go-containerregistry's order, compact.
  std::string Serialize() const;
};

// One OCI descriptor (`where` names it in messages): kInvalidArgument unless it is an object with
// a sha256 digest, a non-negative integer size, and string mediaType and annotations if present.
StatusOr<Descriptor> ParseDescriptor(const nlohmann::json& j, const std::string& where);

// "sha256-<hex>.sig" for an image digest "sha256:<hex>"; kInvalidArgument for other digests.
StatusOr<std::string> SignatureTag(std::string_view image_digest);

// The small image config cosign pushes with a signature manifest: empty architecture/os, one
// history entry per layer, rootfs.diff_ids = the layer digests (the verifier ignores it).
std::string SignatureConfig(const std::vector<std::string>& layer_digests);

}  // namespace connaisseur::cosign
