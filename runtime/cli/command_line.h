// How every subcommand starts: its options parsed, `--help` answered and a usage error reported
// the one way (runtime/cli/usage_error.h), so the commands differ only in what they then do.
#pragma once

#include <optional>
#include <span>
#include <string_view>

#include "runtime/cli/arguments.h"
#include "runtime/cli/policy_environment.h"

namespace connaisseur::cli {

struct CommandSpec {
  std::string_view name;                // "serve": names the command in usage errors
  std::span<const OptionSpec> options;  // every option it accepts
  std::string_view help;                // printed to stdout for --help / -h
};

// Parses `args` (those after the command's name) against `command`. Returns the arguments to run
// with, or nullopt when the command is already done: its help was printed (`*exit_code` is
// kExitOk) or a usage error was (kExitUsage).
std::optional<Arguments> ParseCommandLine(const CommandSpec& command,
                                          std::span<const std::string_view> args, int* exit_code);

// --config, --policy-script and --alert-config, as every command that reads a values file takes
// them.
EnvironmentOptions EnvironmentOptionsFrom(const Arguments& args);

}  // namespace connaisseur::cli
