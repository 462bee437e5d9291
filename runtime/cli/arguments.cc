#include "runtime/cli/arguments.h"

#include <algorithm>
#include <optional>

namespace connaisseur::cli {

StatusOr<Arguments> Arguments::Parse(std::span<const std::string_view> args,
                                     std::span<const OptionSpec> specs) {
  Arguments out;
  bool options_done = false;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string_view arg = args[i];
    if (options_done || arg == "-" || arg.empty() || arg[0] != '-') {
      out.positionals_.emplace_back(arg);
      continue;
    }
    if (arg == "--") {
      options_done = true;
      continue;
    }
    if (arg == "-h") {
      out.values_["help"] = "";
      continue;
    }
    if (arg.substr(0, 2) != "--") {
      return InvalidArgumentError("unknown option " + std::string(arg));
    }
    std::string_view name = arg.substr(2);
    std::optional<std::string_view> inline_value;
    if (size_t eq = name.find('='); eq != std::string_view::npos) {
      inline_value = name.substr(eq + 1);
      name = name.substr(0, eq);
    }
    auto spec = std::find_if(specs.begin(), specs.end(),
                             [&](const OptionSpec& s) { return s.name == name; });
    if (spec == specs.end()) return InvalidArgumentError("unknown option --" + std::string(name));
    const std::string key(name);
    if (out.values_.count(key) != 0) {
      return InvalidArgumentError("option --" + key + " given more than once");
    }
    if (!spec->takes_value) {
      if (inline_value) return InvalidArgumentError("option --" + key + " takes no value");
      out.values_[key] = "";
      continue;
    }
    if (inline_value) {
      out.values_[key] = std::string(*inline_value);
    } else if (i + 1 < args.size()) {
      out.values_[key] = args[++i];
    } else {
      return InvalidArgumentError("option --" + key + " needs a value");
    }
  }
  return out;
}

std::string Arguments::Get(std::string_view name, std::string_view fallback) const {
  auto it = values_.find(std::string(name));
  return it == values_.end() ? std::string(fallback) : it->second;
}

}  // namespace connaisseur::cli
