#include "runtime/net/url.h"

#include <cctype>

namespace connaisseur::net {

std::string UrlEscape(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0xF]);
    }
  }
  return out;
}

std::string AppendQuery(std::string_view base,
                        const std::vector<std::pair<std::string, std::string>>& params) {
  std::string out(base);
  char sep = out.find('?') == std::string::npos ? '?' : '&';
  for (const auto& [key, value] : params) {
    out.push_back(sep);
    out += UrlEscape(key);
    out.push_back('=');
    out += UrlEscape(value);
    sep = '&';
  }
  return out;
}

std::string UrlScheme(std::string_view url) {
  size_t colon = url.find("://");
  if (colon == std::string_view::npos || colon == 0) return "";
  std::string scheme;
  for (char c : url.substr(0, colon)) {
    unsigned char u = static_cast<unsigned char>(c);
    if (!std::isalnum(u) && c != '+' && c != '-' && c != '.') return "";
    scheme.push_back(static_cast<char>(std::tolower(u)));
  }
  return scheme;
}

}  // namespace connaisseur::net
