// Fuzzes ImageReference::Parse: no crash, no sanitizer report, and for every accepted input the
// invariants callers rely on: the normalised form parses to itself, a digest is 64 lower-case
// hex, WithDigest parses back to the same name, and error messages stay short.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "runtime/image/image_reference.h"

namespace {

// References are at most a few hundred bytes; longer inputs only slow the fuzzer down.
constexpr size_t kMaxInput = 4096;

void Check(bool ok) {
  if (!ok) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using connaisseur::image::ImageReference;
  if (size > kMaxInput) return 0;
  const std::string_view raw(reinterpret_cast<const char*>(data), size);
  auto ref = ImageReference::Parse(raw);
  if (!ref.ok()) {
    Check(ref.status().message().rfind("invalid image reference \"", 0) == 0);
    Check(ref.status().message().size() < 600);
    return 0;
  }
  Check(ref->name().size() <= 255);
  Check(ref->tag().has_value() || ref->digest().has_value());
  auto again = ImageReference::Parse(ref->normalized());
  Check(again.ok() && again->normalized() == ref->normalized());
  if (ref->digest()) {
    const std::string& d = *ref->digest();
    Check(d.size() == 71 && d.rfind("sha256:", 0) == 0);
    for (char c : std::string_view(d).substr(7))
      Check((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'));
  }
  auto pinned = ImageReference::Parse(ref->WithDigest("sha256:" + std::string(64, '0')));
  Check(pinned.ok() && pinned->name() == ref->name() && pinned->tag() == ref->tag());
  return 0;
}
