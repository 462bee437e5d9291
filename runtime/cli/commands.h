// The subcommands of `connaisseur` owned by runtime/cli/ (review, serve, sign and
// generate-key-pair have their own headers). Each takes the arguments after its name, writes
// results to stdout and diagnostics to stderr, and returns the process exit code (docs/cli.md: 0, 1
// or 2).
#pragma once

#include <span>

namespace connaisseur::cli {

int RunCheckCommand(std::span<char* const> args);
int RunLintCommand(std::span<char* const> args);
int RunTestCommand(std::span<char* const> args);

// Exit codes shared by every subcommand.
inline constexpr int kExitOk = 0;
inline constexpr int kExitDenied = 1;  // check: an image denied; test: a case failed
inline constexpr int kExitUsage = 2;   // usage, configuration or script error

}  // namespace connaisseur::cli
