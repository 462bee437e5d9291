// connaisseur.image: parse(ref) -> image | nil, err. `ref` is a string or an image view.
#include "runtime/image/image_reference.h"
#include "runtime/policy/image_value.h"
#include "stdlib/module.h"

namespace connaisseur::stdlib {
namespace {

int Parse(lua_State* L) {
  if (policy::ImageString(L, 1) != nullptr) {  // already an image (admit's results[i].image)
    policy::PushImage(L, policy::CheckImage(L, 1));
    return 1;
  }
  const std::string_view raw = CheckInput(L, 1);
  ChargeBytes(L, raw.size());
  {
    auto ref = image::ImageReference::Parse(raw);  // linear in the input
    if (ref.ok()) {
      policy::PushImage(L, *ref);
      return 1;
    }
    lua_pushnil(L);
    lua_pushstring(L, ref.status().message().c_str());
  }
  return 2;
}

constexpr luaL_Reg kImage[] = {{"parse", Parse}, {nullptr, nullptr}};

}  // namespace

void OpenImage(lua_State* L) { RegisterModule(L, "image", kImage); }

}  // namespace connaisseur::stdlib
