#include "validators/notaryv1/credentials.h"

#include <fstream>
#include <sstream>

namespace connaisseur::notaryv1 {

namespace {

constexpr std::streamsize kMaxSecretFileBytes = 64 << 10;

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

// `key: value` from a flat YAML document; quotes around the value are removed.
std::string YamlValue(const std::string& doc, const std::string& key) {
  std::istringstream lines(doc);
  for (std::string line; std::getline(lines, line);) {
    if (!line.starts_with(key + ":")) continue;
    std::string value = Trim(line.substr(key.size() + 1));
    if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') &&
        value.back() == value.front()) {
      value = value.substr(1, value.size() - 2);
    }
    return value;
  }
  return "";
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
  const std::string dir = secrets_dir + "/" + auth.secret_name;
  net::BasicCredentials creds;
  if (auto yaml = ReadSmallFile(dir + "/secret.yaml")) {
    creds.username = YamlValue(*yaml, "username");
    creds.password = YamlValue(*yaml, "password");
  } else {
    auto user = ReadSmallFile(dir + "/username");
    auto pass = ReadSmallFile(dir + "/password");
    if (!user || !pass) {
      return InvalidArgumentError("cannot read credentials from secret " + dir);
    }
    creds.username = Trim(*user);
    creds.password = Trim(*pass);
  }
  if (creds.username.empty() || creds.password.empty()) {
    return InvalidArgumentError("secret " + dir + " lacks a username or password");
  }
  return std::optional<net::BasicCredentials>(std::move(creds));
}

}  // namespace connaisseur::notaryv1
