// WebhookEndpoints: the HTTP face of the webhook (docs/operations.md): /mutate, /health, /ready,
// /metrics, with the plain-text error answers Connaisseur gives. Independent of civetweb: it maps
// an http::Request to an http::Response, so it is tested without a socket.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>

#include "runtime/admission/reviewer.h"
#include "runtime/admission/runner_pool.h"
#include "runtime/http/http_message.h"
#include "runtime/log/logger.h"
#include "runtime/metrics/registry.h"
#include "runtime/verification/image_verifier.h"

namespace connaisseur::admission {

struct EndpointOptions {
  const Reviewer* reviewer = nullptr;        // borrowed
  RunnerPool* runners = nullptr;             // borrowed
  metrics::Registry* metrics = nullptr;      // borrowed
  const std::atomic<bool>* ready = nullptr;  // borrowed; /ready answers 503 until true
  log::Logger* logger = nullptr;             // borrowed
  // Called before /metrics renders, to copy gauges from other components (cache stats).
  std::function<void(metrics::Registry&)> refresh_metrics;
  // Asked by every /ready once `ready` is true (may be null: loaded is ready). A back-end that
  // does not answer within `ready_timeout` makes /ready 503, naming it, so Kubernetes stops
  // sending admissions to a replica that can only deny them. /health never asks (liveness).
  verification::ImageVerifier* backends = nullptr;  // borrowed
  std::chrono::milliseconds ready_timeout{2000};
};

// `application/json` (any case), with parameters allowed; a charset parameter must name UTF-8,
// the one encoding JSON between systems may use. Otherwise kInvalidArgument with the answer:
// `wrong content type: expected json, got <value>` or `... JSON must be UTF-8, got charset <x>`.
Status CheckJsonContentType(std::string_view content_type);

class WebhookEndpoints {
 public:
  explicit WebhookEndpoints(EndpointOptions options) : options_(std::move(options)) {}

  // Thread-safe.
  http::Response Handle(const http::Request& request) const;

 private:
  http::Response Mutate(const http::Request& request) const;
  http::Response Ready() const;
  EndpointOptions options_;
};

}  // namespace connaisseur::admission
