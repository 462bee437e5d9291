// Referrers: sigstore bundles stored as OCI referrers of an image (OCI distribution 1.1, and
// cosign's bundle layout). A bundle is a blob of media type
// application/vnd.dev.sigstore.bundle.v0.3+json, the single layer of an OCI image manifest with
// that `artifactType`, an empty config (application/vnd.oci.empty.v1+json, `{}`) and `subject` =
// the image's descriptor. A registry with the referrers API lists such manifests at
// GET /v2/<repo>/referrers/<digest>; one without it (it answers 404 there) gets an image index
// under the referrers tag `sha256-<hex>` that the writer keeps up to date.
// Finding reads both ways; publishing writes the manifest and, when the registry did not index
// its subject (no OCI-Subject header), the referrers tag.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/deadline.h"
#include "runtime/registry/registry_client.h"
#include "runtime/status.h"
#include "validators/cosign/bundle_verifier.h"

namespace connaisseur::cosign {

inline constexpr std::string_view kEmptyConfigMediaType = "application/vnd.oci.empty.v1+json";

// At most this many bundle referrers are read per image; a listing that names more is served by
// a hostile or confused registry, and only the first ones count (fail closed: never more
// signatures than were checked).
inline constexpr size_t kMaxBundleReferrers = 16;

// The referrers tag of an image digest: "sha256-<hex>"; kInvalidArgument for other digests.
StatusOr<std::string> ReferrersTag(std::string_view image_digest);

// The bundles found for one image, and where they were looked for.
struct BundleSearch {
  std::vector<FetchedBundle> bundles;
  // "the referrers API" or "the referrers tag sha256-<hex>", for "no signatures found" messages.
  std::string looked_at;
  // The image manifest's bytes, fetched (by digest, so verified) only when a bundle holds a
  // messageSignature.
  std::optional<std::string> image_manifest;
};

// Lists the referrers of `image_digest` in `repository` through the referrers API, or the
// referrers tag when the API answers 404 (a missing tag: no bundles), keeps the descriptors
// whose artifactType is the sigstore bundle type, fetches each manifest by digest and checks
// that its artifactType, subject (= `image_digest`) and single bundle layer are as above, then
// fetches the bundle blob (digest and size verified). A referrer that breaks the layout is kept
// as a malformed bundle (it never counts). Registry errors other than "not found" fail: the
// caller denies.
StatusOr<BundleSearch> FindSignatureBundles(registry::RegistryClient& client,
                                            std::string_view registry, std::string_view repository,
                                            std::string_view image_digest, Deadline deadline);

// Where a bundle was published.
struct PublishedBundle {
  std::string manifest_digest;
  bool referrers_tag = false;  // the referrers tag was written (the registry has no API)
};

// Pushes `bundle` as a referrer of `image` (as GetManifest served it): the bundle blob, the empty
// config, the manifest (by digest), and, unless the registry acknowledged the subject with
// OCI-Subject, appends the manifest to the index under the referrers tag (created when absent;
// a manifest already listed is not listed twice). The read-modify-write of that tag is not
// atomic: two signers racing on one image can lose one entry, as with cosign.
StatusOr<PublishedBundle> PublishBundle(registry::RegistryClient& client, std::string_view registry,
                                        std::string_view repository,
                                        const registry::Manifest& image,
                                        const SigstoreBundle& bundle, Deadline deadline);

}  // namespace connaisseur::cosign
