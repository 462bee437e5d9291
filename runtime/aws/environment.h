// Environment: where the AWS settings (credentials, region, endpoints, CA bundle) are read from.
// The process environment in production; a map in tests, so that no test edits its own
// environment. An empty value counts as unset, as in the AWS SDKs.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace connaisseur::aws {

using Environment = std::function<std::optional<std::string>(std::string_view name)>;

// getenv; thread-safe as long as nobody calls setenv (we never do).
Environment ProcessEnvironment();

// A fixed set of variables.
Environment MapEnvironment(std::map<std::string, std::string, std::less<>> variables);

}  // namespace connaisseur::aws
