// RekorBundle: the offline transparency-log proof cosign attaches to a signature layer
// (annotation dev.sigstore.cosign/bundle):
//   {"SignedEntryTimestamp": b64(sig), "Payload": {"body": b64(entry), "integratedTime": int,
//    "logIndex": int, "logID": hex(sha256(rekor SPKI))}}
// The SET is Rekor's ECDSA signature over the RFC 8785 canonical JSON of Payload; the entry body
// names the signature, the payload hash and the key (rekor_entry_body.h: hashedrekord, rekord,
// dsse, intoto).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "runtime/crypto/public_key.h"
#include "runtime/status.h"
#include "validators/cosign/rekor_entry_body.h"

namespace connaisseur::cosign {

struct RekorBundle {
  std::string signed_entry_timestamp;  // raw signature bytes
  std::string body;                    // base64 text, as in the bundle
  int64_t integrated_time = 0;
  int64_t log_index = 0;
  std::string log_id;  // hex

  // kInvalidArgument for malformed JSON or missing/ill-typed fields.
  static StatusOr<RekorBundle> Parse(std::string_view json);

  // Canonical JSON of Payload (keys sorted, no whitespace): the bytes the SET signs.
  std::string CanonicalPayload() const;
};

// Checks, in order: the SET verifies under `rekor_key` and the logID is that key's; the body
// names `artifact` signed by `signer` (rekor_entry_body.h). Every failure is kVerificationFailed
// saying which check failed. The two halves are VerifyEntryTimestamp and VerifyEntryBody, which
// sigstore bundles use too.
Status VerifyRekorBundle(std::string_view bundle_json, const crypto::PublicKey& rekor_key,
                         const LoggedArtifact& artifact, const crypto::PublicKey& signer);

// The same for a plain signature (not DSSE) `signature` over `payload`.
Status VerifyRekorBundle(std::string_view bundle_json, const crypto::PublicKey& rekor_key,
                         std::string_view signature, std::string_view payload,
                         const crypto::PublicKey& signer);

// The SET of `entry` verifies under `rekor_key` and its logID is that key's (kVerificationFailed
// "transparency log bundle: ..." otherwise).
Status VerifyEntryTimestamp(const RekorBundle& entry, const crypto::PublicKey& rekor_key);

}  // namespace connaisseur::cosign
