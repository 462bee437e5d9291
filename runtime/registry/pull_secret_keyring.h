// PullSecretKeyring: registry credentials from Kubernetes image pull secrets, matched to an image
// the way the kubelet (and go-containerregistry's k8schain) match them:
//   - a `kubernetes.io/dockerconfigjson` secret holds `{"auths": {KEY: ENTRY}}`, a
//     `kubernetes.io/dockercfg` secret holds `{KEY: ENTRY}`; ENTRY has `auth` (base64
//     "user:password") or `username` and `password`;
//   - KEY is "[scheme://]host[:port][/path]"; a leading "/v1/" or "/v2/" of the path is dropped;
//   - KEY matches an image when the ports are equal, the hosts have as many dot-separated parts
//     and each part matches as a glob (`*`, `?`, `[...]`: "*.example.com"), and the path is a
//     prefix of the repository;
//   - of the keys that match, the greatest in reverse lexical order wins (so the longer of two
//     nested paths), and for equal keys the secret added first (the Pod's before its service
//     account's).
// Unlike the kubelet, a path matches whole repository segments only ("team" never covers
// "teamster/app"), and Docker Hub's names (docker.io, index.docker.io, registry-1.docker.io) are
// one registry on both sides.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/net/bearer_token.h"
#include "runtime/status.h"

namespace connaisseur::registry {

class PullSecretKeyring {
 public:
  // Adds the entries of a `.dockerconfigjson` document. kInvalidArgument (naming the key, never
  // a value) for malformed JSON, a malformed entry or an `auth` that is not base64 user:password.
  Status AddDockerConfigJson(std::string_view json);
  // Adds the entries of a legacy `.dockercfg` document. Errors as above.
  Status AddDockercfg(std::string_view json);
  // Adds every entry of `other` after this keyring's own.
  void Append(const PullSecretKeyring& other);

  // The credentials for `registry` (as in an ImageReference: "docker.io", "host:5000") and
  // `repository`, or nullopt (pull anonymously).
  std::optional<net::BasicCredentials> Lookup(std::string_view registry,
                                              std::string_view repository) const;

  size_t size() const { return entries_.size(); }

 private:
  struct Entry {
    std::string key;                      // host[:port][/path], as compared for the order
    std::vector<std::string> host_parts;  // lower-cased, split at '.'
    std::string port;                     // "" when none
    std::string path;                     // "" or "/a/b", without a trailing '/'
    net::BasicCredentials credentials;    // secret: never logged
  };

  // Adds every KEY: ENTRY of `auths`; `what` names the document in errors.
  Status AddAuths(const nlohmann::json& auths, std::string_view what);
  void Sort();

  std::vector<Entry> entries_;  // sorted by key, greatest first; stable for equal keys
};

}  // namespace connaisseur::registry
