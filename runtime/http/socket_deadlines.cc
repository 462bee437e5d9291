#include "runtime/http/socket_deadlines.h"

#include <sys/socket.h>

namespace connaisseur::http {

SocketDeadlines::SocketDeadlines() : timer_([this] { Run(); }) {}

SocketDeadlines::~SocketDeadlines() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  timer_.join();
}

SocketDeadlines::Armed SocketDeadlines::Arm(int fd, Clock::time_point deadline) {
  if (fd < 0) return Armed(nullptr, 0);
  uint64_t id = 0;
  bool sooner = false;
  {
    std::lock_guard lock(mu_);
    id = next_id_++;
    entries_.emplace(id, Entry{fd, deadline});
    sooner = deadline < wake_at_;
    if (sooner) wake_at_ = deadline;
  }
  if (sooner) wake_.notify_all();  // otherwise the timer wakes before this deadline anyway
  return Armed(this, id);
}

SocketDeadlines::Armed::~Armed() {
  if (owner_ == nullptr) return;
  std::lock_guard lock(owner_->mu_);  // after this, the timer never touches the socket again
  owner_->entries_.erase(id_);
}

bool SocketDeadlines::Armed::expired() const {
  if (owner_ == nullptr) return false;
  std::lock_guard lock(owner_->mu_);
  auto it = owner_->entries_.find(id_);
  return it != owner_->entries_.end() && it->second.fired;
}

uint64_t SocketDeadlines::wakeups() const {
  std::lock_guard lock(mu_);
  return wakeups_;
}

void SocketDeadlines::Run() {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    Clock::time_point next = Clock::time_point::max();
    const Clock::time_point now = Clock::now();
    for (auto& [id, entry] : entries_) {
      if (entry.fired) continue;
      if (entry.deadline <= now) {
        shutdown(entry.fd, SHUT_RD);  // the owner keeps fd open until it disarms (under mu_)
        entry.fired = true;
      } else if (entry.deadline < next) {
        next = entry.deadline;
      }
    }
    wake_at_ = next;
    if (next == Clock::time_point::max()) {
      wake_.wait(lock);
    } else {
      wake_.wait_until(lock, next);
    }
    ++wakeups_;
  }
}

}  // namespace connaisseur::http
