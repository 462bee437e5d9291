// Credentials for the notary token realm: inline `auth.username/password`, or a mounted
// Kubernetes secret `<secrets_dir>/<auth.secretName>/` in any layout Connaisseur used, tried in
// this order (the first whose file exists is the one read):
//   secret.yaml            `username:` and `password:` (this project's chart)
//   auth.yaml              `username:` and `password:` (Connaisseur v3's documented secret,
//                          `kubectl create secret generic <name> --from-file auth.yaml`)
//   username, password     one value per file (a `kubernetes.io/basic-auth` style secret)
//   NOTARY_USER, NOTARY_PASS  one value per file (the keys of Connaisseur v1's secret)
#pragma once

#include <optional>
#include <string>

#include "runtime/config/config.h"
#include "runtime/net/bearer_token.h"
#include "runtime/status.h"

namespace connaisseur::notaryv1 {

// nullopt when no credentials are configured. kInvalidArgument when the secret cannot be read
// or lacks a username or password (the message names the file, never a value).
StatusOr<std::optional<net::BasicCredentials>> LoadCredentials(const config::Auth& auth,
                                                               const std::string& secrets_dir);

}  // namespace connaisseur::notaryv1
