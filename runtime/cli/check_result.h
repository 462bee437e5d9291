// CheckResult: one row of `connaisseur check` output.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "runtime/cli/sourced_image.h"

namespace connaisseur::cli {

enum class Verdict { kDeny, kAllow, kPlan };  // fail closed: a default-built result denies

std::string_view VerdictName(Verdict v);  // "deny", "allow", "plan"

struct CheckResult {
  std::string image;                      // the reference as given
  std::optional<std::string> normalized;  // absent when it does not parse
  std::optional<std::string> rule;        // winning rule's pattern
  std::optional<std::string> validator;   // the rule's validator name
  Verdict verdict = Verdict::kDeny;
  std::optional<std::string> digest;  // "sha256:<hex>" the verification resolved
  std::string reason;                 // the text the webhook would send
  bool detection_override = false;    // a deny turned into an allow by detection mode
  std::optional<ImageOrigin> origin;  // the manifest object the image came from, if any
};

}  // namespace connaisseur::cli
