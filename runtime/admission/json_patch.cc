#include "runtime/admission/json_patch.h"

#include <nlohmann/json.hpp>

namespace connaisseur::admission {

std::string SerializePatch(std::span<const PatchOp> ops) {
  nlohmann::json patch = nlohmann::json::array();
  for (const PatchOp& op : ops) {
    patch.push_back({{"op", "replace"}, {"path", op.path}, {"value", op.value}});
  }
  // Strings only, depth 2: dump() cannot recurse deeply here. Invalid UTF-8 (an image string
  // is client data) is replaced rather than thrown on.
  return patch.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace connaisseur::admission
