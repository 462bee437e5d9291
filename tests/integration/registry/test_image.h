// PushTestImage: a one-layer OCI image (config and layer derived from the repository name, or
// from a seed) put into a registry, for the tests that sign and verify images against the real
// docker-registry.
#pragma once

#include <string>

#include "runtime/crypto/digest.h"
#include "runtime/deadline.h"
#include "runtime/registry/registry_client.h"
#include "runtime/status.h"

namespace connaisseur::testing {

// Pushes the image as `repo:tag` on `host`; returns the manifest digest the registry answered.
// Images of different seeds (default: the repository) have different digests.
inline StatusOr<std::string> PushTestImage(registry::RegistryClient& client,
                                           const std::string& host, const std::string& repo,
                                           const std::string& tag, Deadline deadline,
                                           const std::string& seed = "") {
  const std::string layer = "layer of " + (seed.empty() ? repo : seed);
  const std::string config =
      R"({"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[")" +
      crypto::OciDigest(layer) + R"("]}})";
  CN_RETURN_IF_ERROR(client.PutBlob(host, repo, layer, deadline).status());
  CN_RETURN_IF_ERROR(client.PutBlob(host, repo, config, deadline).status());
  const std::string manifest =
      R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":")" +
      crypto::OciDigest(config) + R"(","size":)" + std::to_string(config.size()) +
      R"(},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":")" +
      crypto::OciDigest(layer) + R"(","size":)" + std::to_string(layer.size()) + "}]}";
  return client.PutManifest(host, repo, tag, manifest, "application/vnd.oci.image.manifest.v1+json",
                            deadline);
}

}  // namespace connaisseur::testing
