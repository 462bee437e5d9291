// How a name taken from unauthenticated input (an entry's kind, an envelope's payloadType) is
// quoted in a message: at most kMaxShown characters, then "...", so that a signer or registry
// cannot flood the messages that reach logs, alerts and Lua policies.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace connaisseur::cosign {

inline constexpr size_t kMaxShown = 64;

// The first kMaxShown characters of `name`, with "..." when it was longer.
inline std::string Shown(std::string_view name) {
  if (name.size() <= kMaxShown) return std::string(name);
  return std::string(name.substr(0, kMaxShown)) + "...";
}

}  // namespace connaisseur::cosign
