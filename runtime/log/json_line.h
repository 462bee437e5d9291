// AppendJsonLine: one log line, {"time":..,"level":..,"msg":..,<fields>}\n, appended to a
// caller's buffer without building a JSON tree: the formatter of JsonLogger's Field lines.
// Strings are escaped as JSON; invalid UTF-8 becomes U+FFFD (log text may come from hostile
// input); a field named time, level or msg is written as field_<name>, never overwriting the
// line's own; non-finite numbers are null.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "runtime/log/log_field.h"

namespace connaisseur::log {

void AppendJsonLine(std::string& out, std::string_view time, std::string_view level,
                    std::string_view msg, std::span<const Field> fields);

// `text` as a JSON string literal, quotes included.
void AppendJsonString(std::string& out, std::string_view text);

}  // namespace connaisseur::log
