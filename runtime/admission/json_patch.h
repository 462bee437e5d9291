// JsonPatch: the RFC 6902 patch that pins verified images to their digests (docs/operations.md).
// Only `replace` ops on image paths exist, so the patch is built as text, never by walking the
// object.
#pragma once

#include <span>
#include <string>

namespace connaisseur::admission {

struct PatchOp {
  std::string path;   // JSON pointer, e.g. "/spec/containers/0/image"
  std::string value;  // "<normalised name>:<tag>@sha256:<hex>"
  bool operator==(const PatchOp&) const = default;
};

// `[{"op":"replace","path":…,"value":…},…]`, compact; "[]" for no ops.
std::string SerializePatch(std::span<const PatchOp> ops);

}  // namespace connaisseur::admission
