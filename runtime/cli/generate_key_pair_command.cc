#include "runtime/cli/generate_key_pair_command.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <span>

#include "runtime/cli/arguments.h"
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

// Reads one line from the terminal with echo off.
StatusOr<std::string> Prompt(int tty, const char* question) {
  if (write(tty, question, std::char_traits<char>::length(question)) < 0) {
    return InvalidArgumentError("cannot write to the terminal");
  }
  termios old_mode{};
  const bool is_term = tcgetattr(tty, &old_mode) == 0;
  if (is_term) {
    termios quiet = old_mode;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    tcsetattr(tty, TCSAFLUSH, &quiet);
  }
  std::string line;
  char c;
  while (read(tty, &c, 1) == 1 && c != '\n') line.push_back(c);
  if (is_term) tcsetattr(tty, TCSAFLUSH, &old_mode);
  if (write(tty, "\n", 1) < 0) { /* the newline is cosmetic */
  }
  return line;
}

// Creates `path` exclusively with mode `mode` and writes `content`.
Status WriteNewFile(const std::string& path, const std::string& content, mode_t mode) {
  const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0) return InvalidArgumentError(path + ": cannot create (exists already?)");
  const bool ok = write(fd, content.data(), content.size()) == static_cast<ssize_t>(content.size());
  const bool closed = close(fd) == 0;
  if (!ok || !closed) return InvalidArgumentError(path + ": write failed");
  return Status::Ok();
}

}  // namespace

StatusOr<std::string> CosignPassphrase(bool confirm) {
  if (const char* env = std::getenv("COSIGN_PASSWORD")) return std::string(env);
  const int tty = open("/dev/tty", O_RDWR | O_CLOEXEC);
  if (tty < 0) {
    return InvalidArgumentError("no passphrase: set COSIGN_PASSWORD or run on a terminal");
  }
  auto first = Prompt(tty, "Enter password for private key: ");
  StatusOr<std::string> result = first;
  if (first.ok() && confirm) {
    auto again = Prompt(tty, "Enter password for private key again: ");
    if (!again.ok() || *again != *first) result = InvalidArgumentError("passwords do not match");
  }
  close(tty);
  return result;
}

int RunGenerateKeyPair(int argc, char** argv) {
  auto args = Arguments::Parse(std::span<char* const>(argv + 1, argc > 0 ? argc - 1 : 0), kSpecs);
  if (!args.ok()) {
    std::fprintf(stderr, "generate-key-pair: %s\n", args.status().message().c_str());
    return 2;
  }
  if (args->Has("help")) {
    std::fputs(kHelp, stdout);
    return 0;
  }
  if (!args->positionals().empty()) {
    std::fputs("generate-key-pair: takes no positional arguments\n", stderr);
    return 2;
  }
  const std::string prefix = args->Get("output-key-prefix", "cosign");
  for (const std::string& path : {prefix + ".key", prefix + ".pub"}) {
    if (access(path.c_str(), F_OK) == 0) {
      std::fprintf(stderr, "generate-key-pair: %s exists; not overwriting it\n", path.c_str());
      return 2;
    }
  }
  auto passphrase = CosignPassphrase(/*confirm=*/true);
  if (!passphrase.ok()) {
    std::fprintf(stderr, "generate-key-pair: %s\n", passphrase.status().message().c_str());
    return 2;
  }
  auto key = crypto::PrivateKey::Generate(crypto::KeyType::kEcdsaP256);
  if (!key.ok()) {
    std::fprintf(stderr, "generate-key-pair: %s\n", key.status().message().c_str());
    return 2;
  }
  auto encrypted = cosign::EncryptCosignKey(*key, *passphrase);
  if (!encrypted.ok()) {
    std::fprintf(stderr, "generate-key-pair: %s\n", encrypted.status().message().c_str());
    return 2;
  }
  for (const auto& [path, content, mode] :
       {std::tuple<std::string, std::string, mode_t>{prefix + ".key", *encrypted, 0600},
        std::tuple<std::string, std::string, mode_t>{prefix + ".pub", key->PublicPem(), 0644}}) {
    Status s = WriteNewFile(path, content, mode);
    if (!s.ok()) {
      std::fprintf(stderr, "generate-key-pair: %s\n", s.message().c_str());
      return 2;
    }
  }
  std::fprintf(stderr, "Private key written to %s.key\nPublic key written to %s.pub\n",
               prefix.c_str(), prefix.c_str());
  return 0;
}

}  // namespace connaisseur::cli
