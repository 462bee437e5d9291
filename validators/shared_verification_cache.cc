#include "validators/shared_verification_cache.h"

#include <nlohmann/json.hpp>
#include <thread>
#include <vector>

#include "runtime/crypto/digest.h"
#include "runtime/crypto/hmac.h"
#include "runtime/image/content_digest.h"

namespace connaisseur::validators {
namespace {

using nlohmann::json;
using std::chrono::milliseconds;
using std::chrono::system_clock;

constexpr int kEntryVersion = 2;   // 2: sealed (SealSharedCacheEntry)
constexpr size_t kTagLength = 64;  // hex of HMAC-SHA256

int64_t UnixMs(system_clock::time_point t) {
  return std::chrono::duration_cast<milliseconds>(t.time_since_epoch()).count();
}

// The string member `name` of `entry`, or "" when absent or not a string.
std::string Text(const json& entry, const char* name) {
  auto it = entry.find(name);
  return it != entry.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// The attestations of an entry as stored: a list of {predicateType, predicate (JSON text),
// signedBy, source} and a list of reason strings.
json AttestationsJson(const verification::VerifiedImage& verified) {
  json list = json::array();
  for (const auto& a : verified.attestations) {
    list.push_back({{"predicateType", a.predicate_type},
                    {"predicate", a.predicate_json},
                    {"signedBy", a.signed_by},
                    {"source", a.source}});
  }
  return {{"list", std::move(list)}, {"errors", verified.attestation_errors}};
}

// Reads AttestationsJson back; an entry without them (rules that did not ask) has none.
Status ReadAttestations(const json& entry, verification::VerifiedImage& verified) {
  auto it = entry.find("attestations");
  if (it == entry.end()) return Status::Ok();
  auto list = it->find("list");
  auto errors = it->find("errors");
  if (!it->is_object() || list == it->end() || !list->is_array() || errors == it->end() ||
      !errors->is_array()) {
    return InvalidArgumentError("malformed attestations");
  }
  for (const json& a : *list) {
    if (!a.is_object()) return InvalidArgumentError("malformed attestation");
    verified.attestations.push_back(
        {Text(a, "predicateType"), Text(a, "predicate"), Text(a, "signedBy"), Text(a, "source")});
    const auto& added = verified.attestations.back();
    if (added.predicate_type.empty() ||
        json::parse(added.predicate_json, nullptr, false).is_discarded()) {
      return InvalidArgumentError("attestation without predicateType or predicate");
    }
  }
  for (const json& e : *errors) {
    if (!e.is_string()) return InvalidArgumentError("malformed attestation error");
    verified.attestation_errors.push_back(e.get<std::string>());
  }
  return Status::Ok();
}

}  // namespace

std::string SealSharedCacheEntry(std::string_view entry_key, std::string_view entry_json) {
  if (entry_key.empty()) return "";
  StatusOr<std::string> tag = crypto::HmacSha256Hex(entry_key, entry_json);
  if (!tag.ok()) return "";
  return *tag + "." + std::string(entry_json);
}

StatusOr<std::string> OpenSharedCacheEntry(std::string_view entry_key, std::string_view value) {
  if (entry_key.empty()) return InvalidArgumentError("no entry key");
  if (value.size() <= kTagLength || value[kTagLength] != '.') {
    return InvalidArgumentError("entry is not sealed");
  }
  const std::string_view entry_json = value.substr(kTagLength + 1);
  CN_ASSIGN_OR_RETURN(std::string tag, crypto::HmacSha256Hex(entry_key, entry_json));
  if (!crypto::ConstantTimeEquals(tag, value.substr(0, kTagLength))) {
    return InvalidArgumentError("entry is not sealed with this webhook's entry key");
  }
  return std::string(entry_json);
}

system_clock::time_point SharedVerificationCache::Now() const {
  return options_.now ? options_.now() : system_clock::now();
}

std::string SharedVerificationCache::RedisKey(const SharedCacheSubject& subject) const {
  return options_.key_prefix + "verified:" + crypto::Sha256Hex(subject.key);
}

std::string SharedVerificationCache::LockKey(const SharedCacheSubject& subject) const {
  return options_.key_prefix + "verifying:" + crypto::Sha256Hex(subject.key);
}

std::optional<verification::VerifiedImage> SharedVerificationCache::Lookup(
    const SharedCacheSubject& subject, Deadline deadline) {
  if (options_.entry_key.empty()) return std::nullopt;
  const std::vector<std::string> get = {"GET", RedisKey(subject)};
  StatusOr<redis::Reply> reply = client_->Command(get, deadline);
  if (!reply.ok() || reply->is_nil()) return std::nullopt;
  StatusOr<verification::VerifiedImage> entry =
      reply->type == redis::Reply::Type::kString
          ? Check(subject, reply->str)
          : StatusOr<verification::VerifiedImage>(InvalidArgumentError("not a string"));
  if (!entry.ok()) {
    ignored_.fetch_add(1, std::memory_order_relaxed);
    if (options_.logger != nullptr) {
      options_.logger->Warn("shared cache entry ignored; verifying again",
                            {{"validator", subject.validator},
                             {"image", subject.image},
                             {"reason", entry.status().message()}});
    }
    return std::nullopt;
  }
  hits_.fetch_add(1, std::memory_order_relaxed);
  return std::move(entry).value();
}

StatusOr<verification::VerifiedImage> SharedVerificationCache::Check(
    const SharedCacheSubject& subject, const std::string& value) const {
  CN_ASSIGN_OR_RETURN(std::string opened, OpenSharedCacheEntry(options_.entry_key, value));
  const json entry = json::parse(opened, nullptr, /*allow_exceptions=*/false);
  if (!entry.is_object()) return InvalidArgumentError("entry is not a JSON object");
  auto version = entry.find("v");
  if (version == entry.end() || *version != kEntryVersion) {
    return InvalidArgumentError("unknown entry version");
  }
  if (Text(entry, "key") != subject.key || Text(entry, "validator") != subject.validator ||
      Text(entry, "with") != subject.options || Text(entry, "image") != subject.image) {
    return InvalidArgumentError("entry is for another validator, rule options or image");
  }
  verification::VerifiedImage verified;
  verified.digest = Text(entry, "digest");
  verified.detail = Text(entry, "detail");
  if (!image::IsSha256Digest(verified.digest)) return InvalidArgumentError("malformed digest");
  if (subject.pinned_digest && *subject.pinned_digest != verified.digest) {
    return InvalidArgumentError("digest differs from the one the reference pins");
  }
  CN_RETURN_IF_ERROR(ReadAttestations(entry, verified));
  auto expires = entry.find("expiresAtMs");
  if (expires == entry.end() || !expires->is_number_integer()) {
    return InvalidArgumentError("no expiry");
  }
  const int64_t expires_ms = expires->get<int64_t>();
  const int64_t now_ms = UnixMs(Now());
  if (expires_ms <= now_ms) return InvalidArgumentError("expired");
  if (expires_ms > now_ms + UnixMs(system_clock::time_point(options_.ttl))) {
    return InvalidArgumentError("expiry beyond the cache TTL");
  }
  verified.cache = verification::CacheOutcome::kCacheHit;
  verified.valid_until = system_clock::time_point(milliseconds(expires_ms));
  return verified;
}

StatusOr<bool> SharedVerificationCache::TryLock(const SharedCacheSubject& subject,
                                                Deadline deadline) {
  const std::vector<std::string> set = {
      "SET", LockKey(subject), "1", "NX", "PX", std::to_string(options_.lock_ttl.count())};
  CN_ASSIGN_OR_RETURN(redis::Reply reply, client_->Command(set, deadline));
  return reply.is_ok_status();
}

std::optional<verification::VerifiedImage> SharedVerificationCache::LookupOrLock(
    const SharedCacheSubject& subject, Deadline deadline, bool* locked) {
  *locked = false;
  if (auto hit = Lookup(subject, deadline)) return hit;
  const auto start = Deadline::Clock::now();
  const Deadline wait_until =
      Deadline::At(start + options_.lock_ttl).Min(Deadline::At(start + deadline.remaining() / 2));
  bool waited = false;
  for (;;) {
    StatusOr<bool> claimed = TryLock(subject, deadline);
    if (!claimed.ok()) return std::nullopt;  // Redis failing: verify without a claim
    if (*claimed) {
      *locked = true;
      return std::nullopt;
    }
    if (!waited) waits_.fetch_add(1, std::memory_order_relaxed);
    waited = true;
    if (wait_until.remaining() < options_.lock_poll) return std::nullopt;
    // Another replica is verifying this image: look for its entry now and then, not busily.
    std::this_thread::sleep_for(options_.lock_poll);
    if (auto hit = Lookup(subject, deadline)) return hit;
  }
}

void SharedVerificationCache::Unlock(const SharedCacheSubject& subject, Deadline deadline) {
  const std::vector<std::string> del = {"DEL", LockKey(subject)};
  (void)client_->Command(del, deadline);  // best effort: the claim expires by itself
}

void SharedVerificationCache::Store(const SharedCacheSubject& subject,
                                    const verification::VerifiedImage& verified,
                                    Deadline deadline) {
  if (!image::IsSha256Digest(verified.digest)) return;
  const system_clock::time_point now = Now();
  system_clock::time_point expires = now + options_.ttl;
  if (verified.valid_until && *verified.valid_until < expires) expires = *verified.valid_until;
  const int64_t life_ms = UnixMs(expires) - UnixMs(now);
  if (life_ms <= 0) return;
  json entry = {{"v", kEntryVersion},
                {"key", subject.key},
                {"validator", subject.validator},
                {"with", subject.options},
                {"image", subject.image},
                {"digest", verified.digest},
                {"detail", verified.detail},
                {"expiresAtMs", UnixMs(expires)}};
  if (!verified.attestations.empty() || !verified.attestation_errors.empty()) {
    entry["attestations"] = AttestationsJson(verified);
  }
  std::string sealed = SealSharedCacheEntry(
      options_.entry_key, entry.dump(-1, ' ', false, json::error_handler_t::replace));
  if (sealed.empty()) return;
  const std::vector<std::string> set = {"SET", RedisKey(subject), std::move(sealed), "PX",
                                        std::to_string(life_ms)};
  (void)client_->Command(set, deadline);  // best effort: a failure is counted and logged there
}

}  // namespace connaisseur::validators
