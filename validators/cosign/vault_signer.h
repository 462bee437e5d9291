// VaultPayloadSigner: `connaisseur sign --key hashivault://NAME` signs through HashiCorp Vault's
// transit engine, as cosign's Vault provider does (runtime/vault/transit_client.h for the
// requests and the VAULT_* settings). The signer reads the key's latest version and its public
// key once, signs every payload with that version (the one verifiers trust), and checks each
// signature against that public key before handing it out: a signature Vault made with another
// version, or one that does not verify, is an error and is never pushed.
#pragma once

#include <memory>
#include <string_view>

#include "runtime/deadline.h"
#include "runtime/status.h"
#include "runtime/vault/transit_client.h"
#include "validators/cosign/signer.h"

namespace connaisseur::cosign {

// Reads the key now. Errors: kInvalidArgument for a malformed reference, a missing or
// malformed setting, or a key that cannot make a signature cosign verifies (no public key:
// not a signing key; a key type other than ECDSA P-256/P-384, RSA, Ed25519); the transit
// client's codes for Vault's answers (kPermissionDenied, kNotFound, kUnavailable).
StatusOr<std::unique_ptr<PayloadSigner>> VaultPayloadSigner(std::string_view reference,
                                                            const vault::Environment& env,
                                                            Deadline deadline);

}  // namespace connaisseur::cosign
