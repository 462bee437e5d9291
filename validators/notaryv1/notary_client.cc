#include "validators/notaryv1/notary_client.h"

#include <algorithm>

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

namespace {

// A metadata answer as FetchRole reports it.
StatusOr<std::string> Body(net::HttpResponse response) {
  if (response.status == 404) return NotFoundError("404");
  if (response.status != 200) return UnavailableError(std::to_string(response.status));
  return std::move(response.body);
}

}  // namespace

net::HttpRequest NotaryClient::Request(const std::string& url, const std::string& token,
                                       size_t max_bytes, Deadline deadline) const {
  net::HttpRequest request;
  request.url = url;
  request.max_body_bytes = max_bytes;
  request.deadline = deadline.Min(Deadline::In(request_timeout_));
  if (!token.empty()) request.headers.emplace_back("Authorization", "Bearer " + token);
  return request;
}

StatusOr<net::HttpResponse> NotaryClient::Get(const std::string& url, const std::string& token,
                                              size_t max_bytes, Deadline deadline) const {
  return http_->Send(Request(url, token, max_bytes, deadline));
}

Status NotaryClient::CheckHealth(Deadline deadline) const {
  auto unreachable = [&](const Status& s) {
    return Status(s.code(), "notary " + base_url_ + " unreachable: " + s.message());
  };
  // A small answer; the cap keeps a misbehaving endpoint from streaming into memory.
  constexpr size_t kMaxHealthBytes = 64u << 10;
  auto health = Get(base_url_ + "/_notary_server/health", "", kMaxHealthBytes, deadline);
  if (!health.ok()) return unreachable(health.status());
  // 401: up, and asking for the token flow that metadata fetches run (a proxy guarding every path).
  if (health->status == 200 || health->status == 401) return Status::Ok();
  if (health->status == 404) {
    // Not notary-server's own endpoint (a proxy, another implementation): the registry-style
    // base answers 200, or 401 when it wants a token, whenever the service is up.
    auto base = Get(base_url_ + "/v2/", "", kMaxHealthBytes, deadline);
    if (!base.ok()) return unreachable(base.status());
    if (base->status == 200 || base->status == 401) return Status::Ok();
    return UnavailableError("notary " + base_url_ + " unhealthy: /v2/ answered " +
                            std::to_string(base->status));
  }
  return UnavailableError("notary " + base_url_ + " unhealthy: health check answered " +
                          std::to_string(health->status));
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
  return Body(std::move(response));
}

std::vector<StatusOr<std::string>> NotaryClient::FetchRoles(const std::string& gun,
                                                            const std::vector<std::string>& roles,
                                                            size_t max_bytes, Deadline deadline) {
  std::vector<StatusOr<std::string>> results(roles.size(), InternalError("not fetched"));
  std::optional<net::AuthChallenge> known;
  {
    std::lock_guard<std::mutex> lock(mu_);
    known = challenge_;
  }
  std::string token;
  if (known) {
    auto got = tokens_.Token(*known, "repository:" + gun + ":pull", credentials_, deadline);
    if (got.ok()) token = *got;  // a failed token: the 401s below go through FetchRole
  }
  std::vector<net::HttpRequest> requests;
  for (const std::string& role : roles) {
    requests.push_back(Request(base_url_ + "/v2/" + gun + "/_trust/tuf/" + role + ".json", token,
                               max_bytes, deadline));
  }
  bool valid = std::all_of(roles.begin(), roles.end(), IsValidRoleName);
  auto responses = valid ? http_->SendAll(requests) : std::vector<StatusOr<net::HttpResponse>>();
  for (size_t i = 0; i < roles.size(); ++i) {
    // Invalid names and challenges go through FetchRole: its checks and its token flow.
    if (!valid || (responses[i].ok() && responses[i]->status == 401)) {
      results[i] = FetchRole(gun, roles[i], max_bytes, deadline);
    } else if (!responses[i].ok()) {
      results[i] = responses[i].status();
    } else {
      results[i] = Body(std::move(responses[i]).value());
    }
  }
  return results;
}

}  // namespace connaisseur::notaryv1
