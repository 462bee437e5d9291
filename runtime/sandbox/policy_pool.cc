#include "runtime/sandbox/policy_pool.h"

namespace connaisseur::sandbox {

StatusOr<std::unique_ptr<PolicyPool>> PolicyPool::Create(const PolicyOptions& options) {
  std::unique_ptr<PolicyPool> pool(new PolicyPool(options));
  CN_ASSIGN_OR_RETURN(std::unique_ptr<Policy> first, Policy::Create(pool->options_));
  pool->idle_.push_back(std::move(first));
  pool->built_ = 1;
  return pool;
}

PolicyPool::Lease::~Lease() {
  if (policy_ != nullptr) pool_->Release(std::move(policy_));
}

StatusOr<PolicyPool::Lease> PolicyPool::Acquire() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!idle_.empty()) {
      std::unique_ptr<Policy> p = std::move(idle_.back());
      idle_.pop_back();
      return Lease(this, std::move(p));
    }
  }
  // Built outside the lock: loading a script takes a while and needs no shared state.
  CN_ASSIGN_OR_RETURN(std::unique_ptr<Policy> p, Policy::Create(options_));
  {
    std::lock_guard<std::mutex> lock(mu_);
    built_++;
  }
  return Lease(this, std::move(p));
}

void PolicyPool::Release(std::unique_ptr<Policy> policy) {
  std::lock_guard<std::mutex> lock(mu_);
  idle_.push_back(std::move(policy));
}

size_t PolicyPool::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return built_;
}

}  // namespace connaisseur::sandbox
