// In-memory collaborators for the admission tests: a policy that picks the first rule whose
// pattern (a literal, or a prefix ending in '*') matches the normalised image, and a verifier
// that answers from a table of digests, counting the calls it answers.
#pragma once

#include <atomic>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "runtime/admission/policy_runner.h"
#include "runtime/config/config.h"
#include "runtime/verification/image_verifier.h"

namespace connaisseur::admission::testing {

using verification::ImageVerifier;
using verification::PullContext;
using verification::VerifiedImage;

inline config::Rule MakeRule(std::string pattern, std::string validator,
                             config::RuleMode mode = config::RuleMode::kMutate) {
  config::Rule r;
  r.pattern = std::move(pattern);
  r.validator = std::move(validator);
  r.with.mode = mode;
  if (mode == config::RuleMode::kInsecureValidateOnly)
    r.with_json = {{"mode", "insecureValidateOnly"}};
  return r;
}

class FirstMatchPolicy final : public PolicyRunner {
 public:
  explicit FirstMatchPolicy(std::vector<config::Rule> rules) : rules_(std::move(rules)) {}

  StatusOr<config::Rule> Select(const image::ImageReference& image, const policy::PolicyRequest&,
                                Deadline) override {
    for (const config::Rule& r : rules_) {
      const std::string& p = r.pattern;
      const std::string& n = image.normalized();
      bool prefix =
          !p.empty() && p.back() == '*' && n.compare(0, p.size() - 1, p, 0, p.size() - 1) == 0;
      if (p == n || prefix) return r;
    }
    return NotFoundError("no matching rule found for image \"" + image.normalized() + "\"");
  }

  StatusOr<policy::AdmitDecision> Admit(const policy::PolicyRequest&,
                                        std::span<const policy::ImageResult> results,
                                        Deadline) override {
    policy::AdmitDecision d;
    d.allowed = true;
    for (const auto& r : results) d.allowed = d.allowed && r.allowed;
    d.alerts = alerts;
    return d;
  }

  std::vector<std::string> alerts;  // what Admit reports as connaisseur.alert calls

 private:
  std::vector<config::Rule> rules_;
};

// Validator "allow"/"deny" behave as static validators; any other validator looks the image's
// name (without tag or digest) up in `digests`; a missing name fails verification.
class TableVerifier final : public ImageVerifier {
 public:
  std::map<std::string, std::string> digests;  // "docker.io/library/nginx" → "sha256:…"
  // What a successful verification of the name reports beyond its digest.
  std::map<std::string, std::vector<verification::Attestation>> attestations;
  // What successful verifications report as VerifiedImage::used_pull_credentials.
  bool uses_pull_credentials = false;
  std::atomic<int> calls{0};
  Status backends;  // what CheckBackends answers
  std::atomic<int> backend_checks{0};
  Deadline last_backend_deadline = Deadline::Infinite();

  Status CheckBackends(Deadline deadline) override {
    ++backend_checks;
    last_backend_deadline = deadline;
    return backends;
  }

  // The pull context of the latest call (tests read it after the request).
  PullContext LastPull() const {
    std::lock_guard<std::mutex> lock(pull_mu_);
    return last_pull_;
  }

  StatusOr<VerifiedImage> Verify(const config::Rule& rule, const image::ImageReference& image,
                                 const PullContext& pull, Deadline deadline) override {
    ++calls;
    {
      std::lock_guard<std::mutex> lock(pull_mu_);
      last_pull_ = pull;
    }
    if (deadline.expired()) return DeadlineExceededError("deadline passed");
    if (rule.validator == "allow")
      return VerifiedImage{image.digest().value_or(""), "static allow"};
    if (rule.validator == "deny") {
      return VerificationFailedError("static deny for image " + image.raw() + " using rule " +
                                     rule.pattern);
    }
    auto it = digests.find(image.name());
    if (it == digests.end()) {
      return VerificationFailedError("error during notaryv1 validation of image " + image.raw() +
                                     ": no trust data");
    }
    // ImageVerifier's contract: a digest pinned in the reference is the one proven, or a failure.
    if (image.digest().has_value() && *image.digest() != it->second) {
      return VerificationFailedError("error during notaryv1 validation of image " + image.raw() +
                                     ": verified digest " + it->second +
                                     " differs from the one pinned in the reference");
    }
    VerifiedImage verified{it->second, "verified"};
    verified.used_pull_credentials = uses_pull_credentials;
    if (auto a = attestations.find(image.name()); a != attestations.end()) {
      verified.attestations = a->second;
      verified.attestation_errors = {"layer 1: not signed"};
    }
    return verified;
  }

 private:
  mutable std::mutex pull_mu_;
  PullContext last_pull_;  // guarded by pull_mu_
};

inline config::Config MakeConfig() {
  config::Config c;
  config::ValidatorConfig allow, deny, notary;
  allow.name = "allow";
  allow.type = config::ValidatorType::kStatic;
  allow.approve = true;
  deny.name = "deny";
  deny.type = config::ValidatorType::kStatic;
  notary.name = "notary";
  notary.type = config::ValidatorType::kNotaryV1;
  c.validators = {allow, deny, notary};
  return c;
}

inline std::string Digest(char c) { return "sha256:" + std::string(64, c); }

// A Pod AdmissionReview with the given container images.
inline nlohmann::json PodReview(const std::vector<std::string>& images,
                                std::string operation = "CREATE") {
  nlohmann::json containers = nlohmann::json::array();
  for (size_t i = 0; i < images.size(); ++i) {
    containers.push_back({{"name", "c" + std::to_string(i)}, {"image", images[i]}});
  }
  nlohmann::json object = {{"apiVersion", "v1"},
                           {"kind", "Pod"},
                           {"metadata", {{"name", "p"}, {"namespace", "default"}}},
                           {"spec", {{"containers", containers}}}};
  return {{"apiVersion", "admission.k8s.io/v1"},
          {"kind", "AdmissionReview"},
          {"request",
           {{"uid", "uid-1"},
            {"kind", {{"group", ""}, {"version", "v1"}, {"kind", "Pod"}}},
            {"namespace", "default"},
            {"operation", operation},
            {"object", object}}}};
}

}  // namespace connaisseur::admission::testing
