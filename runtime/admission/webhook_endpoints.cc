#include "runtime/admission/webhook_endpoints.h"

#include <cctype>

namespace connaisseur::admission {
namespace {

constexpr const char* kText = "text/plain; charset=utf-8";

http::Response Text(int status, std::string body) { return {status, kText, std::move(body)}; }

std::string_view Trim(std::string_view s) {
  const size_t first = s.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  return s.substr(first, s.find_last_not_of(" \t") - first + 1);
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

}  // namespace

Status CheckJsonContentType(std::string_view content_type) {
  const size_t semicolon = content_type.find(';');
  if (!EqualsIgnoreCase(Trim(content_type.substr(0, semicolon)), "application/json")) {
    return InvalidArgumentError("wrong content type: expected json, got " +
                                std::string(content_type));
  }
  for (size_t at = semicolon; at != std::string_view::npos;) {
    const size_t next = content_type.find(';', at + 1);
    const std::string_view parameter = Trim(content_type.substr(at + 1, next - at - 1));
    at = next;
    const size_t equals = parameter.find('=');
    if (!EqualsIgnoreCase(Trim(parameter.substr(0, equals)), "charset")) continue;
    std::string_view charset =
        equals == std::string_view::npos ? "" : Trim(parameter.substr(equals + 1));
    if (charset.size() >= 2 && charset.front() == '"' && charset.back() == '"') {
      charset = charset.substr(1, charset.size() - 2);
    }
    if (!EqualsIgnoreCase(charset, "utf-8")) {
      return InvalidArgumentError("wrong content type: JSON must be UTF-8, got charset " +
                                  std::string(charset));
    }
  }
  return Status::Ok();
}

http::Response WebhookEndpoints::Handle(const http::Request& request) const {
  if (request.path == "/mutate") return Mutate(request);
  if (request.path == "/health" || request.path == "/ready") {
    if (request.method != "GET") return Text(405, "Method not allowed.");
    options_.logger->Debug("probe", {{"path", request.path}});
    return request.path == "/health" ? Text(200, "") : Ready();
  }
  if (request.path == "/metrics") {
    if (request.method != "GET") return Text(405, "Method not allowed.");
    if (options_.refresh_metrics) options_.refresh_metrics(*options_.metrics);
    return {200, "text/plain; version=0.0.4; charset=utf-8", options_.metrics->RenderText()};
  }
  return Text(404, "not found");
}

http::Response WebhookEndpoints::Ready() const {
  if (options_.ready != nullptr && !options_.ready->load()) return Text(503, "not ready: loading");
  if (options_.backends == nullptr) return Text(200, "");
  Status reachable = options_.backends->CheckBackends(Deadline::In(options_.ready_timeout));
  if (reachable.ok()) return Text(200, "");
  options_.logger->Warn("not ready: a validator back-end is unreachable",
                        {{"error", reachable.message()}});
  return Text(503, "not ready: " + reachable.message());
}

http::Response WebhookEndpoints::Mutate(const http::Request& request) const {
  if (request.method != "POST") return Text(405, "Method not allowed.: " + request.method);
  if (Status s = CheckJsonContentType(request.content_type); !s.ok()) {
    return Text(400, s.message());
  }
  auto lease = options_.runners->Acquire();
  if (!lease.ok()) {
    // A policy that cannot be instantiated is a server fault, never an admission.
    options_.logger->Error("cannot create a policy state", {{"error", lease.status().message()}});
    return Text(500, "policy unavailable: " + lease.status().message());
  }
  auto response = options_.reviewer->Review(request.body, **lease, request.memory);
  if (!response.ok()) {
    const StatusCode code = response.status().code();
    const int status = code == StatusCode::kResourceExhausted ? 413
                       : code == StatusCode::kUnavailable     ? 503
                                                              : 400;
    options_.logger->Info(status == 503 ? "refused an admission request: server busy"
                                        : "rejected malformed admission request",
                          {{"error", response.status().message()}, {"status", status}});
    return Text(status, response.status().message());
  }
  return {200, "application/json", std::move(response).value()};
}

}  // namespace connaisseur::admission
