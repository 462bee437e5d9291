// Deadline: a point on the monotonic clock by which work must finish. Every network call, script
// call and admission request carries one; the tightest deadline wins.
#pragma once

#include <algorithm>
#include <chrono>

namespace connaisseur {

class Deadline {
 public:
  using Clock = std::chrono::steady_clock;

  // A deadline that never expires (CLI dry-runs without a timeout).
  static Deadline Infinite() { return Deadline(Clock::time_point::max()); }
  static Deadline In(std::chrono::milliseconds d) { return Deadline(Clock::now() + d); }
  static Deadline At(Clock::time_point t) { return Deadline(t); }

  bool expired() const { return Clock::now() >= at_; }
  Clock::time_point at() const { return at_; }
  bool infinite() const { return at_ == Clock::time_point::max(); }

  // Time left, never negative; a large value for an infinite deadline.
  std::chrono::milliseconds remaining() const {
    if (infinite()) return std::chrono::hours(24 * 365);
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(at_ - Clock::now());
    return std::max(left, std::chrono::milliseconds(0));
  }

  // The earlier of the two.
  Deadline Min(Deadline other) const { return Deadline(std::min(at_, other.at_)); }

 private:
  explicit Deadline(Clock::time_point at) : at_(at) {}
  Clock::time_point at_;
};

}  // namespace connaisseur
