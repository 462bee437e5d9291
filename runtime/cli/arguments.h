// Arguments: GNU long-option parsing for the subcommands (`--name value`, `--name=value`, flags,
// positionals, `--` ends options, `-` is a positional meaning stdin). No global state.
#pragma once

#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/status.h"

namespace connaisseur::cli {

struct OptionSpec {
  std::string_view name;  // without the leading "--"
  bool takes_value;       // --name VALUE / --name=VALUE; otherwise a flag
};

class Arguments {
 public:
  // Parses `args` (without the program and subcommand names). Unknown options, missing values,
  // values given to flags and repeated options are kInvalidArgument with a one-line message.
  // `-h` is accepted as `--help`.
  static StatusOr<Arguments> Parse(std::span<const std::string_view> args,
                                   std::span<const OptionSpec> specs);

  bool Has(std::string_view name) const { return values_.count(std::string(name)) != 0; }
  // The option's value, or `fallback` when it was not given.
  std::string Get(std::string_view name, std::string_view fallback = "") const;
  const std::vector<std::string>& positionals() const { return positionals_; }

 private:
  std::map<std::string, std::string> values_;  // flags map to ""
  std::vector<std::string> positionals_;
};

}  // namespace connaisseur::cli
