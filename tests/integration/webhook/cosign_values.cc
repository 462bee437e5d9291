#include "tests/integration/webhook/cosign_values.h"

#include "tests/integration/webhook/serve_process.h"
#include "tests/runtime/net/test_ca.h"

namespace connaisseur::testing {

std::string KeyTrustRoot(const std::string& key) {
  if (key.starts_with("-----BEGIN")) return "key: |\n" + IndentLines(key, 2);
  return "key: " + key + "\n";
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
      "      trustRoots:\n"
      "        - name: default\n" +
      IndentLines(trust_root, 10) +
      "  policy:\n"
      "    - pattern: \"*:*\"\n"
      "      validator: deny\n"
      "    - pattern: \"" +
      host + "/*:*\"\n      validator: " + validator + "\n";
  if (!transparency_log) yaml += "      with:\n        verifyInTransparencyLog: false\n";
  return yaml + "  timeoutSeconds: 20\n" + IndentLines(application_extra, 2);
}

}  // namespace connaisseur::testing
