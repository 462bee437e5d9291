// SigstoreBundle: the sigstore bundle (protobuf-specs `dev.sigstore.bundle.v1.Bundle`, JSON
// encoding, media type application/vnd.dev.sigstore.bundle.v0.3+json; 0.1 and 0.2 read alike)
// that newer cosign stores as an OCI referrer of the image it signs:
//   {"mediaType": ..., "verificationMaterial": {"publicKey": {"hint": ...} | "certificate":
//    {"rawBytes": b64} | "x509CertificateChain": {"certificates": [{"rawBytes": b64}]},
//    "tlogEntries": [{"logIndex", "logId": {"keyId": b64}, "kindVersion": {"kind", "version"},
//    "integratedTime", "inclusionPromise": {"signedEntryTimestamp": b64}, "canonicalizedBody":
//    b64}]}, "messageSignature": {"messageDigest": {"algorithm", "digest": b64}, "signature": b64}
//    | "dsseEnvelope": {"payload": b64, "payloadType", "signatures": [{"sig": b64, "keyid"}]}}
// int64 fields are read as JSON strings (as protobuf writes them) or numbers. Parse checks
// shapes only; bundle_verifier.h judges what a bundle proves.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/status.h"
#include "validators/cosign/dsse_envelope.h"

namespace connaisseur::cosign {

inline constexpr std::string_view kSigstoreBundleMediaType =
    "application/vnd.dev.sigstore.bundle.v0.3+json";

// One transparency-log entry of a bundle.
struct BundleTlogEntry {
  int64_t log_index = 0;
  std::string log_id;  // raw bytes of logId.keyId (sha256 of the log's public key)
  std::string kind;    // kindVersion.kind: "hashedrekord", "dsse", ...
  std::string version;
  int64_t integrated_time = 0;
  std::string signed_entry_timestamp;  // raw; empty when the entry has no inclusion promise
  std::string canonicalized_body;      // base64 text, exactly as in the bundle (the SET signs it)
};

struct MessageSignature {
  std::string digest_algorithm;  // "SHA2_256"
  std::string digest;            // raw bytes
  std::string signature;         // raw bytes
};

struct SigstoreBundle {
  enum class KeyMaterial { kPublicKey, kCertificate, kCertificateChain };

  std::string media_type;
  KeyMaterial key_material = KeyMaterial::kPublicKey;
  std::string public_key_hint;  // unauthenticated; never used to pick a key
  std::string certificate_der;  // the leaf, for the two certificate kinds
  // kCertificateChain: the certificates after the leaf (its intermediates, perhaps the root).
  std::vector<std::string> chain_der;
  std::vector<BundleTlogEntry> tlog_entries;
  // Exactly one of the two is set after Parse.
  std::optional<MessageSignature> message_signature;
  std::optional<DsseEnvelope> dsse_envelope;

  // kInvalidArgument naming the field for malformed JSON, an unknown media type, missing or
  // ill-typed fields, bad base64, and neither or both of the two contents.
  static StatusOr<SigstoreBundle> Parse(std::string_view json);

  // The JSON protobuf writes for these fields (camelCase, int64 as strings, bytes as base64).
  std::string Serialize() const;
};

}  // namespace connaisseur::cosign
