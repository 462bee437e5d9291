// KmsClient: the two AWS KMS operations cosign needs for one key, GetPublicKey and Sign, spoken
// in KMS's JSON protocol (POST /, `X-Amz-Target: TrentService.<Operation>`, `Content-Type:
// application/x-amz-json-1.1`) and signed with SigV4 for the key's region.
//
// Settings, as the AWS SDKs read them (docs/configuration.md "AWS KMS keys"):
//   region    the key ARN's, else AWS_REGION, else AWS_DEFAULT_REGION;
//   endpoint  the URI's (https://ENDPOINT), else AWS_ENDPOINT_URL_KMS, else AWS_ENDPOINT_URL,
//             else https://kms.<region>.amazonaws.com (https only);
//   TLS       the system CAs plus the PEM bundle in the file AWS_CA_BUNDLE names;
//   identity  runtime/aws/credentials.h (STS at AWS_ENDPOINT_URL_STS, else AWS_ENDPOINT_URL,
//             else https://sts.<region>.amazonaws.com).
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/aws/credentials.h"
#include "runtime/aws/environment.h"
#include "runtime/aws/kms_key_uri.h"
#include "runtime/deadline.h"
#include "runtime/net/http_client.h"
#include "runtime/status.h"

namespace connaisseur::aws {

struct KmsPublicKey {
  std::string key_arn;    // KMS's KeyId in the answer: the key's ARN, whatever named it
  std::string spki_der;   // DER SubjectPublicKeyInfo
  std::string key_spec;   // "ECC_NIST_P256", "RSA_3072", ...
  std::string key_usage;  // "SIGN_VERIFY" for signing keys
  std::vector<std::string> signing_algorithms;  // in KMS's order, e.g. {"ECDSA_SHA_256"}
};

// KMS's GetPublicKey answer (JSON: KeyId, base64 PublicKey, KeySpec, KeyUsage,
// SigningAlgorithms). kInvalidArgument when KeyId or PublicKey is missing, empty or not base64.
StatusOr<KmsPublicKey> ParseGetPublicKeyAnswer(std::string_view body);

class KmsClient {
 public:
  struct Options {
    Environment env = ProcessEnvironment();
    WallClock now;  // for credential expiry; default the system clock
  };

  // Resolves region, endpoint, CA bundle and the credential chain now (no network). Errors:
  // kInvalidArgument / kNotFound naming what is missing (no region, no credentials, an
  // unreadable AWS_CA_BUNDLE, a non-https endpoint).
  static StatusOr<std::unique_ptr<KmsClient>> Create(const KmsKeyUri& key, Options options);

  // GetPublicKey for the key. Errors name the operation, the endpoint and KMS's error type and
  // message (kPermissionDenied for KMS's 4xx, kNotFound for NotFoundException, kUnavailable for
  // a 5xx or no answer).
  StatusOr<KmsPublicKey> GetPublicKey(Deadline deadline) const;

  // Sign with MessageType DIGEST: `digest` is the hash `algorithm` (e.g. "ECDSA_SHA_256")
  // prescribes. Returns the signature bytes (DER for ECDSA).
  StatusOr<std::string> Sign(std::string_view digest, std::string_view algorithm,
                             Deadline deadline) const;

  const KmsKeyUri& key() const { return key_; }
  const std::string& region() const { return region_; }
  const std::string& endpoint_url() const { return endpoint_url_; }

 private:
  KmsClient(KmsKeyUri key, std::string region, std::string endpoint_url,
            std::shared_ptr<const net::HttpClient> http,
            std::shared_ptr<const CredentialsProvider> credentials)
      : key_(std::move(key)),
        region_(std::move(region)),
        endpoint_url_(std::move(endpoint_url)),
        http_(std::move(http)),
        credentials_(std::move(credentials)) {}

  // One signed JSON call; the parsed answer of a 200, or the error.
  StatusOr<std::string> Call(std::string_view operation, const std::string& body,
                             Deadline deadline) const;

  const KmsKeyUri key_;
  const std::string region_;
  const std::string endpoint_url_;
  const std::shared_ptr<const net::HttpClient> http_;
  const std::shared_ptr<const CredentialsProvider> credentials_;
};

}  // namespace connaisseur::aws
