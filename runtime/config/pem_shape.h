// Shape checks of PEM text in the configuration (armour only; the validators parse the keys).
//
// Catching a truncated or mis-indented key at load time gives the user a line number instead
// of a deny at the first admission. The messages never quote the PEM text.
#pragma once

#include <string_view>

#include "runtime/status.h"

namespace connaisseur::config {

// Exactly one `-----BEGIN PUBLIC KEY-----` … `-----END PUBLIC KEY-----` block with a base64
// body; only whitespace around it. Bare base64 without armour is rejected.
Status CheckPublicKeyPem(std::string_view text);

// One or more `CERTIFICATE` blocks with base64 bodies, only whitespace between them.
Status CheckCertificatePem(std::string_view text);

}  // namespace connaisseur::config
