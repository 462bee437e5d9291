// `test`: described by --help per cli.md; until its implementation lands, running it says so
// and exits 2.
#include <cstdio>

#include "runtime/cli/arguments.h"
#include "runtime/cli/commands.h"

namespace connaisseur::cli {
namespace {

constexpr char kTestHelp[] =
    R"(Usage: connaisseur test --config VALUES.yaml [--policy-script FILE.lua] CASES.yaml

Runs policy test cases: each case gives an image or an AdmissionReview and the expected verdict,
rule and/or message substring. Cases run offline with --plan semantics (no validator, no
network) unless a case asks for verification. Prints one line per failing case and
"N passed, M failed".

Options:
  --config FILE          helm values file; required
  --policy-script FILE   Lua policy to use instead of application.policyScript / the default
  -h, --help             show this help

Exit status: 0 every case passed, 1 at least one case failed, 2 usage, configuration or script
error.
)";

constexpr OptionSpec kTestOptions[] = {{"config", true}, {"policy-script", true}, {"help", false}};

int Run(const char* name, const char* help, std::span<const OptionSpec> specs,
        std::span<char* const> argv) {
  auto parsed = Arguments::Parse(argv, specs);
  if (!parsed.ok()) {
    std::fprintf(stderr, "connaisseur %s: %s\nTry 'connaisseur %s --help'.\n", name,
                 parsed.status().message().c_str(), name);
    return kExitUsage;
  }
  if (parsed->Has("help")) {
    std::fputs(help, stdout);
    return kExitOk;
  }
  std::fprintf(stderr, "connaisseur %s: not yet available in this build\n", name);
  return kExitUsage;
}

}  // namespace

int RunTestCommand(std::span<char* const> argv) {
  return Run("test", kTestHelp, kTestOptions, argv);
}

}  // namespace connaisseur::cli
