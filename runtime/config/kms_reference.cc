#include "runtime/config/kms_reference.h"

namespace connaisseur::config {
namespace {

struct KmsSchemeInfo {
  std::string_view scheme;
  bool verified;  // this build reads the key (and `sign` may sign with it)
};

constexpr KmsSchemeInfo kKmsSchemes[] = {{"awskms://", true},
                                         {"gcpkms://", false},
                                         {"hashivault://", true},
                                         {"azurekms://", false},
                                         {"k8s://", false}};

const KmsSchemeInfo* Find(std::string_view key) {
  for (const KmsSchemeInfo& info : kKmsSchemes) {
    if (key.starts_with(info.scheme)) return &info;
  }
  return nullptr;
}

}  // namespace

bool IsKmsReference(std::string_view key) { return Find(key) != nullptr; }

bool IsVerifiedKmsReference(std::string_view key) {
  const KmsSchemeInfo* info = Find(key);
  return info != nullptr && info->verified;
}

std::string_view KmsScheme(std::string_view key) {
  const KmsSchemeInfo* info = Find(key);
  return info != nullptr ? info->scheme : std::string_view();
}

}  // namespace connaisseur::config
