#include "runtime/registry/pull_secret_keyring.h"

#include <fnmatch.h>

#include <algorithm>
#include <cctype>

#include "runtime/registry/credentials.h"

namespace connaisseur::registry {
namespace {

constexpr std::string_view kDockerHub = "index.docker.io";

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::vector<std::string> Split(std::string_view text, char sep) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (true) {
    size_t end = text.find(sep, start);
    parts.emplace_back(text.substr(start, end - start));
    if (end == std::string_view::npos) return parts;
    start = end + 1;
  }
}

// "host[:port]" → host (lower case, Docker Hub folded) and port.
std::pair<std::string, std::string> SplitHostPort(std::string_view authority) {
  std::string host(authority), port;
  const size_t colon = host.rfind(':');
  if (colon != std::string::npos && host.find(']') == std::string::npos) {
    port = host.substr(colon + 1);
    host.erase(colon);
  }
  host = Lower(host);
  if (host == "docker.io" || host == "registry-1.docker.io") host = kDockerHub;
  return {host, port};
}

// Whether every segment of `prefix` ("/a/b") starts `path` ("/a/b/c").
bool IsSegmentPrefix(std::string_view prefix, std::string_view path) {
  if (prefix.empty()) return true;
  if (path.substr(0, prefix.size()) != prefix) return false;
  return path.size() == prefix.size() || path[prefix.size()] == '/';
}

}  // namespace

Status PullSecretKeyring::AddAuths(const nlohmann::json& auths, std::string_view what) {
  if (!auths.is_object()) return InvalidArgumentError(std::string(what) + " is not a JSON object");
  for (auto it = auths.begin(); it != auths.end(); ++it) {
    std::string_view key = it.key();
    for (std::string_view scheme : {"https://", "http://"}) {
      if (key.substr(0, scheme.size()) == scheme) key.remove_prefix(scheme.size());
    }
    const size_t slash = key.find('/');
    std::string path(slash == std::string_view::npos ? "" : key.substr(slash));
    if (path.rfind("/v1/", 0) == 0 || path.rfind("/v2/", 0) == 0) path.erase(0, 3);
    while (!path.empty() && path.back() == '/') path.pop_back();
    auto [host, port] = SplitHostPort(key.substr(0, slash));
    if (host.empty()) {
      return InvalidArgumentError(std::string(what) + ": key \"" + it.key() + "\" has no host");
    }
    auto credentials = AuthEntryCredentials(it.value(), it.key());
    if (!credentials.ok()) return credentials.status().WithPrefix(what);
    Entry entry;
    entry.key = host + (port.empty() ? "" : ":" + port) + path;
    entry.host_parts = Split(host, '.');
    entry.port = std::move(port);
    entry.path = std::move(path);
    entry.credentials = std::move(credentials).value();
    entries_.push_back(std::move(entry));
  }
  Sort();
  return Status::Ok();
}

Status PullSecretKeyring::AddDockerConfigJson(std::string_view json) {
  auto doc = nlohmann::json::parse(json, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) {
    return InvalidArgumentError(".dockerconfigjson is not a JSON object");
  }
  auto auths = doc.find("auths");
  if (auths == doc.end() || auths->is_null()) return Status::Ok();
  return AddAuths(*auths, ".dockerconfigjson auths");
}

Status PullSecretKeyring::AddDockercfg(std::string_view json) {
  auto doc = nlohmann::json::parse(json, nullptr, false);
  if (doc.is_discarded()) return InvalidArgumentError(".dockercfg is not a JSON object");
  return AddAuths(doc, ".dockercfg");
}

void PullSecretKeyring::Append(const PullSecretKeyring& other) {
  entries_.insert(entries_.end(), other.entries_.begin(), other.entries_.end());
  Sort();
}

void PullSecretKeyring::Sort() {
  std::stable_sort(entries_.begin(), entries_.end(),
                   [](const Entry& a, const Entry& b) { return a.key > b.key; });
}

std::optional<net::BasicCredentials> PullSecretKeyring::Lookup(std::string_view registry,
                                                               std::string_view repository) const {
  auto [host, port] = SplitHostPort(registry);
  const std::vector<std::string> host_parts = Split(host, '.');
  const std::string path = "/" + std::string(repository);
  for (const Entry& e : entries_) {
    if (e.port != port || e.host_parts.size() != host_parts.size()) continue;
    if (!IsSegmentPrefix(e.path, path)) continue;
    bool hosts_match = true;
    for (size_t i = 0; i < host_parts.size() && hosts_match; ++i) {
      hosts_match = fnmatch(e.host_parts[i].c_str(), host_parts[i].c_str(), 0) == 0;
    }
    if (hosts_match) return e.credentials;
  }
  return std::nullopt;
}

}  // namespace connaisseur::registry
