// Content digests as registries name manifests and blobs, and as a JSON patch pins an image.
#pragma once

#include <string_view>

namespace connaisseur::image {

// True for "sha256:" followed by exactly 64 lower-case hex digits: the one digest form we accept
// from a validator, cache or signature manifest, and the form ImageReference normalises to.
bool IsSha256Digest(std::string_view digest);

}  // namespace connaisseur::image
