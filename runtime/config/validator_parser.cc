#include "runtime/config/validator_parser.h"

#include <re2/re2.h>

#include <set>
#include <utility>

#include "runtime/config/kms_reference.h"
#include "runtime/config/pem_shape.h"

namespace connaisseur::config {
namespace {

using nlohmann::json;

bool IsBlank(std::string_view s) {
  return s.find_first_not_of(" \t\r\n") == std::string_view::npos;
}

void CheckPem(Diagnostics& diag, const std::string& path, const Status& shape) {
  if (!shape.ok()) diag.Error(path, shape.message());
}

}  // namespace

void MarkUnusable(Diagnostics& diag, const std::string& path, std::string reason,
                  ValidatorConfig& v) {
  diag.Warning(path, reason + ": images routed to it are denied");
  if (v.unusable.empty()) v.unusable = std::move(reason);
}

void MarkEmptyKey(Diagnostics& diag, const std::string& path, const std::string& root_name,
                  ValidatorConfig& v) {
  MarkUnusable(diag, path,
               "trust root \"" + root_name + "\" of validator \"" + v.name + "\" has an empty key",
               v);
}

namespace {

// Connaisseur ignores unknown keys; in a validator one may be a misspelled security option
// (`trustRoot`, `verifyInTransparencyLog`, `registry`), so the validator denies instead, with
// the warning at the key.
void DenyOnUnknownKeys(FieldReader& r, ValidatorConfig& v) {
  for (const UnknownKey& unknown : r.UnknownKeys()) {
    std::string reason = "validator \"" + v.name + "\" has an unknown key \"" + unknown.key + "\"";
    if (!unknown.suggestion.empty()) reason += " (" + unknown.suggestion + ")";
    MarkUnusable(r.diag(), unknown.path, std::move(reason), v);
  }
}

// Reads an optional PEM certificate (bundle) field.
std::string ReadCertificate(FieldReader& r, std::string_view key) {
  std::optional<std::string> pem = r.String(key);
  if (!pem) return "";
  CheckPem(r.diag(), r.PathOf(key), CheckCertificatePem(*pem));
  return *pem;
}

std::string ReadPublicKey(FieldReader& r, std::string_view key, bool allow_kms) {
  std::optional<std::string> pem = r.String(key);
  if (!pem || IsBlank(*pem)) return "";  // an empty key is a doubt, reported by the caller
  if (!(allow_kms && IsKmsReference(*pem)))
    CheckPem(r.diag(), r.PathOf(key), CheckPublicKeyPem(*pem));
  return *pem;
}

Keyless ParseKeyless(const json& value, const std::string& path, ValidatorConfig& v,
                     Diagnostics& diag, Dialect dialect) {
  FieldReader r(value, path, diag, dialect);
  Keyless k;
  k.issuer = r.String("issuer").value_or("");
  k.issuer_regex = r.String("issuerRegex").value_or("");
  k.subject = r.String("subject").value_or("");
  k.subject_regex = r.String("subjectRegex").value_or("");
  DenyOnUnknownKeys(r, v);
  if (!r.is_mapping()) return k;
  if (!k.issuer.empty() && !k.issuer_regex.empty()) {
    diag.Error(path, "Issuer must not be set if IssuerRegex is");
  } else if (k.issuer.empty() && k.issuer_regex.empty()) {
    diag.Error(path, "Issuer must be set if IssuerRegex isn't");
  }
  if (!k.subject.empty() && !k.subject_regex.empty()) {
    diag.Error(path, "Subject must not be set if SubjectRegex is");
  } else if (k.subject.empty() && k.subject_regex.empty()) {
    diag.Error(path, "Subject must be set if SubjectRegex isn't");
  }
  // Connaisseur loads a regex that does not compile (cosign fails on it per image): so do we,
  // and the validator denies naming it (not quoting it, nor RE2's error, which quotes it).
  for (const auto& [key, pattern] :
       {std::pair{"issuerRegex", &k.issuer_regex}, std::pair{"subjectRegex", &k.subject_regex}}) {
    if (pattern->empty()) continue;
    RE2::Options options;
    options.set_log_errors(false);
    if (const RE2 regex(*pattern, options); !regex.ok()) {
      MarkUnusable(diag, JoinPath(path, key),
                   "validator \"" + v.name + "\" has a keyless " + key +
                       " that is not a valid regular expression",
                   v);
    }
  }
  return k;
}

// What a keyless root needs from `host:` besides its identity (read before the trust roots).
void WarnAboutKeylessHost(Diagnostics& diag, const std::string& path, const std::string& root,
                          const CosignHost& host) {
  const std::string named = "keyless trust root \"" + root + "\"";
  if (host.fulcio_cert.empty()) {
    diag.Warning(path, named +
                           " needs host.fulcioCert (the Fulcio root it chains to): images "
                           "it must verify are denied");
  }
  if (host.rekor_pubkey.empty()) {
    diag.Warning(path, named +
                           " has no host.rekorPubkey: only entries of the public "
                           "rekor.sigstore.dev log are accepted");
  }
  if (host.ct_log_pubkey.empty()) {
    diag.Warning(path, named +
                           " has no host.ctLogPubkey: images whose rules verify SCTs "
                           "(verifySCT, true by default) are denied");
  }
}

TrustRoot ParseTrustRoot(const json& value, const std::string& path, ValidatorConfig& v,
                         Diagnostics& diag, Dialect dialect) {
  const ValidatorType type = v.type;
  FieldReader r(value, path, diag, dialect);
  TrustRoot root;
  root.name = r.String("name", /*required=*/true).value_or("");
  if (r.Has("name") && root.name.empty()) diag.Error(r.PathOf("name"), "must not be empty");
  if (root.name == "*") diag.Error(r.PathOf("name"), "\"*\" is reserved for \"all trust roots\"");
  if (HasControlChars(root.name)) diag.Error(r.PathOf("name"), "contains control characters");
  switch (type) {
    case ValidatorType::kNotaryV1:
      if (!r.Has("key")) {
        if (r.is_mapping()) diag.Error(path, "Key is a required field");
      } else {
        root.key = ReadPublicKey(r, "key", /*allow_kms=*/false);
        if (root.key.empty()) MarkEmptyKey(diag, r.PathOf("key"), root.name, v);
      }
      break;
    case ValidatorType::kCosign: {
      bool has_key = r.Has("key"), has_cert = r.Has("cert"), has_keyless = r.Has("keyless");
      if (has_key) {
        root.key = ReadPublicKey(r, "key", /*allow_kms=*/true);
        if (root.key.empty()) MarkEmptyKey(diag, r.PathOf("key"), root.name, v);
      }
      if (has_cert) root.cert = ReadCertificate(r, "cert");
      if (const json* keyless = r.Get("keyless")) {
        root.keyless = ParseKeyless(*keyless, r.PathOf("keyless"), v, diag, dialect);
        WarnAboutKeylessHost(diag, path, root.name, v.cosign_host);
      }
      // Accepted so that Connaisseur files load, but this build cannot verify them: say so at
      // lint time rather than only in the first denial.
      if (IsKmsReference(root.key) && !IsVerifiedKmsReference(root.key)) {
        diag.Warning(path,
                     "KMS key trust roots are not supported by this build yet: images they "
                     "must verify are denied");
      }
      if (r.is_mapping() && !has_key && !has_cert && !has_keyless) {
        diag.Error(path, "Key must be set if [Cert Keyless] isn't");
      }
      if (has_key + has_cert + has_keyless > 1) {
        diag.Error(path, "only one of key, cert and keyless may be set");
      }
      break;
    }
    case ValidatorType::kNotation:
      if (!r.Has("cert")) {
        if (r.is_mapping()) diag.Error(path, "no certificate provided for trust root " + root.name);
      } else {
        root.cert = ReadCertificate(r, "cert");
      }
      root.ts_cert = ReadCertificate(r, "tsCert");
      break;
    case ValidatorType::kStatic:
    case ValidatorType::kNotaryV2:
      break;
  }
  DenyOnUnknownKeys(r, v);
  return root;
}

void ParseTrustRoots(FieldReader& r, ValidatorConfig& v) {
  r.Alias("rootKeys", "trustRoots");
  const json* roots = r.List("trustRoots");
  if (roots == nullptr || roots->empty()) {
    // Connaisseur's chart shipped `trustRoots:` empty on its `default` notaryv1 validator from
    // v2.0 to v3.3.4: it loads, and the validator denies everything until a root is set.
    const bool wrong_type = roots == nullptr && r.Get("trustRoots") != nullptr;  // reported
    if (r.is_mapping() && !wrong_type) {
      MarkUnusable(r.diag(), r.PathOf("trustRoots"),
                   "validator \"" + v.name + "\" has no trust root configured", v);
    }
    return;
  }
  std::set<std::string, std::less<>> names;
  for (size_t i = 0; i < roots->size(); ++i) {
    std::string path = IndexPath(r.PathOf("trustRoots"), i);
    TrustRoot root = ParseTrustRoot((*roots)[i], path, v, r.diag(), r.dialect());
    if (!root.name.empty() && !names.insert(root.name).second) {
      r.diag().Error(JoinPath(path, "name"), "duplicate trust root name \"" + root.name + "\"");
    }
    v.trust_roots.push_back(std::move(root));
  }
}

// True when the authority of `url` ("https://user:pw@host/..." or "user@host") carries
// credentials: they would be logged with the URL and shown to policy scripts, so they belong in
// `auth`.
bool HasUserinfo(std::string_view url) {
  const size_t scheme = url.find("://");
  if (scheme != std::string_view::npos) url.remove_prefix(scheme + 3);
  return url.substr(0, url.find('/')).find('@') != std::string_view::npos;
}

constexpr char kNoUserinfo[] = "must not carry credentials (user:password@); use auth";

std::string ReadUrl(FieldReader& r, std::string_view key) {
  std::optional<std::string> url = r.String(key);
  if (!url) return "";
  if (url->empty() || HasControlChars(*url) || url->find(' ') != std::string::npos) {
    r.diag().Error(r.PathOf(key), "must be a URL");
    return "";
  }
  if (HasUserinfo(*url)) {
    r.diag().Error(r.PathOf(key), kNoUserinfo);
    return "";
  }
  size_t scheme = url->find("://");
  if (scheme == std::string::npos) return "https://" + *url;
  std::string_view s = std::string_view(*url).substr(0, scheme);
  if (s != "https" && s != "http") r.diag().Error(r.PathOf(key), "scheme must be http or https");
  return *url;
}

void ParseCosignHost(FieldReader& r, ValidatorConfig& v) {
  const json* host = r.Get("host");
  if (host == nullptr) return;
  if (host->is_string() && r.dialect() == Dialect::kV2) {
    // v2 wrote the Rekor URL directly: `host: rekor.sigstore.dev`.
    json as_map = {{"rekor", *host}};
    FieldReader h(as_map, r.PathOf("host"), r.diag(), r.dialect());
    v.cosign_host.rekor = ReadUrl(h, "rekor");
    return;
  }
  FieldReader h(*host, r.PathOf("host"), r.diag(), r.dialect());
  if (h.Has("rekor")) v.cosign_host.rekor = ReadUrl(h, "rekor");
  v.cosign_host.rekor_pubkey = ReadPublicKey(h, "rekorPubkey", /*allow_kms=*/false);
  v.cosign_host.ct_log_pubkey = ReadPublicKey(h, "ctLogPubkey", /*allow_kms=*/false);
  v.cosign_host.fulcio_cert = ReadCertificate(h, "fulcioCert");
  DenyOnUnknownKeys(h, v);
}

void ParseTypeOptions(FieldReader& r, ValidatorConfig& v) {
  switch (v.type) {
    case ValidatorType::kStatic:
      v.approve = r.Bool("approve", /*required=*/true).value_or(false);
      return;
    case ValidatorType::kNotaryV1:
      ParseNotaryHost(r, v);
      ParseTrustRoots(r, v);
      v.is_acr = r.Bool("isAcr").value_or(false);
      break;
    case ValidatorType::kCosign:
      ParseCosignHost(r, v);
      ParseTrustRoots(r, v);
      break;
    case ValidatorType::kNotation:
      ParseTrustRoots(r, v);
      break;
    case ValidatorType::kNotaryV2:
      return;  // a stub without options: nothing to read
  }
  v.cert = ReadCertificate(r, "cert");
  if (const json* auth = r.Get("auth")) {
    FieldReader a(*auth, r.PathOf("auth"), r.diag(), r.dialect());
    v.auth = ParseAuth(a);
    DenyOnUnknownKeys(a, v);
  }
}

std::optional<ValidatorType> ParseType(FieldReader& r, const std::string& name) {
  std::optional<std::string> type = r.String("type");
  if (!type) {
    if (!r.Has("type")) r.diag().Error(r.path(), "validator is missing a type");
    return std::nullopt;
  }
  if (*type == "static") return ValidatorType::kStatic;
  if (*type == "notaryv1") return ValidatorType::kNotaryV1;
  if (*type == "cosign") return ValidatorType::kCosign;
  if (*type == "notation") return ValidatorType::kNotation;
  if (*type == "notaryv2") return ValidatorType::kNotaryV2;
  r.diag().Error(r.PathOf("type"), "unsupported type \"" + *type + "\" for validator \"" + name +
                                       "\": Type must be one of [static notaryv1 cosign notation]");
  return std::nullopt;
}

}  // namespace

void ParseNotaryHost(FieldReader& r, ValidatorConfig& v) {
  v.host = "notary.docker.io";
  std::optional<std::string> host = r.String("host");
  if (!host) return;
  if (host->empty() || HasControlChars(*host) || host->find(' ') != std::string::npos) {
    r.diag().Error(r.PathOf("host"), "must be a host name or https:// URL");
  } else if (host->rfind("http://", 0) == 0) {
    r.diag().Error(r.PathOf("host"), "plain http:// is not allowed; use https://");
  } else if (HasUserinfo(*host)) {
    r.diag().Error(r.PathOf("host"), kNoUserinfo);
  } else {
    v.host = *host;
  }
}

Auth ParseAuth(FieldReader& r) {
  r.Alias("user", "username");
  r.Alias("k8sKeychain", "useKeychain");
  Auth auth;
  auth.username = r.String("username").value_or("");
  auth.password = r.String("password").value_or("");
  auth.secret_name = r.String("secretName").value_or("");
  auth.use_keychain = r.Bool("useKeychain").value_or(false);
  if (auth.use_keychain) {
    r.diag().Warning(r.PathOf("useKeychain"),
                     "registry credentials come from the image pull secrets of each Pod and its "
                     "service account, read through the Kubernetes API: off-cluster (check, lint, "
                     "test) images are pulled anonymously");
  }
  auth.registry = r.String("registry").value_or("");
  bool basic = !auth.username.empty() || !auth.password.empty();
  if (basic + !auth.secret_name.empty() + auth.use_keychain > 1) {
    r.diag().Error(r.path(), "use only one of username/password, secretName and useKeychain");
  }
  if (basic && (auth.username.empty() || auth.password.empty())) {
    r.diag().Error(r.path(), "username and password must be given together");
  }
  if (!auth.secret_name.empty() && auth.secret_name.find_first_of("/\\") != std::string::npos) {
    r.diag().Error(r.PathOf("secretName"), "must be a Kubernetes secret name (no / or \\)");
  }
  return auth;
}

std::vector<ValidatorConfig> ParseValidators(const json* validators, const std::string& path,
                                             Dialect dialect, Diagnostics& diag) {
  std::vector<ValidatorConfig> out;
  if (validators == nullptr || (validators->is_array() && validators->empty())) {
    diag.Error(path, "Validators must contain at least 1 item");
    return out;
  }
  if (!validators->is_array()) {
    diag.Error(path, "expected a list, got " + std::string(JsonTypeName(*validators)));
    return out;
  }
  for (size_t i = 0; i < validators->size(); ++i) {
    FieldReader r((*validators)[i], IndexPath(path, i), diag, dialect);
    if (!r.is_mapping()) continue;
    ValidatorConfig v;
    std::optional<std::string> name = r.String("name");
    if (!name || name->empty()) {
      if (!r.Has("name") || name) diag.Error(r.path(), "validator is missing a name");
    } else if (name->find_first_of("/\\") != std::string::npos) {
      diag.Error(r.PathOf("name"), "validator name \"" + *name + "\" must not contain / or \\");
    } else if (HasControlChars(*name)) {
      diag.Error(r.PathOf("name"), "validator name contains control characters");
    } else {
      v.name = *name;
    }
    std::optional<ValidatorType> type = ParseType(r, v.name);
    if (!type) {
      // Without a type we cannot tell which keys belong: skip the unknown-key report.
      continue;
    }
    v.type = *type;
    v.location = diag.Locate(r.path());
    if (v.type == ValidatorType::kNotation) {
      MarkUnusable(
          diag, r.path(),
          "validator \"" + v.name + "\" is of type notation, which this build cannot verify yet",
          v);
    }
    if (v.type == ValidatorType::kNotaryV2) {
      // Connaisseur v3.3's schema accepted it as a stub that verifies nothing; its keys are not
      // ours to judge.
      MarkUnusable(diag, r.PathOf("type"),
                   "validator \"" + v.name +
                       "\" has type notaryv2, a stub in Connaisseur v3.3 that verifies nothing "
                       "(use type notation)",
                   v);
      if (!v.name.empty()) out.push_back(std::move(v));
      continue;
    }
    ParseTypeOptions(r, v);
    DenyOnUnknownKeys(r, v);
    if (!v.name.empty()) out.push_back(std::move(v));
  }
  return out;
}

}  // namespace connaisseur::config
