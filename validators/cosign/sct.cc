#include "validators/cosign/sct.h"

#include <openssl/ct.h>
#include <openssl/x509v3.h>

#include <string>

#include "runtime/crypto/digest.h"
#include "runtime/crypto/openssl_error.h"
#include "runtime/crypto/openssl_ptr.h"

namespace connaisseur::cosign {

namespace {

Status Fail(std::string what) { return VerificationFailedError("SCT: " + std::move(what)); }

void AppendBigEndian(std::string& out, uint64_t value, int bytes) {
  for (int i = bytes - 1; i >= 0; --i) out.push_back(static_cast<char>((value >> (8 * i)) & 0xff));
}

// The leaf's TBSCertificate with the SCT list extension removed (what the log signed), from a
// copy so that the caller's certificate and its cached encoding stay untouched.
StatusOr<std::string> PrecertificateTbs(const X509& leaf) {
  crypto::X509Ptr copy(X509_dup(const_cast<X509*>(&leaf)));
  if (!copy) return InternalError(crypto::DrainOpenSslErrors("X509_dup"));
  const int index = X509_get_ext_by_NID(copy.get(), NID_ct_precert_scts, -1);
  if (index < 0) return Fail("certificate has no embedded SCT");
  crypto::X509ExtensionPtr removed(X509_delete_ext(copy.get(), index));
  if (X509_get_ext_by_NID(copy.get(), NID_ct_precert_scts, -1) >= 0) {
    return Fail("certificate has more than one SCT extension");
  }
  // i2d_re_X509_tbs takes a mutable certificate (it re-encodes): wrap it for EncodeDer.
  auto encode_tbs = [](const X509* x, unsigned char** out) {
    return i2d_re_X509_tbs(const_cast<X509*>(x), out);
  };
  std::string tbs = crypto::EncodeDer(+encode_tbs, static_cast<const X509*>(copy.get()));
  if (tbs.empty()) return InternalError(crypto::DrainOpenSslErrors("i2d_re_X509_tbs"));
  return tbs;
}

crypto::SignatureScheme SctScheme(crypto::KeyType type) {
  switch (type) {
    case crypto::KeyType::kRsa:
      return crypto::SignatureScheme::kRsaPkcs1Sha256;
    case crypto::KeyType::kEd25519:
      return crypto::SignatureScheme::kEd25519;
    default:
      return crypto::SignatureScheme::kEcdsaDer;
  }
}

std::string Bytes(const unsigned char* data, size_t size) {
  return data == nullptr ? std::string() : std::string(reinterpret_cast<const char*>(data), size);
}

std::string Sha256Bytes(std::string_view data) {
  const crypto::Sha256Digest d = crypto::Sha256(data);
  return Bytes(d.data(), d.size());
}

}  // namespace

std::string PrecertificateSignedData(uint64_t timestamp_ms, std::string_view issuer_spki_der,
                                     std::string_view tbs, std::string_view extensions) {
  std::string out;
  out.push_back(0);  // sct_version v1
  out.push_back(0);  // signature_type certificate_timestamp
  AppendBigEndian(out, timestamp_ms, 8);
  AppendBigEndian(out, 1, 2);  // entry_type precert_entry
  out += Sha256Bytes(issuer_spki_der);
  AppendBigEndian(out, tbs.size(), 3);
  out += tbs;
  AppendBigEndian(out, extensions.size(), 2);
  out += extensions;
  return out;
}

Status VerifyEmbeddedSct(const X509& leaf, const X509& issuer,
                         const crypto::PublicKey& ct_log_key) {
  int critical = 0;
  crypto::SctListPtr scts(static_cast<STACK_OF(SCT)*>(
      X509_get_ext_d2i(&leaf, NID_ct_precert_scts, &critical, nullptr)));
  if (!scts) {
    crypto::DrainOpenSslErrors("");
    return Fail(critical == -1 ? "certificate has no embedded SCT"
                               : "the certificate's SCT list is malformed");
  }
  CN_ASSIGN_OR_RETURN(std::string tbs, PrecertificateTbs(leaf));
  const std::string issuer_spki =
      crypto::EncodeDer(i2d_X509_PUBKEY, X509_get_X509_PUBKEY(const_cast<X509*>(&issuer)));
  if (issuer_spki.empty()) return InternalError(crypto::DrainOpenSslErrors("issuer key"));
  const std::string log_id = Sha256Bytes(ct_log_key.spki_der());
  bool from_log = false;
  for (int i = 0; i < sk_SCT_num(scts.get()); ++i) {
    const SCT* sct = sk_SCT_value(scts.get(), i);
    unsigned char* id = nullptr;
    const size_t id_len = SCT_get0_log_id(sct, &id);
    if (SCT_get_version(sct) != SCT_VERSION_V1 || Bytes(id, id_len) != log_id) continue;
    from_log = true;
    unsigned char* ext = nullptr;
    const size_t ext_len = SCT_get0_extensions(sct, &ext);
    unsigned char* sig = nullptr;
    const size_t sig_len = SCT_get0_signature(sct, &sig);
    const std::string signed_data =
        PrecertificateSignedData(SCT_get_timestamp(sct), issuer_spki, tbs, Bytes(ext, ext_len));
    if (ct_log_key.Verify(signed_data, Bytes(sig, sig_len), SctScheme(ct_log_key.type())).ok()) {
      return Status::Ok();
    }
  }
  return Fail(from_log ? "signature does not verify with host.ctLogPubkey"
                       : "no SCT from the CT log of host.ctLogPubkey");
}

}  // namespace connaisseur::cosign
