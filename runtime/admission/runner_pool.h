// RunnerPool: PolicyRunners checked out one per request. A policy's Lua state serves one thread
// at a time and is expensive to build, so runners are made on demand (at most one per concurrent
// request) and reused. Thread-safe.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include "runtime/admission/policy_runner.h"
#include "runtime/status.h"

namespace connaisseur::admission {

class RunnerPool {
 public:
  using Factory = std::function<StatusOr<std::unique_ptr<PolicyRunner>>()>;
  explicit RunnerPool(Factory factory) : factory_(std::move(factory)) {}

  // Holds a runner for one request and hands it back on destruction.
  class Lease {
   public:
    Lease(RunnerPool* pool, std::unique_ptr<PolicyRunner> runner)
        : pool_(pool), runner_(std::move(runner)) {}
    Lease(Lease&&) = default;
    ~Lease() {
      if (runner_) pool_->Return(std::move(runner_));
    }
    PolicyRunner& operator*() const { return *runner_; }

   private:
    RunnerPool* pool_;  // borrowed; outlives the lease
    std::unique_ptr<PolicyRunner> runner_;
  };

  // An idle runner, or a new one from the factory (whose error is returned as is).
  StatusOr<Lease> Acquire();

  size_t idle() const;

 private:
  void Return(std::unique_ptr<PolicyRunner> runner);

  Factory factory_;
  mutable std::mutex mu_;
  std::vector<std::unique_ptr<PolicyRunner>> idle_;  // guarded by mu_
};

}  // namespace connaisseur::admission
