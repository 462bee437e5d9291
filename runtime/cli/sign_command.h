// `connaisseur sign`: signs an image in its registry exactly as `cosign sign --key` does
// (validators/cosign/signer.h), with cosign's encrypted key files or plain PEM keys.
#pragma once

namespace connaisseur::cli {

// argv[0] is the command name ("sign"); options and the image follow. Returns the exit code:
// 0 signed, 1 the registry or signing failed, 2 usage error or unreadable key.
int RunSign(int argc, char** argv);

}  // namespace connaisseur::cli
