// The `image` value scripts see (docs/policy-lua.md): a read-only userdata holding an
// ImageReference, with fields raw, registry, repository, name, tag, digest, normalized.
#pragma once

#include "runtime/image/image_reference.h"

struct lua_State;

namespace connaisseur::policy {

// Pushes a copy of `ref` as an image value (+1). Raises on memory errors.
void PushImage(lua_State* L, const image::ImageReference& ref);

// The image at `arg`; raises "bad argument #arg (image expected, got ...)" otherwise.
const image::ImageReference& CheckImage(lua_State* L, int arg);

}  // namespace connaisseur::policy
