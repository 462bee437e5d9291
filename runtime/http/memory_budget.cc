#include "runtime/http/memory_budget.h"

#include <string>
#include <utility>

namespace connaisseur::http {

MemoryReservation::~MemoryReservation() {
  if (budget_ != nullptr && bytes_ > 0) budget_->Give(bytes_);
}

MemoryReservation::MemoryReservation(MemoryReservation&& other) noexcept
    : budget_(std::exchange(other.budget_, nullptr)), bytes_(std::exchange(other.bytes_, 0)) {}

MemoryReservation& MemoryReservation::operator=(MemoryReservation&& other) noexcept {
  if (this != &other) {
    if (budget_ != nullptr && bytes_ > 0) budget_->Give(bytes_);
    budget_ = std::exchange(other.budget_, nullptr);
    bytes_ = std::exchange(other.bytes_, 0);
  }
  return *this;
}

Status MemoryReservation::Grow(size_t bytes) {
  if (budget_ != nullptr) CN_RETURN_IF_ERROR(budget_->Take(bytes_, bytes));
  bytes_ += bytes;
  return Status::Ok();
}

size_t MemoryBudget::in_use() const {
  std::lock_guard lock(mu_);
  return in_use_;
}

Status MemoryBudget::Take(size_t held, size_t more) {
  if (more > capacity_ || held > capacity_ - more) {
    return ResourceExhaustedError("request needs " + std::to_string(held + more) +
                                  " bytes of memory, more than the server's request memory "
                                  "budget of " +
                                  std::to_string(capacity_) + " bytes");
  }
  std::lock_guard lock(mu_);
  if (more > capacity_ - in_use_) {
    return UnavailableError("server busy: the request memory budget of " +
                            std::to_string(capacity_) +
                            " bytes is held by requests in flight; retry");
  }
  in_use_ += more;
  return Status::Ok();
}

void MemoryBudget::Give(size_t bytes) {
  std::lock_guard lock(mu_);
  in_use_ -= bytes <= in_use_ ? bytes : in_use_;
}

}  // namespace connaisseur::http
