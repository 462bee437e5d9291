#include "validators/notaryv1/credentials.h"

#include <array>
#include <fstream>
#include <sstream>
#include <utility>

namespace connaisseur::notaryv1 {

namespace {

constexpr std::streamsize kMaxSecretFileBytes = 64 << 10;

// The YAML files a secret may hold, in the order they are tried (see credentials.h).
constexpr std::array<const char*, 2> kYamlFiles = {"secret.yaml", "auth.yaml"};
// The pairs of one-value files, in the order they are tried.
constexpr std::array<std::pair<const char*, const char*>, 2> kValueFiles = {{
    {"username", "password"},
    {"NOTARY_USER", "NOTARY_PASS"},
}};

std::optional<std::string> ReadSmallFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::string data(static_cast<size_t>(kMaxSecretFileBytes), '\0');
  in.read(data.data(), kMaxSecretFileBytes);
  data.resize(static_cast<size_t>(in.gcount()));
  return data;
}

std::string Trim(std::string s) {
  const char* ws = " \t\r\n";
  s.erase(0, s.find_first_not_of(ws));
  s.erase(s.find_last_not_of(ws) + 1);
  return s;
}

// `key: value` from a flat YAML mapping. A quoted value loses its quotes; an unquoted one ends
// at a ` #` comment. Values stay text (`password: 0123` is "0123", not a number), which a
// full YAML reader would not promise.
std::string YamlValue(const std::string& doc, const std::string& key) {
  std::istringstream lines(doc);
  for (std::string line; std::getline(lines, line);) {
    if (!line.starts_with(key + ":")) continue;
    std::string value = Trim(line.substr(key.size() + 1));
    if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'')) {
      const size_t close = value.find(value.front(), 1);
      if (close != std::string::npos) return value.substr(1, close - 1);
    }
    const size_t comment = value.find(" #");
    if (comment != std::string::npos) value = Trim(value.substr(0, comment));
    return value;
  }
  return "";
}

StatusOr<net::BasicCredentials> Complete(net::BasicCredentials creds, const std::string& what) {
  if (creds.username.empty() || creds.password.empty()) {
    return InvalidArgumentError("secret " + what + " lacks a username or password");
  }
  return creds;
}

// The credentials in the secret mounted at `dir`, from the first layout whose file exists.
StatusOr<net::BasicCredentials> ReadSecret(const std::string& dir) {
  for (const char* name : kYamlFiles) {
    const std::string path = dir + "/" + name;
    if (auto yaml = ReadSmallFile(path)) {
      return Complete({YamlValue(*yaml, "username"), YamlValue(*yaml, "password")}, path);
    }
  }
  for (const auto& [user_file, pass_file] : kValueFiles) {
    auto user = ReadSmallFile(dir + "/" + user_file);
    auto pass = ReadSmallFile(dir + "/" + pass_file);
    if (!user && !pass) continue;
    if (!user || !pass) {
      return InvalidArgumentError("secret " + dir + " has " + (user ? user_file : pass_file) +
                                  " but no " + (user ? pass_file : user_file));
    }
    return Complete({Trim(*user), Trim(*pass)}, dir + " (" + user_file + ", " + pass_file + ")");
  }
  return InvalidArgumentError(
      "cannot read credentials from secret " + dir +
      ": it holds none of secret.yaml, auth.yaml, username + password, NOTARY_USER + NOTARY_PASS");
}

}  // namespace

StatusOr<std::optional<net::BasicCredentials>> LoadCredentials(const config::Auth& auth,
                                                               const std::string& secrets_dir) {
  if (auth.secret_name.empty()) {
    if (auth.username.empty()) return std::optional<net::BasicCredentials>();
    return std::optional<net::BasicCredentials>(
        net::BasicCredentials{auth.username, auth.password});
  }
  if (auth.secret_name.find('/') != std::string::npos || auth.secret_name.starts_with(".")) {
    return InvalidArgumentError("auth.secretName \"" + auth.secret_name + "\" is not a name");
  }
  CN_ASSIGN_OR_RETURN(net::BasicCredentials creds,
                      ReadSecret(secrets_dir + "/" + auth.secret_name));
  return std::optional<net::BasicCredentials>(std::move(creds));
}

}  // namespace connaisseur::notaryv1
