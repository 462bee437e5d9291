// Credentials for the notary token realm: inline `auth.username/password`, or a mounted
// Kubernetes secret `<secrets_dir>/<auth.secretName>/` holding either files `username` and
// `password`, or `secret.yaml` with `username:` and `password:` (the chart's layout).
#pragma once

#include <optional>
#include <string>

#include "runtime/config/config.h"
#include "runtime/net/bearer_token.h"
#include "runtime/status.h"

namespace connaisseur::notaryv1 {

// nullopt when no credentials are configured. kInvalidArgument when the secret cannot be read
// or lacks a username or password (the message never contains the password).
StatusOr<std::optional<net::BasicCredentials>> LoadCredentials(const config::Auth& auth,
                                                               const std::string& secrets_dir);

}  // namespace connaisseur::notaryv1
