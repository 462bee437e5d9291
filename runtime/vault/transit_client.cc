#include "runtime/vault/transit_client.h"

#include <cctype>
#include <charconv>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "runtime/crypto/encoding.h"
#include "runtime/crypto/public_key.h"
#include "runtime/net/url.h"

namespace connaisseur::vault {
namespace {

using nlohmann::json;

constexpr size_t kMaxVaultAnswer = 256u << 10;
constexpr size_t kMaxShownError = 300;
constexpr std::string_view kDefaultMount = "transit";
// DER SubjectPublicKeyInfo header of an Ed25519 key; the 32 key bytes follow.
constexpr std::string_view kEd25519SpkiPrefix{"\x30\x2a\x30\x05\x06\x03\x2b\x65\x70\x03\x21\x00",
                                              12};

std::string Printable(std::string_view text) {
  std::string out;
  for (char c : text.substr(0, kMaxShownError)) {
    out += (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) ? ' ' : c;
  }
  return text.size() > kMaxShownError ? out + "..." : out;
}

// A mount path: segments of letters, digits, '_', '-' and '.', no empty, "." or ".." segment.
StatusOr<std::string> ResolveMount(const Environment& env) {
  std::string mount = env("TRANSIT_SECRET_ENGINE_PATH").value_or(std::string(kDefaultMount));
  while (!mount.empty() && mount.front() == '/') mount.erase(0, 1);
  while (!mount.empty() && mount.back() == '/') mount.pop_back();
  std::istringstream segments(mount);
  std::string segment;
  bool valid = !mount.empty();
  while (valid && std::getline(segments, segment, '/')) {
    valid = !segment.empty() && segment != "." && segment != "..";
    for (char c : segment) {
      valid = valid &&
              (std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.');
    }
  }
  if (!valid) {
    return InvalidArgumentError("TRANSIT_SECRET_ENGINE_PATH \"" + Printable(mount) +
                                "\" is not a mount path (letters, digits, '_', '-', '.', '/')");
  }
  return mount;
}

StatusOr<std::string> ResolveAddress(const Environment& env) {
  auto address = env("VAULT_ADDR");
  if (!address) return InvalidArgumentError("VAULT_ADDR is not set");
  std::string url = *address;
  while (!url.empty() && url.back() == '/') url.pop_back();
  if (net::UrlScheme(url) != "https") {
    return InvalidArgumentError(
        "VAULT_ADDR must be an https:// URL (the token goes with every "
        "request), not \"" +
        Printable(url) + "\"");
  }
  return url;
}

StatusOr<std::string> ReadCaBundle(const Environment& env) {
  auto path = env("VAULT_CACERT");
  if (!path) return std::string();
  std::ifstream in(*path, std::ios::binary);
  if (!in) return InvalidArgumentError("VAULT_CACERT: cannot read " + *path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// Vault's error answer ({"errors": ["permission denied"]}) and the code it maps to.
Status VaultError(const std::string& where, long http_status, std::string_view body) {
  std::string text = where + ": HTTP " + std::to_string(http_status);
  json parsed = json::parse(body, nullptr, /*allow_exceptions=*/false);
  std::string errors;
  if (parsed.is_object()) {
    if (auto it = parsed.find("errors"); it != parsed.end() && it->is_array()) {
      for (const json& e : *it) {
        if (!e.is_string()) continue;
        errors += (errors.empty() ? "" : "; ") + e.get<std::string>();
      }
    }
  }
  if (!errors.empty()) text += ": " + Printable(errors);
  if (http_status == 401 || http_status == 403) return PermissionDeniedError(text);
  if (http_status == 404) return NotFoundError(text);
  if (http_status >= 400 && http_status < 500) return InvalidArgumentError(text);
  return UnavailableError(text);
}

// The SPKI of one key version entry ({"public_key": PEM, "name": type}); Ed25519 keys come as
// base64 of the raw 32 bytes.
StatusOr<std::string> SpkiOf(const json& version, std::string_view type) {
  auto it = version.find("public_key");
  if (it == version.end() || !it->is_string() || it->get_ref<const std::string&>().empty()) {
    return InvalidArgumentError("the key (type \"" + Printable(type) +
                                "\") has no public key: is it a signing key?");
  }
  const std::string& text = it->get_ref<const std::string&>();
  if (type == "ed25519" || !text.starts_with("-----BEGIN")) {
    CN_ASSIGN_OR_RETURN(std::string raw, crypto::Base64Decode(text));
    if (raw.size() != 32) {
      return InvalidArgumentError("ed25519 public key is " + std::to_string(raw.size()) +
                                  " bytes, not 32");
    }
    return std::string(kEd25519SpkiPrefix) + raw;
  }
  CN_ASSIGN_OR_RETURN(crypto::PublicKey key, crypto::PublicKey::FromPem(text));
  return key.spki_der();
}

}  // namespace

StatusOr<TransitPublicKey> ParseTransitKeyAnswer(std::string_view body) {
  json answer = json::parse(body, nullptr, /*allow_exceptions=*/false);
  const json* data = nullptr;
  if (answer.is_object()) {
    if (auto it = answer.find("data"); it != answer.end() && it->is_object()) data = &*it;
  }
  if (data == nullptr) return InvalidArgumentError("answer has no \"data\" object");
  TransitPublicKey key;
  if (auto it = data->find("type"); it != data->end() && it->is_string()) key.type = *it;
  auto latest = data->find("latest_version");
  if (latest == data->end() || !latest->is_number_unsigned() || latest->get<uint64_t>() == 0) {
    return InvalidArgumentError("answer has no \"latest_version\" (a positive integer)");
  }
  key.latest_version = latest->get<uint64_t>();
  auto keys = data->find("keys");
  if (keys == data->end() || !keys->is_object()) {
    return InvalidArgumentError("answer has no \"keys\" object");
  }
  auto version = keys->find(std::to_string(key.latest_version));
  if (version != keys->end() && !version->is_object()) {
    // Encryption keys (aes256-gcm96, ...) list only each version's creation time.
    return InvalidArgumentError("the key (type \"" + Printable(key.type) +
                                "\") has no public key: is it a signing key?");
  }
  if (version == keys->end()) {
    return InvalidArgumentError("answer has no key version " + std::to_string(key.latest_version) +
                                " (its latest_version)");
  }
  std::string type = key.type;
  if (auto it = version->find("name"); it != version->end() && it->is_string()) type = *it;
  auto spki = SpkiOf(*version, type);
  if (!spki.ok()) {
    return spki.status().WithPrefix("version " + std::to_string(key.latest_version));
  }
  key.spki_der = std::move(spki).value();
  return key;
}

StatusOr<std::unique_ptr<TransitClient>> TransitClient::Create(const TransitKeyUri& key,
                                                               const Environment& env) {
  CN_ASSIGN_OR_RETURN(std::string address, ResolveAddress(env));
  auto token = env("VAULT_TOKEN");
  if (!token) return InvalidArgumentError("VAULT_TOKEN is not set");
  for (char c : *token) {
    if (static_cast<unsigned char>(c) < 0x21 || c == 0x7f) {
      return InvalidArgumentError("VAULT_TOKEN contains whitespace or control characters");
    }
  }
  CN_ASSIGN_OR_RETURN(std::string mount, ResolveMount(env));
  net::TlsOptions tls;
  CN_ASSIGN_OR_RETURN(tls.extra_ca_pem, ReadCaBundle(env));
  auto http = net::HttpClient::Create(tls);
  if (!http.ok()) return http.status().WithPrefix("VAULT_CACERT");
  return std::unique_ptr<TransitClient>(
      new TransitClient(address + "/v1/" + mount, key.key_name, *token,
                        env("VAULT_NAMESPACE").value_or(""), std::move(http).value()));
}

std::vector<std::pair<std::string, std::string>> TransitClient::Headers() const {
  std::vector<std::pair<std::string, std::string>> headers = {{"X-Vault-Token", token_}};
  if (!namespace_.empty()) headers.emplace_back("X-Vault-Namespace", namespace_);
  return headers;
}

StatusOr<TransitPublicKey> TransitClient::ReadPublicKey(Deadline deadline) const {
  const std::string where = "Vault key read GET " + key_url_;
  net::HttpRequest request;
  request.url = key_url_;
  request.headers = Headers();
  request.max_body_bytes = kMaxVaultAnswer;
  request.deadline = deadline;
  auto response = http_->Send(request);
  if (!response.ok()) return response.status().WithPrefix(where);
  if (response->status != 200) return VaultError(where, response->status, response->body);
  auto key = ParseTransitKeyAnswer(response->body);
  if (!key.ok()) return key.status().WithPrefix(where);
  return key;
}

StatusOr<TransitSignature> ParseTransitSignAnswer(std::string_view body) {
  json answer = json::parse(body, nullptr, /*allow_exceptions=*/false);
  const json* signature = nullptr;
  if (answer.is_object()) {
    if (auto data = answer.find("data"); data != answer.end() && data->is_object()) {
      if (auto it = data->find("signature"); it != data->end() && it->is_string()) {
        signature = &*it;
      }
    }
  }
  if (signature == nullptr) return InvalidArgumentError("answer has no \"data.signature\" string");
  const std::string& text = signature->get_ref<const std::string&>();
  // "vault:v<N>:<base64>"
  constexpr std::string_view kPrefix = "vault:v";
  const size_t colon = text.find(':', kPrefix.size());
  uint64_t version = 0;
  if (text.starts_with(kPrefix) && colon != std::string::npos) {
    auto [end, ec] = std::from_chars(text.data() + kPrefix.size(), text.data() + colon, version);
    if (ec != std::errc() || end != text.data() + colon) version = 0;
  }
  if (version == 0) {
    return InvalidArgumentError("signature \"" + Printable(text) +
                                "\" is not of the form vault:v<N>:<base64>");
  }
  auto bytes = crypto::Base64Decode(std::string_view(text).substr(colon + 1));
  if (!bytes.ok() || bytes->empty()) {
    return InvalidArgumentError("signature of version " + std::to_string(version) +
                                " is not base64");
  }
  return TransitSignature{version, std::move(bytes).value()};
}

StatusOr<TransitSignature> TransitClient::Sign(const TransitSignRequest& sign,
                                               Deadline deadline) const {
  json body = {{"input", crypto::Base64Encode(sign.input)},
               {"prehashed", !sign.hash_algorithm.empty()},
               {"key_version", sign.key_version},
               {"signature_algorithm", "pkcs1v15"}};
  if (sign.ecdsa) body["marshaling_algorithm"] = "asn1";
  net::HttpRequest request;
  request.method = "POST";
  request.url = sign_url_ + (sign.hash_algorithm.empty() ? "" : "/" + sign.hash_algorithm);
  request.headers = Headers();
  request.headers.emplace_back("Content-Type", "application/json");
  request.body = body.dump();
  request.max_body_bytes = kMaxVaultAnswer;
  request.deadline = deadline;
  const std::string where = "Vault sign POST " + request.url;
  auto response = http_->Send(request);
  if (!response.ok()) return response.status().WithPrefix(where);
  if (response->status != 200) return VaultError(where, response->status, response->body);
  auto signature = ParseTransitSignAnswer(response->body);
  if (!signature.ok()) return UnavailableError(where + ": " + signature.status().message());
  return signature;
}

}  // namespace connaisseur::vault
