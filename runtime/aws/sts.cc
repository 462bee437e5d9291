#include "runtime/aws/sts.h"

#include <charconv>
#include <ctime>

#include "runtime/net/url.h"

namespace connaisseur::aws {
namespace {

constexpr size_t kMaxStsAnswer = 64u << 10;
constexpr size_t kMaxShownError = 300;

// The text of the only <name>…</name> element inside `xml`, entities decoded. nullopt when it
// is absent; kInvalidArgument when repeated or holding markup or an unknown entity.
StatusOr<std::optional<std::string>> ElementText(std::string_view xml, std::string_view name) {
  const std::string open = "<" + std::string(name) + ">";
  const std::string close = "</" + std::string(name) + ">";
  const size_t start = xml.find(open);
  if (start == std::string_view::npos) return std::optional<std::string>();
  const size_t end = xml.find(close, start + open.size());
  if (end == std::string_view::npos)
    return InvalidArgumentError("<" + std::string(name) + "> not closed");
  if (xml.find(open, end) != std::string_view::npos) {
    return InvalidArgumentError("<" + std::string(name) + "> appears twice");
  }
  std::string_view raw = xml.substr(start + open.size(), end - start - open.size());
  std::string text;
  for (size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] == '<') return InvalidArgumentError("<" + std::string(name) + "> holds markup");
    if (raw[i] != '&') {
      text += raw[i];
      continue;
    }
    static constexpr std::pair<std::string_view, char> kEntities[] = {
        {"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&apos;", '\''}};
    bool known = false;
    for (const auto& [entity, c] : kEntities) {
      if (raw.substr(i, entity.size()) == entity) {
        text += c;
        i += entity.size() - 1;
        known = true;
        break;
      }
    }
    if (!known) return InvalidArgumentError("<" + std::string(name) + "> holds an unknown entity");
  }
  return std::optional<std::string>(std::move(text));
}

StatusOr<std::string> RequiredText(std::string_view xml, std::string_view name) {
  CN_ASSIGN_OR_RETURN(std::optional<std::string> text, ElementText(xml, name));
  if (!text || text->empty()) return InvalidArgumentError("no <" + std::string(name) + ">");
  return std::move(*text);
}

// Reads exactly `n` digits at `pos`.
bool Digits(std::string_view s, size_t pos, size_t n, int* out) {
  if (pos + n > s.size()) return false;
  auto [end, ec] = std::from_chars(s.data() + pos, s.data() + pos + n, *out);
  return ec == std::errc() && end == s.data() + pos + n;
}

std::string Shorten(std::string_view text) {
  std::string out;
  for (char c : text.substr(0, kMaxShownError)) {
    out += (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) ? ' ' : c;
  }
  return text.size() > kMaxShownError ? out + "..." : out;
}

constexpr int kFirstYear = 1970;
constexpr int kLastYear = 2200;

}  // namespace

StatusOr<std::chrono::system_clock::time_point> ParseIso8601Utc(std::string_view text) {
  std::tm tm{};
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  const bool shape = text.size() >= 20 && text[4] == '-' && text[7] == '-' && text[10] == 'T' &&
                     text[13] == ':' && text[16] == ':' && text.back() == 'Z';
  if (!shape || !Digits(text, 0, 4, &year) || !Digits(text, 5, 2, &month) ||
      !Digits(text, 8, 2, &day) || !Digits(text, 11, 2, &hour) || !Digits(text, 14, 2, &minute) ||
      !Digits(text, 17, 2, &second)) {
    return InvalidArgumentError("not an ISO 8601 UTC time");
  }
  std::string_view fraction = text.substr(19, text.size() - 20);
  if (!fraction.empty()) {
    int ignored = 0;
    if (fraction.size() < 2 || fraction[0] != '.' ||
        !Digits(fraction, 1, std::min<size_t>(fraction.size() - 1, 9), &ignored) ||
        fraction.size() > 10) {
      return InvalidArgumentError("not an ISO 8601 UTC time");
    }
  }
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) {
    return InvalidArgumentError("not an ISO 8601 UTC time");
  }
  // system_clock counts nanoseconds in 64 bits: 1678 to 2262. An expiry outside these years is
  // nonsense from STS anyway, and converting it would overflow.
  if (year < kFirstYear || year > kLastYear) {
    return InvalidArgumentError("ISO 8601 time outside the years " + std::to_string(kFirstYear) +
                                " to " + std::to_string(kLastYear));
  }
  tm.tm_year = year - 1900;
  tm.tm_mon = month - 1;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  tm.tm_min = minute;
  tm.tm_sec = second;
  return std::chrono::system_clock::from_time_t(timegm(&tm));
}

StatusOr<Credentials> ParseAssumeRoleWithWebIdentityResponse(std::string_view xml) {
  const size_t open = xml.find("<Credentials>");
  const size_t close = xml.find("</Credentials>");
  if (open == std::string_view::npos || close == std::string_view::npos || close < open ||
      xml.find("<Credentials>", open + 1) != std::string_view::npos) {
    return InvalidArgumentError("STS answer: not exactly one <Credentials> element");
  }
  const std::string_view block = xml.substr(open, close - open);
  Credentials c;
  auto read = [&](std::string_view name, std::string* out) -> Status {
    auto text = RequiredText(block, name);
    if (!text.ok()) return text.status().WithPrefix("STS answer");
    *out = std::move(text).value();
    return Status::Ok();
  };
  CN_RETURN_IF_ERROR(read("AccessKeyId", &c.access_key_id));
  CN_RETURN_IF_ERROR(read("SecretAccessKey", &c.secret_access_key));
  CN_RETURN_IF_ERROR(read("SessionToken", &c.session_token));
  std::string expiration;
  CN_RETURN_IF_ERROR(read("Expiration", &expiration));
  auto when = ParseIso8601Utc(expiration);
  if (!when.ok()) return when.status().WithPrefix("STS answer: <Expiration>");
  c.expiration = *when;
  return c;
}

std::string StsErrorSummary(std::string_view xml) {
  if (xml.find("<ErrorResponse") == std::string_view::npos) return "";
  auto code = ElementText(xml, "Code");
  auto message = ElementText(xml, "Message");
  std::string out = code.ok() && *code ? **code : "unknown error";
  if (message.ok() && *message) out += ": " + **message;
  return Shorten(out);
}

StatusOr<Credentials> AssumeRoleWithWebIdentity(const net::HttpClient& http,
                                                std::string_view sts_url,
                                                const WebIdentityRequest& request,
                                                Deadline deadline) {
  const std::string where = "STS AssumeRoleWithWebIdentity for role " + request.role_arn;
  net::HttpRequest post;
  post.method = "POST";
  post.url = std::string(sts_url);
  if (post.url.empty() || post.url.back() != '/') post.url += '/';
  post.headers = {{"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"},
                  {"Accept", "text/xml"}};
  post.body = "Action=AssumeRoleWithWebIdentity&Version=2011-06-15&RoleArn=" +
              net::UrlEscape(request.role_arn) +
              "&RoleSessionName=" + net::UrlEscape(request.session_name) +
              "&WebIdentityToken=" + net::UrlEscape(request.token);
  post.max_body_bytes = kMaxStsAnswer;
  post.deadline = deadline;
  auto response = http.Send(post);
  if (!response.ok()) return response.status().WithPrefix(where);
  if (response->status != 200) {
    std::string summary = StsErrorSummary(response->body);
    if (summary.empty()) summary = Shorten(response->body);
    const std::string message = where + ": HTTP " + std::to_string(response->status) +
                                (summary.empty() ? "" : " ") + summary;
    return response->status >= 400 && response->status < 500 ? PermissionDeniedError(message)
                                                             : UnavailableError(message);
  }
  auto credentials = ParseAssumeRoleWithWebIdentityResponse(response->body);
  if (!credentials.ok()) return credentials.status().WithPrefix(where);
  return credentials;
}

}  // namespace connaisseur::aws
