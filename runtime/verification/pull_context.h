// PullContext: whose image pull credentials a validator may use for one image. In the webhook it
// is the namespace, service account and `imagePullSecrets` of the Pod (or pod template) under
// review, the same identity the kubelet pulls with; cosign's `auth.useKeychain` reads the
// registry credentials from there. Off-cluster (`check`, `test`) it is empty and such images are
// pulled anonymously.
#pragma once

#include <string>
#include <vector>

namespace connaisseur::verification {

struct PullContext {
  // The request's namespace. Empty: no cluster context (every other field is then empty too).
  std::string namespace_name;
  // spec.serviceAccountName (or the deprecated spec.serviceAccount); empty means "default".
  std::string service_account;
  // spec.imagePullSecrets[].name, in the order written.
  std::vector<std::string> image_pull_secrets;

  bool empty() const { return namespace_name.empty(); }
  bool operator==(const PullContext&) const = default;
};

}  // namespace connaisseur::verification
