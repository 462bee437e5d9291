// The `image` value scripts see (docs/policy-lua.md): a read-only userdata holding an
// ImageReference, with fields raw, registry, repository, name, tag, digest, normalized. The same
// view is handed to `select`, to `admit` (results[i].image), by connaisseur.verify and by
// connaisseur.image.parse.
#pragma once

#include <string>

#include "runtime/image/image_reference.h"

struct lua_State;

namespace connaisseur::policy {

// What tostring(image), `..` and JSON conversion give for a view. Each place keeps the string it
// handed scripts before it handed views, so existing scripts keep working: `select`'s image and
// parse's result give the normalised form, admit's results[i].image and connaisseur.verify's
// result image give the reference as written.
enum class ImageText { kNormalized, kAsWritten };

// Pushes a copy of `ref` as an image value (+1). Raises on memory errors.
void PushImage(lua_State* L, const image::ImageReference& ref,
               ImageText text = ImageText::kNormalized);

// The image at `arg`; raises "bad argument #arg (image expected, got ...)" otherwise.
const image::ImageReference& CheckImage(lua_State* L, int arg);

// The text of the image value at `idx` (see ImageText), or null when `idx` holds no image value.
// Never raises; the pointer lives as long as the value.
const std::string* ImageString(lua_State* L, int idx);

}  // namespace connaisseur::policy
