// SigV4Check: an independent check of AWS Signature Version 4 on a request a test server
// received, for the fake KMS (fake_aws.h). It rebuilds the canonical request and the HMAC-SHA256
// key chain itself with OpenSSL, from the AWS documentation, without libcurl, so a client that
// passes signs as AWS wants (the method, path, query, every signed header, the body hash).
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "tests/runtime/net/test_https_server.h"

namespace connaisseur::testing {

// What AWS answers when a signature does not hold: an error type ("InvalidSignatureException",
// "UnrecognizedClientException", "IncompleteSignatureException",
// "MissingAuthenticationTokenException") and its message.
struct SigV4Rejection {
  std::string type;
  std::string message;
};

struct SigV4Expectation {
  std::string region;   // the scope must name it
  std::string service;  // "kms"
  // The secret for an access key id, or nullopt for a key AWS does not know.
  std::function<std::optional<std::string>(std::string_view access_key_id)> secret_for;
  std::chrono::seconds max_skew{15 * 60};  // X-Amz-Date this far from now is stale
  // Headers that must be among the signed ones whenever present (host, x-amz-date always).
  std::vector<std::string> must_sign = {"content-type", "x-amz-target", "x-amz-security-token"};
};

// The access key id of a correctly signed `request`, or why it is not.
struct SigV4Result {
  std::string access_key_id;
  std::optional<SigV4Rejection> rejection;  // set when the signature does not hold
};
SigV4Result CheckSigV4(const TestRequest& request, const SigV4Expectation& expect);

// The SigV4 signing key, raw: HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service),
// "aws4_request"), with `date` as YYYYMMDD.
std::string SigV4SigningKey(std::string_view secret, std::string_view date, std::string_view region,
                            std::string_view service);

// Lower-case hex of HMAC-SHA256 / SHA-256.
std::string HmacSha256(std::string_view key, std::string_view data);
std::string Sha256HexOf(std::string_view data);

}  // namespace connaisseur::testing
