// PolicyRunner: the two policy entry points the admission pipeline calls (docs/policy-lua.md),
// behind an interface so the pipeline does not care whether they run in a pooled Lua state or in a
// test's in-memory table. One runner serves one request at a time (Lua states are single-threaded).
#pragma once

#include <memory>
#include <span>

#include "runtime/config/config.h"
#include "runtime/deadline.h"
#include "runtime/image/image_reference.h"
#include "runtime/policy/policy.h"
#include "runtime/status.h"

namespace connaisseur::admission {

class PolicyRunner {
 public:
  virtual ~PolicyRunner() = default;

  // `select(image, request)`: the rule to verify `image` under, or a Status whose message is the
  // denial reason.
  virtual StatusOr<config::Rule> Select(const image::ImageReference& image,
                                        const policy::PolicyRequest& request,
                                        Deadline deadline) = 0;

  // `admit(request, results)`: the request's verdict from every image's result.
  virtual StatusOr<policy::AdmitDecision> Admit(const policy::PolicyRequest& request,
                                                std::span<const policy::ImageResult> results,
                                                Deadline deadline) = 0;
};

// The PolicyRunner of a compiled policy script: one policy::Policy (its own Lua state), owned.
class ScriptPolicyRunner final : public PolicyRunner {
 public:
  explicit ScriptPolicyRunner(std::unique_ptr<policy::Policy> policy)
      : policy_(std::move(policy)) {}

  StatusOr<config::Rule> Select(const image::ImageReference& image,
                                const policy::PolicyRequest& request, Deadline deadline) override {
    return policy_->Select(image, request, deadline);
  }
  StatusOr<policy::AdmitDecision> Admit(const policy::PolicyRequest& request,
                                        std::span<const policy::ImageResult> results,
                                        Deadline deadline) override {
    return policy_->Admit(request, results, deadline);
  }

 private:
  std::unique_ptr<policy::Policy> policy_;
};

}  // namespace connaisseur::admission
