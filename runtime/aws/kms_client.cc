#include "runtime/aws/kms_client.h"

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "runtime/crypto/encoding.h"
#include "runtime/net/url.h"

namespace connaisseur::aws {
namespace {

using nlohmann::json;

constexpr size_t kMaxKmsAnswer = 256u << 10;
constexpr size_t kMaxShownError = 300;

std::string TrimSlash(std::string url) {
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url;
}

StatusOr<std::string> ResolveRegion(const KmsKeyUri& key, const Environment& env) {
  if (!key.region.empty()) return key.region;
  if (auto region = env("AWS_REGION")) return *region;
  if (auto region = env("AWS_DEFAULT_REGION")) return *region;
  return InvalidArgumentError("no AWS region: use a key ARN, or set AWS_REGION");
}

StatusOr<std::string> ResolveEndpoint(const KmsKeyUri& key, const Environment& env,
                                      std::string_view region) {
  std::string url;
  std::string origin;
  if (!key.endpoint.empty()) {
    url = "https://" + key.endpoint;
  } else if (auto kms = env("AWS_ENDPOINT_URL_KMS")) {
    url = TrimSlash(*kms);
    origin = "AWS_ENDPOINT_URL_KMS";
  } else if (auto any = env("AWS_ENDPOINT_URL")) {
    url = TrimSlash(*any);
    origin = "AWS_ENDPOINT_URL";
  } else {
    url = "https://kms." + std::string(region) + ".amazonaws.com";
  }
  if (!origin.empty() && net::UrlScheme(url) != "https") {
    return InvalidArgumentError(origin + " must be an https:// URL");
  }
  return url;
}

StatusOr<std::string> ReadCaBundle(const Environment& env) {
  auto path = env("AWS_CA_BUNDLE");
  if (!path) return std::string();
  std::ifstream in(*path, std::ios::binary);
  if (!in) return InvalidArgumentError("AWS_CA_BUNDLE: cannot read " + *path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string Printable(std::string_view text) {
  std::string out;
  for (char c : text.substr(0, kMaxShownError)) {
    out += (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) ? ' ' : c;
  }
  return text.size() > kMaxShownError ? out + "..." : out;
}

// KMS's JSON error ({"__type": "com.amazonaws.kms#NotFoundException", "message": "..."}) as
// "NotFoundException: ...", and the code it maps to.
Status KmsError(std::string_view where, long http_status, std::string_view body) {
  std::string type, message;
  json parsed = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_object()) {
    if (auto it = parsed.find("__type"); it != parsed.end() && it->is_string()) {
      type = it->get<std::string>();
      if (size_t hash = type.rfind('#'); hash != std::string::npos) type.erase(0, hash + 1);
    }
    for (const char* key : {"message", "Message"}) {
      if (auto it = parsed.find(key); it != parsed.end() && it->is_string()) {
        message = it->get<std::string>();
      }
    }
  }
  std::string text = std::string(where) + ": HTTP " + std::to_string(http_status);
  if (!type.empty()) text += " " + Printable(type);
  if (!message.empty()) text += ": " + Printable(message);
  if (type.empty() && message.empty() && !body.empty()) text += ": " + Printable(body);
  if (type == "NotFoundException") return NotFoundError(text);
  if (http_status >= 400 && http_status < 500) return PermissionDeniedError(text);
  return UnavailableError(text);
}

StatusOr<std::string> StringField(const json& answer, const char* name) {
  auto it = answer.find(name);
  if (it == answer.end() || !it->is_string() || it->get_ref<const std::string&>().empty()) {
    return InvalidArgumentError(std::string("answer has no \"") + name + "\"");
  }
  return it->get<std::string>();
}

}  // namespace

StatusOr<std::unique_ptr<KmsClient>> KmsClient::Create(const KmsKeyUri& key, Options options) {
  CN_ASSIGN_OR_RETURN(std::string region, ResolveRegion(key, options.env));
  CN_ASSIGN_OR_RETURN(std::string endpoint, ResolveEndpoint(key, options.env, region));
  net::TlsOptions tls;
  CN_ASSIGN_OR_RETURN(tls.extra_ca_pem, ReadCaBundle(options.env));
  auto http = net::HttpClient::Create(tls);
  if (!http.ok()) return http.status().WithPrefix("AWS_CA_BUNDLE");
  std::shared_ptr<const net::HttpClient> shared_http = std::move(http).value();
  CN_ASSIGN_OR_RETURN(auto credentials,
                      DefaultCredentialsChain(options.env, {region, shared_http, options.now}));
  return std::unique_ptr<KmsClient>(new KmsClient(key, std::move(region), std::move(endpoint),
                                                  std::move(shared_http), std::move(credentials)));
}

StatusOr<std::string> KmsClient::Call(std::string_view operation, const std::string& body,
                                      Deadline deadline) const {
  const std::string where = "KMS " + std::string(operation) + " at " + endpoint_url_;
  auto credentials = credentials_->Get(deadline);
  if (!credentials.ok()) {
    return credentials.status().WithPrefix(where + ": credentials from " +
                                           credentials_->Describe());
  }
  net::HttpRequest request;
  request.method = "POST";
  request.url = endpoint_url_ + "/";
  request.headers = {{"Content-Type", "application/x-amz-json-1.1"},
                     {"X-Amz-Target", "TrentService." + std::string(operation)}};
  if (!credentials->session_token.empty()) {
    request.headers.emplace_back("X-Amz-Security-Token", credentials->session_token);
  }
  request.body = body;
  request.max_body_bytes = kMaxKmsAnswer;
  request.deadline = deadline;
  request.aws_sigv4 = net::AwsSigV4{"aws:amz:" + region_ + ":kms", credentials->access_key_id,
                                    credentials->secret_access_key};
  auto response = http_->Send(request);
  if (!response.ok()) return response.status().WithPrefix("KMS " + std::string(operation));
  if (response->status != 200) return KmsError(where, response->status, response->body);
  return std::move(response->body);
}

StatusOr<KmsPublicKey> ParseGetPublicKeyAnswer(std::string_view body) {
  json answer = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (!answer.is_object()) return InvalidArgumentError("answer is not a JSON object");
  KmsPublicKey key;
  CN_ASSIGN_OR_RETURN(key.key_arn, StringField(answer, "KeyId"));
  CN_ASSIGN_OR_RETURN(std::string der, StringField(answer, "PublicKey"));
  auto decoded = crypto::Base64Decode(der);
  if (!decoded.ok()) return decoded.status().WithPrefix("PublicKey");
  key.spki_der = std::move(decoded).value();
  for (const char* name : {"KeySpec", "CustomerMasterKeySpec"}) {
    auto spec = StringField(answer, name);
    if (key.key_spec.empty() && spec.ok()) key.key_spec = std::move(spec).value();
  }
  if (auto usage = StringField(answer, "KeyUsage"); usage.ok()) key.key_usage = *usage;
  if (auto it = answer.find("SigningAlgorithms"); it != answer.end() && it->is_array()) {
    for (const json& a : *it) {
      if (a.is_string()) key.signing_algorithms.push_back(a.get<std::string>());
    }
  }
  return key;
}

StatusOr<KmsPublicKey> KmsClient::GetPublicKey(Deadline deadline) const {
  CN_ASSIGN_OR_RETURN(std::string body,
                      Call("GetPublicKey", json{{"KeyId", key_.key_id}}.dump(), deadline));
  auto key = ParseGetPublicKeyAnswer(body);
  if (!key.ok()) return key.status().WithPrefix("KMS GetPublicKey at " + endpoint_url_);
  return key;
}

StatusOr<std::string> KmsClient::Sign(std::string_view digest, std::string_view algorithm,
                                      Deadline deadline) const {
  const json request = {{"KeyId", key_.key_id},
                        {"Message", crypto::Base64Encode(digest)},
                        {"MessageType", "DIGEST"},
                        {"SigningAlgorithm", std::string(algorithm)}};
  CN_ASSIGN_OR_RETURN(std::string body, Call("Sign", request.dump(), deadline));
  auto invalid = [&](const Status& s) { return s.WithPrefix("KMS Sign at " + endpoint_url_); };
  json answer = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (!answer.is_object()) return invalid(InvalidArgumentError("answer is not a JSON object"));
  auto signature = StringField(answer, "Signature");
  if (!signature.ok()) return invalid(signature.status());
  auto decoded = crypto::Base64Decode(*signature);
  if (!decoded.ok()) return invalid(decoded.status().WithPrefix("Signature"));
  return std::move(decoded).value();
}

}  // namespace connaisseur::aws
