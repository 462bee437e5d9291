#include "runtime/cli/command_line.h"

#include <cstdio>

#include "runtime/cli/commands.h"
#include "runtime/cli/usage_error.h"

namespace connaisseur::cli {

std::optional<Arguments> ParseCommandLine(const CommandSpec& command,
                                          std::span<const std::string_view> args, int* exit_code) {
  auto parsed = Arguments::Parse(args, command.options);
  if (!parsed.ok()) {
    *exit_code = UsageError(command.name, parsed.status().message());
    return std::nullopt;
  }
  if (parsed->Has("help")) {
    std::fwrite(command.help.data(), 1, command.help.size(), stdout);
    *exit_code = kExitOk;
    return std::nullopt;
  }
  return std::move(parsed).value();
}

EnvironmentOptions EnvironmentOptionsFrom(const Arguments& args) {
  return {args.Get("config"), args.Get("policy-script"), args.Get("alert-config")};
}

}  // namespace connaisseur::cli
