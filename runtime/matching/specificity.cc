#include "runtime/matching/specificity.h"

namespace connaisseur::matching {
namespace {

// Splits on '/', keeping empty components: "a//b" is three.
std::vector<std::string_view> Components(std::string_view s) {
  std::vector<std::string_view> out;
  size_t start = 0;
  for (size_t i = 0; i <= s.size(); ++i) {
    if (i == s.size() || s[i] == '/') {
      out.push_back(s.substr(start, i - start));
      start = i + 1;
    }
  }
  return out;
}

char ToLower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

size_t CommonPrefix(std::string_view a, std::string_view b, bool ignore_case) {
  size_t n = 0;
  while (n < a.size() && n < b.size() &&
         (a[n] == b[n] || (ignore_case && ToLower(a[n]) == ToLower(b[n])))) {
    ++n;
  }
  return n;
}

// Lexicographic over equal-length vectors: the first differing index decides.
int CompareVectors(const std::vector<size_t>& a, const std::vector<size_t>& b) {
  for (size_t i = 0; i < a.size() && i < b.size(); ++i) {
    if (a[i] != b[i]) return a[i] < b[i] ? -1 : 1;
  }
  return 0;
}

}  // namespace

Specificity Specificity::Measure(std::string_view pattern, std::string_view image) {
  const std::vector<std::string_view> p = Components(pattern);
  const std::vector<std::string_view> img = Components(image);
  Specificity s;
  s.count = p.size();
  s.lcp.reserve(p.size());
  s.len.reserve(p.size());
  for (size_t i = 0; i < p.size(); ++i) {
    // Component 0 of the image is its registry host, whose case does not count.
    s.lcp.push_back(i < img.size() ? CommonPrefix(p[i], img[i], /*ignore_case=*/i == 0) : 0);
    s.len.push_back(p[i].size());
  }
  return s;
}

int CompareSpecificity(const Specificity& a, const Specificity& b) {
  if (a.count != b.count) return a.count < b.count ? -1 : 1;
  if (int c = CompareVectors(a.lcp, b.lcp); c != 0) return c;
  return CompareVectors(a.len, b.len);
}

}  // namespace connaisseur::matching
