// AlertDispatcher: sends admit/reject alerts to the configured receivers (docs/configuration.md
// "alerting") through net::HttpClient. Receivers of one event are sent concurrently; those with
// failIfAlertSendingFails are awaited (bounded by the request deadline) and their failure denies
// the request; the others are handed to a background sender and only logged.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "runtime/alerting/alert_notifier.h"
#include "runtime/alerting/alert_template.h"
#include "runtime/config/config.h"
#include "runtime/log/logger.h"
#include "runtime/metrics/registry.h"
#include "runtime/net/http_client.h"

namespace connaisseur::alerting {

struct AlertDispatcherOptions {
  const config::AlertingConfig* config = nullptr;  // borrowed
  // Directory of `<template>.json` files (the chart mounts /app/alerts/templates); a name not
  // found there falls back to the shipped templates compiled into the binary.
  std::string template_dir = "/app/alerts/templates";
  std::string pod_name;                     // env POD_NAME: `connaisseur_pod_id`
  const net::HttpClient* client = nullptr;  // borrowed; plain http allowed for receivers
  metrics::Registry* metrics = nullptr;     // borrowed, may be null
  log::Logger* logger = nullptr;            // borrowed
};

class AlertDispatcher final : public AlertNotifier {
 public:
  // Loads and checks every receiver's template (a missing or malformed one is a config error).
  static StatusOr<std::unique_ptr<AlertDispatcher>> Create(AlertDispatcherOptions options);
  ~AlertDispatcher() override;  // finishes queued fire-and-forget alerts

  Status Notify(const AlertEvent& event, Deadline deadline) override;

 private:
  struct Receiver {
    const config::AlertReceiver* config;  // borrowed from options.config
    AlertTemplate payload;
    std::string name;  // "<template>-<index>"
  };
  struct Tag {};

 public:
  AlertDispatcher(Tag, AlertDispatcherOptions options);

 private:
  // Renders and POSTs to one receiver; OK on a 2xx answer.
  Status Send(const Receiver& receiver, const AlertValues& values, Deadline deadline,
              const char* stream) const;
  void BackgroundLoop();

  AlertDispatcherOptions options_;
  std::vector<Receiver> admit_, reject_;

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> queue_;  // guarded by mu_
  bool stopping_ = false;                    // guarded by mu_
  std::thread background_;
};

// The shipped template called `name` ("slack", "opsgenie", "keybase", "msteams", "ecs-1-12-0"),
// or "" when there is none.
std::string_view ShippedTemplate(std::string_view name);

}  // namespace connaisseur::alerting
