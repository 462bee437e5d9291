#include "validators/notaryv1/notary_client.h"

#include "validators/notaryv1/tuf_metadata.h"

namespace connaisseur::notaryv1 {

NotaryClient::NotaryClient(std::string base_url, std::unique_ptr<net::HttpClient> http,
                           std::optional<net::BasicCredentials> credentials,
                           std::chrono::milliseconds request_timeout)
    : base_url_(std::move(base_url)),
      http_(std::move(http)),
      credentials_(std::move(credentials)),
      request_timeout_(request_timeout),
      tokens_(http_.get()) {}

StatusOr<net::HttpResponse> NotaryClient::Get(const std::string& url, const std::string& token,
                                              size_t max_bytes, Deadline deadline) const {
  net::HttpRequest request;
  request.url = url;
  request.max_body_bytes = max_bytes;
  request.deadline = deadline.Min(Deadline::In(request_timeout_));
  if (!token.empty()) request.headers.emplace_back("Authorization", "Bearer " + token);
  return http_->Send(request);
}

StatusOr<std::string> NotaryClient::FetchRole(const std::string& gun, const std::string& role,
                                              size_t max_bytes, Deadline deadline) {
  if (!IsValidRoleName(role)) return InvalidArgumentError("invalid role name \"" + role + "\"");
  const std::string url = base_url_ + "/v2/" + gun + "/_trust/tuf/" + role + ".json";
  const std::string scope = "repository:" + gun + ":pull";

  // Reuse a token when this server asked for one before: saves a 401 round trip per file.
  std::optional<net::AuthChallenge> known;
  {
    std::lock_guard<std::mutex> lock(mu_);
    known = challenge_;
  }
  std::string token;
  if (known) {
    CN_ASSIGN_OR_RETURN(token, tokens_.Token(*known, scope, credentials_, deadline));
  }
  CN_ASSIGN_OR_RETURN(net::HttpResponse response, Get(url, token, max_bytes, deadline));
  if (response.status == 401) {
    const std::string* header = response.Header("www-authenticate");
    if (header == nullptr) return PermissionDeniedError("401 without WWW-Authenticate");
    CN_ASSIGN_OR_RETURN(net::AuthChallenge challenge, net::ParseAuthChallenge(*header));
    if (!token.empty()) tokens_.Clear();  // the cached token was refused
    CN_ASSIGN_OR_RETURN(token, tokens_.Token(challenge, scope, credentials_, deadline));
    {
      std::lock_guard<std::mutex> lock(mu_);
      challenge_ = challenge;
    }
    CN_ASSIGN_OR_RETURN(response, Get(url, token, max_bytes, deadline));
    if (response.status == 401) {
      return PermissionDeniedError("faulty authentication: token refused for " + role);
    }
  }
  if (response.status == 404) return NotFoundError("404");
  if (response.status != 200) return UnavailableError(std::to_string(response.status));
  return std::move(response.body);
}

}  // namespace connaisseur::notaryv1
