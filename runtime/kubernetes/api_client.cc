#include "runtime/kubernetes/api_client.h"

#include <cstdlib>
#include <fstream>
#include <sstream>

namespace connaisseur::kubernetes {
namespace {

// Service-account files are small (a token of a few kB, a CA bundle): refuse anything larger.
constexpr std::streamsize kMaxFileBytes = 1 << 20;

StatusOr<std::string> ReadSmallFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFoundError("cannot read " + path);
  std::string text(static_cast<size_t>(kMaxFileBytes) + 1, '\0');
  in.read(text.data(), kMaxFileBytes + 1);
  if (in.bad()) return UnavailableError("cannot read " + path);
  if (in.gcount() > kMaxFileBytes) return InvalidArgumentError(path + " is larger than 1 MiB");
  text.resize(static_cast<size_t>(in.gcount()));
  return text;
}

std::string Trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  return s;
}

bool IsAlphanumeric(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

}  // namespace

bool IsObjectName(std::string_view name) {
  if (name.empty() || name.size() > 253) return false;
  if (!IsAlphanumeric(name.front()) || !IsAlphanumeric(name.back())) return false;
  for (char c : name) {
    if (!IsAlphanumeric(c) && c != '-' && c != '.') return false;
  }
  return true;
}

StatusOr<std::optional<ApiServer>> InClusterApiServer() {
  const char* host = std::getenv("KUBERNETES_SERVICE_HOST");
  if (host == nullptr || *host == '\0') return std::optional<ApiServer>();
  const char* port_env = std::getenv("KUBERNETES_SERVICE_PORT");
  const std::string port = port_env != nullptr && *port_env != '\0' ? port_env : "443";
  if (port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos) {
    return InvalidArgumentError("KUBERNETES_SERVICE_PORT is not a port number");
  }
  const std::string host_text = host;
  if (host_text.find_first_of("/?#@ ") != std::string::npos) {
    return InvalidArgumentError("KUBERNETES_SERVICE_HOST is not a host name or address");
  }
  const char* dir_env = std::getenv(kServiceAccountDirEnv);
  const std::string dir = dir_env != nullptr && *dir_env != '\0' ? dir_env : kServiceAccountDir;
  ApiServer server;
  // An IPv6 address goes in brackets in a URL.
  server.url = "https://" +
               (host_text.find(':') != std::string::npos ? "[" + host_text + "]" : host_text) +
               ":" + port;
  CN_ASSIGN_OR_RETURN(server.ca_pem, ReadSmallFile(dir + "/ca.crt"));
  server.token_path = dir + "/token";
  return std::optional<ApiServer>(std::move(server));
}

StatusOr<std::unique_ptr<ApiClient>> ApiClient::Create(ApiServer server) {
  if (server.url.rfind("https://", 0) != 0) {
    return InvalidArgumentError("Kubernetes API server URL must be https");
  }
  net::TlsOptions tls;
  tls.extra_ca_pem = server.ca_pem;
  auto http = net::HttpClient::Create(tls);
  if (!http.ok()) return http.status().WithPrefix("Kubernetes API server CA");
  return std::unique_ptr<ApiClient>(new ApiClient(std::move(server), std::move(http).value()));
}

StatusOr<std::string> ApiClient::Token(bool reread) const {
  std::lock_guard<std::mutex> lock(mu_);
  const auto now = Deadline::Clock::now();
  if (!reread && token_read_ && now - *token_read_ < kTokenReuse) return token_;
  auto text = ReadSmallFile(server_.token_path);
  if (!text.ok()) return UnavailableError("service account token: " + text.status().message());
  std::string token = Trim(std::move(text).value());
  if (token.empty()) return UnavailableError("service account token file is empty");
  token_ = std::move(token);
  token_read_ = now;
  return token_;
}

StatusOr<net::HttpResponse> ApiClient::Send(const std::string& url, const std::string& token,
                                            Deadline deadline) const {
  net::HttpRequest request;
  request.url = url;
  request.headers = {{"Authorization", "Bearer " + token}, {"Accept", "application/json"}};
  request.max_body_bytes = kMaxObjectBytes;
  request.deadline = deadline;
  return http_->Send(request);
}

StatusOr<nlohmann::json> ApiClient::GetCoreObject(std::string_view namespace_name,
                                                  std::string_view resource, std::string_view name,
                                                  Deadline deadline) const {
  const std::string what =
      std::string(resource) + " " + std::string(namespace_name) + "/" + std::string(name);
  if (!IsObjectName(namespace_name) || !IsObjectName(name)) {
    return InvalidArgumentError("Kubernetes " + what + ": not a valid object name");
  }
  return GetObject("/api/v1/namespaces/" + std::string(namespace_name) + "/" +
                       std::string(resource) + "/" + std::string(name),
                   what, resource, deadline);
}

StatusOr<nlohmann::json> ApiClient::GetClusterObject(std::string_view resource,
                                                     std::string_view name,
                                                     Deadline deadline) const {
  const std::string what = std::string(resource) + " " + std::string(name);
  if (!IsObjectName(name)) {
    return InvalidArgumentError("Kubernetes " + what + ": not a valid object name");
  }
  return GetObject("/api/v1/" + std::string(resource) + "/" + std::string(name), what, resource,
                   deadline);
}

StatusOr<nlohmann::json> ApiClient::GetObject(const std::string& path, const std::string& what,
                                              std::string_view resource, Deadline deadline) const {
  const std::string url = server_.url + path;
  CN_ASSIGN_OR_RETURN(std::string token, Token(/*reread=*/false));
  auto response = Send(url, token, deadline);
  if (response.ok() && response->status == 401) {  // the kubelet may have rotated the token
    CN_ASSIGN_OR_RETURN(std::string current, Token(/*reread=*/true));
    if (current != token) response = Send(url, current, deadline);
  }
  if (!response.ok()) return response.status().WithPrefix("Kubernetes API get " + what);
  const long status = response->status;
  if (status == 404) return NotFoundError("Kubernetes " + what + " not found");
  if (status == 401 || status == 403) {
    return PermissionDeniedError(
        "Kubernetes API refused get " + what + " (" + std::to_string(status) +
        "): the webhook's service account needs get on " + std::string(resource));
  }
  if (status != 200) {
    return UnavailableError("Kubernetes API get " + what + " answered " + std::to_string(status));
  }
  auto object = nlohmann::json::parse(response->body, nullptr, false);
  if (object.is_discarded() || !object.is_object()) {
    return UnavailableError("Kubernetes API get " + what + ": body is not a JSON object");
  }
  return object;
}

}  // namespace connaisseur::kubernetes
