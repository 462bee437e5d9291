// TransitClient: reads the public key of one HashiCorp Vault transit key, as cosign's Vault
// provider does: `GET $VAULT_ADDR/v1/<mount>/keys/<name>` with the token in `X-Vault-Token`,
// and the public key of the answer's `latest_version` (cosign verifies against that version
// only; older versions are not trusted, so rotating the key in Vault retires them). It also
// signs with the key, as `cosign sign --key hashivault://` does: `POST
// $VAULT_ADDR/v1/<mount>/sign/<name>[/<hash>]` with the base64 input (a digest, `prehashed`),
// an explicit `key_version`, `signature_algorithm: pkcs1v15` (RSA), `marshaling_algorithm:
// asn1` (ECDSA: a DER signature), answered `{"data": {"signature": "vault:v<N>:<base64>"}}`.
//
// Settings, as cosign and the Vault CLI read them (docs/configuration.md "HashiCorp Vault keys"):
//   VAULT_ADDR                  https://host[:port] of Vault (required; https only: the token
//                               travels with every request);
//   VAULT_TOKEN                 the token (required); a secret: never logged nor in messages;
//   TRANSIT_SECRET_ENGINE_PATH  the transit mount, default "transit";
//   VAULT_NAMESPACE             sent as X-Vault-Namespace when set (Vault Enterprise);
//   VAULT_CACERT                a PEM CA bundle file trusted beside the system CAs.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "runtime/deadline.h"
#include "runtime/net/http_client.h"
#include "runtime/status.h"
#include "runtime/vault/transit_key_uri.h"

namespace connaisseur::vault {

// Where the settings are read; an empty value counts as unset.
using Environment = std::function<std::optional<std::string>(std::string_view name)>;

struct TransitPublicKey {
  std::string type;  // Vault's key type: "ecdsa-p256", "rsa-2048", "ed25519", ...
  uint64_t latest_version = 0;
  std::string spki_der;  // DER SubjectPublicKeyInfo of the latest version
};

// Vault's answer to `GET /v1/<mount>/keys/<name>`: the public key of `data.latest_version`
// (`data.keys["<n>"].public_key`, PEM, or base64 of the raw 32 bytes for ed25519).
// kInvalidArgument naming what is missing (a key without public keys is not a signing key).
StatusOr<TransitPublicKey> ParseTransitKeyAnswer(std::string_view body);

// What to sign, and how (Vault's transit sign parameters).
struct TransitSignRequest {
  uint64_t key_version = 0;    // the version to sign with (0: Vault's latest; we always name it)
  std::string hash_algorithm;  // "sha2-256", "sha2-384"; "" for a key that signs the message
  std::string input;           // the raw digest (with hash_algorithm, prehashed) or the message
  bool ecdsa = false;          // asks for an ASN.1 (DER) signature, as cosign verifies
};

struct TransitSignature {
  uint64_t key_version = 0;  // N of the answer's "vault:vN:" prefix
  std::string signature;     // the signature's bytes (DER for ECDSA)
};

// Vault's answer to a sign request: `data.signature` = "vault:v<N>:<base64>", N > 0.
// kInvalidArgument naming what is missing or malformed.
StatusOr<TransitSignature> ParseTransitSignAnswer(std::string_view body);

class TransitClient {
 public:
  // Resolves address, token, mount, namespace and CA bundle now (no network). Errors:
  // kInvalidArgument naming the missing or malformed setting (never the token's value).
  static StatusOr<std::unique_ptr<TransitClient>> Create(const TransitKeyUri& key,
                                                         const Environment& env);

  // The key's latest public key. Errors name the URL, the HTTP status and Vault's `errors`
  // (kPermissionDenied for 401/403, kNotFound for 404, kUnavailable for a 5xx or no answer,
  // kInvalidArgument for an answer without a usable public key).
  StatusOr<TransitPublicKey> ReadPublicKey(Deadline deadline) const;

  // Signs with the key. Errors name the URL, the HTTP status and Vault's `errors`, coded as
  // ReadPublicKey's; an answer without a well-formed signature is kUnavailable (Vault
  // misbehaved: nothing the caller's input can fix). The signature is not verified here.
  StatusOr<TransitSignature> Sign(const TransitSignRequest& request, Deadline deadline) const;

  // "https://vault:8200/v1/transit/keys/cosign": what every message names.
  const std::string& key_url() const { return key_url_; }
  // "https://vault:8200/v1/transit/sign/cosign" (the hash algorithm follows when there is one).
  const std::string& sign_url() const { return sign_url_; }

 private:
  TransitClient(const std::string& mount_url, const std::string& key_name, std::string token,
                std::string ns, std::unique_ptr<net::HttpClient> http)
      : key_url_(mount_url + "/keys/" + key_name),
        sign_url_(mount_url + "/sign/" + key_name),
        token_(std::move(token)),
        namespace_(std::move(ns)),
        http_(std::move(http)) {}

  // The token (and namespace) headers every request carries.
  std::vector<std::pair<std::string, std::string>> Headers() const;

  const std::string key_url_;
  const std::string sign_url_;
  const std::string token_;
  const std::string namespace_;
  const std::unique_ptr<net::HttpClient> http_;
};

}  // namespace connaisseur::vault
