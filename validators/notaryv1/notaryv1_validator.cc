#include "validators/notaryv1/notaryv1_validator.h"

#include <algorithm>
#include <map>

#include "runtime/net/url.h"
#include "validators/notaryv1/credentials.h"
#include "validators/notaryv1/target_lookup.h"

namespace connaisseur::notaryv1 {

namespace {

constexpr char kDefaultHost[] = "notary.docker.io";

StatusOr<std::string> BaseUrl(std::string host, bool allow_plain_http) {
  if (host.empty()) host = kDefaultHost;
  std::string scheme = net::UrlScheme(host);
  if (scheme.empty()) {
    host = "https://" + host;
  } else if (scheme == "http" && !allow_plain_http) {
    return InvalidArgumentError("host " + host + ": plain http is not allowed");
  } else if (scheme != "https" && scheme != "http") {
    return InvalidArgumentError("host " + host + ": unsupported scheme");
  }
  while (host.ends_with("/")) host.pop_back();
  return host;
}

StatusOr<std::vector<PinnedKey>> LoadRoots(const config::ValidatorConfig& config) {
  if (config.trust_roots.empty()) {
    return InvalidArgumentError("error getting trust root keys: no trust roots configured");
  }
  std::vector<PinnedKey> roots;
  for (const config::TrustRoot& root : config.trust_roots) {
    auto key = crypto::PublicKey::FromPem(root.key);
    if (!key.ok()) {
      return InvalidArgumentError("error getting trust root keys: trust root \"" + root.name +
                                  "\": " + key.status().message());
    }
    if (key->type() != crypto::KeyType::kEcdsaP256 && key->type() != crypto::KeyType::kRsa) {
      return InvalidArgumentError("error getting trust root keys: trust root \"" + root.name +
                                  "\": unsupported key type " +
                                  std::string(crypto::KeyTypeName(key->type())));
    }
    roots.push_back({root.name, std::make_shared<const crypto::PublicKey>(std::move(*key))});
  }
  return roots;
}

}  // namespace

StatusOr<std::unique_ptr<NotaryV1Validator>> NotaryV1Validator::Create(
    const config::ValidatorConfig& config, const NotaryV1Options& options) {
  auto fail = [&](const Status& s) {
    return s.WithPrefix("validator \"" + config.name + "\": error creating notary client");
  };
  auto base_url = BaseUrl(config.host, options.allow_plain_http);
  if (!base_url.ok()) return fail(base_url.status());
  auto roots = LoadRoots(config);
  if (!roots.ok()) return fail(roots.status());
  auto http = net::HttpClient::Create(
      net::TlsOptions{.extra_ca_pem = config.cert, .allow_plain_http = options.allow_plain_http});
  if (!http.ok()) return fail(http.status().WithPrefix("cert"));
  auto credentials = LoadCredentials(config.auth, options.secrets_dir);
  if (!credentials.ok()) return fail(credentials.status());
  auto client = std::make_unique<NotaryClient>(
      *base_url, std::move(http).value(), std::move(credentials).value(), options.request_timeout);
  return std::unique_ptr<NotaryV1Validator>(new NotaryV1Validator(
      config.name, std::move(roots).value(), std::move(client), options.cache_ttl));
}

NotaryV1Validator::NotaryV1Validator(std::string name, std::vector<PinnedKey> roots,
                                     std::unique_ptr<NotaryClient> client,
                                     std::chrono::milliseconds cache_ttl)
    : name_(std::move(name)),
      roots_(std::move(roots)),
      client_(std::move(client)),
      cache_(cache_ttl) {}

StatusOr<std::shared_ptr<const TrustData>> NotaryV1Validator::Load(
    const std::string& gun, const std::vector<PinnedKey>& pinned,
    const std::vector<std::string>& delegations, Deadline deadline) const {
  // Files handed to the chain once each before any download (the chain checks each against its
  // pinned length and hashes); anything else is fetched when the chain asks for it. A full
  // chain fetches its four files in one concurrent round trip, bounded by the unpinned cap.
  std::map<std::string, StatusOr<std::string>> fetched;
  auto prefetch = [&](std::vector<std::string> roles) {
    roles.insert(roles.end(), delegations.begin(), delegations.end());
    auto got = client_->FetchRoles(gun, roles, kMaxUnpinnedMetadataBytes, deadline);
    fetched.clear();
    for (size_t i = 0; i < roles.size(); ++i) fetched.emplace(roles[i], std::move(got[i]));
  };
  RoleFetcher fetch = [&](const std::string& role, size_t max_bytes) -> StatusOr<std::string> {
    auto it = fetched.find(role);
    if (it == fetched.end()) return client_->FetchRole(gun, role, max_bytes, deadline);
    StatusOr<std::string> got = std::move(it->second);
    fetched.erase(it);
    if (got.ok() && got->size() > max_bytes) {
      return ResourceExhaustedError(role + ": response body exceeds " + std::to_string(max_bytes) +
                                    " bytes");
    }
    return got;
  };
  const auto now = std::chrono::system_clock::now();
  std::string known_key = gun + "\n";
  for (const PinnedKey& p : pinned) known_key += p.name + ",";

  // Start from what the last verification established: its root, and its files in place of
  // downloads, so that only the timestamp is fetched. The chain verifies all of it again and
  // fails if the fresh timestamp pins other bytes (a new publication, a rotated root, an
  // attack); then the full chain over fresh downloads decides and gives the message.
  std::shared_ptr<const KnownTrust> known = known_.Get(known_key);
  StatusOr<TrustData> data = UnavailableError("nothing known");
  if (known) {
    for (const auto& [role, raw] : known->files) fetched.emplace(role, raw);
    data = VerifyTrustChainFromRoot(fetch, known->root, delegations, now, &keys_);
  }
  if (!data.ok()) {
    prefetch({"root", "timestamp", "snapshot", "targets"});
    data = VerifyTrustChain(fetch, pinned, delegations, now, &keys_);
  }
  CN_RETURN_IF_ERROR(data.status());
  CN_RETURN_IF_ERROR(rollback_.CheckAndRecord(gun, *data));
  if (!known || known->root.raw != data->root_raw || known->files != data->files) {
    known_.Put(known_key, std::make_shared<const KnownTrust>(
                              KnownTrust{TrustedRoot{data->root_raw, data->root}, data->files}));
  }
  return std::make_shared<const TrustData>(std::move(data).value());
}

Status NotaryV1Validator::CheckReachable(Deadline deadline) const {
  return client_->CheckHealth(deadline).WithPrefix("validator \"" + name_ + "\"");
}

StatusOr<validators::VerifiedImage> NotaryV1Validator::Verify(const image::ImageReference& image,
                                                              const config::RuleOptions& options,
                                                              Deadline deadline) const {
  if (!options.required.empty()) {
    return InvalidArgumentError("rule option `required` is not valid for notaryv1");
  }
  std::vector<PinnedKey> pinned;
  std::string root_name = options.trust_root.empty() ? "default" : options.trust_root;
  for (const PinnedKey& root : roots_) {
    if (root_name == "*" || root.name == root_name) pinned.push_back(root);
  }
  if (pinned.empty()) return NotFoundError("unable to find trust root " + root_name);

  std::vector<std::string> delegations;
  for (const std::string& d : options.delegations) {
    std::string role = d.starts_with("targets/") ? d : "targets/" + d;
    if (!IsValidRoleName(role)) return InvalidArgumentError("invalid delegation \"" + d + "\"");
    delegations.push_back(role);
  }
  std::sort(delegations.begin(), delegations.end());
  delegations.erase(std::unique(delegations.begin(), delegations.end()), delegations.end());

  const std::string gun = image.name();
  std::string key = gun + "\n";
  for (const PinnedKey& p : pinned) key += p.name + ",";
  key += "\n";
  for (const std::string& d : delegations) key += d + ",";

  auto data = cache_.Get(key, std::chrono::system_clock::now(), deadline,
                         [&] { return Load(gun, pinned, delegations, deadline); });
  if (!data.ok()) {
    const Status& s = data.status();
    if (s.code() == StatusCode::kNotFound &&
        s.message().starts_with("error acquiring trust data root")) {
      return NotFoundError("no trust data for image " + image.raw() + ": " + s.message());
    }
    return s.WithPrefix("trust data for image " + image.raw());
  }
  auto digest = FindSignedDigest(**data, image);
  if (!digest.ok()) {
    return digest.status().WithPrefix("Unable to find signed digest for image " + image.raw());
  }
  std::string detail = "notaryv1: " + std::to_string(pinned.size()) + " trust root(s), roles";
  for (const std::string& role : (*data)->searched) detail += " " + role;
  validators::VerifiedImage verified{std::move(digest).value(), std::move(detail)};
  // The earliest `expires` of the root, timestamp, snapshot, targets and delegations that proved
  // it: no cache answers with this digest (fresh or stale) after any of them expired.
  verified.valid_until = (*data)->expires;
  return verified;
}

}  // namespace connaisseur::notaryv1
