// The passphrase of a cosign key file, as `sign` and `generate-key-pair` ask for it.
#pragma once

#include <string>

#include "runtime/status.h"

namespace connaisseur::cli {

// $COSIGN_PASSWORD when set (even empty), else a prompt on the controlling terminal without echo
// (asked twice when `confirm`). kInvalidArgument when neither is available (no variable, no
// terminal) or the two entries differ.
StatusOr<std::string> CosignPassphrase(bool confirm);

}  // namespace connaisseur::cli
