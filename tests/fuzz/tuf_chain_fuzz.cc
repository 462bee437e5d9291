// Fuzzes notary v1 trust-chain verification past the signatures a fuzzer cannot forge. The input
// is up to five files separated by NUL bytes: root, timestamp, snapshot, targets and one
// delegation (served for every `targets/<name>`). Before serving them the harness signs them
// itself, as a notary server holding every key would:
// - a file that is a JSON object with a `signed` object and no `signatures` member gets one
//   signature by the harness's Ed25519 key over the canonical JSON of `signed`;
// - an empty `hashes` object in a pin (snapshot `meta.*`, timestamp `meta.snapshot`) is filled
//   with the sha256 and length of the file it names.
// Files with their own `signatures` or hashes keep them, so forged and mismatched ones are
// explored too. The root is pinned to the harness key. Then VerifyTrustChain and
// FindSignedDigest run; invariants: no crash or sanitizer report; a verified chain has not
// expired, searches only roles it verified, and a found digest is "sha256:" + 64 hex.
#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/crypto/digest.h"
#include "runtime/crypto/encoding.h"
#include "runtime/crypto/private_key.h"
#include "runtime/image/image_reference.h"
#include "validators/notaryv1/canonical_json.h"
#include "validators/notaryv1/key_set.h"
#include "validators/notaryv1/target_lookup.h"
#include "validators/notaryv1/trust_chain.h"

namespace {

using nlohmann::json;
using namespace connaisseur;
using namespace connaisseur::notaryv1;

// Notary metadata of a small repository is a few KiB per file.
constexpr size_t kMaxInput = 64 * 1024;

// The harness's signing key (Ed25519 signatures are deterministic: runs are reproducible). Its
// public key, base64 of the raw 32 bytes, is what the seed corpus lists in root.json.
constexpr std::string_view kSigningKeyPem =
    "-----BEGIN PRIVATE KEY-----\n"
    "MC4CAQAwBQYDK2VwBCIEIBrBPfk87Chwaj5ULVkuSsRHpugyhDuwItuPLszocvgm\n"
    "-----END PRIVATE KEY-----\n";
constexpr std::string_view kPublicB64 = "IiPBHHMzWuN0lA3T3NRWrTS2qA/bn2ez1oZybx8zBhk=";

void Check(bool ok) {
  if (!ok) std::abort();
}

const crypto::PrivateKey& SigningKey() {
  static const crypto::PrivateKey key = crypto::PrivateKey::FromPem(kSigningKeyPem).value();
  return key;
}

// `raw` signed by the harness key when it asks for it (see the file comment); else unchanged.
std::string SignIfUnsigned(const std::string& raw) {
  json doc = json::parse(raw, nullptr, false);
  if (!doc.is_object() || doc.contains("signatures")) return raw;
  auto it = doc.find("signed");
  if (it == doc.end() || !it->is_object()) return raw;
  auto canonical = CanonicalJson(*it);
  if (!canonical.ok()) return raw;
  auto sig = SigningKey().Sign(*canonical, crypto::SignatureScheme::kEd25519);
  Check(sig.ok());
  doc["signatures"] = json::array({{{"keyid", TufKeyId("ed25519", kPublicB64)},
                                    {"method", "eddsa"},
                                    {"sig", crypto::Base64Encode(*sig)}}});
  return doc.dump(-1, ' ', false, json::error_handler_t::replace);
}

// Fills the empty `hashes` objects of `pins` (name → file meta) from `files`.
void FillPins(json& pins, const std::map<std::string, std::string>& files) {
  if (!pins.is_object()) return;
  for (auto& [name, meta] : pins.items()) {
    auto file = files.find(name.rfind("targets/", 0) == 0 ? "targets/*" : name);
    if (file == files.end() || !meta.is_object()) continue;
    auto hashes = meta.find("hashes");
    if (hashes == meta.end() || !hashes->is_object() || !hashes->empty()) continue;
    const crypto::Sha256Digest digest = crypto::Sha256(file->second);
    (*hashes)["sha256"] =
        crypto::Base64Encode(std::string_view(reinterpret_cast<const char*>(digest.data()), 32));
    meta["length"] = file->second.size();
  }
}

// The pinning file `raw` with its pins filled, re-serialised only when it changed.
std::string WithPins(const std::string& raw, const std::map<std::string, std::string>& files) {
  json doc = json::parse(raw, nullptr, false);
  if (!doc.is_object() || !doc.contains("signed") || !doc["signed"].is_object()) return raw;
  json& meta = doc["signed"]["meta"];
  const json before = meta;
  FillPins(meta, files);
  if (meta == before) return raw;
  return doc.dump(-1, ' ', false, json::error_handler_t::replace);
}

// The five files, signed and pinned bottom-up as a server would publish them.
std::map<std::string, std::string> Publish(std::string_view in) {
  std::array<std::string, 5> parts;
  for (size_t i = 0; i < parts.size() && !in.empty(); ++i) {
    const size_t nul = in.find('\0');
    parts[i] = std::string(in.substr(0, nul));
    in = nul == std::string_view::npos ? std::string_view() : in.substr(nul + 1);
  }
  std::map<std::string, std::string> files;
  files["targets/*"] = SignIfUnsigned(parts[4]);
  files["targets"] = SignIfUnsigned(parts[3]);
  files["root"] = SignIfUnsigned(parts[0]);
  files["snapshot"] = SignIfUnsigned(WithPins(parts[2], files));
  files["timestamp"] = SignIfUnsigned(WithPins(parts[1], files));
  return files;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > kMaxInput) return 0;
  const std::map<std::string, std::string> files =
      Publish(std::string_view(reinterpret_cast<const char*>(data), size));
  RoleFetcher fetch = [&files](const std::string& role, size_t max_bytes) -> StatusOr<std::string> {
    Check(IsValidRoleName(role));
    auto it = files.find(role.rfind("targets/", 0) == 0 ? "targets/*" : role);
    if (it == files.end() || it->second.empty()) return NotFoundError(role + " not found");
    if (it->second.size() > max_bytes) return ResourceExhaustedError(role + " too long");
    return it->second;
  };
  static const std::vector<PinnedKey> pinned = {
      {"default", std::make_shared<const crypto::PublicKey>(SigningKey().Public().value())}};
  const SystemTime now = SystemTime(std::chrono::seconds(1767225600));  // 2026-01-01
  KeyCache cache;
  auto trust = VerifyTrustChain(fetch, pinned, {}, now, &cache);
  if (std::getenv("CN_FUZZ_DEBUG") != nullptr) {  // how far a corpus file gets
    std::fprintf(stderr, "VerifyTrustChain: %s\n", trust.status().ToString().c_str());
  }
  if (!trust.ok()) return 0;
  Check(trust->expires >= now && !trust->searched.empty());
  for (const std::string& role : trust->searched) Check(trust->targets.count(role) == 1);
  for (const char* reference : {"docker.io/library/app:v1", "docker.io/library/app:latest"}) {
    auto digest = FindSignedDigest(*trust, *image::ImageReference::Parse(reference));
    if (digest.ok()) Check(digest->size() == 71 && digest->rfind("sha256:", 0) == 0);
  }
  // From the verified root (when the snapshot pins it), the same roles are searched.
  auto again =
      VerifyTrustChainFromRoot(fetch, TrustedRoot{trust->root_raw, trust->root}, {}, now, &cache);
  Check(!again.ok() || again->searched == trust->searched);
  return 0;
}
