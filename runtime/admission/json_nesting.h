// CheckJsonNesting: bounds the nesting depth of JSON text before anything parses or walks it.
//
// nlohmann parses a 100,000-deep `[[[…]]]` fine, but dump() and every recursive walk over it
// (Lua conversion, logging, patch building) overflow the stack (measured: SIGSEGV). The webhook
// port is reachable from inside the cluster, so one such body must be refused up front, in a single
// linear pass that itself does not recurse.
#pragma once

#include <string_view>

#include "runtime/status.h"

namespace connaisseur::admission {

// Kubernetes objects are shallow; 256 leaves ample room for CRD-like nesting.
inline constexpr int kMaxJsonNesting = 256;

// kInvalidArgument when an array or object opens deeper than `max_depth` (strings, including
// escaped quotes, are skipped). Says nothing else about validity: the parser decides that.
Status CheckJsonNesting(std::string_view text, int max_depth = kMaxJsonNesting);

}  // namespace connaisseur::admission
