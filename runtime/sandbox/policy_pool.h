// PolicyPool: hands each concurrent caller its own Policy (a lua_State is never shared between
// threads, runtime/sandbox/README.md). Policies are built lazily from the same options, on first
// demand, and returned to the pool when the Lease ends; at most one per concurrently running
// caller.
#pragma once

#include <memory>
#include <mutex>
#include <vector>

#include "runtime/sandbox/policy.h"
#include "runtime/status.h"

namespace connaisseur::sandbox {

class PolicyPool {
 public:
  // Builds one Policy up front, so a script that does not load fails here (kInvalidArgument).
  static StatusOr<std::unique_ptr<PolicyPool>> Create(const PolicyOptions& options);

  // Exclusive use of one Policy until destroyed. Movable, not copyable.
  class Lease {
   public:
    Lease(Lease&& other) noexcept : pool_(other.pool_), policy_(std::move(other.policy_)) {}
    Lease& operator=(Lease&&) = delete;
    ~Lease();
    Policy& operator*() const { return *policy_; }
    Policy* operator->() const { return policy_.get(); }

   private:
    friend class PolicyPool;
    Lease(PolicyPool* pool, std::unique_ptr<Policy> policy)
        : pool_(pool), policy_(std::move(policy)) {}
    PolicyPool* pool_;
    std::unique_ptr<Policy> policy_;
  };

  // An idle Policy, or a new one. Thread-safe. The pool must outlive its leases.
  StatusOr<Lease> Acquire();

  // Policies built so far (idle or leased).
  size_t size() const;

 private:
  explicit PolicyPool(PolicyOptions options) : options_(std::move(options)) {}
  void Release(std::unique_ptr<Policy> policy);

  const PolicyOptions options_;
  mutable std::mutex mu_;
  std::vector<std::unique_ptr<Policy>> idle_;  // guarded by mu_
  size_t built_ = 0;                           // guarded by mu_
};

}  // namespace connaisseur::sandbox
