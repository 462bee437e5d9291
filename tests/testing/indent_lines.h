// IndentLines: text laid into a YAML document at a given depth (a PEM block under a `|` key, a
// mapping under its parent), for tests that write values files.
#pragma once

#include <string>

namespace connaisseur::testing {

// `text` with every line prefixed by `spaces` blanks; every line ends with "\n".
inline std::string IndentLines(const std::string& text, int spaces) {
  std::string out;
  for (size_t start = 0; start < text.size();) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    out += std::string(spaces, ' ') + text.substr(start, end - start) + "\n";
    start = end + 1;
  }
  return out;
}

}  // namespace connaisseur::testing
