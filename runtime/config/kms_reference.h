// Key references to a key management service, spelled as cosign's `--key` spells them:
// `awskms://`, `gcpkms://`, `hashivault://`, `azurekms://`, `k8s://`. This is the one list of
// those schemes: the values parser (which key is a PEM to check, which root draws a lint warning)
// and the cosign validator and `connaisseur sign` (which key source to build) all ask here.
#pragma once

#include <string_view>

namespace connaisseur::config {

// Any of the five schemes cosign knows.
bool IsKmsReference(std::string_view key);

// Those this build verifies with: `awskms://` (runtime/aws/) and `hashivault://` (runtime/vault/).
// The others are recognised, and deny with "... not supported yet".
bool IsVerifiedKmsReference(std::string_view key);

// The scheme ("gcpkms://") of a KMS reference, for messages; empty for anything else.
std::string_view KmsScheme(std::string_view key);

}  // namespace connaisseur::config
