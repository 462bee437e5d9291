// Fuzzes the notary v1 metadata parsers (root, timestamp, snapshot, targets and delegations) and
// the canonical JSON that TUF signatures cover. No crash, no sanitizer report, and:
// - every parse failure is kInvalidArgument or, for a wrong `_type`, kVerificationFailed;
// - canonical JSON is a fixed point: the canonical form of the canonical form (when it parses
//   back: raw control characters do not) is itself, so what a signer signed and what we verify
//   are the same bytes however the server formatted the file;
// - a parsed file's envelope carries exactly the canonical bytes of its `signed` member.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "validators/notaryv1/canonical_json.h"
#include "validators/notaryv1/tuf_metadata.h"

namespace {

using namespace connaisseur;
using namespace connaisseur::notaryv1;

constexpr size_t kMaxInput = 64 * 1024;

void Check(bool ok) {
  if (!ok) std::abort();
}

template <typename Role>
void CheckParsed(const StatusOr<Role>& role, const nlohmann::json& doc) {
  if (!role.ok()) {
    const StatusCode code = role.status().code();
    Check(code == StatusCode::kInvalidArgument || code == StatusCode::kVerificationFailed);
    return;
  }
  auto canonical = CanonicalJson(doc["signed"]);
  Check(canonical.ok() && *canonical == role->envelope.canonical);
}

void CheckCanonicalFixedPoint(const nlohmann::json& doc) {
  auto canonical = CanonicalJson(doc);
  if (!canonical.ok()) return;
  auto reparsed = nlohmann::json::parse(*canonical, nullptr, false);
  if (reparsed.is_discarded()) return;
  auto again = CanonicalJson(reparsed);
  Check(again.ok() && *again == *canonical);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > kMaxInput) return 0;
  const std::string_view raw(reinterpret_cast<const char*>(data), size);
  const nlohmann::json doc = nlohmann::json::parse(raw, nullptr, false);
  CheckParsed(ParseRoot(raw), doc);
  CheckParsed(ParseTimestamp(raw), doc);
  CheckParsed(ParseSnapshot(raw), doc);
  CheckParsed(ParseTargets(raw, "targets/releases"), doc);
  if (!doc.is_discarded()) CheckCanonicalFixedPoint(doc);
  IsValidRoleName(raw);
  return 0;
}
