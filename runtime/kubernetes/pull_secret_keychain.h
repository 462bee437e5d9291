// PullSecretKeychain: the registry credentials a Pod would pull with, read from the cluster as
// the kubelet reads them (and go-containerregistry's k8schain, which Connaisseur's cosign
// `useKeychain` names): first the Pod's own `imagePullSecrets`, then those of its service
// account (`default` when the Pod names none), all in the Pod's namespace. A secret or service
// account that does not exist is skipped, as the kubelet does; any other API failure is an error
// (the caller denies). Secrets of type kubernetes.io/dockerconfigjson (`.dockerconfigjson`) and
// kubernetes.io/dockercfg (`.dockercfg`) count; other types are ignored. Which entry applies to
// an image: runtime/registry/pull_secret_keyring.h.
//
// Objects read are kept for `ttl` (and concurrent readers share one GET), so a burst of Pods in
// one namespace costs the API server a handful of requests. Credentials are never logged or put
// in a message. Thread-safe.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/deadline.h"
#include "runtime/kubernetes/api_client.h"
#include "runtime/kubernetes/shared_fetches.h"
#include "runtime/net/bearer_token.h"
#include "runtime/registry/pull_secret_keyring.h"
#include "runtime/status.h"
#include "runtime/verification/pull_context.h"

namespace connaisseur::kubernetes {

class PullSecretKeychain {
 public:
  struct Options {
    // How long a secret or service account read from the API is reused. Default 30 s: a rotated
    // pull secret is picked up within that time.
    std::chrono::seconds ttl{30};
    // The clock; tests pass their own. Empty: Deadline::Clock::now.
    std::function<Deadline::Clock::time_point()> now;
  };

  PullSecretKeychain(std::unique_ptr<ApiClient> api, Options options);

  // The credentials for `registry`/`repository` under `pull`, or nullopt to pull anonymously
  // (an empty `pull`, or no pull secret entry matching). Errors: kPermissionDenied (the API
  // refused: RBAC), kUnavailable, kDeadlineExceeded, kInvalidArgument (a malformed pull secret or
  // name), each naming the object, never its content.
  StatusOr<std::optional<net::BasicCredentials>> Resolve(const verification::PullContext& pull,
                                                         std::string_view registry,
                                                         std::string_view repository,
                                                         Deadline deadline);

 private:
  using KeyringPtr = std::shared_ptr<const registry::PullSecretKeyring>;
  using NamesPtr = std::shared_ptr<const std::vector<std::string>>;

  // The entries of secret `namespace_name`/`name`; null when it does not exist or is not a pull
  // secret.
  StatusOr<KeyringPtr> SecretKeyring(const std::string& namespace_name, const std::string& name,
                                     Deadline deadline);
  // The imagePullSecrets names of service account `namespace_name`/`name`; null when it does
  // not exist.
  StatusOr<NamesPtr> ServiceAccountPullSecrets(const std::string& namespace_name,
                                               const std::string& name, Deadline deadline);

  std::unique_ptr<ApiClient> api_;
  SharedFetches<KeyringPtr> secrets_;
  SharedFetches<NamesPtr> service_accounts_;
};

// The keychain of the cluster this process runs in (InClusterApiServer), made on first use and
// shared by every caller. nullptr off-cluster (KUBERNETES_SERVICE_HOST unset); an error when the
// environment says in-cluster but the service-account files are unusable.
StatusOr<std::shared_ptr<PullSecretKeychain>> InClusterKeychain();

}  // namespace connaisseur::kubernetes
