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
#include "validators/cosign/certificate_chain.h"
#include "validators/cosign/keyless_identity.h"
#include "validators/cosign/sct.h"

namespace {

using namespace connaisseur;
using namespace connaisseur::cosign;

constexpr size_t kMaxInput = 16 * 1024;
constexpr int64_t kIntegratedTime = 1670870899;  // the seed's Rekor integratedTime

void Check(bool ok) {
  if (!ok) std::abort();
}

constexpr char kFulcioRoot[] = R"(-----BEGIN CERTIFICATE-----
MIIB9zCCAXygAwIBAgIUALZNAPFdxHPwjeDloDwyYChAO/4wCgYIKoZIzj0EAwMw
KjEVMBMGA1UEChMMc2lnc3RvcmUuZGV2MREwDwYDVQQDEwhzaWdzdG9yZTAeFw0y
MTEwMDcxMzU2NTlaFw0zMTEwMDUxMzU2NThaMCoxFTATBgNVBAoTDHNpZ3N0b3Jl
LmRldjERMA8GA1UEAxMIc2lnc3RvcmUwdjAQBgcqhkjOPQIBBgUrgQQAIgNiAAT7
XeFT4rb3PQGwS4IajtLk3/OlnpgangaBclYpsYBr5i+4ynB07ceb3LP0OIOZdxex
X69c5iVuyJRQ+Hz05yi+UF3uBWAlHpiS5sh0+H2GHE7SXrk1EC5m1Tr19L9gg92j
YzBhMA4GA1UdDwEB/wQEAwIBBjAPBgNVHRMBAf8EBTADAQH/MB0GA1UdDgQWBBRY
wB5fkUWlZql6zJChkyLQKsXF+jAfBgNVHSMEGDAWgBRYwB5fkUWlZql6zJChkyLQ
KsXF+jAKBggqhkjOPQQDAwNpADBmAjEAj1nHeXZp+13NWBNa+EDsDP8G1WWg1tCM
WP/WHPqpaVo0jhsweNFZgSs0eE7wYI4qAjEA2WB9ot98sIkoF3vZYdd3/VtWB5b9
TNMea7Ix/stJ5TfcLLeABLE4BNJOsQ4vnBHJ
-----END CERTIFICATE-----
)";

constexpr char kFulcioIntermediate[] = R"(-----BEGIN CERTIFICATE-----
MIICGjCCAaGgAwIBAgIUALnViVfnU0brJasmRkHrn/UnfaQwCgYIKoZIzj0EAwMw
KjEVMBMGA1UEChMMc2lnc3RvcmUuZGV2MREwDwYDVQQDEwhzaWdzdG9yZTAeFw0y
MjA0MTMyMDA2MTVaFw0zMTEwMDUxMzU2NThaMDcxFTATBgNVBAoTDHNpZ3N0b3Jl
LmRldjEeMBwGA1UEAxMVc2lnc3RvcmUtaW50ZXJtZWRpYXRlMHYwEAYHKoZIzj0C
AQYFK4EEACIDYgAE8RVS/ysH+NOvuDZyPIZtilgUF9NlarYpAd9HP1vBBH1U5CV7
7LSS7s0ZiH4nE7Hv7ptS6LvvR/STk798LVgMzLlJ4HeIfF3tHSaexLcYpSASr1kS
0N/RgBJz/9jWCiXno3sweTAOBgNVHQ8BAf8EBAMCAQYwEwYDVR0lBAwwCgYIKwYB
BQUHAwMwEgYDVR0TAQH/BAgwBgEB/wIBADAdBgNVHQ4EFgQU39Ppz1YkEZb5qNjp
KFWixi4YZD8wHwYDVR0jBBgwFoAUWMAeX5FFpWapesyQoZMi0CrFxfowCgYIKoZI
zj0EAwMDZwAwZAIwPCsQK4DYiZYDPIaDi5HFKnfxXx6ASSVmERfsynYBiX2X6SJR
nZU84/9DZdnFvvxmAjBOt6QpBlc4J/0DxvkTCqpclvziL6BCCPnjdlIB3Pu3BxsP
mygUY7Ii2zbdCdliiow=
-----END CERTIFICATE-----
)";

constexpr char kCtLog2022[] = R"(-----BEGIN PUBLIC KEY-----
MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEiPSlFi0CmFTfEjCUqF9HuCEcYXNK
AaYalIJmBZ8yyezPjTqhxrKBpMnaocVtLJBI1eM3uXnQzQGAJdJ4gs9Fyw==
-----END PUBLIC KEY-----
)";

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
  auto issuer = trust.chain.Verify(*cert, trust.intermediates, kIntegratedTime);
  Check(!issuer.ok() || *issuer != nullptr);
  Check(ERR_peek_error() == 0);
  const X509& sct_issuer = issuer.ok() ? **issuer : *trust.intermediates.front();
  (void)VerifyEmbeddedSct(*cert, sct_issuer, trust.ct_log).ok();
  Check(ERR_peek_error() == 0);
  return 0;
}
