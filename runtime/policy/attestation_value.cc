#include "runtime/policy/attestation_value.h"

#include <lua.hpp>
#include <nlohmann/json.hpp>

#include "runtime/policy/lua_json.h"
#include "runtime/sandbox/read_only.h"

namespace connaisseur::policy {

namespace {

void PushAttestation(lua_State* L, const verification::Attestation& a, bool read_only) {
  lua_createtable(L, 0, 4);
  lua_pushlstring(L, a.predicate_type.data(), a.predicate_type.size());
  lua_setfield(L, -2, "predicate_type");
  PushJson(L, nlohmann::json::parse(a.predicate_json, nullptr, false), read_only);
  lua_setfield(L, -2, "predicate");
  lua_pushlstring(L, a.signed_by.data(), a.signed_by.size());
  lua_setfield(L, -2, "signed_by");
  lua_pushlstring(L, a.source.data(), a.source.size());
  lua_setfield(L, -2, "source");
  if (read_only) sandbox::MakeReadOnly(L);
}

}  // namespace

void PushAttestations(lua_State* L, const std::vector<verification::Attestation>& attestations,
                      const std::vector<std::string>& errors, bool read_only) {
  luaL_checkstack(L, 4, "attestations");
  lua_createtable(L, static_cast<int>(attestations.size()), 0);
  for (size_t i = 0; i < attestations.size(); ++i) {
    PushAttestation(L, attestations[i], read_only);
    lua_rawseti(L, -2, static_cast<lua_Integer>(i + 1));
  }
  if (read_only) sandbox::MakeReadOnly(L);
  lua_setfield(L, -2, "attestations");
  lua_createtable(L, static_cast<int>(errors.size()), 0);
  for (size_t i = 0; i < errors.size(); ++i) {
    lua_pushlstring(L, errors[i].data(), errors[i].size());
    lua_rawseti(L, -2, static_cast<lua_Integer>(i + 1));
  }
  if (read_only) sandbox::MakeReadOnly(L);
  lua_setfield(L, -2, "attestation_errors");
}

}  // namespace connaisseur::policy
