// CheckJsonNesting and MeasureJsonTree: what JSON text may cost, found in one linear pass before
// anything parses or walks it.
//
// nlohmann parses a 100,000-deep `[[[…]]]` fine, but dump() and every recursive walk over it
// (Lua conversion, logging, patch building) overflow the stack (measured: SIGSEGV). The webhook
// port is reachable from inside the cluster, so such a body must be refused up front, in a pass
// that itself does not recurse. The same pass bounds the memory of the tree the text would become
// (a body of
// `[0,0,…]` costs ~24 times its size as nlohmann values), so that it can be charged to the
// request memory budget before the tree is built.
#pragma once

#include <cstddef>
#include <string_view>

#include "runtime/status.h"

namespace connaisseur::admission {

// Kubernetes objects are shallow; 256 leaves ample room for CRD-like nesting.
inline constexpr int kMaxJsonNesting = 256;

// kInvalidArgument when an array or object opens deeper than `max_depth` (strings, including
// escaped quotes, are skipped). Says nothing else about validity: the parser decides that.
Status CheckJsonNesting(std::string_view text, int max_depth = kMaxJsonNesting);

// An upper bound of the heap bytes nlohmann::json takes for the tree parsed from `text` (values,
// vectors at their worst growth step, map nodes, string buffers, allocator overhead), after the
// nesting check. Also kInvalidArgument for a NUL byte anywhere: JSON text never contains one
// (inside strings it must be escaped), and nlohmann's lexer would take it for the end of the
// input and ignore whatever follows.
StatusOr<size_t> MeasureJsonTree(std::string_view text, int max_depth = kMaxJsonNesting);

}  // namespace connaisseur::admission
