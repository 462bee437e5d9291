#include "runtime/config/pem_shape.h"

#include <string>

namespace connaisseur::config {
namespace {

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

bool IsBase64Body(std::string_view body) {
  size_t significant = 0;
  for (char c : body) {
    if (IsSpace(c)) continue;
    bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '+' || c == '/' || c == '=';
    if (!ok) return false;
    ++significant;
  }
  return significant > 0;
}

std::string_view TrimSpace(std::string_view s) {
  while (!s.empty() && IsSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsSpace(s.back())) s.remove_suffix(1);
  return s;
}

// Reads the blocks of `label` from `text`; counts them in `*blocks`. Anything but whitespace
// outside the blocks, a different label, or a bad body is an error.
Status ReadBlocks(std::string_view text, std::string_view label, int* blocks) {
  const std::string begin = "-----BEGIN " + std::string(label) + "-----";
  const std::string end = "-----END " + std::string(label) + "-----";
  *blocks = 0;
  std::string_view rest = TrimSpace(text);
  if (rest.empty()) return InvalidArgumentError("is empty");
  while (!rest.empty()) {
    if (rest.substr(0, begin.size()) != begin) {
      if (*blocks > 0)
        return InvalidArgumentError("contains extraneous characters after the PEM block");
      if (rest.substr(0, 11) == "-----BEGIN ") {
        return InvalidArgumentError("expected a PEM " + std::string(label) +
                                    " block, found a different PEM block");
      }
      if (rest.find("-----BEGIN ") != std::string_view::npos) {
        return InvalidArgumentError("contains extraneous characters before the PEM block");
      }
      return InvalidArgumentError("is not PEM: expected -----BEGIN " + std::string(label) +
                                  "-----");
    }
    rest.remove_prefix(begin.size());
    size_t end_at = rest.find(end);
    if (end_at == std::string_view::npos) {
      return InvalidArgumentError("PEM block has no -----END " + std::string(label) + "----- line");
    }
    if (!IsBase64Body(rest.substr(0, end_at))) {
      return InvalidArgumentError("PEM block body is not base64");
    }
    rest = TrimSpace(rest.substr(end_at + end.size()));
    ++*blocks;
  }
  return Status::Ok();
}

}  // namespace

Status CheckPublicKeyPem(std::string_view text) {
  int blocks = 0;
  CN_RETURN_IF_ERROR(ReadBlocks(text, "PUBLIC KEY", &blocks));
  if (blocks != 1)
    return InvalidArgumentError("contains extraneous characters: more than one PEM block");
  return Status::Ok();
}

Status CheckCertificatePem(std::string_view text) {
  int blocks = 0;
  return ReadBlocks(text, "CERTIFICATE", &blocks);
}

}  // namespace connaisseur::config
