// URL building: percent-escaping of path segments and query values, query strings appended to a
// base that may already carry one.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace connaisseur::net {

// Percent-encodes every byte except the RFC 3986 unreserved set (A-Z a-z 0-9 - . _ ~).
std::string UrlEscape(std::string_view text);

// `base` + "?" (or "&" when `base` already has a query) + k=v pairs, each escaped.
std::string AppendQuery(std::string_view base,
                        const std::vector<std::pair<std::string, std::string>>& params);

// Scheme of `url` in lower case ("https"), or "" when it has none.
std::string UrlScheme(std::string_view url);

}  // namespace connaisseur::net
