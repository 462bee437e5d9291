// The `request` value select/admit see (docs/policy-lua.md): read-only, built lazily from the
// borrowed PolicyRequest of the current call. Nested JSON (user, labels, object, ...) is exposed as
// views that read the borrowed nlohmann::json on access; every view dies when its call ends
// (reading it later raises), so a script cannot keep a pointer into a finished request.
#pragma once

#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "runtime/config/config.h"
#include "runtime/policy/namespace_labels.h"

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
  // Asked for the labels of `namespace_name` on the first read of request.namespace_labels
  // (never when namespace_name is empty: a cluster-scoped object has no namespace, and reads nil).
  // Empty: the labels are unavailable, and the read raises.
  NamespaceLabelFetch namespace_labels;
  // What namespace_labels answered, kept for the life of this request so that every call of
  // the request sees the same labels and asks at most once (views borrow the JSON). Read and
  // written only by the thread running the policy (one Lua state, one thread).
  mutable std::optional<StatusOr<std::shared_ptr<const nlohmann::json>>> namespace_labels_read;
};

// Pushes the `request` of the current call (sandbox::NativeContext::request; must be set) (+1).
void PushRequest(lua_State* L);

}  // namespace connaisseur::policy
