// The `request` value select/admit see (docs/policy-lua.md): read-only, built lazily from the
// borrowed PolicyRequest of the current call. Nested JSON (user, labels, object, ...) is exposed as
// views that read the borrowed nlohmann::json on access; every view dies when its call ends
// (reading it later raises), so a script cannot keep a pointer into a finished request.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "runtime/config/config.h"

struct lua_State;

namespace connaisseur::policy {

// Deepest JSON view a script can open (request.object.a.b....).
inline constexpr int kMaxViewDepth = 32;

// What `request` shows a script; its Lua value is built lazily (unread fields cost nothing).
struct PolicyRequest {
  std::string kind = "Image";  // Kubernetes kind, "Image" in `check`
  std::string namespace_name = "default";
  std::string name;
  std::string operation = "CREATE";
  bool dry_run = false;
  std::string request_id;  // AdmissionReview uid, for log lines
  // The AdmissionReview `request` object (userInfo, object, oldObject, ...); null in `check`.
  const nlohmann::json* admission_request = nullptr;  // borrowed for the call
  const nlohmann::json* namespace_labels = nullptr;   // borrowed for the call, may be null
};

// Pushes the `request` of the current call (sandbox::NativeContext::request; must be set) (+1).
void PushRequest(lua_State* L);

}  // namespace connaisseur::policy
