// Bundle signer: writes what `cosign sign` writes in the sigstore bundle format (cosign v3's
// default), so users and tests can produce it without cosign: the image resolved to its digest,
// an in-toto statement naming that digest (predicateType https://sigstore.dev/cosign/sign/v1)
// signed in a DSSE envelope, the bundle (key-based: no certificate; no tlog entry, as cosign
// with --tlog-upload=false) pushed as an OCI referrer of the image (referrers.h).
#pragma once

#include <string>

#include "runtime/deadline.h"
#include "runtime/image/image_reference.h"
#include "runtime/registry/registry_client.h"
#include "runtime/status.h"
#include "validators/cosign/signer.h"
#include "validators/cosign/sigstore_bundle.h"

namespace connaisseur::cosign {

struct BundleSignResult {
  std::string image_digest;            // "sha256:<hex>" that was signed
  std::string bundle_manifest_digest;  // the referrer manifest pushed
  bool referrers_tag = false;          // the registry had no referrers API: the tag was written
};

// The bundle `cosign sign` makes for `image_digest` with `signer` (no tlog entries).
StatusOr<SigstoreBundle> MakeSignatureBundle(std::string_view image_digest,
                                             const PayloadSigner& signer, Deadline deadline);

StatusOr<BundleSignResult> SignImageBundle(registry::RegistryClient& client,
                                           const image::ImageReference& image,
                                           const PayloadSigner& signer, Deadline deadline);

}  // namespace connaisseur::cosign
