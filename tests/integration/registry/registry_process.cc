#include "tests/integration/registry/registry_process.h"

#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "runtime/crypto/encoding.h"
#include "tests/runtime/net/test_ca.h"

namespace connaisseur::testing {

namespace {

constexpr char kBinary[] = "/usr/bin/docker-registry";

std::string UrlDecode(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      out.push_back(static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16)));
      i += 2;
    } else {
      out.push_back(s[i] == '+' ? ' ' : s[i]);
    }
  }
  return out;
}

std::string B64Url(std::string_view bytes) {
  std::string s = crypto::Base64Encode(bytes);
  for (char& c : s) c = c == '+' ? '-' : c == '/' ? '_' : c;
  while (!s.empty() && s.back() == '=') s.pop_back();
  return s;
}

// The DER of the first CERTIFICATE block of `pem`.
std::string CertDer(const std::string& pem) {
  const std::string begin = "-----BEGIN CERTIFICATE-----", end = "-----END CERTIFICATE-----";
  size_t b = pem.find(begin) + begin.size();
  std::string b64;
  for (char c : pem.substr(b, pem.find(end) - b)) {
    if (c != '\n' && c != '\r') b64.push_back(c);
  }
  auto der = crypto::Base64Decode(b64);
  return der.ok() ? *der : "";
}

}  // namespace

bool RegistryProcess::Available() { return access(kBinary, X_OK) == 0; }

StatusOr<std::unique_ptr<RegistryProcess>> RegistryProcess::Start(Mode mode) {
  CN_ASSIGN_OR_RETURN(std::string dir, MakeTempDir("cn-registry"));
  std::unique_ptr<RegistryProcess> p(new RegistryProcess(mode, dir));
  CN_ASSIGN_OR_RETURN(p->port_, FreeLoopbackPort());
  std::string config =
      "version: 0.1\nlog:\n  level: info\n  accesslog:\n    disabled: true\n"
      "storage:\n  filesystem:\n    rootdirectory: " +
      dir +
      "/data\n"
      "  delete:\n    enabled: true\n"
      "http:\n  addr: 127.0.0.1:" +
      std::to_string(p->port_) + "\n";
  if (mode == Mode::kTls || mode == Mode::kTlsHtpasswd) {
    const TestCa* ca = TestCa::Shared();
    if (ca == nullptr) return InternalError("test CA unavailable");
    config += "  tls:\n    certificate: " + ca->server_cert_path() +
              "\n    key: " + ca->server_key_path() + "\n";
  }
  if (mode == Mode::kHtpasswd || mode == Mode::kTlsHtpasswd) {
    CN_RETURN_IF_ERROR(RunCommand(
        "htpasswd -Bbn " + std::string(kUser) + " " + kPassword + " > " + dir + "/htpasswd",
        dir + "/htpasswd.log"));
    config += "auth:\n  htpasswd:\n    realm: test\n    path: " + dir + "/htpasswd\n";
  }
  if (mode == Mode::kToken) {
    CN_RETURN_IF_ERROR(p->StartTokenServer());
    config += "auth:\n  token:\n    realm: " + p->token_server_->url() +
              "/token\n    service: test-registry\n    issuer: test-issuer\n"
              "    rootcertbundle: " +
              dir + "/token.crt\n";
  }
  CN_RETURN_IF_ERROR(WriteFile(dir + "/config.yml", config));
  CN_ASSIGN_OR_RETURN(
      p->process_, ChildProcess::Start({{kBinary, "serve", dir + "/config.yml"}, "listening on"}));
  return p;
}

Status RegistryProcess::StartTokenServer() {
  CN_RETURN_IF_ERROR(
      RunCommand("cd " + dir_ +
                     " && openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes "
                     "-keyout token.key -out token.crt -days 2 -subj /CN=test-token-issuer",
                 dir_ + "/token-openssl.log"));
  CN_ASSIGN_OR_RETURN(std::string key_pem, ReadFile(dir_ + "/token.key"));
  CN_ASSIGN_OR_RETURN(std::string cert_pem, ReadFile(dir_ + "/token.crt"));
  CN_ASSIGN_OR_RETURN(auto key, crypto::PrivateKey::FromPem(key_pem));
  token_key_.emplace(std::move(key));
  const std::string cert_der = CertDer(cert_pem);
  const crypto::PrivateKey* signer = &*token_key_;
  auto server = TestHttpsServer::Start("", "", [signer, cert_der](const TestRequest& req) {
    const std::string* auth = req.Header("authorization");
    if (req.path != "/token" || auth == nullptr ||
        *auth != "Basic " + crypto::Base64Encode(std::string(kUser) + ":" + kPassword)) {
      return TestResponse{401, {}, R"({"details":"bad credentials"})"};
    }
    nlohmann::json access = nlohmann::json::array();
    size_t pos = 0;
    const std::string& q = req.query;
    while (pos <= q.size()) {
      size_t amp = q.find('&', pos);
      if (amp == std::string::npos) amp = q.size();
      const std::string pair = q.substr(pos, amp - pos);
      if (pair.rfind("scope=", 0) == 0) {
        const std::string scope = UrlDecode(pair.substr(6));  // repository:<name>:<actions>
        const size_t a = scope.find(':'), b = scope.rfind(':');
        if (a != std::string::npos && b > a) {
          nlohmann::json actions = nlohmann::json::array();
          std::string list = scope.substr(b + 1);
          for (size_t s = 0; s <= list.size();) {
            size_t c = list.find(',', s);
            if (c == std::string::npos) c = list.size();
            actions.push_back(list.substr(s, c - s));
            s = c + 1;
          }
          access.push_back({{"type", scope.substr(0, a)},
                            {"name", scope.substr(a + 1, b - a - 1)},
                            {"actions", actions}});
        }
      }
      pos = amp + 1;
    }
    const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
    nlohmann::json header = {
        {"typ", "JWT"}, {"alg", "ES256"}, {"x5c", {crypto::Base64Encode(cert_der)}}};
    nlohmann::json claims = {{"iss", "test-issuer"},
                             {"sub", kUser},
                             {"aud", "test-registry"},
                             {"exp", now + 300},
                             {"nbf", now - 10},
                             {"iat", now},
                             {"jti", std::to_string(now) + "-" + std::to_string(pos)},
                             {"access", access}};
    const std::string signing_input = B64Url(header.dump()) + "." + B64Url(claims.dump());
    auto sig = signer->Sign(signing_input, crypto::SignatureScheme::kEcdsaRaw);
    if (!sig.ok()) return TestResponse{500};
    const std::string token = signing_input + "." + B64Url(*sig);
    return TestResponse{200,
                        {{"Content-Type", "application/json"}},
                        nlohmann::json{{"token", token}, {"expires_in", 300}}.dump()};
  });
  if (!server.ok()) return server.status();
  token_server_ = std::move(server).value();
  return Status::Ok();
}

RegistryProcess::~RegistryProcess() {
  process_.reset();  // killed before its files go
  token_server_.reset();
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

}  // namespace connaisseur::testing
