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

// "scheme://authority" of an absolute `url` (the scheme in lower case), or "" when it has none.
std::string UrlOrigin(std::string_view url);

// `location` (a redirect's Location header) made absolute against `base`: absolute URLs as they
// are, "//host/path" with base's scheme, "/path" on base's origin. "" for anything else
// (relative paths without a slash are not used by registries and are refused).
std::string ResolveLocation(std::string_view base, std::string_view location);

}  // namespace connaisseur::net
