// Fuzzes Glob: the first line of the input is a pattern, the rest a text. Compile must fail
// cleanly or give a glob whose Match returns (in one pass, whatever the pattern) without a
// sanitizer report; `*<pattern>*` must match whatever `<pattern>` matches.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "runtime/matching/glob.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using connaisseur::matching::Glob;
  if (size > 64 * 1024) return 0;
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  const size_t nl = in.find('\n');
  const std::string_view pattern = in.substr(0, nl);
  const std::string_view text = nl == std::string_view::npos ? "" : in.substr(nl + 1);
  auto anchored = Glob::Compile(pattern);
  Glob::Options options;
  options.unanchored = true;
  auto unanchored = Glob::Compile(pattern, options);
  if (anchored.ok() != unanchored.ok()) std::abort();
  if (!anchored.ok()) return 0;
  if (anchored->Match(text) && !unanchored->Match(text)) std::abort();
  if (text.substr(0, anchored->literal_prefix().size()) != anchored->literal_prefix() &&
      anchored->Match(text)) {
    std::abort();
  }
  return 0;
}
