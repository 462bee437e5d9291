// Registry credentials of a validator's `auth` block: inline username/password, or a mounted
// secret `<secrets_dir>/<secretName>/` holding a docker config (`.dockerconfigjson` or
// `config.json`, `{"auths": {...}}`) or the files `username` and `password`. For a docker config
// the entry whose key is the longest path prefix of `<registry>/<repository>` wins.
//
// Scoping: inline credentials and username/password secrets go to every registry a rule sends
// images to, unless `registry` (inline `auth.registry`, or a `registry` file in the secret)
// names the one registry (or registry/repository prefix) they are for; images elsewhere are
// then pulled anonymously, so a broad rule cannot hand the password to a stranger's registry.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "runtime/net/bearer_token.h"
#include "runtime/status.h"

namespace connaisseur::registry {

// The `auth` options of a validator, as plain fields (runtime/ does not read config/).
struct AuthSettings {
  std::string username;     // secret: never logged
  std::string password;     // secret: never logged
  std::string secret_name;  // directory name below `secrets_dir`
  std::string registry;     // only send credentials here ("host[:port][/repo-prefix]"); empty: all
  std::string secrets_dir = "/app/secrets";
};

// Credentials for `registry`/`repository` (registry as in an ImageReference, "docker.io"), or
// nullopt for anonymous access. Errors: kNotFound (secret directory without usable files),
// kInvalidArgument (malformed docker config or auth entry).
StatusOr<std::optional<net::BasicCredentials>> ResolveCredentials(const AuthSettings& auth,
                                                                  std::string_view registry,
                                                                  std::string_view repository);

// The credentials of the best-matching `auths` entry of a docker config JSON, or nullopt when
// no key matches. Keys may carry a scheme and a trailing "/v1/" ("https://index.docker.io/v1/");
// an entry holds `auth` (base64 "user:password") or `username` and `password`.
StatusOr<std::optional<net::BasicCredentials>> CredentialsFromDockerConfig(
    std::string_view json, std::string_view registry, std::string_view repository);

// The credentials of one docker config entry: `auth` (base64 "user:password") or `username`
// and `password`. kInvalidArgument naming `key` (never a value) when it has neither, or an `auth`
// that is not base64 user:password.
StatusOr<net::BasicCredentials> AuthEntryCredentials(const nlohmann::json& entry,
                                                     std::string_view key);

// Whether credentials scoped to `scope` (a docker config key or `auth.registry`: scheme and
// "/v1/" optional, Docker Hub aliases folded) apply to `registry`/`repository`.
bool ScopeCovers(std::string_view scope, std::string_view registry, std::string_view repository);

}  // namespace connaisseur::registry
