// AWS credentials and the standard chain that finds them, in the AWS SDKs' order:
//   1. the environment: AWS_ACCESS_KEY_ID + AWS_SECRET_ACCESS_KEY [+ AWS_SESSION_TOKEN];
//   2. web identity (EKS IRSA): AWS_WEB_IDENTITY_TOKEN_FILE + AWS_ROLE_ARN
//      [+ AWS_ROLE_SESSION_NAME], exchanged at STS AssumeRoleWithWebIdentity for session
//      credentials, refreshed before they expire (the token file is read again each time, as
//      the kubelet rotates it).
// Not read: shared config and credentials files, SSO, the EC2/ECS metadata services. A half-set
// pair (a key id without its secret, a token file without a role) is an error, not a fall-through,
// so a typo cannot silently switch identities.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "runtime/aws/environment.h"
#include "runtime/deadline.h"
#include "runtime/net/http_client.h"
#include "runtime/status.h"

namespace connaisseur::aws {

using WallClock = std::function<std::chrono::system_clock::time_point()>;

struct Credentials {
  std::string access_key_id;
  std::string secret_access_key;  // secret: never logged
  std::string session_token;      // secret: never logged; empty for long-term keys
  // When session credentials stop working; nullopt for long-term keys.
  std::optional<std::chrono::system_clock::time_point> expiration;
};

class CredentialsProvider {
 public:
  virtual ~CredentialsProvider() = default;
  // Credentials usable until at least the end of the call. Thread-safe.
  virtual StatusOr<Credentials> Get(Deadline deadline) const = 0;
  // "environment" or "web identity (role <arn>)": for messages.
  virtual std::string Describe() const = 0;
};

// Fixed credentials (from the environment, or given by a test).
class StaticCredentials final : public CredentialsProvider {
 public:
  explicit StaticCredentials(Credentials credentials, std::string description = "environment")
      : credentials_(std::move(credentials)), description_(std::move(description)) {}
  StatusOr<Credentials> Get(Deadline) const override { return credentials_; }
  std::string Describe() const override { return description_; }

 private:
  const Credentials credentials_;
  const std::string description_;
};

// Session credentials for a role, from STS AssumeRoleWithWebIdentity with the token in a file.
class WebIdentityCredentials final : public CredentialsProvider {
 public:
  struct Options {
    std::string token_file;
    std::string role_arn;
    std::string session_name;  // AWS_ROLE_SESSION_NAME, or made up from the clock
    std::string sts_url;       // e.g. https://sts.us-east-1.amazonaws.com
    std::shared_ptr<const net::HttpClient> http;
    // Credentials are exchanged again once they expire within this margin.
    std::chrono::seconds refresh_margin{300};
    WallClock now;  // default: the system clock
  };

  explicit WebIdentityCredentials(Options options);

  // Cached session credentials while they are good beyond the margin; else a new exchange (one
  // at a time: concurrent callers wait for it). When the exchange fails but the cached
  // credentials have not expired yet, those are returned; otherwise the STS failure.
  StatusOr<Credentials> Get(Deadline deadline) const override;
  std::string Describe() const override { return "web identity (role " + options_.role_arn + ")"; }

 private:
  StatusOr<Credentials> Exchange(Deadline deadline) const;

  const Options options_;
  mutable std::mutex mu_;
  mutable std::optional<Credentials> cached_;  // guarded by mu_
};

// Where a chain's STS requests go and how: the region (for the default regional endpoint) and
// the client trusted for it (AWS_CA_BUNDLE already applied).
struct ChainContext {
  std::string region;
  std::shared_ptr<const net::HttpClient> http;
  WallClock now;  // default: the system clock
};

// The first provider of the chain above whose variables are set. kInvalidArgument for a
// half-set pair, kNotFound when none is set (the message names the variables to set).
StatusOr<std::shared_ptr<const CredentialsProvider>> DefaultCredentialsChain(
    const Environment& env, const ChainContext& context);

// The STS endpoint: AWS_ENDPOINT_URL_STS, else AWS_ENDPOINT_URL, else
// https://sts.<region>.amazonaws.com (https://sts.amazonaws.com without a region).
std::string StsUrl(const Environment& env, std::string_view region);

}  // namespace connaisseur::aws
