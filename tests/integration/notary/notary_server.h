// NotaryServer: the real Debian notary-server (memory storage, local trust service) on a free
// loopback port with TLS from a TestCa, plus the real `notary` client to publish trust data.
// Stopped by PID in the destructor; its temporary directory is removed.
#pragma once

#include <sys/types.h>

#include <memory>
#include <string>

#include "runtime/status.h"
#include "tests/runtime/net/test_ca.h"

namespace connaisseur::testing {

class NotaryServer {
 public:
  // True iff notary-server and notary are on PATH.
  static bool Available();
  static StatusOr<std::unique_ptr<NotaryServer>> Start(const TestCa& ca);
  ~NotaryServer();

  std::string url() const { return "https://127.0.0.1:" + std::to_string(port_); }
  const std::string& dir() const { return dir_; }

  // Runs `notary -c <config> <args>` with the passphrases set.
  Status Notary(const std::string& args) const;
  // `notary init -p`, then `add` of `tag` → a file with `content`, then publish.
  Status InitAndSign(const std::string& gun, const std::string& tag, const std::string& content);
  // Writes `content` to a file in dir() and returns its path.
  StatusOr<std::string> File(const std::string& name, const std::string& content) const;
  // The SPKI PEM of the root key of `gun` (what a trustRoot pins), from the client's root.json.
  StatusOr<std::string> RootPublicKeyPem(const std::string& gun) const;

 private:
  NotaryServer() = default;
  std::string dir_;
  int port_ = 0;
  pid_t pid_ = -1;
};

}  // namespace connaisseur::testing
