// AdmissionReview: the parsed `admission.k8s.io/v1` (or `v1beta1`) request the webhook receives.
//
// ParseAdmissionReview is the only place that reads the raw body. It bounds size and nesting and
// charges the tree's memory before parsing (docs/operations.md), and copies out the few fields
// every stage needs; the objects stay inside `request` (borrowed by the Lua policy, read lazily).
// The tree is built and freed by json_tree.h, so running out of memory is an error, never an abort:
// whoever holds an AdmissionReview frees `request` with ReleaseJsonTree (JsonTreeReleaser) before
// it goes.
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "runtime/http/memory_budget.h"
#include "runtime/status.h"

namespace connaisseur::admission {

// Bodies above this are refused (HTTP 413) before they are parsed.
inline constexpr size_t kMaxReviewBytes = 8u << 20;

struct AdmissionReview {
  std::string api_version;  // "admission.k8s.io/v1" or "admission.k8s.io/v1beta1", echoed back
  std::string uid;          // request.uid, echoed back
  std::string kind;         // request.kind.kind: "Pod", "Deployment", ...
  std::string namespace_name;
  std::string name;       // request.name, else object.metadata.name (may be empty on CREATE)
  std::string operation;  // "CREATE", "UPDATE", ...
  bool dry_run = false;
  nlohmann::json request;  // the whole `request` object (object, oldObject, userInfo, ...)

  // request.object, or null when absent.
  const nlohmann::json& object() const;
  // request.oldObject, or null when absent (CREATE).
  const nlohmann::json& old_object() const;
};

// Errors carry the plain-text answer of docs/operations.md and map to HTTP statuses:
//   kResourceExhausted → 413 (body above kMaxReviewBytes, or its tree alone above the whole
//                        memory budget)
//   kUnavailable       → 503 (the memory budget is held by other requests, or memory ran out)
//   kInvalidArgument   → 400: `received invalid json: <err>` (not JSON, `{}`, too deep, bytes
//                        after the value, wrong apiVersion/kind, a field of the wrong type),
//                        `received empty admission request` (`request` null or missing)
// `memory` (may be null: unlimited) is charged with the tree's bound (MeasureJsonTree) before
// the tree is built.
StatusOr<AdmissionReview> ParseAdmissionReview(std::string_view body,
                                               http::MemoryReservation* memory = nullptr);

}  // namespace connaisseur::admission
