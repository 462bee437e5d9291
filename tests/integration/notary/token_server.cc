#include "tests/integration/notary/token_server.h"

#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <sstream>

#include "runtime/crypto/encoding.h"

namespace connaisseur::testing {

namespace {

std::string Base64Url(std::string_view bytes) {
  std::string out = crypto::Base64Encode(bytes);
  for (char& c : out) c = c == '+' ? '-' : c == '/' ? '_' : c;
  while (!out.empty() && out.back() == '=') out.pop_back();
  return out;
}

std::string PercentDecode(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      auto hex = crypto::HexDecode(std::string(s.substr(i + 1, 2)));
      if (hex.ok()) {
        out += *hex;
        i += 2;
        continue;
      }
    }
    out.push_back(s[i] == '+' ? ' ' : s[i]);
  }
  return out;
}

// The values of every `name=` parameter of a query string.
std::vector<std::string> QueryValues(const std::string& query, const std::string& name) {
  std::vector<std::string> values;
  std::istringstream parts(query);
  for (std::string part; std::getline(parts, part, '&');) {
    if (part.starts_with(name + "=")) values.push_back(PercentDecode(part.substr(name.size() + 1)));
  }
  return values;
}

TestResponse Json(int status, const nlohmann::json& body) {
  return {.status = status, .headers = {{"Content-Type", "application/json"}}, .body = body.dump()};
}

}  // namespace

StatusOr<std::unique_ptr<TokenServer>> TokenServer::Start(const TestCa& ca, std::string username,
                                                          std::string password) {
  CN_ASSIGN_OR_RETURN(std::string dir, MakeTempDir("cn-token"));
  CN_RETURN_IF_ERROR(RunCommand("cd '" + dir +
                                    "' && openssl req -x509 -newkey ec -pkeyopt "
                                    "ec_paramgen_curve:prime256v1 -nodes -keyout token.key "
                                    "-out token.crt -subj /CN=cn-token-issuer -days 2 && "
                                    "openssl x509 -in token.crt -outform der -out token.der",
                                dir + "/openssl.log"));
  CN_ASSIGN_OR_RETURN(std::string key_pem, ReadFile(dir + "/token.key"));
  CN_ASSIGN_OR_RETURN(std::string der, ReadFile(dir + "/token.der"));
  CN_ASSIGN_OR_RETURN(crypto::PrivateKey key, crypto::PrivateKey::FromPem(key_pem));
  std::unique_ptr<TokenServer> s(new TokenServer(dir, std::move(key), crypto::Base64Encode(der),
                                                 std::move(username), std::move(password)));
  CN_ASSIGN_OR_RETURN(s->http_, TestHttpsServer::Start(ca.server_cert_pem(), ca.server_key_pem(),
                                                       [raw = s.get()](const TestRequest& r) {
                                                         return raw->Handle(r);
                                                       }));
  return s;
}

TokenServer::TokenServer(std::string dir, crypto::PrivateKey key, std::string cert_der_b64,
                         std::string username, std::string password)
    : dir_(std::move(dir)),
      key_(std::move(key)),
      cert_der_b64_(std::move(cert_der_b64)),
      username_(std::move(username)),
      password_(std::move(password)) {}

TokenServer::~TokenServer() {
  http_.reset();
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

TestResponse TokenServer::Handle(const TestRequest& request) {
  if (request.path != "/token") return Json(404, {{"error", "not found"}});
  std::string subject;
  if (const std::string* auth = request.Header("authorization")) {
    auto given = auth->starts_with("Basic ") ? crypto::Base64Decode(auth->substr(6))
                                             : StatusOr<std::string>(InvalidArgumentError(""));
    if (!given.ok() || *given != username_ + ":" + password_) {
      ++refused_;
      return Json(401, {{"errors", {{{"code", "UNAUTHORIZED"}, {"message", "bad credentials"}}}}});
    }
    subject = username_;
    ++granted_;
  } else {
    ++anonymous_;
  }
  // Access for each requested scope "repository:<name>:<a,b>", to authenticated callers only.
  nlohmann::json access = nlohmann::json::array();
  for (const std::string& scope : QueryValues(request.query, "scope")) {
    size_t first = scope.find(':'), last = scope.rfind(':');
    if (subject.empty() || first == std::string::npos || first == last) continue;
    nlohmann::json actions = nlohmann::json::array();
    std::istringstream list(scope.substr(last + 1));
    for (std::string a; std::getline(list, a, ',');) actions.push_back(a);
    access.push_back({{"type", scope.substr(0, first)},
                      {"name", scope.substr(first + 1, last - first - 1)},
                      {"actions", actions}});
  }
  auto now = std::chrono::duration_cast<std::chrono::seconds>(
                 std::chrono::system_clock::now().time_since_epoch())
                 .count();
  nlohmann::json claims = {{"iss", kIssuer},
                           {"sub", subject},
                           {"aud", kService},
                           {"exp", now + 300},
                           {"nbf", now - 60},
                           {"iat", now},
                           {"jti", std::to_string(now) + "-" + std::to_string(granted_.load())},
                           {"access", access}};
  nlohmann::json header = {{"typ", "JWT"}, {"alg", "ES256"}, {"x5c", {cert_der_b64_}}};
  std::string signing_input = Base64Url(header.dump()) + "." + Base64Url(claims.dump());
  auto sig = key_.Sign(signing_input, crypto::SignatureScheme::kEcdsaRaw);
  if (!sig.ok()) return Json(500, {{"error", sig.status().message()}});
  return Json(200, {{"token", signing_input + "." + Base64Url(*sig)}, {"expires_in", 300}});
}

}  // namespace connaisseur::testing
