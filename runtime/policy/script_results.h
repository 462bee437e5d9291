// Reading what select/admit return, field by field (runtime/sandbox/README.md): each field is read
// raw once, copied out and type-checked; nothing a script returns runs code while the host reads
// it.
#pragma once

#include <span>
#include <string>

#include "runtime/config/config.h"
#include "runtime/policy/policy.h"
#include "runtime/status.h"

struct lua_State;

namespace connaisseur::policy {

// The two results of select at `first` and first+1. `config` may be null (no validators then).
// nil, reason → kNotFound(reason); a malformed rule → kInvalidArgument
// "policy returned malformed rule: <why>". Runs inside sandbox::Sandbox::Run; raises only on memory
// errors (reads are raw, so no script code runs).
StatusOr<config::Rule> ReadSelectedRule(lua_State* L, int first, const config::Config* config,
                                        const std::string& image);

// The table admit returned, at `idx`. Malformed → kInvalidArgument
// "policy returned malformed decision: <why>". Same conditions as ReadSelectedRule.
StatusOr<AdmitDecision> ReadDecision(lua_State* L, int idx);

// Pushes admit's `results` array (+1): read-only tables image, rule, validator, allowed, digest,
// reason, attestations, attestation_errors. Raises on memory errors.
void PushResults(lua_State* L, std::span<const ImageResult> results);

}  // namespace connaisseur::policy
