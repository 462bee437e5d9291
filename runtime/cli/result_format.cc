#include "runtime/cli/result_format.h"

#include <algorithm>
#include <array>

namespace connaisseur::cli {
namespace {

// Length of the valid UTF-8 sequence starting at s[i], or 0 when the byte starts none.
size_t Utf8SequenceLength(std::string_view s, size_t i) {
  const auto b = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char c = b(i);
  size_t len = 0;
  if (c < 0x80) return 1;
  if (c >= 0xC2 && c <= 0xDF)
    len = 2;
  else if (c >= 0xE0 && c <= 0xEF)
    len = 3;
  else if (c >= 0xF0 && c <= 0xF4)
    len = 4;
  else
    return 0;
  if (i + len > s.size()) return 0;
  for (size_t k = 1; k < len; ++k) {
    if ((b(i + k) & 0xC0) != 0x80) return 0;
  }
  // Overlong forms, surrogates and code points above U+10FFFF.
  if (c == 0xE0 && b(i + 1) < 0xA0) return 0;
  if (c == 0xED && b(i + 1) > 0x9F) return 0;
  if (c == 0xF0 && b(i + 1) < 0x90) return 0;
  if (c == 0xF4 && b(i + 1) > 0x8F) return 0;
  return len;
}

void AppendOptional(const std::optional<std::string>& value, std::string* out) {
  if (value) {
    AppendJsonString(*value, out);
  } else {
    out->append("null");
  }
}

// Printable form of a table cell: control bytes become '?', and a cell longer than `width` is
// cut with "...".
std::string Cell(std::string_view text, size_t width) {
  std::string cell;
  cell.reserve(std::min(text.size(), width));
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    cell.push_back(u < 0x20 || u == 0x7F ? '?' : c);
  }
  if (cell.size() > width) cell = cell.substr(0, width - 3) + "...";
  return cell;
}

}  // namespace

std::string_view VerdictName(Verdict v) {
  switch (v) {
    case Verdict::kAllow:
      return "allow";
    case Verdict::kPlan:
      return "plan";
    case Verdict::kDeny:
      break;
  }
  return "deny";
}

void AppendJsonString(std::string_view text, std::string* out) {
  static constexpr char kHex[] = "0123456789abcdef";
  out->push_back('"');
  for (size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x80) {
      const size_t len = Utf8SequenceLength(text, i);
      if (len == 0) {
        out->append("\xEF\xBF\xBD");  // U+FFFD for a byte that is not UTF-8
        ++i;
      } else {
        out->append(text.substr(i, len));
        i += len;
      }
      continue;
    }
    switch (c) {
      case '"':
        out->append("\\\"");
        break;
      case '\\':
        out->append("\\\\");
        break;
      case '\n':
        out->append("\\n");
        break;
      case '\r':
        out->append("\\r");
        break;
      case '\t':
        out->append("\\t");
        break;
      default:
        if (c < 0x20 || c == 0x7F) {
          out->append("\\u00");
          out->push_back(kHex[c >> 4]);
          out->push_back(kHex[c & 0xF]);
        } else {
          out->push_back(static_cast<char>(c));
        }
    }
    ++i;
  }
  out->push_back('"');
}

namespace {

// `{"file":…,"line":…,"kind":…,"namespace":…,"name":…,"path":…}`, or null for none; an unset
// namespace or name is null.
void AppendOrigin(const std::optional<ImageOrigin>& origin, std::string* out) {
  if (!origin) {
    out->append("null");
    return;
  }
  auto optional = [](const std::string& s) {
    return s.empty() ? std::nullopt : std::optional<std::string>(s);
  };
  out->append("{\"file\":");
  AppendJsonString(origin->file, out);
  out->append(",\"line\":");
  out->append(std::to_string(origin->line));
  out->append(",\"kind\":");
  AppendJsonString(origin->kind, out);
  out->append(",\"namespace\":");
  AppendOptional(optional(origin->namespace_name), out);
  out->append(",\"name\":");
  AppendOptional(optional(origin->name), out);
  out->append(",\"path\":");
  AppendJsonString(origin->path, out);
  out->push_back('}');
}

}  // namespace

void AppendJsonObject(const CheckResult& r, std::string* out) {
  out->append("{\"image\":");
  AppendJsonString(r.image, out);
  out->append(",\"normalized\":");
  AppendOptional(r.normalized, out);
  out->append(",\"rule\":");
  AppendOptional(r.rule, out);
  out->append(",\"validator\":");
  AppendOptional(r.validator, out);
  out->append(",\"verdict\":\"");
  out->append(VerdictName(r.verdict));
  out->append("\",\"digest\":");
  AppendOptional(r.digest, out);
  out->append(",\"reason\":");
  AppendJsonString(r.reason, out);
  out->append(",\"source\":");
  AppendOrigin(r.origin, out);
  out->push_back('}');
}

namespace {

// "Deployment prod/web", "Pod web" (no namespace set), "Job" (no name either).
std::string ObjectCell(const ImageOrigin& o) {
  std::string cell = o.kind;
  if (!o.name.empty()) {
    cell += " ";
    if (!o.namespace_name.empty()) cell += o.namespace_name + "/";
    cell += o.name;
  }
  return cell;
}

std::vector<std::string> TableRow(const CheckResult& r, bool with_origin) {
  constexpr size_t kMaxWidth = 60;  // keeps a row on a wide terminal; REASON is not cut
  std::vector<std::string> row = {std::string(VerdictName(r.verdict)), Cell(r.image, kMaxWidth)};
  if (with_origin) {
    if (r.origin) {
      row.push_back(Cell(r.origin->file + ":" + std::to_string(r.origin->line), kMaxWidth));
      row.push_back(Cell(ObjectCell(*r.origin), kMaxWidth));
      row.push_back(Cell(r.origin->path, kMaxWidth));
    } else {
      row.insert(row.end(), 3, "-");
    }
  }
  row.push_back(Cell(r.rule.value_or("-"), kMaxWidth));
  row.push_back(Cell(r.validator.value_or("-"), kMaxWidth));
  row.push_back(Cell(r.reason, 4096));
  return row;
}

}  // namespace

std::string RenderTable(const std::vector<CheckResult>& results) {
  const bool with_origin = std::any_of(results.begin(), results.end(),
                                       [](const CheckResult& r) { return r.origin.has_value(); });
  std::vector<std::string> headers = {"VERDICT", "IMAGE"};
  if (with_origin) headers.insert(headers.end(), {"FILE", "OBJECT", "PATH"});
  headers.insert(headers.end(), {"RULE", "VALIDATOR", "REASON"});
  std::vector<std::vector<std::string>> rows;
  rows.reserve(results.size());
  std::vector<size_t> widths(headers.size());
  for (size_t k = 0; k < headers.size(); ++k) widths[k] = headers[k].size();
  for (const CheckResult& r : results) {
    std::vector<std::string> row = TableRow(r, with_origin);
    for (size_t k = 0; k < row.size(); ++k) widths[k] = std::max(widths[k], row[k].size());
    rows.push_back(std::move(row));
  }
  std::string out;
  auto append_row = [&](const std::vector<std::string>& cells) {
    for (size_t k = 0; k < cells.size(); ++k) {
      out.append(cells[k]);
      if (k + 1 < cells.size()) out.append(widths[k] - cells[k].size() + 2, ' ');
    }
    out.push_back('\n');
  };
  append_row(headers);
  for (const auto& row : rows) append_row(row);
  return out;
}

}  // namespace connaisseur::cli
