// connaisseur: the composition root. Dispatches to a subcommand (docs/cli.md); every subcommand has
// --help, and exit codes are 0 success, 1 denied/failed, 2 usage or configuration error.
#include <curl/curl.h>

#include <cstdio>
#include <span>
#include <string_view>

#include "runtime/cli/commands.h"
#include "runtime/cli/generate_key_pair_command.h"
#include "runtime/cli/review_command.h"
#include "runtime/cli/serve_command.h"
#include "runtime/cli/sign_command.h"

namespace connaisseur::cli {
namespace {

constexpr char kVersion[] = "connaisseur 0.1.0\n";

constexpr char kHelp[] = R"(Usage: connaisseur [--version] [--help] <command> [options]

Admits only signed container images: a Kubernetes admission controller whose policy is a
sandboxed Lua script, configured with Connaisseur's helm values.

Commands:
  check    dry-run the policy over images (arguments, a list file, stdin or manifests)
  lint     validate the configuration and policy script; warn about rules that never match
  review   answer one AdmissionReview exactly as the webhook would
  serve    run the admission webhook (HTTPS /mutate, /health, /ready, /metrics)
  test     run policy test cases
  sign     sign an image in its registry as `cosign sign --key` does
  generate-key-pair  write a cosign-compatible key pair

Run 'connaisseur <command> --help' for a command's options.
Exit status: 0 success, 1 an image was denied (check) or a case failed (test), 2 usage,
configuration or policy script error.
)";

int Dispatch(std::span<char* const> args) {
  if (args.empty()) {
    std::fputs("connaisseur: missing command\nTry 'connaisseur --help'.\n", stderr);
    return kExitUsage;
  }
  const std::string_view command = args[0];
  const auto rest = args.subspan(1);
  if (command == "--help" || command == "-h" || command == "help") {
    std::fputs(kHelp, stdout);
    return kExitOk;
  }
  if (command == "--version") {
    std::fputs(kVersion, stdout);
    return kExitOk;
  }
  if (command == "check") return RunCheckCommand(rest);
  if (command == "lint") return RunLintCommand(rest);
  // review/serve take the arguments after their name; sign/generate-key-pair include it.
  char** const after = const_cast<char**>(rest.data());
  if (command == "review") return RunReview(static_cast<int>(rest.size()), after);
  if (command == "serve") return RunServe(static_cast<int>(rest.size()), after);
  if (command == "test") return RunTestCommand(rest);
  char** const from = const_cast<char**>(args.data());
  if (command == "sign") return RunSign(static_cast<int>(args.size()), from);
  if (command == "generate-key-pair")
    return RunGenerateKeyPair(static_cast<int>(args.size()), from);
  std::fprintf(stderr, "connaisseur: unknown command \"%.*s\"\nTry 'connaisseur --help'.\n",
               static_cast<int>(command.size()), command.data());
  return kExitUsage;
}

}  // namespace
}  // namespace connaisseur::cli

int main(int argc, char** argv) {
  // libcurl's global state is set up once, before any thread exists.
  if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
    std::fputs("connaisseur: cannot initialise libcurl\n", stderr);
    return connaisseur::cli::kExitUsage;
  }
  int code;
  // The one catch-all of the CLI: whatever escapes a command fails closed.
  try {
    code = connaisseur::cli::Dispatch(std::span<char* const>(argv + 1, argc > 0 ? argc - 1 : 0));
  } catch (...) {
    std::fputs("connaisseur: internal error\n", stderr);
    code = connaisseur::cli::kExitUsage;
  }
  curl_global_cleanup();
  return code;
}
