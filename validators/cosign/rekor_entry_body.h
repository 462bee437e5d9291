// Rekor entry bodies: does a transparency-log entry (the base64 of the JSON body that Rekor
// canonicalised and its signed entry timestamp covers) name the signature being verified, so
// that an entry logged for another signature, envelope, payload or key never vouches for it?
// Which kinds count depends on what was signed, and each must bind this very signature:
//   - a plain signature over an artifact (the simple-signing payload of a `.sig` layer, the image
//     manifest of a messageSignature bundle): `hashedrekord` or `rekord` 0.0.1 whose
//     spec.signature.content is this signature, spec.data.hash is sha256(artifact) and
//     spec.signature.publicKey.content is the signer's key;
//   - a DSSE envelope (an attestation, or a cosign v3 bundle), whose signature is over the PAE of
//     its payload:
//       `dsse` 0.0.1: spec.payloadHash is sha256(payload) and one of spec.signatures has this
//         signature (base64) and, as its verifier, the signer's key;
//       `intoto` 0.0.2 (what `cosign attest` logs): the binding is spec.content.payloadHash =
//         sha256(payload) and one of spec.content.envelope.signatures having `sig` = base64 of
//         this signature's base64 text (Rekor encodes it twice) and `publicKey` = the signer's
//         key. When the envelope's stored bytes are known (a `.att` layer blob), spec.content.hash
//         must also be their sha256, as cosign checks; that hash is the submitter's claim, which
//         Rekor does not verify, so it attests nothing on its own;
//       `intoto` 0.0.1: names no signature, only the envelope by hash, so spec.content.hash must
//         be sha256 of the stored envelope bytes (an envelope re-serialised inside a sigstore
//         bundle cannot be bound and fails), spec.publicKey is the signer's key and
//         spec.content.payloadHash is sha256(payload) (the envelope's hash alone does not fix the
//         payload: Go matches JSON keys case-insensitively, so Rekor and we could read different
//         payloads from {"payload": A, "PAYLOAD": B}).
// Whatever a rule above checks must be present: an entry that omits it is refused, not excused.
// Any other kind or apiVersion, a kind for the other kind of signature, or a malformed body fails.
#pragma once

#include <optional>
#include <string_view>

#include "runtime/crypto/public_key.h"
#include "runtime/status.h"

namespace connaisseur::cosign {

// What an entry must name.
struct LoggedArtifact {
  std::string_view signature;  // raw bytes of the signature that verified
  std::string_view payload;    // what it is over: the artifact, or the DSSE payload
  bool dsse = false;           // the signature is a DSSE one (over the PAE of `payload`)
  // DSSE only: the envelope exactly as stored (a `.att` layer's blob); nullopt when only a
  // re-serialised form exists (a sigstore bundle's dsseEnvelope).
  std::optional<std::string_view> envelope;
};

// The kind and version a sigstore bundle states for an entry (kindVersion). The SET covers only
// the body, so this is a claim; when given, it must agree with the body's kind and apiVersion.
struct ClaimedKind {
  std::string_view kind;
  std::string_view version;
};

// OK iff the entry body (base64 text, as logged) names `artifact` signed by `signer` by the rules
// above; kVerificationFailed "transparency log bundle: ..." saying which binding failed.
Status VerifyEntryBody(std::string_view body_b64, const LoggedArtifact& artifact,
                       const crypto::PublicKey& signer,
                       std::optional<ClaimedKind> claimed = std::nullopt);

}  // namespace connaisseur::cosign
