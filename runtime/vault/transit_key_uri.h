// TransitKeyUri: the `hashivault://KEYNAME` key references cosign accepts, parsed as cosign's
// Vault provider parses them: KEYNAME is one or more word characters (ASCII letters, digits,
// `_`), `-` and `.`, beginning and ending with a word character ("cosign", "team-a.cosign_1").
// Anything else (a path with `/`, an empty name, spaces, control characters, `..` at an end,
// a query) is refused: the name goes into the URL path of the key read, so only names that
// cannot leave that path are accepted. The Vault address, token and transit mount come from the
// environment (runtime/vault/transit_client.h), never from the reference.
#pragma once

#include <string>
#include <string_view>

#include "runtime/status.h"

namespace connaisseur::vault {

inline constexpr std::string_view kHashiVaultScheme = "hashivault://";

struct TransitKeyUri {
  std::string key_name;  // the transit key's name
};

// Whether `text` uses the hashivault scheme at all (then ParseTransitKeyUri decides).
bool IsTransitKeyUri(std::string_view text);

// kInvalidArgument naming the (escaped, shortened) input and the accepted form otherwise.
StatusOr<TransitKeyUri> ParseTransitKeyUri(std::string_view uri);

}  // namespace connaisseur::vault
