// STS AssumeRoleWithWebIdentity: exchanges a web identity token (a Kubernetes service account
// token under IRSA) for session credentials of a role. The request is an unsigned form POST (the
// token is the authentication); the answer is XML.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "runtime/aws/credentials.h"
#include "runtime/deadline.h"
#include "runtime/net/http_client.h"
#include "runtime/status.h"

namespace connaisseur::aws {

struct WebIdentityRequest {
  std::string role_arn;
  std::string session_name;
  std::string token;  // secret: never logged, never in a message
};

// POSTs the request to `sts_url` and reads the credentials. Errors name the role and STS's error
// code and message (kPermissionDenied for a 4xx, kUnavailable for a 5xx or no answer).
StatusOr<Credentials> AssumeRoleWithWebIdentity(const net::HttpClient& http,
                                                std::string_view sts_url,
                                                const WebIdentityRequest& request,
                                                Deadline deadline);

// The credentials of an AssumeRoleWithWebIdentityResponse document. kInvalidArgument when an
// element is missing, repeated, or holds markup or an unknown entity.
StatusOr<Credentials> ParseAssumeRoleWithWebIdentityResponse(std::string_view xml);

// "<Code>: <Message>" of an STS ErrorResponse document, or "" when `xml` is not one.
std::string StsErrorSummary(std::string_view xml);

// "2026-12-03T10:33:38Z" (fractional seconds allowed) as a time point; kInvalidArgument else.
StatusOr<std::chrono::system_clock::time_point> ParseIso8601Utc(std::string_view text);

}  // namespace connaisseur::aws
