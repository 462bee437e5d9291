#include "runtime/registry/credentials.h"

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "runtime/crypto/encoding.h"

namespace connaisseur::registry {

namespace {

// Reads a mounted secret file; nullopt when absent. Secrets are small: cap at 1 MiB.
std::optional<std::string> ReadSmallFile(const std::filesystem::path& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) return std::nullopt;
  if (std::filesystem::file_size(path, ec) > (1u << 20) || ec) return std::nullopt;
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string TrimNewlines(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
  return s;
}

// "https://index.docker.io/v1/" → "docker.io"; "host:5000/" → "host:5000".
std::string NormalizeKey(std::string key) {
  for (std::string_view scheme : {"https://", "http://"}) {
    if (key.rfind(scheme, 0) == 0) key.erase(0, scheme.size());
  }
  while (!key.empty() && key.back() == '/') key.pop_back();
  for (std::string_view suffix : {"/v1", "/v2"}) {
    if (key.size() > suffix.size() &&
        key.compare(key.size() - suffix.size(), suffix.size(), suffix) == 0 &&
        key.find('/') == key.size() - suffix.size()) {
      key.erase(key.size() - suffix.size());
    }
  }
  if (key == "index.docker.io" || key == "registry-1.docker.io") key = "docker.io";
  return key;
}

bool IsPathPrefix(std::string_view prefix, std::string_view target) {
  if (prefix.empty() || target.substr(0, prefix.size()) != prefix) return false;
  return target.size() == prefix.size() || target[prefix.size()] == '/';
}

}  // namespace

StatusOr<net::BasicCredentials> AuthEntryCredentials(const nlohmann::json& entry,
                                                     std::string_view key_view) {
  const std::string key(key_view);
  if (!entry.is_object())
    return InvalidArgumentError("docker config: auths[" + key + "] is not an object");
  auto str = [&](const char* k) {
    auto it = entry.find(k);
    return it != entry.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  const std::string auth = str("auth");
  if (!auth.empty()) {
    auto decoded = crypto::Base64Decode(auth);
    size_t colon = decoded.ok() ? decoded->find(':') : std::string::npos;
    if (colon == std::string::npos) {
      return InvalidArgumentError("docker config: auths[" + key + "].auth is not base64 user:pass");
    }
    return net::BasicCredentials{decoded->substr(0, colon), decoded->substr(colon + 1)};
  }
  if (str("username").empty()) {
    return InvalidArgumentError("docker config: auths[" + key + "] has neither auth nor username");
  }
  return net::BasicCredentials{str("username"), str("password")};
}

bool ScopeCovers(std::string_view scope, std::string_view registry, std::string_view repository) {
  return IsPathPrefix(NormalizeKey(std::string(scope)),
                      NormalizeKey(std::string(registry)) + "/" + std::string(repository));
}

StatusOr<std::optional<net::BasicCredentials>> CredentialsFromDockerConfig(
    std::string_view json, std::string_view registry, std::string_view repository) {
  auto doc = nlohmann::json::parse(json, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) {
    return InvalidArgumentError("docker config is not a JSON object");
  }
  auto auths = doc.find("auths");
  if (auths == doc.end() || !auths->is_object()) {
    return InvalidArgumentError("docker config has no \"auths\" object");
  }
  const std::string target = NormalizeKey(std::string(registry)) + "/" + std::string(repository);
  std::string best_key;
  const nlohmann::json* best = nullptr;
  for (auto it = auths->begin(); it != auths->end(); ++it) {
    const std::string key = NormalizeKey(it.key());
    if (IsPathPrefix(key, target) && (best == nullptr || key.size() > best_key.size())) {
      best_key = key;
      best = &it.value();
    }
  }
  if (best == nullptr) return std::optional<net::BasicCredentials>();
  CN_ASSIGN_OR_RETURN(auto creds, AuthEntryCredentials(*best, best_key));
  return std::optional<net::BasicCredentials>(std::move(creds));
}

StatusOr<std::optional<net::BasicCredentials>> ResolveCredentials(const AuthSettings& auth,
                                                                  std::string_view registry,
                                                                  std::string_view repository) {
  const auto none = std::optional<net::BasicCredentials>();
  if (!auth.username.empty()) {
    if (!auth.registry.empty() && !ScopeCovers(auth.registry, registry, repository)) return none;
    return std::optional<net::BasicCredentials>(
        net::BasicCredentials{auth.username, auth.password});
  }
  if (auth.secret_name.empty()) return none;
  if (auth.secret_name.find('/') != std::string::npos || auth.secret_name == "..") {
    return InvalidArgumentError("auth.secretName must be a plain name");
  }
  const std::filesystem::path dir = std::filesystem::path(auth.secrets_dir) / auth.secret_name;
  for (const char* name : {".dockerconfigjson", "config.json"}) {
    if (auto text = ReadSmallFile(dir / name)) {
      return CredentialsFromDockerConfig(*text, registry, repository);
    }
  }
  auto user = ReadSmallFile(dir / "username");
  auto pass = ReadSmallFile(dir / "password");
  if (user && pass) {
    std::string scope = auth.registry;
    if (auto file = ReadSmallFile(dir / "registry")) scope = TrimNewlines(*file);
    if (!scope.empty() && !ScopeCovers(scope, registry, repository)) return none;
    return std::optional<net::BasicCredentials>(
        net::BasicCredentials{TrimNewlines(*user), TrimNewlines(*pass)});
  }
  return NotFoundError("auth secret " + auth.secret_name +
                       ": no .dockerconfigjson, config.json or username/password in " +
                       dir.string());
}

}  // namespace connaisseur::registry
