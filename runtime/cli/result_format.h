// Rendering of CheckResults: JSON objects (for `json` and `jsonl`) and the human table.
// Rendering never fails: invalid UTF-8 in an image string becomes U+FFFD in JSON, and control
// characters are escaped (JSON) or replaced (table) so input cannot forge output lines or
// terminal escape sequences.
#pragma once

#include <string>
#include <vector>

#include "runtime/cli/check_result.h"

namespace connaisseur::cli {

// Appends `{"image":…,"normalized":…,"rule":…,"validator":…,"verdict":…,"digest":…,"reason":…,
// "source":…}` (no newline) to `out`. `source` is null, or for an image from a manifest
// `{"file":…,"line":…,"kind":…,"namespace":…,"name":…,"path":…}` (namespace and name null when
// the manifest sets none).
void AppendJsonObject(const CheckResult& result, std::string* out);

// Appends `text` as a JSON string literal (with quotes) to `out`.
void AppendJsonString(std::string_view text, std::string* out);

// The table: a header, one row per result, widths fitted to the content (long cells are cut).
// When any image came from a manifest, FILE (file:line), OBJECT (kind namespace/name) and PATH
// columns follow IMAGE.
std::string RenderTable(const std::vector<CheckResult>& results);

}  // namespace connaisseur::cli
