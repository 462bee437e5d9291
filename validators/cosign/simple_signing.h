// SimpleSigning: the payload cosign signs for a container image ("simple signing" format, as
// containers/image defined it), stored as a blob of media type
// application/vnd.dev.cosign.simplesigning.v1+json:
//   {"critical":{"identity":{"docker-reference":REF},"image":{"docker-manifest-digest":DIGEST},
//    "type":"cosign container image signature"},"optional":null}
// Make() writes exactly these bytes (Go's encoding/json order, no whitespace, no newline); Parse()
// reads JSON and never compares bytes, so any signer's formatting is accepted.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "runtime/status.h"

namespace connaisseur::cosign {

inline constexpr std::string_view kSimpleSigningType = "cosign container image signature";
inline constexpr std::string_view kSimpleSigningMediaType =
    "application/vnd.dev.cosign.simplesigning.v1+json";

struct SimpleSigning {
  std::string docker_reference;  // "index.docker.io/library/nginx"; not enforced (like cosign)
  std::string manifest_digest;   // "sha256:<hex>" the signature is about
  std::string type;              // must be kSimpleSigningType
  std::map<std::string, std::string> optional;  // `-a key=value` annotations; empty = null

  // The exact payload bytes cosign writes for these fields (optional keys sorted, as Go does).
  std::string Serialize() const;

  // Parses a payload. kInvalidArgument for malformed JSON or a missing/ill-typed field; the
  // digest key is matched case-insensitively ("Docker-manifest-digest"), as cosign does.
  // Non-string `optional` values are ignored. Does NOT check `type`: the verifier does.
  static StatusOr<SimpleSigning> Parse(std::string_view payload);
};

// The `docker-reference` cosign writes for an image in `registry`/`repository`: Docker Hub is
// spelled "index.docker.io", like go-containerregistry names it.
std::string DockerReference(std::string_view registry, std::string_view repository);

}  // namespace connaisseur::cosign
