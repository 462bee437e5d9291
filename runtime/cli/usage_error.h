// How every subcommand reports a usage error: one line naming the command and the problem, a hint
// to its --help, and exit code kExitUsage (docs/cli.md).
#pragma once

#include <string_view>

namespace connaisseur::cli {

// Writes "connaisseur <command>: <message>" and "Try 'connaisseur <command> --help'." to stderr;
// returns kExitUsage.
int UsageError(std::string_view command, std::string_view message);

}  // namespace connaisseur::cli
