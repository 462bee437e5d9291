// KMS key references (`awskms://`, `gcpkms://`, `hashivault://`, `azurekms://`, `k8s://`) in
// cosign trust roots and in `connaisseur sign --key`. This build speaks AWS KMS
// (runtime/aws/): its trust roots get a RemoteKeySource reading GetPublicKey, and `sign` signs
// through KMS Sign. HashiCorp Vault transit keys (runtime/vault/) are trust roots too: a
// RemoteKeySource reading the key's latest version; `sign` signs through transit sign with that
// version (vault_signer.h).
// Which schemes exist and which this build verifies: runtime/config/kms_reference.h.
// The other schemes are recognised but not supported yet: their trust roots deny ("... not
// supported yet") and `sign` refuses them.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "runtime/aws/environment.h"
#include "runtime/deadline.h"
#include "runtime/status.h"
#include "validators/cosign/key_source.h"
#include "validators/cosign/remote_key_source.h"
#include "validators/cosign/signer.h"

namespace connaisseur::cosign {

struct KmsSettings {
  // Where AWS credentials, region, endpoints and CA bundle are read (runtime/aws/kms_client.h).
  aws::Environment aws_env = aws::ProcessEnvironment();
  // Where VAULT_ADDR, VAULT_TOKEN, TRANSIT_SECRET_ENGINE_PATH, VAULT_NAMESPACE and VAULT_CACERT
  // are read (runtime/vault/transit_client.h).
  aws::Environment vault_env = aws::ProcessEnvironment();
  RemoteKeySource::Options refresh;
};

// The key source of a reference config::IsVerifiedKmsReference accepts; the reference is parsed now
// (kInvalidArgument naming it when malformed), the service asked only when the key is first needed.
StatusOr<std::shared_ptr<const KeySource>> KmsKeySource(std::string_view reference,
                                                        const KmsSettings& settings);

// A signer for `reference`. AWS KMS: reads the key's public key and signing algorithms from the
// KMS now, and picks the first algorithm the key offers that cosign verifies for its type
// (ECDSA_SHA_256 on P-256, ECDSA_SHA_384 on P-384, RSASSA_PKCS1_V1_5_SHA_256 or
// RSASSA_PSS_SHA_256 on RSA). Vault: VaultPayloadSigner with `settings.vault_env`. Every
// signature is checked against the public key before use.
StatusOr<std::unique_ptr<PayloadSigner>> KmsPayloadSigner(std::string_view reference,
                                                          const KmsSettings& settings,
                                                          Deadline deadline);

}  // namespace connaisseur::cosign
