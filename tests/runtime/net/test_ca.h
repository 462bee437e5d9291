// TestCa: a throw-away certificate authority for loopback TLS in tests, made with the openssl
// CLI in a private temporary directory that is removed with the object.
#pragma once

#include <memory>
#include <string>

#include "runtime/status.h"

namespace connaisseur::testing {

class TestCa {
 public:
  // A P-256 CA and one server certificate for IP:127.0.0.1 and DNS:localhost signed by it.
  static StatusOr<std::unique_ptr<TestCa>> Create();
  // One CA per test process, made on first use and removed at exit; nullptr if it failed.
  static const TestCa* Shared();
  ~TestCa();

  const std::string& dir() const { return dir_; }
  const std::string& ca_cert_pem() const { return ca_cert_pem_; }
  const std::string& server_cert_pem() const { return server_cert_pem_; }
  const std::string& server_key_pem() const { return server_key_pem_; }
  // Paths of the same PEM files (for servers that read files).
  std::string ca_cert_path() const { return dir_ + "/ca.crt"; }
  std::string server_cert_path() const { return dir_ + "/server.crt"; }
  std::string server_key_path() const { return dir_ + "/server.key"; }

 private:
  explicit TestCa(std::string dir) : dir_(std::move(dir)) {}
  std::string dir_;
  std::string ca_cert_pem_, server_cert_pem_, server_key_pem_;
};

// Runs `command` with /bin/sh; output goes to `log_path`. OK iff it exits 0.
Status RunCommand(const std::string& command, const std::string& log_path);

// Reads a whole file.
StatusOr<std::string> ReadFile(const std::string& path);
Status WriteFile(const std::string& path, std::string_view content);

// A fresh directory under $TMPDIR (or /tmp) named after `prefix`.
StatusOr<std::string> MakeTempDir(const std::string& prefix);

}  // namespace connaisseur::testing
