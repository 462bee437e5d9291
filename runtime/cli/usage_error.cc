#include "runtime/cli/usage_error.h"

#include <cstdio>

#include "runtime/cli/commands.h"

namespace connaisseur::cli {

int UsageError(std::string_view command, std::string_view message) {
  std::fprintf(stderr, "connaisseur %.*s: %.*s\nTry 'connaisseur %.*s --help'.\n",
               static_cast<int>(command.size()), command.data(), static_cast<int>(message.size()),
               message.data(), static_cast<int>(command.size()), command.data());
  return kExitUsage;
}

}  // namespace connaisseur::cli
