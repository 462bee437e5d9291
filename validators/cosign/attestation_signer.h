// Attestation signer: writes what `cosign attest --key` writes, so users and tests can attest
// without cosign: the image resolved to its digest, an in-toto statement (v0.1, as cosign)
// naming it with the predicate, signed in a DSSE envelope over its PAE, and pushed either as one
// more layer of the image's `sha256-<hex>.att` manifest or, like cosign v3, in a sigstore
// bundle stored as an OCI referrer of the image (attestations.h, referrers.h). No Rekor entry
// is made (as cosign with --tlog-upload=false).
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "runtime/deadline.h"
#include "runtime/image/image_reference.h"
#include "runtime/registry/registry_client.h"
#include "runtime/status.h"
#include "validators/cosign/dsse_envelope.h"
#include "validators/cosign/signer.h"

namespace connaisseur::cosign {

// The predicate type URI of cosign's `--type` names: slsaprovenance (SLSA v0.2),
// slsaprovenance02, slsaprovenance1 (SLSA v1), spdx and spdxjson, cyclonedx, vuln, custom; any
// value holding "://" is a URI taken as written. kInvalidArgument for anything else.
StatusOr<std::string> PredicateTypeUri(std::string_view type);

// The predicate a predicate file gives: for `custom`, cosign's generic predicate
// {"data": FILE TEXT, "timestamp": `timestamp`}; for every other type the file must be a JSON
// object, taken as it is (kInvalidArgument otherwise).
StatusOr<nlohmann::json> PredicateFromFile(std::string_view type, std::string_view file_text,
                                           std::string_view timestamp);

// The envelope attesting `predicate` of `predicate_type` about `image_digest` (subject named
// `subject_name`), signed by `signer`.
StatusOr<DsseEnvelope> MakeAttestationEnvelope(std::string_view subject_name,
                                               std::string_view image_digest,
                                               std::string_view predicate_type,
                                               const nlohmann::json& predicate,
                                               const PayloadSigner& signer, Deadline deadline);

struct AttestResult {
  std::string image_digest;     // "sha256:<hex>" attested
  std::string manifest_digest;  // the `.att` manifest, or the bundle's referrer manifest
  bool referrers_tag = false;   // bundle: the registry had no referrers API, the tag was written
};

// Resolves `image`, makes the envelope and pushes it: as a `.att` layer, or with `as_bundle` in
// a key-based sigstore bundle referrer.
StatusOr<AttestResult> AttestImage(registry::RegistryClient& client,
                                   const image::ImageReference& image,
                                   std::string_view predicate_type, const nlohmann::json& predicate,
                                   const PayloadSigner& signer, bool as_bundle, Deadline deadline);

}  // namespace connaisseur::cosign
