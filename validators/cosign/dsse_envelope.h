// DsseEnvelope: the Dead Simple Signing Envelope (DSSE v1) that carries an in-toto statement,
// alone as the JSON blob of a cosign `.att` layer or inside a sigstore bundle:
//   {"payloadType": TYPE, "payload": b64(bytes), "signatures": [{"keyid": ..., "sig": b64}]}
// Each signature signs DssePae(payloadType, payload), never the payload itself. `keyid` is an
// unauthenticated hint and is never used to pick a key.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "runtime/status.h"

namespace connaisseur::cosign {

// The payloadType of an envelope holding an in-toto statement.
inline constexpr std::string_view kInTotoPayloadType = "application/vnd.in-toto+json";
// The media type of a cosign `.att` layer: the blob is one envelope as JSON.
inline constexpr std::string_view kDsseEnvelopeMediaType = "application/vnd.dsse.envelope.v1+json";

struct DsseEnvelope {
  std::string payload_type;
  std::string payload;                  // raw bytes
  std::vector<std::string> signatures;  // raw bytes, over DssePae(payload_type, payload)

  // Reads the JSON form. kInvalidArgument naming the field for malformed JSON, a missing or
  // non-string payloadType, a payload or sig that is not base64, or no signature at all.
  static StatusOr<DsseEnvelope> Parse(std::string_view json);

  // The JSON form, compact, keys in the order above, each signature with an empty keyid.
  std::string Serialize() const;
};

// DSSE's pre-authentication encoding, the bytes a DSSE signature signs:
// "DSSEv1" SP LEN(type) SP type SP LEN(payload) SP payload.
std::string DssePae(std::string_view payload_type, std::string_view payload);

}  // namespace connaisseur::cosign
