#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <span>

#include "runtime/cli/command_line.h"
#include "runtime/cli/commands.h"
#include "runtime/cli/cosign_passphrase.h"
#include "runtime/cli/usage_error.h"
#include "runtime/crypto/private_key.h"
#include "validators/cosign/encrypted_key.h"

namespace connaisseur::cli {
namespace {

constexpr char kHelp[] = R"(Usage: connaisseur generate-key-pair [--output-key-prefix PREFIX]

Generates an ECDSA P-256 key pair in cosign's format: PREFIX.key holds the private key encrypted
with a passphrase (scrypt + nacl/secretbox, "ENCRYPTED SIGSTORE PRIVATE KEY"), PREFIX.pub the
public key to put in a cosign validator's trustRoots. The passphrase comes from COSIGN_PASSWORD
or, when it is unset, from a prompt on the terminal. Existing files are never overwritten.

Options:
  --output-key-prefix PREFIX   file name prefix (default "cosign")
  -h, --help                   show this help

Exit status: 0 written, 2 usage error, existing file or write failure.
)";

constexpr std::array<OptionSpec, 2> kSpecs{{{"output-key-prefix", true}, {"help", false}}};

// Creates `path` exclusively with mode `mode` and writes `content`.
Status WriteNewFile(const std::string& path, const std::string& content, mode_t mode) {
  const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0) return InvalidArgumentError(path + ": cannot create (exists already?)");
  const bool ok = write(fd, content.data(), content.size()) == static_cast<ssize_t>(content.size());
  const bool closed = close(fd) == 0;
  if (!ok || !closed) return InvalidArgumentError(path + ": write failed");
  return Status::Ok();
}

// Writes a new key pair to `<prefix>.key` (encrypted with a passphrase asked for twice) and
// `<prefix>.pub`; refuses to overwrite either file.
Status WriteKeyPair(const std::string& prefix) {
  for (const std::string& path : {prefix + ".key", prefix + ".pub"}) {
    if (access(path.c_str(), F_OK) == 0) {
      return InvalidArgumentError(path + " exists; not overwriting it");
    }
  }
  CN_ASSIGN_OR_RETURN(const std::string passphrase, CosignPassphrase(/*confirm=*/true));
  CN_ASSIGN_OR_RETURN(crypto::PrivateKey key,
                      crypto::PrivateKey::Generate(crypto::KeyType::kEcdsaP256));
  CN_ASSIGN_OR_RETURN(const std::string encrypted, cosign::EncryptCosignKey(key, passphrase));
  CN_RETURN_IF_ERROR(WriteNewFile(prefix + ".key", encrypted, 0600));
  return WriteNewFile(prefix + ".pub", key.PublicPem(), 0644);
}

}  // namespace

int RunGenerateKeyPair(std::span<const std::string_view> args) {
  int exit_code = kExitOk;
  const auto parsed = ParseCommandLine({"generate-key-pair", kSpecs, kHelp}, args, &exit_code);
  if (!parsed) return exit_code;
  if (!parsed->positionals().empty()) {
    return UsageError("generate-key-pair", "takes no positional arguments");
  }
  const std::string prefix = parsed->Get("output-key-prefix", "cosign");
  if (Status written = WriteKeyPair(prefix); !written.ok()) {
    std::fprintf(stderr, "connaisseur generate-key-pair: %s\n", written.message().c_str());
    return kExitUsage;
  }
  std::fprintf(stderr, "Private key written to %s.key\nPublic key written to %s.pub\n",
               prefix.c_str(), prefix.c_str());
  return kExitOk;
}

}  // namespace connaisseur::cli
