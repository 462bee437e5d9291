#include "runtime/net/origin_slots.h"

namespace connaisseur::net {

OriginSlots::Slot::~Slot() {
  if (owner_ != nullptr) owner_->Release(origin_);
}

OriginSlots& OriginSlots::Process() {
  static OriginSlots slots(Limits{});
  return slots;
}

StatusOr<OriginSlots::Slot> OriginSlots::Acquire(const std::string& origin, Deadline deadline) {
  std::unique_lock<std::mutex> lock(mu_);
  const auto free = [&] {
    auto it = per_origin_.find(origin);
    return total_ < limits_.total && (it == per_origin_.end() || it->second < limits_.per_origin);
  };
  if (deadline.infinite()) {
    freed_.wait(lock, free);
  } else if (!freed_.wait_until(lock, deadline.at(), free)) {
    auto it = per_origin_.find(origin);
    return DeadlineExceededError("no free connection slot to " + origin + " before the deadline (" +
                                 std::to_string(it == per_origin_.end() ? 0 : it->second) +
                                 " requests in flight there, " + std::to_string(total_) +
                                 " in all; limits " + std::to_string(limits_.per_origin) + " and " +
                                 std::to_string(limits_.total) + ")");
  }
  ++per_origin_[origin];
  ++total_;
  return Slot(this, origin);
}

void OriginSlots::Release(const std::string& origin) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = per_origin_.find(origin);
    if (it != per_origin_.end() && --it->second == 0) per_origin_.erase(it);
    --total_;
  }
  freed_.notify_all();
}

size_t OriginSlots::in_flight(const std::string& origin) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = per_origin_.find(origin);
  return it == per_origin_.end() ? 0 : it->second;
}

size_t OriginSlots::in_flight() const {
  std::lock_guard<std::mutex> lock(mu_);
  return total_;
}

}  // namespace connaisseur::net
