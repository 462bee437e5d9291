// The Docker / Notary token flow (docker distribution "token authentication specification"):
// a 401 carries `WWW-Authenticate: Bearer realm=…,service=…,scope=…`; the client asks the realm
// for a token (optionally with HTTP Basic credentials) and retries with `Authorization: Bearer`.
// Shared by the notary client and the OCI registry client.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include "runtime/deadline.h"
#include "runtime/net/http_client.h"
#include "runtime/status.h"

namespace connaisseur::net {

// One parsed challenge of a WWW-Authenticate header.
struct AuthChallenge {
  std::string scheme;                         // as written: "Bearer", "Basic", ...
  std::map<std::string, std::string> params;  // names lower-cased, values unquoted

  // The parameter's value, or "" when absent.
  std::string Param(const std::string& lower_name) const;
};

// Parses the first challenge of a WWW-Authenticate value: `Scheme k=v, k="quoted, \"v\""`.
// kInvalidArgument on a malformed value (no scheme, unterminated quote, missing `=`).
StatusOr<AuthChallenge> ParseAuthChallenge(std::string_view header);

// OK iff `realm` may receive credentials: https (or http when `allow_plain_http`), no "..",
// no "//" besides the one after the scheme. kPermissionDenied otherwise, with
// "authentication through insecure channel" or "potential path traversal".
Status CheckRealm(std::string_view realm, bool allow_plain_http);

// True iff `token` matches ^[A-Za-z0-9-_=]+\.[A-Za-z0-9-_=]+\.?[A-Za-z0-9-_.+/=]*$ (a JWT shape).
bool LooksLikeJwt(std::string_view token);

// True iff `token` is an RFC 6750 b64token: 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" )
// *"=". Registries hand out opaque tokens of this shape (ghcr.io's are not JWTs); nothing else can
// go into an Authorization header unescaped.
bool IsBearerToken(std::string_view token);

// What a token must look like to be used. Notary servers issue JWTs and Connaisseur has always
// required that shape there; OCI registries may issue any RFC 6750 token.
enum class TokenShape { kJwt, kBearer };

// A token server's answer (HTTP 200).
struct TokenResponse {
  std::string token;               // the JWT to send as `Authorization: Bearer`
  int64_t expires_in_seconds = 0;  // `expires_in`, clamped to [0, 24 h]; 60 when absent
};

// Parses a token server's body: {"token" or "access_token": a string of `shape`,
// "expires_in"?: integer}. kInvalidArgument, naming `realm`, for anything else.
StatusOr<TokenResponse> ParseTokenResponse(std::string_view body, std::string_view realm,
                                           TokenShape shape = TokenShape::kJwt);

struct BasicCredentials {
  std::string username;
  std::string password;  // secret: never logged
};

// Fetches bearer tokens and caches them until they expire. Thread-safe. `client` is borrowed and
// must outlive this object.
class BearerTokenSource {
 public:
  explicit BearerTokenSource(const HttpClient* client, TokenShape shape = TokenShape::kJwt)
      : client_(client), shape_(shape) {}

  // A token for `challenge` (which must be a Bearer challenge with a realm) and `scope` (the
  // challenge's own scope when empty), fetched with `credentials` when given. Errors:
  // kPermissionDenied (non-Bearer scheme "<scheme> is an unsupported authentication type",
  // bad realm, 401/403 from the realm), kUnavailable / kDeadlineExceeded (transport),
  // kInvalidArgument (malformed token response).
  StatusOr<std::string> Token(const AuthChallenge& challenge, std::string_view scope,
                              const std::optional<BasicCredentials>& credentials,
                              Deadline deadline);

  // Forgets every cached token (after the server rejected one).
  void Clear();

 private:
  using Key = std::tuple<std::string, std::string, std::string, std::string>;
  struct Entry {
    std::string token;
    std::chrono::steady_clock::time_point expires;
  };

  StatusOr<Entry> Fetch(const std::string& realm, const std::string& service,
                        const std::string& scope,
                        const std::optional<BasicCredentials>& credentials,
                        Deadline deadline) const;

  const HttpClient* client_;
  const TokenShape shape_;
  std::mutex mu_;
  std::map<Key, Entry> cache_;  // guarded by mu_; (realm, service, scope, user+hash)
};

}  // namespace connaisseur::net
