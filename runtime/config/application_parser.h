// Parsing of the application section: v3 `application:` (and the rendered `{validators,
// policy}` document the chart mounts), with the keys this project adds (docs/configuration.md "Keys
// Connaisseur does not have").
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "runtime/config/config.h"
#include "runtime/config/diagnostics.h"
#include "runtime/config/field_reader.h"

namespace connaisseur::config {

// Reads every application key from `app` into *config. `app` is the `application:` reader
// (v3) or the document's top level (rendered layout).
void ParseApplication(FieldReader& app, Config* config);

// "debug|info|warn|error|fatal" in any case, plus v3.3.4's WARNING and CRITICAL; nullopt if
// none of them.
std::optional<std::string> NormaliseLogLevel(std::string_view level);

// Reads `logLevel` from `r` into *config (reporting an unknown level).
void ParseLogLevel(FieldReader& r, Config* config);

// Chart-only `kubernetes:` (v3): ignored by the binary, but the cheap type checks run so `lint`
// catches a broken chart value.
void CheckKubernetesSection(const nlohmann::json& kubernetes, const std::string& path,
                            Diagnostics& diag);

}  // namespace connaisseur::config
