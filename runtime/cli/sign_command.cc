#include <array>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <sstream>
#include <string>
#include <vector>

#include "runtime/cli/command_line.h"
#include "runtime/cli/commands.h"
#include "runtime/cli/cosign_passphrase.h"
#include "runtime/cli/usage_error.h"
#include "runtime/config/kms_reference.h"
#include "runtime/image/image_reference.h"
#include "runtime/net/http_client.h"
#include "runtime/registry/credentials.h"
#include "runtime/registry/registry_client.h"
#include "validators/cosign/attestation_signer.h"
#include "validators/cosign/bundle_signer.h"
#include "validators/cosign/encrypted_key.h"
#include "validators/cosign/kms_keys.h"
#include "validators/cosign/signer.h"

namespace connaisseur::cli {
namespace {

constexpr char kHelp[] =
    R"(Usage: connaisseur sign --key KEY [--registry-ca PEM] [--insecure-http]
                        [--registry-username U --registry-password P]
                        [--annotation K=V | --bundle] [--timeout SECONDS] IMAGE
       connaisseur sign --key KEY --attest PREDICATE_FILE [--type TYPE] [--bundle] ... IMAGE

Signs IMAGE (a tag is resolved to its manifest digest first) the way cosign does: a
simple-signing payload naming the digest, signed with KEY, appended as one more layer to
<repository>:sha256-<hex>.sig in the image's own repository. KEY is a cosign key file
("ENCRYPTED SIGSTORE PRIVATE KEY" or "ENCRYPTED COSIGN PRIVATE KEY"; passphrase from
COSIGN_PASSWORD or a prompt on the terminal), an unencrypted PEM private key, an AWS KMS
key, awskms://[ENDPOINT]/KEY-ID|alias/NAME|ARN, signed through KMS Sign with the AWS settings
of the environment (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY[/AWS_SESSION_TOKEN] or
AWS_WEB_IDENTITY_TOKEN_FILE/AWS_ROLE_ARN, AWS_REGION, AWS_ENDPOINT_URL_KMS, AWS_CA_BUNDLE),
or a HashiCorp Vault transit key, hashivault://NAME, signed through transit sign with its
latest version and the Vault settings of the environment (VAULT_ADDR, https only;
VAULT_TOKEN; TRANSIT_SECRET_ENGINE_PATH, default transit; VAULT_NAMESPACE; VAULT_CACERT).
A KMS or Vault signature is verified with the key's public key before anything is pushed.
Registry credentials, first found wins: --registry-username/--registry-password, then the
docker config of $REGISTRY_AUTH_FILE, $DOCKER_CONFIG/config.json or ~/.docker/config.json
(the `auths` entry that is the longest prefix of the image; credential helpers are not run),
else anonymous. They serve Basic auth and the bearer-token flow alike.

Options:
  --key FILE|URI       private key file, awskms:// or hashivault:// key; required
  --registry-ca FILE   PEM CA bundle trusted for the registry, besides the system CAs
  --insecure-http      speak plain HTTP to the registry (local test registries only)
  --registry-username U  registry user (with --registry-password)
  --registry-password P  registry password or token (visible in `ps`: prefer a docker config)
  --annotation K=V     add K=V to the payload's "optional" map (one pair)
  --bundle             write cosign's bundle format instead (cosign v3's default): an in-toto
                       statement naming the digest, signed in a DSSE envelope, in a sigstore
                       bundle pushed as an OCI referrer of the image (through the referrers
                       tag sha256-<hex> when the registry has no referrers API); no Rekor entry
  --attest FILE        attest instead of signing, as `cosign attest`: an in-toto statement
                       naming the digest with FILE's predicate, signed in a DSSE envelope and
                       appended as one more layer to <repository>:sha256-<hex>.att (with
                       --bundle: in a sigstore bundle pushed as a referrer of the image)
  --type TYPE          the predicate type of --attest: slsaprovenance (v0.2), slsaprovenance1,
                       spdxjson, cyclonedx, vuln, custom (default: FILE's text wrapped as
                       {"data", "timestamp"}) or a URI; every type but custom wants a JSON object
  --timeout SECONDS    give up after this long (default 60)
  -h, --help           show this help

Exit status: 0 signed, 1 registry or signing failure (a KMS or Vault that refuses, fails or
cannot be reached), 2 usage error or unreadable key (also a KMS or Vault key that cannot sign,
or missing settings).
)";

constexpr std::array<OptionSpec, 11> kSpecs{{{"key", true},
                                             {"bundle", false},
                                             {"attest", true},
                                             {"type", true},
                                             {"registry-ca", true},
                                             {"insecure-http", false},
                                             {"registry-username", true},
                                             {"registry-password", true},
                                             {"annotation", true},
                                             {"timeout", true},
                                             {"help", false}}};

constexpr int kExitSignFailed = 1;  // the registry or the signing failed

StatusOr<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return InvalidArgumentError(path + ": cannot read");
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The docker config a `docker login` / `skopeo login` wrote, or nullopt when there is none.
std::optional<std::string> DockerConfigText() {
  std::vector<std::string> paths;
  if (const char* f = std::getenv("REGISTRY_AUTH_FILE"); f && *f) paths.push_back(f);
  if (const char* d = std::getenv("DOCKER_CONFIG"); d && *d) {
    paths.push_back(std::string(d) + "/config.json");
  }
  if (const char* h = std::getenv("HOME"); h && *h) {
    paths.push_back(std::string(h) + "/.docker/config.json");
  }
  for (const auto& path : paths) {
    auto text = ReadFile(path);
    if (text.ok()) return std::move(text).value();
  }
  return std::nullopt;
}

StatusOr<std::optional<net::BasicCredentials>> PushCredentials(const Arguments& args,
                                                               const image::ImageReference& image) {
  if (args.Has("registry-username") != args.Has("registry-password")) {
    return InvalidArgumentError("--registry-username and --registry-password go together");
  }
  if (args.Has("registry-username")) {
    return std::optional<net::BasicCredentials>(
        net::BasicCredentials{args.Get("registry-username"), args.Get("registry-password")});
  }
  auto text = DockerConfigText();
  if (!text) return std::optional<net::BasicCredentials>();
  return registry::CredentialsFromDockerConfig(*text, image.registry(), image.repository());
}

// Reports a failure that is not a usage error; returns `code`.
int Fail(int code, const Status& s) {
  std::fprintf(stderr, "connaisseur sign: %s\n", s.message().c_str());
  return code;
}

// The signer of --key: a KMS or Vault key (its service asked now), or a key file read and
// decrypted into `*file_key`, which the returned signer borrows. On failure, the exit code goes
// to `*code`: 2 for a malformed reference, missing settings or a key that cannot sign (all
// kInvalidArgument), 1 for a service that refuses or does not answer.
StatusOr<std::unique_ptr<cosign::PayloadSigner>> LoadSigner(
    const std::string& key_arg, Deadline deadline, std::optional<crypto::PrivateKey>* file_key,
    int* code) {
  *code = 2;
  if (config::IsKmsReference(key_arg)) {
    auto signer = cosign::KmsPayloadSigner(key_arg, cosign::KmsSettings{}, deadline);
    if (!signer.ok()) {
      if (signer.status().code() != StatusCode::kInvalidArgument) *code = 1;
      return signer.status().WithPrefix(key_arg);
    }
    return signer;
  }
  CN_ASSIGN_OR_RETURN(std::string key_text, ReadFile(key_arg));
  std::string passphrase;
  if (cosign::IsEncryptedCosignKey(key_text)) {
    CN_ASSIGN_OR_RETURN(passphrase, CosignPassphrase(/*confirm=*/false));
  }
  auto key = cosign::LoadSigningKey(key_text, passphrase);
  if (!key.ok()) return key.status().WithPrefix(key_arg);
  file_key->emplace(std::move(key).value());
  return std::unique_ptr<cosign::PayloadSigner>(
      std::make_unique<cosign::PrivateKeySigner>(**file_key));
}

// What to sign and how, from the command line.
struct SignRequest {
  image::ImageReference image;
  std::map<std::string, std::string> annotations;  // --annotation K=V: the payload's "optional"
  std::chrono::seconds timeout{60};
  bool bundle = false;  // --bundle: a sigstore bundle as an OCI referrer instead of the .sig
  // --attest FILE: attest FILE's predicate (of predicate_type) instead of signing.
  std::optional<nlohmann::json> predicate;
  std::string predicate_type;
};

// The current time as RFC 3339 (UTC, seconds), as cosign stamps a custom predicate.
std::string NowRfc3339() {
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

// --attest FILE [--type TYPE] into `request`; kInvalidArgument is a usage error.
Status ReadAttestRequest(const Arguments& args, SignRequest& request) {
  if (!args.Has("attest")) {
    if (args.Has("type")) return InvalidArgumentError("--type goes with --attest");
    return Status::Ok();
  }
  if (!request.annotations.empty()) {
    return InvalidArgumentError("--annotation does not apply to --attest");
  }
  const std::string type = args.Has("type") ? args.Get("type") : "custom";
  CN_ASSIGN_OR_RETURN(request.predicate_type, cosign::PredicateTypeUri(type));
  CN_ASSIGN_OR_RETURN(std::string text, ReadFile(args.Get("attest")));
  auto predicate = cosign::PredicateFromFile(type, text, NowRfc3339());
  if (!predicate.ok()) return predicate.status().WithPrefix(args.Get("attest"));
  request.predicate = std::move(predicate).value();
  return Status::Ok();
}

// --timeout SECONDS: a positive whole number.
StatusOr<std::chrono::seconds> ParseTimeout(const std::string& text) {
  int seconds = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), seconds);
  if (ec != std::errc() || end != text.data() + text.size() || seconds <= 0) {
    return InvalidArgumentError("--timeout wants a positive number");
  }
  return std::chrono::seconds(seconds);
}

// The request of the command line; kInvalidArgument is a usage error.
StatusOr<SignRequest> SignRequestFrom(const Arguments& args) {
  if (!args.Has("key") || args.positionals().size() != 1) {
    return InvalidArgumentError("need --key KEY and exactly one IMAGE");
  }
  CN_ASSIGN_OR_RETURN(image::ImageReference image,
                      image::ImageReference::Parse(args.positionals()[0]));
  SignRequest request{std::move(image), {}, std::chrono::seconds(60)};
  if (args.Has("annotation")) {
    const std::string kv = args.Get("annotation");
    const size_t eq = kv.find('=');
    if (eq == std::string::npos || eq == 0) {
      return InvalidArgumentError("--annotation wants KEY=VALUE");
    }
    request.annotations[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  if (args.Has("timeout")) {
    CN_ASSIGN_OR_RETURN(request.timeout, ParseTimeout(args.Get("timeout")));
  }
  request.bundle = args.Has("bundle");
  if (request.bundle && !request.annotations.empty()) {
    return InvalidArgumentError("--annotation does not apply to --bundle");
  }
  CN_RETURN_IF_ERROR(ReadAttestRequest(args, request));
  return request;
}

// The registry client that pushes the signature: credentials and CA of the command line or the
// docker config. Errors are usage errors (exit 2).
StatusOr<std::unique_ptr<registry::RegistryClient>> PushClient(const Arguments& args,
                                                               const image::ImageReference& image) {
  registry::RegistryOptions options;
  options.plain_http = args.Has("insecure-http");
  CN_ASSIGN_OR_RETURN(options.credentials, PushCredentials(args, image));
  if (args.Has("registry-ca")) {
    CN_ASSIGN_OR_RETURN(options.ca_pem, ReadFile(args.Get("registry-ca")));
  }
  return registry::RegistryClient::Create(std::move(options));
}

// --bundle: pushes the sigstore bundle as a referrer; prints where it went.
int SignBundle(registry::RegistryClient& client, const image::ImageReference& image,
               const cosign::PayloadSigner& signer, Deadline deadline) {
  auto result = cosign::SignImageBundle(client, image, signer, deadline);
  if (!result.ok()) return Fail(kExitSignFailed, result.status());
  std::printf("Pushed sigstore bundle %s as a referrer of %s@%s%s\n",
              result->bundle_manifest_digest.c_str(), image.name().c_str(),
              result->image_digest.c_str(),
              result->referrers_tag ? " (referrers tag updated: no referrers API)" : "");
  return kExitOk;
}

// --attest: pushes the attestation as a `.att` layer or a bundle referrer; prints where it went.
int Attest(registry::RegistryClient& client, const SignRequest& request,
           const cosign::PayloadSigner& signer, Deadline deadline) {
  auto result = cosign::AttestImage(client, request.image, request.predicate_type,
                                    *request.predicate, signer, request.bundle, deadline);
  if (!result.ok()) return Fail(kExitSignFailed, result.status());
  std::printf("Attested %s@%s (%s): %s %s%s\n", request.image.name().c_str(),
              result->image_digest.c_str(), request.predicate_type.c_str(),
              request.bundle ? "sigstore bundle referrer" : ".att manifest",
              result->manifest_digest.c_str(),
              result->referrers_tag ? " (referrers tag updated: no referrers API)" : "");
  return kExitOk;
}

// Signs as `request` says with the key of --key; prints where the signature went.
int Sign(const Arguments& args, const SignRequest& request) {
  net::GlobalInit();
  const Deadline deadline = Deadline::In(request.timeout);
  std::optional<crypto::PrivateKey> file_key;
  int key_failure = kExitUsage;
  auto signer = LoadSigner(args.Get("key"), deadline, &file_key, &key_failure);
  if (!signer.ok()) return Fail(key_failure, signer.status());
  auto client = PushClient(args, request.image);
  if (!client.ok()) return Fail(kExitUsage, client.status());
  if (request.predicate) return Attest(**client, request, **signer, deadline);
  if (request.bundle) return SignBundle(**client, request.image, **signer, deadline);
  auto result = cosign::SignImage(**client, request.image, **signer, request.annotations, deadline);
  if (!result.ok()) return Fail(kExitSignFailed, result.status());
  std::printf("Pushing signature to: %s\nSigned %s@%s (%zu signature%s in the manifest)\n",
              result->signature_reference.c_str(), request.image.name().c_str(),
              result->image_digest.c_str(), result->layers, result->layers == 1 ? "" : "s");
  return kExitOk;
}

}  // namespace

int RunSign(std::span<const std::string_view> args) {
  int exit_code = kExitOk;
  const auto parsed = ParseCommandLine({"sign", kSpecs, kHelp}, args, &exit_code);
  if (!parsed) return exit_code;
  auto request = SignRequestFrom(*parsed);
  if (!request.ok()) return UsageError("sign", request.status().message());
  return Sign(*parsed, *request);
}

}  // namespace connaisseur::cli
