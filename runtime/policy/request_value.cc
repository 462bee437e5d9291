#include "runtime/policy/request_value.h"

#include <lua.hpp>
#include <string_view>

#include "runtime/policy/lua_json.h"
#include "runtime/sandbox/native_context.h"

namespace connaisseur::policy {
namespace {

constexpr const char* kRequestType = "connaisseur.request";
constexpr const char* kViewType = "connaisseur.json_view";

struct RequestHandle {
  uint64_t serial;
};

struct ViewHandle {
  const nlohmann::json* node;  // borrowed from the call's PolicyRequest
  uint64_t serial;
  int depth;
};

const nlohmann::json& EmptyObject() {
  static const nlohmann::json empty = nlohmann::json::object();
  return empty;
}

// The current request, or raises when the value outlived its call.
const PolicyRequest& LiveRequest(lua_State* L, uint64_t serial) {
  sandbox::NativeContext& ctx = sandbox::GetContext(L);
  if (ctx.request == nullptr || ctx.call_serial != serial) {
    luaL_error(L, "request used outside the call it was passed to");
  }
  return *ctx.request;
}

// A child of `j` by key path, or null.
const nlohmann::json* Child(const nlohmann::json* j, std::initializer_list<const char*> path) {
  for (const char* k : path) {
    if (j == nullptr || !j->is_object()) return nullptr;
    auto it = j->find(k);
    if (it == j->end()) return nullptr;
    j = &*it;
  }
  return j;
}

void PushView(lua_State* L, const nlohmann::json* node, uint64_t serial, int depth);

// Pushes a JSON node: scalars as values, structures as views.
void PushNode(lua_State* L, const nlohmann::json& j, uint64_t serial, int depth) {
  if (!PushJsonScalar(L, j)) PushView(L, &j, serial, depth);
}

ViewHandle& CheckView(lua_State* L, int arg) {
  auto* v = static_cast<ViewHandle*>(luaL_checkudata(L, arg, kViewType));
  LiveRequest(L, v->serial);
  return *v;
}

int ViewIndex(lua_State* L) {
  ViewHandle& v = CheckView(L, 1);
  const nlohmann::json& j = *v.node;
  if (j.is_object() && lua_type(L, 2) == LUA_TSTRING) {
    auto it = j.find(lua_tostring(L, 2));
    if (it != j.end()) {
      PushNode(L, *it, v.serial, v.depth + 1);
      return 1;
    }
  } else if (j.is_array() && lua_isinteger(L, 2)) {
    const lua_Integer i = lua_tointeger(L, 2);
    if (i >= 1 && static_cast<size_t>(i) <= j.size()) {
      PushNode(L, j[static_cast<size_t>(i - 1)], v.serial, v.depth + 1);
      return 1;
    }
  }
  lua_pushnil(L);
  return 1;
}

int ViewLen(lua_State* L) {
  ViewHandle& v = CheckView(L, 1);
  lua_pushinteger(L, v.node->is_array() ? static_cast<lua_Integer>(v.node->size()) : 0);
  return 1;
}

// iter(view, key): the next key after `key` (objects in key order, arrays by index).
int ViewNext(lua_State* L) {
  ViewHandle& v = CheckView(L, 1);
  const nlohmann::json& j = *v.node;
  if (j.is_array()) {
    const lua_Integer i = lua_isnil(L, 2) ? 1 : luaL_checkinteger(L, 2) + 1;
    if (i < 1 || static_cast<size_t>(i) > j.size()) return 0;
    lua_pushinteger(L, i);
    PushNode(L, j[static_cast<size_t>(i - 1)], v.serial, v.depth + 1);
    return 2;
  }
  if (!j.is_object()) return 0;
  auto it = j.begin();
  if (!lua_isnil(L, 2)) {
    it = j.find(luaL_checkstring(L, 2));
    if (it == j.end()) return luaL_error(L, "invalid key to 'next'");
    ++it;
  }
  if (it == j.end()) return 0;
  lua_pushlstring(L, it.key().data(), it.key().size());
  PushNode(L, it.value(), v.serial, v.depth + 1);
  return 2;
}

int ViewPairs(lua_State* L) {
  CheckView(L, 1);
  lua_pushcfunction(L, ViewNext);
  lua_pushvalue(L, 1);
  lua_pushnil(L);
  return 3;
}

int RefuseWrite(lua_State* L) { return luaL_error(L, "attempt to modify a read-only request"); }

void PushView(lua_State* L, const nlohmann::json* node, uint64_t serial, int depth) {
  if (depth > kMaxViewDepth) luaL_error(L, "request nested deeper than %d levels", kMaxViewDepth);
  luaL_checkstack(L, 3, "request view");
  auto* v = static_cast<ViewHandle*>(lua_newuserdatauv(L, sizeof(ViewHandle), 0));
  *v = {node, serial, depth};
  if (luaL_newmetatable(L, kViewType)) {
    const luaL_Reg meta[] = {{"__index", ViewIndex},
                             {"__newindex", RefuseWrite},
                             {"__len", ViewLen},
                             {"__pairs", ViewPairs},
                             {nullptr, nullptr}};
    luaL_setfuncs(L, meta, 0);
    lua_pushboolean(L, 0);
    lua_setfield(L, -2, "__metatable");
  }
  lua_setmetatable(L, -2);
}

void PushString(lua_State* L, const std::string& s) { lua_pushlstring(L, s.data(), s.size()); }

// The labels of the request's namespace (asked once per request, see PolicyRequest), nil for a
// cluster-scoped object; raises "namespace labels of <ns> unavailable: <why>" when they cannot be
// had, so a policy that reads them fails closed unless it pcalls. Out: +1 value (or raises).
int PushNamespaceLabels(lua_State* L, const PolicyRequest& r, uint64_t serial) {
  if (r.namespace_name.empty()) {
    lua_pushnil(L);
    return 1;
  }
  {  // C++ objects die before the raise below
    if (!r.namespace_labels_read) {
      r.namespace_labels_read =
          r.namespace_labels ? r.namespace_labels(r.namespace_name, sandbox::GetContext(L).deadline)
                             : UnavailableError("no source of namespace labels here");
    }
    const auto& read = *r.namespace_labels_read;
    if (read.ok() && *read != nullptr) {
      PushNode(L, **read, serial, 1);
      return 1;
    }
    const std::string message =
        "namespace labels of " + r.namespace_name + " unavailable: " +
        (read.ok() ? std::string("no labels returned") : read.status().message());
    PushString(L, message);
  }
  return lua_error(L);
}

int RequestIndex(lua_State* L) {
  auto* h = static_cast<RequestHandle*>(luaL_checkudata(L, 1, kRequestType));
  const PolicyRequest& r = LiveRequest(L, h->serial);
  const std::string_view key = luaL_checkstring(L, 2);
  const nlohmann::json* admission = r.admission_request;
  if (key == "kind") {
    PushString(L, r.kind);
  } else if (key == "namespace") {
    PushString(L, r.namespace_name);
  } else if (key == "name") {
    PushString(L, r.name);
  } else if (key == "operation") {
    PushString(L, r.operation);
  } else if (key == "dry_run") {
    lua_pushboolean(L, r.dry_run);
  } else if (key == "uid") {
    PushString(L, r.request_id);
  } else if (key == "user") {
    const nlohmann::json* user = Child(admission, {"userInfo"});
    PushView(L, user != nullptr ? user : &EmptyObject(), h->serial, 1);
  } else if (key == "labels") {
    const nlohmann::json* labels = Child(admission, {"object", "metadata", "labels"});
    PushView(L, labels != nullptr ? labels : &EmptyObject(), h->serial, 1);
  } else if (key == "namespace_labels") {
    return PushNamespaceLabels(L, r, h->serial);
  } else if (key == "object") {
    const nlohmann::json* object = Child(admission, {"object"});
    if (object != nullptr)
      PushNode(L, *object, h->serial, 1);
    else
      lua_pushnil(L);
  } else {
    lua_pushnil(L);
  }
  return 1;
}

}  // namespace

void PushRequest(lua_State* L) {
  luaL_checkstack(L, 3, "request");
  const uint64_t serial = sandbox::GetContext(L).call_serial;
  auto* h = static_cast<RequestHandle*>(lua_newuserdatauv(L, sizeof(RequestHandle), 0));
  h->serial = serial;
  if (luaL_newmetatable(L, kRequestType)) {
    const luaL_Reg meta[] = {
        {"__index", RequestIndex}, {"__newindex", RefuseWrite}, {nullptr, nullptr}};
    luaL_setfuncs(L, meta, 0);
    lua_pushboolean(L, 0);
    lua_setfield(L, -2, "__metatable");
  }
  lua_setmetatable(L, -2);
}

}  // namespace connaisseur::policy
