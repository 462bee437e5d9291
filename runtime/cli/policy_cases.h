// PolicyCases: the CASES.yaml of `connaisseur test` (docs/cli.md) — policy unit tests an admin
// keeps next to the values file. A case names one input and what must come out of it:
//
//   cases:
//     - name: official images go through Docker Content Trust
//       image: nginx:1.25                 # an image, evaluated like one `check` row
//       expect: {rule: "docker.io/library/*:*", validator: dockerhub}
//     - name: unsigned internal image is refused
//       image: registry.example.com/app:1
//       verify: true                      # run the validator (network); default: offline
//       expect: {verdict: deny, message: "no signatures found"}
//     - name: a Deployment of allowed images is admitted and pinned
//       object: {apiVersion: apps/v1, kind: Deployment, ...}   # wrapped in a CREATE review
//       expect: {allowed: true, patched: false}
//     - name: a recorded request
//       review: reviews/pod.json          # an AdmissionReview file, relative to CASES.yaml
//       namespace_labels: {env: prod}     # request.namespace_labels (any case; default: none)
//       expect: {allowed: false, message: "static deny"}
//
// Image expectations: verdict (allow|deny|plan), rule, validator, digest (exact), message
// (substring of the reason). Review and object expectations: allowed, message, warning
// (substring of any warning), patched (whether a JSON patch is returned). Unknown keys are errors.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "runtime/status.h"

namespace connaisseur::cli {

struct CaseExpectation {
  std::optional<std::string> verdict, rule, validator, digest, message;  // image cases
  std::optional<bool> allowed, patched;                                  // review cases
  std::optional<std::string> warning;                                    // review cases
  // `message` applies to both kinds.
};

struct PolicyCase {
  std::string name;  // given, or "case <n>"
  int line = 0;      // where the case starts in CASES.yaml
  // Exactly one of these is set.
  std::optional<std::string> image;
  std::optional<nlohmann::json> review;  // an AdmissionReview (from `review:` or `object:`)
  bool verify = false;                   // image cases: run non-static validators too
  std::string namespace_name = "default";
  // `namespace_labels:` (label → value), what request.namespace_labels reads; absent: reading
  // them raises, as in the webhook when they cannot be had.
  std::optional<nlohmann::json> namespace_labels;
  CaseExpectation expect;
};

// Parses CASES.yaml (`source` is its path: review files are read relative to it). Errors are
// kInvalidArgument "<source>:<line>: cases[i].<key>: ...", every problem at once.
StatusOr<std::vector<PolicyCase>> ParsePolicyCases(std::string_view text,
                                                   const std::string& source);

// What a case produced, in the terms of its expectations.
struct CaseOutcome {
  // image cases
  std::string verdict, rule, validator, digest;
  // review cases
  bool allowed = false, patched = false;
  std::vector<std::string> warnings;
  // both
  std::string message;
};

// The expectation mismatches of `outcome` ("verdict: want deny, got allow"); empty = pass.
std::vector<std::string> CompareOutcome(const PolicyCase& c, const CaseOutcome& outcome);

// The CREATE AdmissionReview (admission.k8s.io/v1) the API server would send for `object`.
nlohmann::json ReviewForObject(const nlohmann::json& object, const std::string& namespace_name,
                               const std::string& uid);

}  // namespace connaisseur::cli
