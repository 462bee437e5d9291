// ParseJsonTree and ReleaseJsonTree: building and freeing a request's nlohmann::json tree without
// ever aborting the process when memory runs out.
//
// nlohmann frees a container by first moving its children into a freshly allocated std::vector
// (to avoid recursion). When memory is exhausted, that allocation throws std::bad_alloc inside a
// noexcept destructor and std::terminate ends the server (measured under RLIMIT_AS). Trees from
// requests are therefore built by our own SAX handler, which frees a partial tree itself when an
// allocation fails, and released bottom-up, children first, which allocates nothing. Recursion
// is as deep as the tree: only for text that passed CheckJsonNesting.
#pragma once

#include <nlohmann/json.hpp>
#include <string_view>

#include "runtime/status.h"

namespace connaisseur::admission {

// The JSON value of `text` (whitespace may follow it, nothing else). kInvalidArgument with the
// parser's message for invalid JSON; kUnavailable when an allocation failed (the partial tree is
// already freed).
StatusOr<nlohmann::json> ParseJsonTree(std::string_view text);

// Frees `tree`'s children bottom-up and leaves it null, allocating nothing.
void ReleaseJsonTree(nlohmann::json& tree) noexcept;

// Calls ReleaseJsonTree on scope exit, unwinding included; declare it right after the tree.
class JsonTreeReleaser {
 public:
  explicit JsonTreeReleaser(nlohmann::json& tree) : tree_(tree) {}
  ~JsonTreeReleaser() { ReleaseJsonTree(tree_); }
  JsonTreeReleaser(const JsonTreeReleaser&) = delete;
  JsonTreeReleaser& operator=(const JsonTreeReleaser&) = delete;

 private:
  nlohmann::json& tree_;
};

}  // namespace connaisseur::admission
