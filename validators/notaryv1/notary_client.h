// NotaryClient: fetches TUF files of a GUN from one notary server, following the bearer-token
// flow when the server asks for it. Thread-safe; one per validator.
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "runtime/deadline.h"
#include "runtime/net/bearer_token.h"
#include "runtime/net/http_client.h"
#include "runtime/status.h"

namespace connaisseur::notaryv1 {

class NotaryClient {
 public:
  // `base_url`: "https://host[:port]" without a trailing slash. `credentials`: HTTP Basic for
  // the token realm, when configured.
  NotaryClient(std::string base_url, std::unique_ptr<net::HttpClient> http,
               std::optional<net::BasicCredentials> credentials,
               std::chrono::milliseconds request_timeout);

  // GET <base>/v2/<gun>/_trust/tuf/<role>.json. kNotFound for 404; kPermissionDenied when
  // authentication fails (a second 401, a refused token, a non-Bearer challenge); kUnavailable
  // "<status>" for any other non-200; transport errors as HttpClient reports them.
  StatusOr<std::string> FetchRole(const std::string& gun, const std::string& role, size_t max_bytes,
                                  Deadline deadline);

  // FetchRole of every role in `roles` at once (concurrent requests), each result as FetchRole
  // gives it. A role the server challenges is fetched again through FetchRole's token flow.
  std::vector<StatusOr<std::string>> FetchRoles(const std::string& gun,
                                                const std::vector<std::string>& roles,
                                                size_t max_bytes, Deadline deadline);

  // GET <base>/_notary_server/health (falling back to <base>/v2/ when a proxy in front answers
  // 404 there). OK for 200 or 401 (up, wants a token); kUnavailable naming the host for a
  // transport error or any other status; kDeadlineExceeded past `deadline`.
  Status CheckHealth(Deadline deadline) const;

  const std::string& base_url() const { return base_url_; }

 private:
  net::HttpRequest Request(const std::string& url, const std::string& token, size_t max_bytes,
                           Deadline deadline) const;
  StatusOr<net::HttpResponse> Get(const std::string& url, const std::string& token,
                                  size_t max_bytes, Deadline deadline) const;

  const std::string base_url_;
  const std::unique_ptr<net::HttpClient> http_;
  const std::optional<net::BasicCredentials> credentials_;
  const std::chrono::milliseconds request_timeout_;
  net::BearerTokenSource tokens_;
  std::mutex mu_;
  std::optional<net::AuthChallenge> challenge_;  // guarded by mu_: last Bearer challenge seen
};

}  // namespace connaisseur::notaryv1
