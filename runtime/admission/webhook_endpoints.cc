#include "runtime/admission/webhook_endpoints.h"

namespace connaisseur::admission {
namespace {

constexpr const char* kText = "text/plain; charset=utf-8";

http::Response Text(int status, std::string body) { return {status, kText, std::move(body)}; }

}  // namespace

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
  if (request.content_type != "application/json") {
    return Text(400, "wrong content type: expected json, got " + request.content_type);
  }
  auto lease = options_.runners->Acquire();
  if (!lease.ok()) {
    // A policy that cannot be instantiated is a server fault, never an admission.
    options_.logger->Error("cannot create a policy state", {{"error", lease.status().message()}});
    return Text(500, "policy unavailable: " + lease.status().message());
  }
  auto response = options_.reviewer->Review(request.body, **lease);
  if (!response.ok()) {
    options_.logger->Info("rejected malformed admission request",
                          {{"error", response.status().message()}});
    const int status = response.status().code() == StatusCode::kResourceExhausted ? 413 : 400;
    return Text(status, response.status().message());
  }
  return {200, "application/json", std::move(response).value()};
}

}  // namespace connaisseur::admission
