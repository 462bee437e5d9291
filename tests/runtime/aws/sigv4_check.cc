#include "tests/runtime/aws/sigv4_check.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <ctime>
#include <iomanip>
#include <map>
#include <sstream>
#include <vector>

#include "runtime/crypto/digest.h"
#include "runtime/crypto/encoding.h"
#include "runtime/join.h"

namespace connaisseur::testing {
namespace {

SigV4Result Reject(std::string type, std::string message) {
  return SigV4Result{"", SigV4Rejection{std::move(type), std::move(message)}};
}

std::vector<std::string> Split(std::string_view s, char sep) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (true) {
    size_t end = s.find(sep, start);
    parts.emplace_back(s.substr(start, end == std::string_view::npos ? end : end - start));
    if (end == std::string_view::npos) return parts;
    start = end + 1;
  }
}

std::string Trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return std::string(s);
}

// Header value as SigV4 canonicalises it: trimmed, runs of spaces collapsed to one.
std::string CanonicalValue(std::string_view value) {
  std::string out;
  for (char c : Trim(value)) {
    if (c == ' ' && !out.empty() && out.back() == ' ') continue;
    out += c;
  }
  return out;
}

std::string UriEncode(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

std::string UriDecode(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    int byte = 0;
    if (s[i] == '%' && i + 2 < s.size() &&
        std::from_chars(s.data() + i + 1, s.data() + i + 3, byte, 16).ptr == s.data() + i + 3) {
      out += static_cast<char>(byte);
      i += 2;
    } else {
      out += s[i] == '+' ? ' ' : s[i];
    }
  }
  return out;
}

// name=value pairs sorted by name then value, each URI-encoded.
std::string CanonicalQuery(std::string_view query) {
  if (query.empty()) return "";
  std::vector<std::pair<std::string, std::string>> pairs;
  for (const std::string& part : Split(query, '&')) {
    size_t eq = part.find('=');
    pairs.emplace_back(UriEncode(UriDecode(part.substr(0, eq))),
                       eq == std::string::npos ? "" : UriEncode(UriDecode(part.substr(eq + 1))));
  }
  std::sort(pairs.begin(), pairs.end());
  std::vector<std::string> joined;
  for (const auto& [k, v] : pairs) joined.push_back(k + "=" + v);
  return Join(joined, "&");
}

// "20261203T103456Z" as a time point; nullopt when malformed.
std::optional<std::chrono::system_clock::time_point> ParseAmzDate(std::string_view s) {
  if (s.size() != 16 || s[8] != 'T' || s[15] != 'Z') return std::nullopt;
  std::tm tm{};
  std::istringstream in{std::string(s)};
  in >> std::get_time(&tm, "%Y%m%dT%H%M%SZ");
  if (in.fail()) return std::nullopt;
  return std::chrono::system_clock::from_time_t(timegm(&tm));
}

struct Authorization {
  std::string access_key_id, date, region, service, terminator;
  std::vector<std::string> signed_headers;
  std::string signature;
};

std::optional<Authorization> ParseAuthorization(std::string_view header) {
  constexpr std::string_view kAlgorithm = "AWS4-HMAC-SHA256 ";
  if (!header.starts_with(kAlgorithm)) return std::nullopt;
  Authorization a;
  for (const std::string& field : Split(header.substr(kAlgorithm.size()), ',')) {
    std::string f = Trim(field);
    size_t eq = f.find('=');
    if (eq == std::string::npos) return std::nullopt;
    std::string name = f.substr(0, eq), value = f.substr(eq + 1);
    if (name == "Credential") {
      std::vector<std::string> scope = Split(value, '/');
      if (scope.size() != 5) return std::nullopt;
      a.access_key_id = scope[0];
      a.date = scope[1];
      a.region = scope[2];
      a.service = scope[3];
      a.terminator = scope[4];
    } else if (name == "SignedHeaders") {
      a.signed_headers = Split(value, ';');
    } else if (name == "Signature") {
      a.signature = value;
    }
  }
  if (a.access_key_id.empty() || a.signed_headers.empty() || a.signature.empty()) {
    return std::nullopt;
  }
  return a;
}

std::string RawHmac(std::string_view key, std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), out, &len);
  return std::string(reinterpret_cast<const char*>(out), len);
}

std::string FormatAmzDate(std::chrono::system_clock::time_point t) {
  std::time_t tt = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &tm);
  return buf;
}

}  // namespace

std::string HmacSha256(std::string_view key, std::string_view data) {
  return crypto::HexEncode(RawHmac(key, data));
}

std::string SigV4SigningKey(std::string_view secret, std::string_view date, std::string_view region,
                            std::string_view service) {
  std::string key = RawHmac("AWS4" + std::string(secret), date);
  key = RawHmac(key, region);
  key = RawHmac(key, service);
  return RawHmac(key, "aws4_request");
}

std::string Sha256HexOf(std::string_view data) { return crypto::Sha256Hex(data); }

SigV4Result CheckSigV4(const TestRequest& request, const SigV4Expectation& expect) {
  const std::string* header = request.Header("authorization");
  if (header == nullptr) {
    return Reject("MissingAuthenticationTokenException", "Missing Authentication Token");
  }
  std::optional<Authorization> auth = ParseAuthorization(*header);
  if (!auth) {
    return Reject("IncompleteSignatureException",
                  "Authorization header requires Credential, SignedHeaders and Signature");
  }
  std::optional<std::string> secret = expect.secret_for(auth->access_key_id);
  if (!secret) {
    return Reject("UnrecognizedClientException",
                  "The security token included in the request is invalid.");
  }
  if (auth->region != expect.region) {
    return Reject("InvalidSignatureException",
                  "Credential should be scoped to a valid region, not '" + auth->region + "'.");
  }
  if (auth->service != expect.service || auth->terminator != "aws4_request") {
    return Reject("InvalidSignatureException",
                  "Credential should be scoped to correct service: '" + expect.service + "'.");
  }
  const std::string* amz_date = request.Header("x-amz-date");
  auto when = amz_date ? ParseAmzDate(*amz_date) : std::nullopt;
  if (!when || amz_date->substr(0, 8) != auth->date) {
    return Reject("IncompleteSignatureException",
                  "X-Amz-Date is missing, malformed or does not "
                  "match the credential scope date");
  }
  const auto now = std::chrono::system_clock::now();
  if (*when < now - expect.max_skew || *when > now + expect.max_skew) {
    return Reject("InvalidSignatureException", "Signature expired: " + *amz_date +
                                                   " is now earlier than " +
                                                   FormatAmzDate(now - expect.max_skew) + " (" +
                                                   FormatAmzDate(now) + " - 15 min.)");
  }
  std::vector<std::string> must = expect.must_sign;
  must.insert(must.end(), {"host", "x-amz-date"});
  for (const std::string& name : must) {
    const bool present = request.Header(name) != nullptr;
    const bool is_signed = std::find(auth->signed_headers.begin(), auth->signed_headers.end(),
                                     name) != auth->signed_headers.end();
    if (present && !is_signed) {
      return Reject("InvalidSignatureException", "'" + name + "' must be a signed header");
    }
  }
  if (!std::is_sorted(auth->signed_headers.begin(), auth->signed_headers.end())) {
    return Reject("InvalidSignatureException", "SignedHeaders are not sorted");
  }
  std::string canonical_headers;
  for (const std::string& name : auth->signed_headers) {
    std::vector<std::string> values;
    for (const auto& [n, v] : request.headers) {
      if (n == name) values.push_back(CanonicalValue(v));
    }
    if (values.empty()) {
      return Reject("InvalidSignatureException", "signed header '" + name + "' is missing");
    }
    canonical_headers += name + ":" + Join(values, ",") + "\n";
  }
  const std::string signed_list = Join(auth->signed_headers, ";");
  const std::string canonical_request = request.method + "\n" +
                                        (request.path.empty() ? "/" : request.path) + "\n" +
                                        CanonicalQuery(request.query) + "\n" + canonical_headers +
                                        "\n" + signed_list + "\n" + Sha256HexOf(request.body);
  const std::string scope = auth->date + "/" + auth->region + "/" + auth->service + "/aws4_request";
  const std::string string_to_sign =
      "AWS4-HMAC-SHA256\n" + *amz_date + "\n" + scope + "\n" + Sha256HexOf(canonical_request);
  const std::string key = SigV4SigningKey(*secret, auth->date, auth->region, auth->service);
  const std::string expected = HmacSha256(key, string_to_sign);
  if (expected.size() != auth->signature.size() ||
      CRYPTO_memcmp(expected.data(), auth->signature.data(), expected.size()) != 0) {
    return Reject("InvalidSignatureException",
                  "The request signature we calculated does not match the signature you "
                  "provided. Check your AWS Secret Access Key and signing method.");
  }
  return SigV4Result{auth->access_key_id, std::nullopt};
}

}  // namespace connaisseur::testing
