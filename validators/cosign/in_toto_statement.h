// InTotoStatement: the in-toto attestation Statement (v0.1 and v1) a DSSE envelope carries:
//   {"_type": "https://in-toto.io/Statement/v1" | ".../v0.1",
//    "subject": [{"name": ..., "digest": {"sha256": HEX, ...}}, ...],
//    "predicateType": URI, "predicate": {...}}
// Parse checks shapes only; whether a statement is about an image is NamesDigest, and whether it
// is trusted is the envelope's signature (attestation_verifier.h).
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/status.h"

namespace connaisseur::cosign {

inline constexpr std::string_view kInTotoStatementV1 = "https://in-toto.io/Statement/v1";
inline constexpr std::string_view kInTotoStatementV01 = "https://in-toto.io/Statement/v0.1";

// Deepest predicate accepted: what a policy can receive (runtime/policy/lua_json.h kMaxJsonDepth).
inline constexpr int kMaxPredicateDepth = 64;

struct InTotoStatement {
  std::string type;                          // _type, one of the two above
  std::vector<std::string> subject_sha256s;  // subject[].digest.sha256, lower-cased hex
  std::string predicate_type;                // never empty after Parse
  nlohmann::json predicate;                  // null when absent; else an object

  // kInvalidArgument naming the field: not a JSON object, an unknown _type, a subject that is
  // not a non-empty list of objects with a digest map, a missing or empty predicateType, or a
  // predicate that is neither an object nor absent/null, or one nesting deeper than
  // kMaxPredicateDepth.
  static StatusOr<InTotoStatement> Parse(std::string_view json);

  // Whether a subject's sha256 is the hex of `image_digest` ("sha256:<hex>", case-insensitive).
  bool NamesDigest(std::string_view image_digest) const;
};

// The predicateType of `payload` if it is a JSON object carrying a string one, else "". Reads an
// UNVERIFIED payload: only for sorting what to verify, never for trusting it.
std::string PeekPredicateType(std::string_view payload);

// The statement cosign attests for `image_digest`: _type v0.1 (as `cosign attest` writes), one
// subject named `subject_name` with the digest's hex, `predicate_type` and `predicate`.
std::string MakeInTotoStatement(std::string_view subject_name, std::string_view image_digest,
                                std::string_view predicate_type, const nlohmann::json& predicate);

}  // namespace connaisseur::cosign
