// FindSignedDigest: the one digest that verified targets roles sign for an image reference
// (tag, digest, or tag + digest), honouring delegation paths.
#pragma once

#include <string>

#include "runtime/image/image_reference.h"
#include "runtime/status.h"
#include "validators/notaryv1/trust_chain.h"

namespace connaisseur::notaryv1 {

// "sha256:<hex>" or kVerificationFailed / kNotFound with the message Connaisseur gives
// (`validated targets don't contain reference`, `no tag '<t>' found in targets`,
// `no digest '<d>' found in targets`, `doesn't match given digest`, `found <n> digests`).
StatusOr<std::string> FindSignedDigest(const TrustData& data, const image::ImageReference& image);

}  // namespace connaisseur::notaryv1
