// MemoryBudget: the bytes that concurrent requests may hold at once for what an attacker sizes
// (request bodies and the trees parsed from them). A request reserves before it allocates; a
// reservation that does not fit fails at once, so the server answers 503 (or 413 when one request
// alone needs more than the whole budget) instead of growing without bound. Thread-safe.
#pragma once

#include <cstddef>
#include <mutex>

#include "runtime/status.h"

namespace connaisseur::http {

class MemoryBudget;

// One request's share of a MemoryBudget, returned to it on destruction. Move-only.
class MemoryReservation {
 public:
  MemoryReservation() = default;  // reserves nothing, from no budget: Grow always succeeds
  explicit MemoryReservation(MemoryBudget* budget) : budget_(budget) {}
  ~MemoryReservation();
  MemoryReservation(MemoryReservation&& other) noexcept;
  MemoryReservation& operator=(MemoryReservation&& other) noexcept;
  MemoryReservation(const MemoryReservation&) = delete;
  MemoryReservation& operator=(const MemoryReservation&) = delete;

  // Adds `bytes` to this reservation, or fails without reserving anything:
  //   kResourceExhausted  the reservation would exceed the whole budget (HTTP 413)
  //   kUnavailable        the budget is held by other requests right now (HTTP 503)
  Status Grow(size_t bytes);
  size_t bytes() const { return bytes_; }

 private:
  MemoryBudget* budget_ = nullptr;  // borrowed; null: unlimited
  size_t bytes_ = 0;
};

class MemoryBudget {
 public:
  explicit MemoryBudget(size_t capacity_bytes) : capacity_(capacity_bytes) {}

  size_t capacity() const { return capacity_; }
  size_t in_use() const;

 private:
  friend class MemoryReservation;
  Status Take(size_t held, size_t more);
  void Give(size_t bytes);

  const size_t capacity_;
  mutable std::mutex mu_;
  size_t in_use_ = 0;  // guarded by mu_
};

}  // namespace connaisseur::http
