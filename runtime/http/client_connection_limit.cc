#include "runtime/http/client_connection_limit.h"

namespace connaisseur::http {

bool ClientConnectionLimit::TryOpen(const std::string& address) {
  std::lock_guard lock(mu_);
  int& count = open_[address];
  if (max_per_client_ > 0 && count >= max_per_client_) {
    ++refused_;
    return false;
  }
  ++count;
  return true;
}

void ClientConnectionLimit::Close(const std::string& address) {
  std::lock_guard lock(mu_);
  auto it = open_.find(address);
  if (it == open_.end()) return;
  if (--it->second <= 0) open_.erase(it);
}

uint64_t ClientConnectionLimit::refused() const {
  std::lock_guard lock(mu_);
  return refused_;
}

int ClientConnectionLimit::open(const std::string& address) const {
  std::lock_guard lock(mu_);
  auto it = open_.find(address);
  return it == open_.end() ? 0 : it->second;
}

}  // namespace connaisseur::http
