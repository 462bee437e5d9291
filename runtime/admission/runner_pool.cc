#include "runtime/admission/runner_pool.h"

namespace connaisseur::admission {

StatusOr<RunnerPool::Lease> RunnerPool::Acquire() {
  {
    std::lock_guard lock(mu_);
    if (!idle_.empty()) {
      std::unique_ptr<PolicyRunner> runner = std::move(idle_.back());
      idle_.pop_back();
      return Lease(this, std::move(runner));
    }
  }
  CN_ASSIGN_OR_RETURN(std::unique_ptr<PolicyRunner> runner, factory_());
  return Lease(this, std::move(runner));
}

void RunnerPool::Return(std::unique_ptr<PolicyRunner> runner) {
  std::lock_guard lock(mu_);
  idle_.push_back(std::move(runner));
}

size_t RunnerPool::idle() const {
  std::lock_guard lock(mu_);
  return idle_.size();
}

}  // namespace connaisseur::admission
