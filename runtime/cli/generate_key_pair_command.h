// `connaisseur generate-key-pair`: writes a cosign-compatible key pair, `<prefix>.key`
// (ENCRYPTED SIGSTORE PRIVATE KEY, ECDSA P-256) and `<prefix>.pub` (PEM PUBLIC KEY), like
// `cosign generate-key-pair`. Also holds the passphrase source shared with `sign`.
#pragma once

#include <string>

#include "runtime/status.h"

namespace connaisseur::cli {

// argv[0] is the command name ("generate-key-pair"); options follow. Returns the exit code:
// 0 written, 2 usage error or a file that exists / cannot be written.
int RunGenerateKeyPair(int argc, char** argv);

// The passphrase of a cosign key: $COSIGN_PASSWORD when set (even empty), else a prompt on the
// controlling terminal without echo (asked twice when `confirm`). kInvalidArgument when neither
// is available (no variable, no terminal) or the two entries differ.
StatusOr<std::string> CosignPassphrase(bool confirm);

}  // namespace connaisseur::cli
