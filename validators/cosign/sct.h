// Embedded SCTs (RFC 6962 section 3.3): Fulcio logs every certificate it issues to a CT log
// before issuing it, and embeds the log's signed certificate timestamp in the certificate
// (extension 1.3.6.1.4.1.11129.2.4.2). The SCT signs the precertificate: the certificate's
// TBSCertificate without that extension, bound to the issuer's key.
#pragma once

#include <openssl/x509.h>

#include "runtime/crypto/public_key.h"
#include "runtime/status.h"

namespace connaisseur::cosign {

// OK iff `leaf` embeds an SCT whose log ID is the SHA-256 of `ct_log_key`'s SPKI and whose
// signature verifies under that key over the precertificate entry built from `leaf` and
// `issuer` (the certificate that issued it, from the verified chain). kVerificationFailed,
// prefixed "SCT: ", otherwise: no SCT extension, no SCT from that log, a signature that does not
// verify. SCTs from other logs are ignored. Does not modify `leaf`.
Status VerifyEmbeddedSct(const X509& leaf, const X509& issuer, const crypto::PublicKey& ct_log_key);

// The bytes a CT log signs for a precertificate entry (RFC 6962 section 3.2,
// digitally-signed struct, entry_type precert_entry): version 1 and signature type
// certificate_timestamp, `timestamp_ms`, the SHA-256 of the issuer's SPKI, `tbs` (the
// TBSCertificate without the SCT extension, 24-bit length) and `extensions` (16-bit length).
// Exposed for tests that play the CT log.
std::string PrecertificateSignedData(uint64_t timestamp_ms, std::string_view issuer_spki_der,
                                     std::string_view tbs, std::string_view extensions);

}  // namespace connaisseur::cosign
