// AlertNotifier: what the admission flow calls to send admit/reject alerts (docs/configuration.md
// "alerting"). Implemented by AlertDispatcher (alert_dispatcher.h); runtime/admission/ only knows
// this interface (CMake target cn_alert_notifier, which links nothing of the implementation).
#pragma once

#include <string>
#include <vector>

#include "runtime/deadline.h"
#include "runtime/status.h"

namespace connaisseur::alerting {

struct AlertEvent {
  bool admitted = false;  // admitRequest stream when true, rejectRequest otherwise
  std::string message;    // the `alert_message` text
  std::string request_id;
  std::string namespace_name;
  std::vector<std::string> images;  // raw images that were validated / failed
};

class AlertNotifier {
 public:
  virtual ~AlertNotifier() = default;
  // Sends to every receiver of the event's stream. A non-OK Status means a receiver with
  // failIfAlertSendingFails failed; its message is the exact denial text.
  virtual Status Notify(const AlertEvent& event, Deadline deadline) = 0;
};

}  // namespace connaisseur::alerting
