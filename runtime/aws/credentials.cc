#include "runtime/aws/credentials.h"

#include <fstream>
#include <sstream>

#include "runtime/aws/sts.h"

namespace connaisseur::aws {
namespace {

constexpr size_t kMaxTokenBytes = 64u << 10;

WallClock OrSystemClock(WallClock now) {
  if (now) return now;
  return [] { return std::chrono::system_clock::now(); };
}

StatusOr<std::string> ReadTokenFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return UnavailableError("cannot read the web identity token file " + path);
  std::string token(kMaxTokenBytes + 1, '\0');
  in.read(token.data(), static_cast<std::streamsize>(token.size()));
  token.resize(static_cast<size_t>(in.gcount()));
  if (token.size() > kMaxTokenBytes) {
    return ResourceExhaustedError("web identity token file " + path + " is larger than 64 KiB");
  }
  while (!token.empty() && (token.back() == '\n' || token.back() == '\r' || token.back() == ' ')) {
    token.pop_back();
  }
  if (token.empty()) return UnavailableError("web identity token file " + path + " is empty");
  return token;
}

// A session name STS accepts ([\w+=,.@-]{2,64}) when AWS_ROLE_SESSION_NAME is not set.
std::string DefaultSessionName(const WallClock& now) {
  const auto seconds =
      std::chrono::duration_cast<std::chrono::seconds>(now().time_since_epoch()).count();
  return "connaisseur-" + std::to_string(seconds);
}

std::string TrimSlash(std::string url) {
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url;
}

}  // namespace

WebIdentityCredentials::WebIdentityCredentials(Options options)
    : options_([&] {
        options.now = OrSystemClock(std::move(options.now));
        return std::move(options);
      }()) {}

StatusOr<Credentials> WebIdentityCredentials::Exchange(Deadline deadline) const {
  CN_ASSIGN_OR_RETURN(std::string token, ReadTokenFile(options_.token_file));
  WebIdentityRequest request{options_.role_arn, options_.session_name, std::move(token)};
  if (request.session_name.empty()) request.session_name = DefaultSessionName(options_.now);
  return AssumeRoleWithWebIdentity(*options_.http, options_.sts_url, request, deadline);
}

StatusOr<Credentials> WebIdentityCredentials::Get(Deadline deadline) const {
  std::lock_guard<std::mutex> lock(mu_);
  const auto now = options_.now();
  if (cached_ && cached_->expiration && now + options_.refresh_margin < *cached_->expiration) {
    return *cached_;
  }
  auto fresh = Exchange(deadline);
  if (fresh.ok()) {
    cached_ = *fresh;
    return fresh;
  }
  // Within the margin the old credentials still work: a brief STS outage costs nothing.
  if (cached_ && cached_->expiration && now < *cached_->expiration) return *cached_;
  return fresh.status();
}

std::string StsUrl(const Environment& env, std::string_view region) {
  if (auto url = env("AWS_ENDPOINT_URL_STS")) return TrimSlash(*url);
  if (auto url = env("AWS_ENDPOINT_URL")) return TrimSlash(*url);
  if (region.empty()) return "https://sts.amazonaws.com";
  return "https://sts." + std::string(region) + ".amazonaws.com";
}

StatusOr<std::shared_ptr<const CredentialsProvider>> DefaultCredentialsChain(
    const Environment& env, const ChainContext& context) {
  const auto key_id = env("AWS_ACCESS_KEY_ID");
  const auto secret = env("AWS_SECRET_ACCESS_KEY");
  if (key_id && secret) {
    Credentials c{*key_id, *secret, env("AWS_SESSION_TOKEN").value_or(""), std::nullopt};
    return std::shared_ptr<const CredentialsProvider>(
        std::make_shared<StaticCredentials>(std::move(c)));
  }
  if (key_id || secret) {
    return InvalidArgumentError(
        std::string(key_id ? "AWS_ACCESS_KEY_ID" : "AWS_SECRET_ACCESS_KEY") + " is set without " +
        (key_id ? "AWS_SECRET_ACCESS_KEY" : "AWS_ACCESS_KEY_ID"));
  }
  const auto token_file = env("AWS_WEB_IDENTITY_TOKEN_FILE");
  const auto role_arn = env("AWS_ROLE_ARN");
  if (token_file && role_arn) {
    WebIdentityCredentials::Options options;
    options.token_file = *token_file;
    options.role_arn = *role_arn;
    options.session_name = env("AWS_ROLE_SESSION_NAME").value_or("");
    options.sts_url = StsUrl(env, context.region);
    options.http = context.http;
    options.now = context.now;
    return std::shared_ptr<const CredentialsProvider>(
        std::make_shared<WebIdentityCredentials>(std::move(options)));
  }
  if (token_file || role_arn) {
    return InvalidArgumentError(
        std::string(token_file ? "AWS_WEB_IDENTITY_TOKEN_FILE" : "AWS_ROLE_ARN") +
        " is set without " + (token_file ? "AWS_ROLE_ARN" : "AWS_WEB_IDENTITY_TOKEN_FILE"));
  }
  return NotFoundError(
      "no AWS credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or (IRSA) "
      "AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_ARN");
}

}  // namespace connaisseur::aws
