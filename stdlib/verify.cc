// connaisseur.verify(rule, image) -> {allowed, digest, reason, validator, image (the image view,
// whose text is the reference as written), attestations (a list of {predicate_type, predicate,
// signed_by, source}: the verified in-toto statements, when the rule asked for them with
// `attestations = true`), attestation_errors (why each other statement found was dropped)}: runs
// the rule's validator through PolicyOptions::verifier (with its cache), with the pull identity of
// the object under review (none outside a request, or for an object without a pod spec). A failed
// verification is data (allowed = false, reason); misuse (bad rule, unknown validator, no verifier)
// raises.
#include <chrono>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "runtime/admission/workload.h"
#include "runtime/policy/attestation_value.h"
#include "runtime/policy/image_value.h"
#include "runtime/policy/lua_json.h"
#include "runtime/policy/request_value.h"
#include "runtime/policy/script_results.h"
#include "runtime/verification/image_verifier.h"
#include "stdlib/module.h"

namespace connaisseur::stdlib {
namespace {

// The namespace, service account and pull secrets of the object in the current request; empty
// outside one or when the object has no (well-formed) pod spec: images are then pulled anonymously.
verification::PullContext RequestPullContext(const sandbox::NativeContext& ctx) {
  if (ctx.request == nullptr || ctx.request->admission_request == nullptr) return {};
  const nlohmann::json& request = *ctx.request->admission_request;
  auto object = request.find("object");
  if (!request.is_object() || object == request.end()) return {};
  auto pull =
      admission::ExtractPullContext(ctx.request->kind, *object, ctx.request->namespace_name);
  return pull.ok() ? std::move(pull).value() : verification::PullContext{};
}

int Verify(lua_State* L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  const image::ImageReference& image = policy::CheckImage(L, 2);
  sandbox::NativeContext& ctx = sandbox::GetContext(L);
  if (ctx.verifier == nullptr) return luaL_error(L, "connaisseur.verify: no verifier configured");
  bool allowed = false;
  std::string digest, reason, validator;
  std::vector<verification::Attestation> attestations;
  std::vector<std::string> attestation_errors;
  {
    lua_pushnil(L);  // ReadSelectedRule reads a reason after the rule; there is none
    auto rule = policy::ReadSelectedRule(L, 1, ctx.config, image.normalized());
    lua_pop(L, 1);
    if (!rule.ok()) {
      reason = rule.status().message();
    } else {
      validator = rule->validator;
      // Waiting on a validator is not the script's CPU time: move the call deadline by it.
      const auto start = Deadline::Clock::now();
      auto verified = ctx.verifier->Verify(*rule, image, RequestPullContext(ctx), ctx.deadline);
      sandbox::GetBudget(L).Extend(Deadline::Clock::now() - start);
      allowed = verified.ok();
      if (verified.ok()) {
        digest = verified->digest;
        reason = verified->detail;
        attestations = std::move(verified->attestations);
        attestation_errors = std::move(verified->attestation_errors);
      } else {
        reason = verified.status().message();
      }
    }
  }
  if (validator.empty()) return luaL_argerror(L, 1, reason.c_str());
  lua_createtable(L, 0, 7);
  lua_pushboolean(L, allowed);
  lua_setfield(L, -2, "allowed");
  lua_pushlstring(L, digest.data(), digest.size());
  lua_setfield(L, -2, "digest");
  lua_pushlstring(L, reason.data(), reason.size());
  lua_setfield(L, -2, "reason");
  lua_pushlstring(L, validator.data(), validator.size());
  lua_setfield(L, -2, "validator");
  policy::PushImage(L, image, policy::ImageText::kAsWritten);
  lua_setfield(L, -2, "image");
  policy::PushAttestations(L, attestations, attestation_errors, false);
  return 1;
}

}  // namespace

void OpenVerify(lua_State* L) {
  lua_pushcfunction(L, Verify);
  lua_setfield(L, -2, "verify");
}

}  // namespace connaisseur::stdlib
