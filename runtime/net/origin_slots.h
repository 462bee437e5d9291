// OriginSlots: how many requests this process has in flight to each origin ("https://host:port")
// and in all. One slow or hostile back-end (an attacker can name images on a registry of their
// own that answers a byte a second) must not take every connection the webhook has, and a burst
// of verifications must stay polite to a registry's rate limits. Every HttpClient draws from the
// process-wide instance; a request that finds no free slot waits for one until its deadline.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <map>
#include <mutex>
#include <string>

#include "runtime/deadline.h"
#include "runtime/status.h"

namespace connaisseur::net {

class OriginSlots {
 public:
  struct Limits {
    size_t per_origin = 16;  // requests in flight to one origin
    size_t total = 128;      // requests in flight in all
  };

  // Holds one slot until destroyed. Move-only.
  class Slot {
   public:
    Slot(Slot&& other) noexcept : owner_(other.owner_), origin_(std::move(other.origin_)) {
      other.owner_ = nullptr;
    }
    Slot& operator=(Slot&&) = delete;
    Slot(const Slot&) = delete;
    ~Slot();

   private:
    friend class OriginSlots;
    Slot(OriginSlots* owner, std::string origin) : owner_(owner), origin_(std::move(origin)) {}
    OriginSlots* owner_;
    std::string origin_;
  };

  explicit OriginSlots(Limits limits) : limits_(limits) {}
  OriginSlots(const OriginSlots&) = delete;
  OriginSlots& operator=(const OriginSlots&) = delete;

  // The instance every HttpClient uses (default Limits).
  static OriginSlots& Process();

  // A slot for `origin`, waiting while the origin or the process is at its limit. After
  // `deadline`: kDeadlineExceeded naming the origin and both counts.
  StatusOr<Slot> Acquire(const std::string& origin, Deadline deadline);

  size_t in_flight(const std::string& origin) const;
  size_t in_flight() const;
  const Limits& limits() const { return limits_; }

 private:
  void Release(const std::string& origin);

  const Limits limits_;
  mutable std::mutex mu_;
  std::condition_variable freed_;
  std::map<std::string, size_t> per_origin_;  // guarded by mu_; only origins with requests
  size_t total_ = 0;                          // guarded by mu_
};

}  // namespace connaisseur::net
