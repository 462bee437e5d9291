// Validator: one validator instance (static, notaryv1, cosign, ...) built from its config entry.
// It knows nothing of HTTP servers, Lua or caching: given an image and the rule's options it
// proves a digest or says why not.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "runtime/config/config.h"
#include "runtime/deadline.h"
#include "runtime/image/image_reference.h"
#include "runtime/status.h"
#include "runtime/verification/image_verifier.h"

namespace connaisseur::validators {

using verification::VerifiedImage;

class Validator {
 public:
  virtual ~Validator() = default;

  // Which kind of validator this is (config::ValidatorTypeName gives its name).
  virtual config::ValidatorType type() const = 0;

  // Verifies `image` under `options` before `deadline`. Thread-safe (called from many workers).
  // Returns kVerificationFailed / kNotFound / kUnavailable / kDeadlineExceeded / ... with a
  // message saying which step failed; never an OK result that was not proven.
  virtual StatusOr<VerifiedImage> Verify(const image::ImageReference& image,
                                         const config::RuleOptions& options,
                                         Deadline deadline) const = 0;

  // The same for an image that `pull` will pull: validators that read registry credentials from
  // the cluster (cosign `auth.useKeychain`) override this; the others ignore `pull`.
  virtual StatusOr<VerifiedImage> Verify(const image::ImageReference& image,
                                         const config::RuleOptions& options,
                                         const verification::PullContext& pull,
                                         Deadline deadline) const {
    (void)pull;
    return Verify(image, options, deadline);
  }

  // For validators whose signatures cover a registry manifest digest (cosign, notation): the
  // digest `image` names right now, so ValidatorSet caches outcomes per digest rather than per
  // movable tag. nullopt (the default) keeps the cache keyed by the normalised reference, right
  // for validators whose tag-to-digest mapping is itself signed (notaryv1).
  virtual StatusOr<std::optional<std::string>> PinDigest(const image::ImageReference& image,
                                                         Deadline deadline) const {
    (void)image;
    (void)deadline;
    return std::optional<std::string>();
  }
  virtual StatusOr<std::optional<std::string>> PinDigest(const image::ImageReference& image,
                                                         const verification::PullContext& pull,
                                                         Deadline deadline) const {
    (void)pull;
    return PinDigest(image, deadline);
  }

  // Whether outcomes depend on whose pull credentials are used (`pull` above): the cache then
  // keeps them apart per pull identity, so one Pod's missing credentials never deny another's
  // image and one Pod's verification never answers for a Pod that could not have pulled.
  virtual bool UsesPullCredentials() const { return false; }

  // Whether the validator's fixed back-end (e.g. its notary host) answers before `deadline`.
  // Validators without one (static; cosign, whose registry comes from each image) return OK.
  virtual Status CheckReachable(Deadline deadline) const {
    (void)deadline;
    return Status();
  }
};

}  // namespace connaisseur::validators
