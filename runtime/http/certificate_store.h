// CertificateStore: the server's certificate chain and key, re-read when the files change so a
// rotated Secret takes effect without a restart. Each TLS handshake asks for the current pair
// (through OpenSSL's certificate callback); a rotation that fails to load keeps the old pair.
// Every reload, and every rejected pair of files, is logged.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "runtime/crypto/openssl_ptr.h"
#include "runtime/log/logger.h"
#include "runtime/status.h"

typedef struct ssl_st SSL;

namespace connaisseur::http {

class CertificateStore {
 public:
  // Loads both files now; fails (kInvalidArgument) when they do not parse or do not match.
  // `logger` (borrowed, may be null) receives the reload and rejection lines.
  static StatusOr<std::unique_ptr<CertificateStore>> Create(std::string cert_file,
                                                            std::string key_file,
                                                            log::Logger* logger = nullptr);

  // Re-reads both files now, changed or not (SIGHUP); on failure keeps the current pair and
  // returns why. Logged either way. Thread-safe.
  Status Reload();

  // Installs the current pair on `ssl`, reloading first if a file changed (checked at most once
  // a second). Returns false only when nothing could be installed. Thread-safe.
  bool InstallOn(SSL* ssl);

  // How many times the files were (re)loaded successfully; for tests.
  int loads() const { return loads_.load(); }

 private:
  struct Tag {};  // only Create constructs

 public:
  CertificateStore(Tag, std::string cert_file, std::string key_file, log::Logger* logger)
      : cert_file_(std::move(cert_file)), key_file_(std::move(key_file)), logger_(logger) {}

 private:
  struct Pair {
    std::vector<crypto::X509Ptr> chain;  // leaf first
    crypto::EvpPkeyPtr key;
  };
  static StatusOr<std::shared_ptr<const Pair>> Load(const std::string& cert_file,
                                                    const std::string& key_file);
  // "<mtime ns>/<size>" of both files; changes when either is replaced or rewritten.
  std::string Fingerprint() const;
  std::shared_ptr<const Pair> Current();
  // Loads the files and installs the pair, logging the outcome; `why` names the trigger.
  Status ReloadLocked(const std::string& fingerprint, const char* why);

  const std::string cert_file_, key_file_;
  log::Logger* const logger_;  // borrowed, may be null
  std::mutex mu_;
  std::shared_ptr<const Pair> pair_;               // guarded by mu_
  std::string fingerprint_;                        // guarded by mu_; of the last attempt
  std::chrono::steady_clock::time_point checked_;  // guarded by mu_
  std::atomic<int> loads_{0};
};

}  // namespace connaisseur::http
