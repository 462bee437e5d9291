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

std::string UrlOrigin(std::string_view url) {
  const std::string scheme = UrlScheme(url);
  if (scheme.empty()) return "";
  const size_t start = scheme.size() + 3;
  const size_t end = url.find_first_of("/?#", start);
  const std::string_view authority =
      url.substr(start, end == std::string_view::npos ? end : end - start);
  if (authority.empty()) return "";
  std::string origin = scheme + "://";
  for (char c : authority)
    origin.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  return origin;
}

std::string ResolveLocation(std::string_view base, std::string_view location) {
  if (!UrlScheme(location).empty()) return std::string(location);
  if (location.rfind("//", 0) == 0) {
    const std::string scheme = UrlScheme(base);
    return scheme.empty() ? "" : scheme + ":" + std::string(location);
  }
  if (location.rfind("/", 0) == 0) {
    const std::string origin = UrlOrigin(base);
    return origin.empty() ? "" : origin + std::string(location);
  }
  return "";
}

}  // namespace connaisseur::net
