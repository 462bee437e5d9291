#include "runtime/alerting/alert_dispatcher.h"

#include <fstream>
#include <sstream>

#include "runtime/join.h"
#include "runtime/metrics/webhook_metrics.h"

namespace connaisseur::embedded {
extern const std::string_view alert_template_slack;
extern const std::string_view alert_template_opsgenie;
extern const std::string_view alert_template_keybase;
extern const std::string_view alert_template_msteams;
extern const std::string_view alert_template_ecs_1_12_0;
}  // namespace connaisseur::embedded

namespace connaisseur::alerting {
namespace {

constexpr std::chrono::milliseconds kConnectTimeout{5000};
constexpr size_t kMaxResponseBytes = 64u << 10;
constexpr std::chrono::seconds kBackgroundTimeout{10};

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

std::string_view ShippedTemplate(std::string_view name) {
  if (name == "slack") return embedded::alert_template_slack;
  if (name == "opsgenie") return embedded::alert_template_opsgenie;
  if (name == "keybase") return embedded::alert_template_keybase;
  if (name == "msteams") return embedded::alert_template_msteams;
  if (name == "ecs-1-12-0") return embedded::alert_template_ecs_1_12_0;
  return "";
}

AlertDispatcher::AlertDispatcher(Tag, AlertDispatcherOptions options)
    : options_(std::move(options)) {}

StatusOr<std::unique_ptr<AlertDispatcher>> AlertDispatcher::Create(AlertDispatcherOptions options) {
  auto d = std::make_unique<AlertDispatcher>(Tag{}, std::move(options));
  const config::AlertingConfig& config = *d->options_.config;
  for (auto [receivers, out] :
       {std::pair{&config.admit_request, &d->admit_}, {&config.reject_request, &d->reject_}}) {
    for (size_t i = 0; i < receivers->size(); ++i) {
      const config::AlertReceiver& r = (*receivers)[i];
      if (r.template_name.find('/') != std::string::npos || r.template_name.empty()) {
        return InvalidArgumentError("alert template name \"" + r.template_name + "\" is invalid");
      }
      std::string text;
      std::ifstream file(d->options_.template_dir + "/" + r.template_name + ".json");
      if (file) {
        std::ostringstream s;
        s << file.rdbuf();
        text = s.str();
      } else {
        text = std::string(ShippedTemplate(r.template_name));
        if (text.empty()) {
          return InvalidArgumentError("alert template \"" + r.template_name + "\" not found in " +
                                      d->options_.template_dir + " nor among the shipped ones");
        }
      }
      CN_ASSIGN_OR_RETURN(AlertTemplate payload, AlertTemplate::Parse(text, r.template_name));
      out->push_back({&r, std::move(payload), r.template_name + "-" + std::to_string(i)});
    }
  }
  d->background_ = std::thread([raw = d.get()] { raw->BackgroundLoop(); });
  return d;
}

AlertDispatcher::~AlertDispatcher() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (background_.joinable()) background_.join();
}

void AlertDispatcher::BackgroundLoop() {
  std::unique_lock lock(mu_);
  for (;;) {
    cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
    if (queue_.empty()) return;  // stopping, and everything queued was sent
    std::function<void()> job = std::move(queue_.front());
    queue_.pop_front();
    lock.unlock();
    job();
    lock.lock();
  }
}

Status AlertDispatcher::Send(const Receiver& receiver, const AlertValues& base, Deadline deadline,
                             const char* stream) const {
  AlertValues values = base;
  values.priority = std::to_string(receiver.config->priority);
  CN_ASSIGN_OR_RETURN(std::string payload,
                      receiver.payload.Render(values, receiver.config->payload_fields));
  if (payload.empty()) {
    options_.logger->Warn("skipping notification for receiver " + receiver.name +
                          " as message is empty");
    return Status::Ok();
  }
  net::HttpRequest request;
  request.method = "POST";
  request.url = receiver.config->receiver_url;
  request.body = std::move(payload);
  request.headers.emplace_back("Content-Type", "application/json");
  for (const std::string& header : receiver.config->custom_headers) {
    const size_t colon = header.find(':');
    if (colon == std::string::npos) continue;  // rejected by the config parser already
    request.headers.emplace_back(std::string(Trim(std::string_view(header).substr(0, colon))),
                                 std::string(Trim(std::string_view(header).substr(colon + 1))));
  }
  request.max_body_bytes = kMaxResponseBytes;
  request.connect_timeout = kConnectTimeout;
  request.deadline = deadline;
  auto response = options_.client->Send(request);
  Status status = response.ok() ? Status::Ok() : response.status();
  if (status.ok() && (response->status < 200 || response->status > 299)) {
    status = UnavailableError("receiver answered HTTP " + std::to_string(response->status));
  }
  if (options_.metrics != nullptr) {
    options_.metrics->Increment(status.ok() ? metrics::kAlertsSent : metrics::kAlertsFailed,
                                {{"stream", stream}});
  }
  if (!status.ok()) {
    // The URL and headers may carry tokens: log the receiver's name only.
    options_.logger->Warn("failed sending a notification",
                          {{"receiver", receiver.name}, {"error", status.message()}});
  }
  return status;
}

Status AlertDispatcher::Notify(const AlertEvent& event, Deadline deadline) {
  const std::vector<Receiver>& receivers = event.admitted ? admit_ : reject_;
  if (receivers.empty()) return Status::Ok();
  const char* stream = event.admitted ? "admit" : "reject";
  AlertValues values;
  values.alert_message = event.message;
  values.connaisseur_pod_id = options_.pod_name;
  values.cluster = options_.config->cluster_identifier;
  values.namespace_name = event.namespace_name;
  values.timestamp = AlertTimestamp();
  values.request_id = event.request_id;
  values.images = Join(event.images);

  std::vector<Status> results(receivers.size());
  // Declared after what the threads borrow (values, results) and joined by their destructors, so a
  // throw below (a thread that cannot start, an allocation) waits for them instead of leaving
  // them to run on freed memory or ending the process in std::terminate.
  std::vector<std::jthread> mandatory;
  for (size_t i = 0; i < receivers.size(); ++i) {
    const Receiver* r = &receivers[i];
    if (r->config->fail_if_alert_sending_fails) {
      mandatory.emplace_back([this, r, &values, &results, i, deadline, stream] {
        // The thread's entry point: nothing may escape it. A mandatory alert that could not be
        // sent denies.
        try {
          results[i] = Send(*r, values, deadline, stream);
        } catch (...) {
          results[i] = InternalError("internal error while sending the alert");
        }
      });
    } else {
      // Fire and forget: the answer does not wait for it, so it is not bound to the request's
      // deadline (a timed-out request must still be reported), only to its own.
      std::lock_guard lock(mu_);
      queue_.push_back([this, r, values, stream] {
        // Failures are logged and counted in Send.
        Send(*r, values, Deadline::In(kBackgroundTimeout), stream).ok();
      });
    }
  }
  cv_.notify_one();
  for (std::jthread& t : mandatory) t.join();
  for (size_t i = 0; i < receivers.size(); ++i) {
    if (!receivers[i].config->fail_if_alert_sending_fails || results[i].ok()) continue;
    std::string why = results[i].message();
    if (results[i].code() == StatusCode::kDeadlineExceeded) {
      why = "timeout during handling of receiver " + std::to_string(i + 1) + "/" +
            std::to_string(receivers.size()) + " of " + stream + " alerts";
    }
    return UnavailableError(
        " error sending notifications: failed sending a notification for "
        "receiver " +
        receivers[i].name + " with FailOnError set: " + why);
  }
  return Status::Ok();
}

}  // namespace connaisseur::alerting
