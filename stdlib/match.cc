// connaisseur.match: glob(pattern, text) -> bool; candidates(image) -> {rule...}.
#include <string>

#include "runtime/matching/glob.h"
#include "runtime/matching/rule_index.h"
#include "runtime/policy/image_value.h"
#include "runtime/policy/rule_value.h"
#include "stdlib/module.h"

namespace connaisseur::stdlib {
namespace {

// Connaisseur's pattern semantics (README, "Matching is anchored"): anchored, implicit tag, the
// registry host (the text before its first '/') compared case-insensitively as RuleIndex does, and
// the legacy unanchored mode when the configuration asks for it.
int Glob(lua_State* L) {
  size_t plen = 0;
  const char* pattern = luaL_checklstring(L, 1, &plen);
  const std::string_view text = CheckInput(L, 2);
  const sandbox::NativeContext& ctx = sandbox::GetContext(L);
  matching::Glob::Options options;
  options.implicit_tag = true;
  options.host_case_insensitive = true;
  options.unanchored = ctx.config != nullptr && ctx.config->features.legacy_unanchored_matching;
  // Bit-parallel matching: text x pattern / 64 word operations, charged up front.
  sandbox::ChargeSteps(L, (text.size() + 1) * (plen / 64 + 1));
  bool matched = false;
  std::string error;
  {
    auto glob = matching::Glob::Compile(std::string_view(pattern, plen), options);
    if (glob.ok()) {
      matched = glob->Match(text);
    } else {
      error = glob.status().message();
    }
  }
  if (!error.empty()) return luaL_argerror(L, 1, error.c_str());
  lua_pushboolean(L, matched);
  return 1;
}

// The configured rules whose pattern matches, in policy order, as the tables built once per
// state (policy::PushConfigRule).
int Candidates(lua_State* L) {
  const image::ImageReference& image = policy::CheckImage(L, 1);
  const sandbox::NativeContext& ctx = sandbox::GetContext(L);
  if (ctx.rules == nullptr) return luaL_error(L, "connaisseur.match.candidates: no rule index");
  const std::vector<const config::Rule*> rules = ctx.rules->Candidates(image);
  sandbox::ChargeSteps(L, rules.size() + 1);
  lua_createtable(L, static_cast<int>(rules.size()), 0);
  lua_Integer i = 1;
  for (const config::Rule* rule : rules) {
    policy::PushConfigRule(L, *rule);
    lua_rawseti(L, -2, i++);
  }
  return 1;
}

constexpr luaL_Reg kMatch[] = {{"glob", Glob}, {"candidates", Candidates}, {nullptr, nullptr}};

}  // namespace

void OpenMatch(lua_State* L) { RegisterModule(L, "match", kMatch); }

}  // namespace connaisseur::stdlib
