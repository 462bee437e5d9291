// RFC 3339 timestamps as TUF `expires` fields carry them ("2030-01-02T03:04:05.123456789Z",
// "2030-01-02T03:04:05+01:00"), and the expiry check every role must pass.
#pragma once

#include <chrono>
#include <string_view>

#include "runtime/status.h"

namespace connaisseur::notaryv1 {

using SystemTime = std::chrono::system_clock::time_point;

// Strict: "YYYY-MM-DDTHH:MM:SS[.f{1,9}](Z|±hh:mm)", 'T'/'Z' in either case, fields in range.
// Anything else is kInvalidArgument.
StatusOr<SystemTime> ParseRfc3339(std::string_view text);

}  // namespace connaisseur::notaryv1
