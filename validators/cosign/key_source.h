// KeySource: where a cosign trust root's public key comes from. A PEM key in the values is
// fixed (StaticKeySource); a KMS key is fetched from its service and kept fresh
// (remote_key_source.h, kms_keys.h). The validator asks for the key at every verification, so
// a key that cannot be had denies with the source's reason.
#pragma once

#include <memory>
#include <string>

#include "runtime/crypto/public_key.h"
#include "runtime/deadline.h"
#include "runtime/status.h"

namespace connaisseur::cosign {

class KeySource {
 public:
  virtual ~KeySource() = default;

  // The key to verify with now, or why there is none; the message names the key ("AWS KMS key
  // awskms:///alias/cosign: ...") and the failure. Thread-safe.
  virtual StatusOr<std::shared_ptr<const crypto::PublicKey>> Key(Deadline deadline) const = 0;

  // Whether Key can answer (for /ready): OK for a fixed key; for a remote one, whether its
  // service gives the key (or gave it recently enough to be used).
  virtual Status CheckReachable(Deadline deadline) const = 0;

  // Whether the key lives on a service (then /ready asks it).
  virtual bool remote() const = 0;
};

// A key parsed from the values at load time.
class StaticKeySource final : public KeySource {
 public:
  explicit StaticKeySource(crypto::PublicKey key)
      : key_(std::make_shared<const crypto::PublicKey>(std::move(key))) {}
  StatusOr<std::shared_ptr<const crypto::PublicKey>> Key(Deadline) const override { return key_; }
  Status CheckReachable(Deadline) const override { return Status(); }
  bool remote() const override { return false; }

 private:
  const std::shared_ptr<const crypto::PublicKey> key_;
};

}  // namespace connaisseur::cosign
