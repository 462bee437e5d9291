// connaisseur: the composition root. Dispatches to a subcommand (docs/cli.md); every subcommand has
// --help, and exit codes are 0 success, 1 denied/failed, 2 usage or configuration error.
#include <curl/curl.h>

#include <cstdio>
#include <span>
#include <string_view>
#include <vector>

#include "runtime/cli/commands.h"

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

struct Command {
  std::string_view name;
  int (*run)(std::span<const std::string_view> args);  // the arguments after the name
};

constexpr Command kCommands[] = {
    {"check", RunCheckCommand},
    {"lint", RunLintCommand},
    {"test", RunTestCommand},
    {"review", RunReview},
    {"serve", RunServe},
    {"sign", RunSign},
    {"generate-key-pair", RunGenerateKeyPair},
};

int Dispatch(std::span<char* const> argv) {
  if (argv.empty()) {
    std::fputs("connaisseur: missing command\nTry 'connaisseur --help'.\n", stderr);
    return kExitUsage;
  }
  const std::string_view command = argv[0];
  const std::vector<std::string_view> rest(argv.begin() + 1, argv.end());
  if (command == "--help" || command == "-h" || command == "help") {
    std::fputs(kHelp, stdout);
    return kExitOk;
  }
  if (command == "--version") {
    std::fputs(kVersion, stdout);
    return kExitOk;
  }
  for (const Command& c : kCommands) {
    if (command == c.name) return c.run(rest);
  }
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
