// connaisseur.base64: encode(bytes) -> text; decode(text) -> bytes | nil, err.
#include <string>

#include "runtime/crypto/encoding.h"
#include "stdlib/module.h"

namespace connaisseur::stdlib {
namespace {

int Encode(lua_State* L) {
  const std::string_view data = CheckInput(L, 1);
  ChargeBytes(L, data.size());
  std::string text = crypto::Base64Encode(data);
  lua_pushlstring(L, text.data(), text.size());
  return 1;
}

int Decode(lua_State* L) {
  const std::string_view text = CheckInput(L, 1);
  ChargeBytes(L, text.size());
  auto bytes = crypto::Base64Decode(text);
  if (!bytes.ok()) {
    lua_pushnil(L);
    lua_pushstring(L, bytes.status().message().c_str());
    return 2;
  }
  lua_pushlstring(L, bytes->data(), bytes->size());
  return 1;
}

constexpr luaL_Reg kBase64[] = {{"encode", Encode}, {"decode", Decode}, {nullptr, nullptr}};

}  // namespace

void OpenBase64(lua_State* L) { RegisterModule(L, "base64", kBase64); }

}  // namespace connaisseur::stdlib
