// Verified attestations as Lua values: the `attestations` and `attestation_errors` fields that
// both `connaisseur.verify(...)` results and admit's `results[i]` carry (docs/policy-lua.md).
#pragma once

#include <string>
#include <vector>

#include "runtime/verification/attestation.h"

struct lua_State;

namespace connaisseur::policy {

// in: a table at -1; out: the same table with `attestations` (a list of {predicate_type,
// predicate, signed_by, source}) and `attestation_errors` (a list of strings) set; both lists may
// be empty. A predicate is converted with the sandbox's JSON conversion, under its memory budget
// (raises past it). With `read_only` every table pushed (lists, entries, predicates) is read-only.
void PushAttestations(lua_State* L, const std::vector<verification::Attestation>& attestations,
                      const std::vector<std::string>& errors, bool read_only);

}  // namespace connaisseur::policy
