// Message digests over byte strings (SHA-256, SHA-384, SHA-512) and their hex forms.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace connaisseur::crypto {

using Sha256Digest = std::array<uint8_t, 32>;
using Sha384Digest = std::array<uint8_t, 48>;
using Sha512Digest = std::array<uint8_t, 64>;

Sha256Digest Sha256(std::string_view data);
Sha384Digest Sha384(std::string_view data);
Sha512Digest Sha512(std::string_view data);

// Lower-case hex of SHA-256: the 64 characters after "sha256:" in an OCI digest.
std::string Sha256Hex(std::string_view data);

// "sha256:<hex>" of `data`, as registries and TUF targets name content.
std::string OciDigest(std::string_view data);

}  // namespace connaisseur::crypto
