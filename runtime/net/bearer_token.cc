#include "runtime/net/bearer_token.h"

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>

#include "runtime/crypto/digest.h"
#include "runtime/crypto/encoding.h"
#include "runtime/net/url.h"

namespace connaisseur::net {

namespace {

constexpr size_t kMaxCachedTokens = 1024;
constexpr size_t kMaxTokenResponseBytes = 1u << 20;
constexpr int64_t kDefaultExpiresInSeconds = 60;
constexpr int64_t kMaxExpiresInSeconds = 24 * 3600;
// Tokens are refreshed this long before the server says they expire (clock skew, transfer time).
constexpr auto kExpiryMargin = std::chrono::seconds(5);

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool IsTokenChar(char c) {
  unsigned char u = static_cast<unsigned char>(c);
  return std::isalnum(u) || std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

void SkipSpace(std::string_view& s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
}

bool JwtSegmentChar(char c, std::string_view extra) {
  unsigned char u = static_cast<unsigned char>(c);
  return std::isalnum(u) || c == '-' || c == '_' || c == '=' ||
         extra.find(c) != std::string_view::npos;
}

}  // namespace

std::string AuthChallenge::Param(const std::string& lower_name) const {
  auto it = params.find(lower_name);
  return it == params.end() ? "" : it->second;
}

StatusOr<AuthChallenge> ParseAuthChallenge(std::string_view header) {
  AuthChallenge challenge;
  std::string_view s = header;
  SkipSpace(s);
  size_t n = 0;
  while (n < s.size() && IsTokenChar(s[n])) ++n;
  if (n == 0) return InvalidArgumentError("WWW-Authenticate: no authentication scheme");
  challenge.scheme = std::string(s.substr(0, n));
  s.remove_prefix(n);
  while (true) {
    SkipSpace(s);
    while (!s.empty() && s.front() == ',') {
      s.remove_prefix(1);
      SkipSpace(s);
    }
    if (s.empty()) break;
    n = 0;
    while (n < s.size() && IsTokenChar(s[n])) ++n;
    if (n == 0) return InvalidArgumentError("WWW-Authenticate: malformed parameter");
    std::string name = Lower(s.substr(0, n));
    s.remove_prefix(n);
    SkipSpace(s);
    if (s.empty() || s.front() != '=') {
      // A second challenge ("Bearer ..., Basic realm=...") starts here: stop at the first.
      if (!challenge.params.empty()) break;
      return InvalidArgumentError("WWW-Authenticate: parameter " + name + " has no value");
    }
    s.remove_prefix(1);
    SkipSpace(s);
    std::string value;
    if (!s.empty() && s.front() == '"') {
      s.remove_prefix(1);
      bool closed = false;
      while (!s.empty()) {
        char c = s.front();
        s.remove_prefix(1);
        if (c == '\\' && !s.empty()) {
          value.push_back(s.front());
          s.remove_prefix(1);
        } else if (c == '"') {
          closed = true;
          break;
        } else {
          value.push_back(c);
        }
      }
      if (!closed) return InvalidArgumentError("WWW-Authenticate: unterminated quoted value");
    } else {
      n = 0;
      while (n < s.size() && s[n] != ',' && s[n] != ' ' && s[n] != '\t') ++n;
      value = std::string(s.substr(0, n));
      s.remove_prefix(n);
    }
    challenge.params.emplace(std::move(name), std::move(value));
  }
  return challenge;
}

Status CheckRealm(std::string_view realm, bool allow_plain_http) {
  std::string scheme = UrlScheme(realm);
  if (scheme != "https" && !(allow_plain_http && scheme == "http")) {
    return PermissionDeniedError("authentication through insecure channel: realm \"" +
                                 std::string(realm) + "\"");
  }
  size_t slashes = 0;
  for (size_t pos = realm.find("//"); pos != std::string_view::npos;
       pos = realm.find("//", pos + 2)) {
    ++slashes;
  }
  if (realm.find("..") != std::string_view::npos || slashes > 1) {
    return PermissionDeniedError("potential path traversal in realm \"" + std::string(realm) +
                                 "\"");
  }
  return Status::Ok();
}

bool LooksLikeJwt(std::string_view token) {
  size_t i = 0;
  auto segment = [&](std::string_view extra) {
    size_t start = i;
    while (i < token.size() && JwtSegmentChar(token[i], extra)) ++i;
    return i - start;
  };
  if (segment("") == 0) return false;
  if (i >= token.size() || token[i] != '.') return false;
  ++i;
  if (segment("") == 0) return false;
  if (i < token.size() && token[i] == '.') ++i;
  segment("./+");
  return i == token.size();
}

bool IsBearerToken(std::string_view token) {
  size_t i = 0;
  while (i < token.size() &&
         (std::isalnum(static_cast<unsigned char>(token[i])) ||
          std::string_view("-._~+/").find(token[i]) != std::string_view::npos)) {
    ++i;
  }
  if (i == 0) return false;
  while (i < token.size() && token[i] == '=') ++i;
  return i == token.size();
}

StatusOr<TokenResponse> ParseTokenResponse(std::string_view body, std::string_view realm,
                                           TokenShape shape) {
  const std::string from = "token response from " + std::string(realm);
  auto doc = nlohmann::json::parse(body, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) {
    return InvalidArgumentError(from + " is not a JSON object");
  }
  TokenResponse parsed;
  for (const char* field : {"token", "access_token"}) {
    auto it = doc.find(field);
    if (it != doc.end() && it->is_string() && !it->get<std::string>().empty()) {
      parsed.token = it->get<std::string>();
      break;
    }
  }
  if (parsed.token.empty()) return InvalidArgumentError(from + " has no token");
  if (shape == TokenShape::kJwt && !LooksLikeJwt(parsed.token)) {
    return InvalidArgumentError("token from " + std::string(realm) + " does not look like a JWT");
  }
  if (shape == TokenShape::kBearer && !IsBearerToken(parsed.token)) {
    return InvalidArgumentError("token from " + std::string(realm) +
                                " is not an RFC 6750 bearer token");
  }
  parsed.expires_in_seconds = kDefaultExpiresInSeconds;
  if (auto it = doc.find("expires_in"); it != doc.end() && it->is_number_integer()) {
    parsed.expires_in_seconds = std::clamp<int64_t>(it->get<int64_t>(), 0, kMaxExpiresInSeconds);
  }
  return parsed;
}

StatusOr<std::string> BearerTokenSource::Token(const AuthChallenge& challenge,
                                               std::string_view scope,
                                               const std::optional<BasicCredentials>& credentials,
                                               Deadline deadline) {
  if (Lower(challenge.scheme) != "bearer") {
    return PermissionDeniedError(challenge.scheme + " is an unsupported authentication type");
  }
  std::string realm = challenge.Param("realm");
  if (realm.empty()) return PermissionDeniedError("bearer challenge without realm");
  CN_RETURN_IF_ERROR(CheckRealm(realm, client_->allow_plain_http()));
  std::string service = challenge.Param("service");
  std::string wanted_scope = scope.empty() ? challenge.Param("scope") : std::string(scope);
  // The password takes part (hashed) so that a wrong password never reuses a right one's token.
  Key key{realm, service, wanted_scope,
          credentials ? credentials->username + ":" +
                            crypto::Sha256Hex(credentials->username + ":" + credentials->password)
                      : ""};
  auto now = std::chrono::steady_clock::now();
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = cache_.find(key);
    if (it != cache_.end() && it->second.expires > now) return it->second.token;
  }
  CN_ASSIGN_OR_RETURN(Entry entry, Fetch(realm, service, wanted_scope, credentials, deadline));
  std::lock_guard<std::mutex> lock(mu_);
  if (cache_.size() >= kMaxCachedTokens)
    std::erase_if(cache_, [&](const auto& kv) { return kv.second.expires <= now; });
  if (cache_.size() >= kMaxCachedTokens) cache_.clear();
  cache_[key] = entry;
  return entry.token;
}

void BearerTokenSource::Clear() {
  std::lock_guard<std::mutex> lock(mu_);
  cache_.clear();
}

StatusOr<BearerTokenSource::Entry> BearerTokenSource::Fetch(
    const std::string& realm, const std::string& service, const std::string& scope,
    const std::optional<BasicCredentials>& credentials, Deadline deadline) const {
  std::vector<std::pair<std::string, std::string>> query;
  if (!service.empty()) query.emplace_back("service", service);
  if (!scope.empty()) query.emplace_back("scope", scope);
  HttpRequest request;
  request.url = AppendQuery(realm, query);
  request.deadline = deadline;
  request.max_body_bytes = kMaxTokenResponseBytes;
  if (credentials) {
    request.headers.emplace_back(
        "Authorization",
        "Basic " + crypto::Base64Encode(credentials->username + ":" + credentials->password));
  }
  CN_ASSIGN_OR_RETURN(HttpResponse response, client_->Send(request));
  if (response.status == 401 || response.status == 403) {
    return PermissionDeniedError("token request to " + realm + " was refused (" +
                                 std::to_string(response.status) + ")");
  }
  if (response.status != 200) {
    return UnavailableError("token request to " + realm +
                            " failed: " + std::to_string(response.status));
  }
  CN_ASSIGN_OR_RETURN(TokenResponse parsed, ParseTokenResponse(response.body, realm, shape_));
  auto expires = std::chrono::steady_clock::now() +
                 std::chrono::seconds(parsed.expires_in_seconds) - kExpiryMargin;
  return Entry{std::move(parsed.token), expires};
}

}  // namespace connaisseur::net
