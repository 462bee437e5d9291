// Join: the items with `separator` between each two of them, for messages and log fields
// ("a, b, c" by default).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace connaisseur {

inline std::string Join(const std::vector<std::string>& items, std::string_view separator = ", ") {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += separator;
    out += items[i];
  }
  return out;
}

}  // namespace connaisseur
