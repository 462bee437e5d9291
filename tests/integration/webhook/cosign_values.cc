#include "tests/integration/webhook/cosign_values.h"

#include "tests/runtime/net/test_ca.h"
#include "tests/testing/indent_lines.h"

namespace connaisseur::testing {
namespace {

// The `trustRoots:` entries, indented for the validator.
std::string TrustRootsYaml(const CosignValues& values) {
  std::string yaml;
  if (!values.trust_root.empty()) {
    yaml += "        - name: default\n" + IndentLines(values.trust_root, 10);
  }
  for (const auto& [name, keys] : values.more_trust_roots) {
    yaml += "        - name: " + name + "\n" + IndentLines(keys, 10);
  }
  return yaml;
}

}  // namespace

std::string KeyTrustRoot(const std::string& key) {
  if (key.starts_with("-----BEGIN")) return "key: |\n" + IndentLines(key, 2);
  return "key: " + key + "\n";
}

std::string CosignHostYaml(const config::CosignHost& host) {
  std::string yaml = "host:\n";
  const std::pair<const char*, const std::string*> keys[] = {{"fulcioCert", &host.fulcio_cert},
                                                             {"ctLogPubkey", &host.ct_log_pubkey},
                                                             {"rekorPubkey", &host.rekor_pubkey}};
  for (const auto& [name, pem] : keys) {
    if (!pem->empty()) yaml += std::string("  ") + name + ": |\n" + IndentLines(*pem, 4);
  }
  return yaml;
}

std::string CosignValues::Yaml() const {
  std::string yaml =
      "application:\n"
      "  validators:\n"
      "    - name: deny\n"
      "      type: static\n"
      "      approve: false\n"
      "    - name: " +
      validator +
      "\n"
      "      type: cosign\n"
      "      cert: |\n" +
      IndentLines(TestCa::Shared()->ca_cert_pem(), 8) + IndentLines(validator_extra, 6) +
      "      trustRoots:\n" + TrustRootsYaml(*this) +
      "  policy:\n"
      "    - pattern: \"*:*\"\n"
      "      validator: deny\n"
      "    - pattern: \"" +
      host + "/*:*\"\n      validator: " + validator + "\n";
  if (!transparency_log) yaml += "      with:\n        verifyInTransparencyLog: false\n";
  return yaml + "  timeoutSeconds: 20\n" + IndentLines(application_extra, 2);
}

}  // namespace connaisseur::testing
