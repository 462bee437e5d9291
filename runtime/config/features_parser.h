// Parsing of `application.features` (docs/configuration.md "Features") and of the v2 top-level
// flags.
//
// "Consistent feature toggles": a feature given as a mapping is enabled with those options,
// `true`/`false` enable/disable it, absent means the default, anything else is an error (never
// a silent default, unlike Connaisseur's lenient environment parsing).
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "runtime/config/config.h"
#include "runtime/config/diagnostics.h"
#include "runtime/config/field_reader.h"

namespace connaisseur::config {

// Longest cache lifetime: a revoked signature must stop admitting within minutes.
inline constexpr int kMaxCacheExpirySeconds = 300;
// Longest staleIfError window: an outage that outlasts a day is not bridged silently.
inline constexpr int kMaxCacheStaleSeconds = 86400;

// v3 `features:` mapping at `path`.
Features ParseFeatures(const nlohmann::json& features, const std::string& path, Diagnostics& diag);

// v2 top level: `detectionMode`, `namespacedValidation: {enabled, mode}`,
// `automaticChildApproval: {enabled}`, `automaticUnchangedApproval`. Reads them from `top`.
Features ParseV2Features(FieldReader& top);

}  // namespace connaisseur::config
