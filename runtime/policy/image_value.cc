#include "runtime/policy/image_value.h"

#include <lua.hpp>
#include <new>
#include <string>
#include <string_view>

namespace connaisseur::policy {
namespace {

constexpr const char* kImageType = "connaisseur.image";

// The userdata's block: the reference and which of its strings stands for it.
struct ImageValue {
  image::ImageReference ref;
  ImageText text;

  const std::string& String() const {
    return text == ImageText::kAsWritten ? ref.raw() : ref.normalized();
  }
};

ImageValue& CheckImageValue(lua_State* L, int arg) {
  return *static_cast<ImageValue*>(luaL_checkudata(L, arg, kImageType));
}

void PushString(lua_State* L, const std::string& s) { lua_pushlstring(L, s.data(), s.size()); }

// __index(image, key).
int ImageIndex(lua_State* L) {
  const image::ImageReference& ref = CheckImage(L, 1);
  size_t len = 0;
  const char* k = luaL_checklstring(L, 2, &len);
  const std::string_view key(k, len);
  if (key == "raw") {
    PushString(L, ref.raw());
  } else if (key == "registry") {
    PushString(L, ref.registry());
  } else if (key == "repository") {
    PushString(L, ref.repository());
  } else if (key == "name") {
    PushString(L, ref.name());
  } else if (key == "normalized") {
    PushString(L, ref.normalized());
  } else if (key == "tag") {
    if (ref.tag())
      PushString(L, *ref.tag());
    else
      lua_pushnil(L);
  } else if (key == "digest") {
    if (ref.digest())
      PushString(L, *ref.digest());
    else
      lua_pushnil(L);
  } else {
    lua_pushnil(L);
  }
  return 1;
}

int ImageNewIndex(lua_State* L) { return luaL_error(L, "attempt to modify a read-only image"); }

int ImageToString(lua_State* L) {
  PushString(L, CheckImageValue(L, 1).String());
  return 1;
}

// __concat(a, b): one side is an image; it stands for its text, as the string it replaced did.
// Only strings and numbers join it, as for any concatenation.
int ImageConcat(lua_State* L) {
  luaL_checkstack(L, 2, "concatenation");
  for (int arg = 1; arg <= 2; arg++) {
    if (const std::string* text = ImageString(L, arg)) {
      PushString(L, *text);
    } else if (lua_type(L, arg) == LUA_TSTRING || lua_type(L, arg) == LUA_TNUMBER) {
      lua_pushvalue(L, arg);
    } else {
      return luaL_error(L, "attempt to concatenate a %s value", luaL_typename(L, arg));
    }
  }
  lua_concat(L, 2);
  return 1;
}

// Our own finalizer: runs the C++ destructor of the placement-new'd copy. Bounded work.
int ImageGc(lua_State* L) {
  CheckImageValue(L, 1).~ImageValue();
  return 0;
}

constexpr luaL_Reg kImageMeta[] = {{"__index", ImageIndex},
                                   {"__newindex", ImageNewIndex},
                                   {"__tostring", ImageToString},
                                   {"__concat", ImageConcat},
                                   {"__gc", ImageGc},
                                   {nullptr, nullptr}};

}  // namespace

void PushImage(lua_State* L, const image::ImageReference& ref, ImageText text) {
  luaL_checkstack(L, 3, "image");
  void* block = lua_newuserdatauv(L, sizeof(ImageValue), 0);
  if (luaL_newmetatable(L, kImageType)) {
    luaL_setfuncs(L, kImageMeta, 0);
    lua_pushboolean(L, 0);
    lua_setfield(L, -2, "__metatable");
  }
  // The copy is made before the metatable is set, so a copy that throws (bad_alloc) leaves a
  // plain userdata whose finalizer never runs.
  new (block) ImageValue{ref, text};
  lua_setmetatable(L, -2);
}

const image::ImageReference& CheckImage(lua_State* L, int arg) {
  return CheckImageValue(L, arg).ref;
}

const std::string* ImageString(lua_State* L, int idx) {
  auto* value = static_cast<ImageValue*>(luaL_testudata(L, idx, kImageType));
  return value == nullptr ? nullptr : &value->String();
}

}  // namespace connaisseur::policy
