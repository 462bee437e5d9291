// ClientConnectionLimit: how many connections one client address may hold open at once.
//
// civetweb serves one connection per worker thread, from the moment a worker takes it until it
// closes, so a client holding idle or slow connections holds workers. Capping connections per
// address keeps one client (one Pod inside the cluster) from taking every worker; the API
// servers, each on its own address, keep theirs. Thread-safe.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>

namespace connaisseur::http {

class ClientConnectionLimit {
 public:
  // `max_per_client` <= 0 means no cap.
  explicit ClientConnectionLimit(int max_per_client) : max_per_client_(max_per_client) {}

  // Counts one more open connection from `address`; false (and nothing counted) when that
  // address already holds max_per_client.
  bool TryOpen(const std::string& address);
  // The connection counted by a successful TryOpen closed.
  void Close(const std::string& address);

  // Connections refused since start.
  uint64_t refused() const;
  // Connections open from `address` (tests).
  int open(const std::string& address) const;

 private:
  const int max_per_client_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, int> open_;  // guarded by mu_; only addresses with > 0
  uint64_t refused_ = 0;                       // guarded by mu_
};

}  // namespace connaisseur::http
