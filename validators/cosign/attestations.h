// Attestations: where cosign stores the DSSE-enveloped in-toto statements it attests about an
// image, and how they are read and written (attestation_verifier.h judges them).
//   - The `.att` layout (`cosign attest`): tag `sha256-<hex>.att` in the image's repository, an
//     OCI image manifest like the `.sig` one whose layers are DSSE envelopes (media type
//     application/vnd.dsse.envelope.v1+json), one per attestation, annotated with
//     `predicateType` and an empty `dev.cosignproject.cosign/signature`; a Rekor bundle
//     (dev.sigstore.cosign/bundle) and a certificate when cosign logged or signed keyless.
//   - Sigstore bundles (cosign v3's default): a bundle whose dsseEnvelope holds the statement,
//     stored as an OCI referrer of the image exactly like a signature bundle (referrers.h).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "runtime/deadline.h"
#include "runtime/registry/registry_client.h"
#include "runtime/status.h"
#include "validators/cosign/attestation_verifier.h"
#include "validators/cosign/bundle_verifier.h"

namespace connaisseur::cosign {

// The annotation cosign puts on each `.att` layer (unauthenticated; never trusted).
inline constexpr std::string_view kPredicateTypeAnnotation = "predicateType";

// At most this many `.att` layers are read per image; the rest are reported, never read, so a
// registry cannot make one verification fetch without bound.
inline constexpr size_t kMaxAttestationLayers = 32;

// "sha256-<hex>.att" for an image digest "sha256:<hex>"; kInvalidArgument for other digests.
StatusOr<std::string> AttestationTag(std::string_view image_digest);

// The envelopes of `image_digest`'s `.att` manifest (none when the tag is absent): each layer of
// the DSSE media type fetched (digest and size checked) and parsed; a layer that does not parse
// is kept as a malformed envelope. `*overflow` gets a reason when layers beyond
// kMaxAttestationLayers were left unread. Registry errors other than "not found" fail.
StatusOr<std::vector<FoundEnvelope>> FindAttestationLayers(
    registry::RegistryClient& client, std::string_view registry, std::string_view repository,
    std::string_view image_digest, Deadline deadline, std::string* overflow);

// The DSSE envelopes of the bundles found among the image's referrers (messageSignature bundles
// are signatures and are left out; a malformed bundle is kept as a malformed envelope).
std::vector<FoundEnvelope> EnvelopesOfBundles(const std::vector<FetchedBundle>& bundles);

// Appends `envelope` (about the image `image_digest`, predicate type `predicate_type`) as one
// more layer to the image's `.att` manifest, creating it when absent; returns the manifest's
// digest.
StatusOr<std::string> PublishAttestationLayer(registry::RegistryClient& client,
                                              std::string_view registry,
                                              std::string_view repository,
                                              std::string_view image_digest,
                                              const DsseEnvelope& envelope,
                                              std::string_view predicate_type, Deadline deadline);

}  // namespace connaisseur::cosign
