// Specificity: how closely a rule's pattern describes one image (docs/policy-lua.md
// "connaisseur.default_policy"), used to pick the winner among the rules that match it.
//
// Measured on the pattern as written (no implicit `:*`) and the normalised image, both split on
// '/'. The tag is not a component of its own (`*:test` has one) but its bytes count.
//   count   number of pattern components
//   lcp[i]  longest common prefix of pattern component i and image component i, in bytes,
//           glob metacharacters compared as plain bytes (0 when the image has no component i);
//           for i = 0, the image's registry host, ASCII case is ignored
//   len[i]  length of pattern component i
// Ordering: larger count wins; else the first i where lcp differs, larger wins; else the first
// i where len differs, larger wins; else the two are tied (the caller picks the later rule).
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

namespace connaisseur::matching {

struct Specificity {
  size_t count = 0;
  std::vector<size_t> lcp;  // count entries
  std::vector<size_t> len;  // count entries

  // `image` is ImageReference::normalized().
  static Specificity Measure(std::string_view pattern, std::string_view image);
};

// < 0 when a is less specific than b, 0 when tied, > 0 when more specific.
int CompareSpecificity(const Specificity& a, const Specificity& b);

// True iff a is strictly more specific than b.
inline bool MoreSpecific(const Specificity& a, const Specificity& b) {
  return CompareSpecificity(a, b) > 0;
}

}  // namespace connaisseur::matching
