// Fuzzes what a keyless signature layer brings that key-based layers do not: the signing
// certificate (DER, so that mutations reach its fields rather than its base64) through
// ReadCertificateIdentity, VerifyEmbeddedSct and CertificateChain::Verify, and the PEM list of the
// chain annotation through ParseCertificates. Trust material is the public-good Fulcio root and
// intermediate and the 2022 CT log key, so that the seed (a real Fulcio certificate) passes every
// check and mutations start from a valid certificate. Invariants: no crash or sanitizer report;
// an identity that reads has a subject and an issuer; a certificate that chains yields an issuer;
// OpenSSL's error queue is left empty by every check.
#include <openssl/err.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "runtime/crypto/openssl_ptr.h"
#include "runtime/crypto/public_key.h"
#include "tests/fuzz/sigstore_public_good.h"
#include "validators/cosign/certificate_chain.h"
#include "validators/cosign/keyless_identity.h"
#include "validators/cosign/sct.h"

namespace {

using namespace connaisseur;
using namespace connaisseur::cosign;
using namespace connaisseur::fuzzing;

constexpr size_t kMaxInput = 16 * 1024;

void Check(bool ok) {
  if (!ok) std::abort();
}

struct Trust {
  CertificateChain chain;
  std::vector<crypto::X509Ptr> intermediates;
  crypto::PublicKey ct_log;
};

const Trust& TrustMaterial() {
  static const Trust trust{CertificateChain::Create(kFulcioRoot).value(),
                           ParseCertificates(kFulcioIntermediate).value(),
                           crypto::PublicKey::FromPem(kCtLog2022).value()};
  return trust;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > kMaxInput) return 0;
  const Trust& trust = TrustMaterial();
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto listed = ParseCertificates(text);  // the chain annotation's parser, on any bytes
  Check(!listed.ok() || !listed->empty());
  const unsigned char* p = data;
  crypto::X509Ptr cert(d2i_X509(nullptr, &p, static_cast<long>(size)));
  ERR_clear_error();
  if (!cert) return 0;
  auto identity = ReadCertificateIdentity(*cert);
  Check(!identity.ok() || !identity->subjects.empty());
  Check(ERR_peek_error() == 0);
  auto issuer = trust.chain.Verify(*cert, trust.intermediates, kPublicGoodIntegratedTime);
  Check(!issuer.ok() || *issuer != nullptr);
  Check(ERR_peek_error() == 0);
  const X509& sct_issuer = issuer.ok() ? **issuer : *trust.intermediates.front();
  (void)VerifyEmbeddedSct(*cert, sct_issuer, trust.ct_log).ok();
  Check(ERR_peek_error() == 0);
  return 0;
}
