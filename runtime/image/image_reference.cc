// ImageReference::Parse: a hand-written, single-pass scanner for the distribution/reference
// grammar of docs/policy-lua.md "image". No regular expressions: every helper walks its slice once,
// so the whole parse is linear in the input whatever the bytes are.
#include "runtime/image/image_reference.h"

#include <cstdio>
#include <string>

namespace connaisseur::image {
namespace {

// distribution/reference's NameTotalLengthMax. Like ParseNormalizedNamed it applies to the
// normalised name ("docker.io/library/x"), so every normalised form parses again.
constexpr size_t kMaxNameLength = 255;
// The tag grammar allows one leading and up to 127 further characters.
constexpr size_t kMaxTagLength = 128;
constexpr size_t kSha256HexLength = 64;
// Messages quote the raw input and the offending part; a megabyte of garbage should not become
// a megabyte of log.
constexpr size_t kMaxQuotedInput = 256;
constexpr size_t kMaxQuotedPart = 64;

constexpr std::string_view kDockerHub = "docker.io";

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsLower(char c) { return c >= 'a' && c <= 'z'; }
bool IsUpper(char c) { return c >= 'A' && c <= 'Z'; }
bool IsAlnum(char c) { return IsDigit(c) || IsLower(c) || IsUpper(c); }
bool IsHex(char c) { return IsDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
char ToLower(char c) { return IsUpper(c) ? static_cast<char>(c - 'A' + 'a') : c; }

// The raw input for an error message: printable ASCII as is, `"` and `\` escaped, every other
// byte as \xNN (no newline or terminal escape reaches a log), cut once the quote reaches
// `limit` characters.
std::string QuoteForMessage(std::string_view raw, size_t limit) {
  std::string out;
  size_t i = 0;
  for (; i < raw.size() && out.size() < limit; ++i) {
    const auto c = static_cast<unsigned char>(raw[i]);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20 || c >= 0x7f) {
      char buf[5];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
  }
  if (i < raw.size()) out += "...(" + std::to_string(raw.size()) + " bytes)";
  return out;
}

Status Reason(std::string reason) { return InvalidArgumentError(std::move(reason)); }

std::string Quoted(char c) { return std::string("'") + c + "'"; }

// Space, control characters, DEL and every non-ASCII byte: none occurs in any part of the
// grammar, so rejecting them up front keeps the per-part messages simple.
Status CheckBytes(std::string_view raw) {
  for (size_t i = 0; i < raw.size(); ++i) {
    const auto c = static_cast<unsigned char>(raw[i]);
    if (c <= 0x20 || c >= 0x7f) {
      char buf[64];
      std::snprintf(buf, sizeof buf, "byte 0x%02x at offset %zu is not allowed", c, i);
      return Reason(buf);
    }
  }
  return Status::Ok();
}

// digest := "sha256:" 64 hex. Returns the digest with lower-case hex in *out.
Status ParseDigest(std::string_view d, std::string* out) {
  if (d.empty()) return Reason("empty digest after '@'");
  if (d.find('@') != std::string_view::npos) return Reason("more than one '@'");
  const size_t colon = d.find(':');
  if (colon == std::string_view::npos) return Reason("digest must be <algorithm>:<hex>");
  const std::string_view algo = d.substr(0, colon);
  const std::string_view hex = d.substr(colon + 1);
  if (algo.empty()) return Reason("digest algorithm is empty");
  if (algo != "sha256") {
    return Reason("digest algorithm " + QuoteForMessage(algo, kMaxQuotedPart) +
                  " is not supported, use sha256");
  }
  if (hex.size() != kSha256HexLength) {
    return Reason("sha256 digest must have 64 hex characters, got " + std::to_string(hex.size()));
  }
  std::string lower = "sha256:";
  for (char c : hex) {
    if (!IsHex(c)) return Reason("digest contains the non-hex character " + Quoted(c));
    lower += ToLower(c);
  }
  *out = std::move(lower);
  return Status::Ok();
}

// tag := [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}
Status CheckTag(std::string_view tag) {
  if (tag.empty()) return Reason("empty tag after ':'");
  if (tag.size() > kMaxTagLength) {
    return Reason("tag is " + std::to_string(tag.size()) + " characters, the limit is 128");
  }
  for (size_t i = 0; i < tag.size(); ++i) {
    const char c = tag[i];
    const bool ok = IsAlnum(c) || c == '_' || (i > 0 && (c == '.' || c == '-'));
    if (!ok) return Reason("tag contains " + Quoted(c) + " at position " + std::to_string(i));
  }
  return Status::Ok();
}

// label := [a-zA-Z0-9] | [a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9], labels joined by '.'.
Status CheckDnsName(std::string_view host) {
  size_t label_start = 0;
  for (size_t i = 0; i <= host.size(); ++i) {
    if (i == host.size() || host[i] == '.') {
      const std::string_view label = host.substr(label_start, i - label_start);
      if (label.empty()) return Reason("registry host has an empty label");
      if (label.front() == '-' || label.back() == '-') {
        return Reason("registry host label \"" + QuoteForMessage(label, kMaxQuotedPart) +
                      "\" starts or ends with '-'");
      }
      label_start = i + 1;
    } else if (!IsAlnum(host[i]) && host[i] != '-') {
      return Reason("registry host contains " + Quoted(host[i]));
    }
  }
  return Status::Ok();
}

// domain := ( dns-name | "[" [0-9A-Fa-f:]+ "]" ) [ ":" [0-9]+ ]
Status CheckDomain(std::string_view domain) {
  std::string_view host = domain, port;
  bool has_port = false;
  if (!domain.empty() && domain.front() == '[') {
    const size_t close = domain.find(']');
    if (close == std::string_view::npos) return Reason("registry IPv6 address lacks ']'");
    const std::string_view addr = domain.substr(1, close - 1);
    if (addr.empty()) return Reason("registry IPv6 address is empty");
    for (char c : addr) {
      if (!IsHex(c) && c != ':') return Reason("registry IPv6 address contains " + Quoted(c));
    }
    host = domain.substr(0, close + 1);
    const std::string_view rest = domain.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') return Reason("unexpected characters after registry IPv6 address");
      has_port = true;
      port = rest.substr(1);
    }
  } else {
    const size_t colon = domain.find(':');
    if (colon != std::string_view::npos) {
      host = domain.substr(0, colon);
      port = domain.substr(colon + 1);
      has_port = true;
    }
    CN_RETURN_IF_ERROR(CheckDnsName(host));
  }
  if (has_port) {
    if (port.empty()) return Reason("registry port is empty");
    unsigned long value = 0;
    for (char c : port) {
      if (!IsDigit(c)) return Reason("registry port contains " + Quoted(c));
      value = value * 10 + static_cast<unsigned long>(c - '0');
      if (value > 65535)
        return Reason("registry port " + QuoteForMessage(port, kMaxQuotedPart) +
                      " is out of range");
    }
  }
  return Status::Ok();
}

// path-comp := [a-z0-9]+ ( ( "." | "_" | "__" | "-"+ ) [a-z0-9]+ )*
Status CheckPathComponent(std::string_view comp) {
  if (comp.empty()) return Reason("repository path has an empty component");
  size_t i = 0;
  while (i < comp.size()) {
    // A run of [a-z0-9]+, required at the start and after every separator.
    const size_t run_start = i;
    while (i < comp.size() && (IsLower(comp[i]) || IsDigit(comp[i]))) ++i;
    if (i == run_start) {
      if (IsUpper(comp[i])) return Reason("repository path must be lower case");
      return Reason("repository path component \"" + QuoteForMessage(comp, kMaxQuotedPart) +
                    "\" has " + Quoted(comp[i]) + " where a letter or digit is required");
    }
    if (i == comp.size()) break;
    // A separator: ".", "_", "__" or "-"+, which must be followed by another run.
    const char sep = comp[i];
    if (sep == '.') {
      ++i;
    } else if (sep == '_') {
      ++i;
      if (i < comp.size() && comp[i] == '_') ++i;
    } else if (sep == '-') {
      while (i < comp.size() && comp[i] == '-') ++i;
    } else if (IsUpper(sep)) {
      return Reason("repository path must be lower case");
    } else {
      return Reason("repository path contains " + Quoted(sep));
    }
    if (i == comp.size()) {
      return Reason("repository path component \"" + QuoteForMessage(comp, kMaxQuotedPart) +
                    "\" ends with " + Quoted(sep));
    }
  }
  return Status::Ok();
}

// The first component names a registry iff it contains '.' or ':', is "localhost", or holds an
// upper-case letter (path components never do). docs/policy-lua.md "image" explains the localhost
// choice.
bool LooksLikeRegistry(std::string_view first) {
  if (first == "localhost") return true;
  for (char c : first) {
    if (c == '.' || c == ':' || IsUpper(c)) return true;
  }
  return false;
}

}  // namespace

StatusOr<ImageReference> ImageReference::Parse(std::string_view raw) {
  ImageReference ref;
  Status s = ref.ParseInto(raw);
  if (!s.ok()) {
    return InvalidArgumentError("invalid image reference \"" +
                                QuoteForMessage(raw, kMaxQuotedInput) + "\": " + s.message());
  }
  return ref;
}

Status ImageReference::ParseInto(std::string_view raw) {
  if (raw.empty()) return Reason("empty reference");
  CN_RETURN_IF_ERROR(CheckBytes(raw));

  // reference := name [ ":" tag ] [ "@" digest ]; neither name nor tag may hold '@'.
  std::string_view rest = raw;
  const size_t at = raw.find('@');
  if (at != std::string_view::npos) {
    std::string digest;
    CN_RETURN_IF_ERROR(ParseDigest(raw.substr(at + 1), &digest));
    digest_ = std::move(digest);
    rest = raw.substr(0, at);
  }
  // A ':' after the last '/' starts the tag; earlier ones belong to the registry's port.
  const size_t last_slash = rest.rfind('/');
  const size_t last_colon = rest.rfind(':');
  if (last_colon != std::string_view::npos &&
      (last_slash == std::string_view::npos || last_colon > last_slash)) {
    const std::string_view tag = rest.substr(last_colon + 1);
    CN_RETURN_IF_ERROR(CheckTag(tag));
    tag_ = std::string(tag);
    rest = rest.substr(0, last_colon);
  }

  const std::string_view full_name = rest;
  if (full_name.empty()) return Reason("missing repository name");
  std::string_view domain, path = full_name;
  const size_t first_slash = full_name.find('/');
  if (first_slash != std::string_view::npos &&
      LooksLikeRegistry(full_name.substr(0, first_slash))) {
    domain = full_name.substr(0, first_slash);
    path = full_name.substr(first_slash + 1);
    CN_RETURN_IF_ERROR(CheckDomain(domain));
  }
  size_t comp_start = 0;
  for (size_t i = 0; i <= path.size(); ++i) {
    if (i == path.size() || path[i] == '/') {
      CN_RETURN_IF_ERROR(CheckPathComponent(path.substr(comp_start, i - comp_start)));
      comp_start = i + 1;
    }
  }

  raw_ = std::string(raw);
  // Host names are case-insensitive: `REG.example.com/x` is pulled from reg.example.com, so it
  // must also match the rules written for reg.example.com (a rule that denies or pins a
  // registry could otherwise be sidestepped by changing the case of its name). A name whose
  // only registry mark is its upper case (`Registry/x`) keeps it: lowered, it would name a
  // Docker Hub repository instead, and the normalised form would no longer parse to itself.
  std::string host(domain);
  for (char& c : host) c = ToLower(c);
  if (LooksLikeRegistry(host)) domain = host;
  if (domain.empty() || domain == kDockerHub || domain == "index.docker.io") {
    registry_ = std::string(kDockerHub);
    // Official images live under library/: `nginx` is docker.io/library/nginx.
    repository_ = path.find('/') == std::string_view::npos ? "library/" + std::string(path)
                                                           : std::string(path);
  } else {
    registry_ = std::string(domain);
    repository_ = std::string(path);
  }
  normalized_ = name();
  if (normalized_.size() > kMaxNameLength) {
    return Reason("normalised name is " + std::to_string(normalized_.size()) +
                  " characters, the limit is 255");
  }
  if (!tag_ && !digest_) tag_ = "latest";
  if (tag_) normalized_ += ":" + *tag_;
  if (digest_) normalized_ += "@" + *digest_;
  return Status::Ok();
}

std::string ImageReference::WithDigest(std::string_view digest) const {
  std::string out = name();
  if (tag_) out += ":" + *tag_;
  out += "@";
  out += digest;
  return out;
}

}  // namespace connaisseur::image
