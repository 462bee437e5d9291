// Fuzzes what a registry or notary server (or a token realm it names) says about authentication:
// the input is a WWW-Authenticate value, then optionally a NUL byte and a token server's body.
// No crash, no sanitizer report, and the contracts the token flow relies on: a parsed challenge
// has a scheme and lower-case parameter names; a realm CheckRealm accepts is an https (or, when
// allowed, http; in any case) URL without "..", so credentials never go to a downgraded or
// traversing URL; a parsed token is JWT-shaped and lives between 0 and 24 hours.
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "runtime/net/bearer_token.h"

namespace {

constexpr size_t kMaxInput = 16 * 1024;

void Check(bool ok) {
  if (!ok) std::abort();
}

void CheckChallenge(std::string_view header) {
  using namespace connaisseur::net;
  auto challenge = ParseAuthChallenge(header);
  if (!challenge.ok()) return;
  Check(!challenge->scheme.empty());
  for (const auto& [name, value] : challenge->params) {
    for (char c : name) Check(!std::isupper(static_cast<unsigned char>(c)));
  }
  const std::string realm = challenge->Param("realm");
  for (bool allow_http : {false, true}) {
    if (!CheckRealm(realm, allow_http).ok()) continue;
    std::string scheme = realm.substr(0, realm.find("://") + 3);  // schemes ignore case
    for (char& c : scheme) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    Check(scheme == "https://" || (allow_http && scheme == "http://"));
    Check(realm.find("..") == std::string::npos);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace connaisseur::net;
  if (size > kMaxInput) return 0;
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  const size_t nul = in.find('\0');
  CheckChallenge(in.substr(0, nul));
  if (nul == std::string_view::npos) return 0;
  auto token = ParseTokenResponse(in.substr(nul + 1), "https://auth.example.com/token");
  if (token.ok()) {
    Check(LooksLikeJwt(token->token));
    Check(token->expires_in_seconds >= 0 && token->expires_in_seconds <= 24 * 3600);
  }
  return 0;
}
