#include "validators/cosign/in_toto_statement.h"

#include <algorithm>
#include <cctype>

namespace connaisseur::cosign {

namespace {

using nlohmann::json;

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// subject: a non-empty list; each entry an object with a `digest` map of strings. Entries
// without a sha256 are kept out of `out` (other algorithms never name an OCI image here).
Status ParseSubjects(const json& doc, std::vector<std::string>& out) {
  auto subjects = doc.find("subject");
  if (subjects == doc.end() || !subjects->is_array() || subjects->empty()) {
    return InvalidArgumentError("statement.subject is not a non-empty list");
  }
  for (size_t i = 0; i < subjects->size(); ++i) {
    const json& s = (*subjects)[i];
    const std::string where = "statement.subject[" + std::to_string(i) + "]";
    if (!s.is_object()) return InvalidArgumentError(where + " is not an object");
    auto digest = s.find("digest");
    if (digest == s.end() || !digest->is_object()) {
      return InvalidArgumentError(where + ".digest is not a map");
    }
    for (const auto& [algorithm, value] : digest->items()) {
      if (!value.is_string()) {
        return InvalidArgumentError(where + ".digest." + algorithm + " is not a string");
      }
      if (algorithm == "sha256") out.push_back(Lower(value.get<std::string>()));
    }
  }
  return Status::Ok();
}

// Whether `j` nests deeper than `limit` levels (recursion bounded by `limit`).
bool NestsDeeperThan(const json& j, int limit) {
  if (!j.is_structured()) return false;
  if (limit == 0) return true;
  for (const auto& child : j) {
    if (NestsDeeperThan(child, limit - 1)) return true;
  }
  return false;
}

}  // namespace

StatusOr<InTotoStatement> InTotoStatement::Parse(std::string_view text) {
  json doc = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object()) {
    return InvalidArgumentError("in-toto statement is not a JSON object");
  }
  InTotoStatement st;
  auto type = doc.find("_type");
  if (type == doc.end() || !type->is_string() ||
      (*type != kInTotoStatementV1 && *type != kInTotoStatementV01)) {
    return InvalidArgumentError("statement._type is not an in-toto Statement v0.1 or v1");
  }
  st.type = type->get<std::string>();
  CN_RETURN_IF_ERROR(ParseSubjects(doc, st.subject_sha256s));
  auto predicate_type = doc.find("predicateType");
  if (predicate_type == doc.end() || !predicate_type->is_string() ||
      predicate_type->get_ref<const std::string&>().empty()) {
    return InvalidArgumentError("statement.predicateType is not a non-empty string");
  }
  st.predicate_type = predicate_type->get<std::string>();
  auto predicate = doc.find("predicate");
  if (predicate != doc.end() && !predicate->is_null()) {
    if (!predicate->is_object())
      return InvalidArgumentError("statement.predicate is not an object");
    if (NestsDeeperThan(*predicate, kMaxPredicateDepth)) {
      return InvalidArgumentError("statement.predicate nests deeper than " +
                                  std::to_string(kMaxPredicateDepth) + " levels");
    }
    st.predicate = std::move(*predicate);
  }
  return st;
}

bool InTotoStatement::NamesDigest(std::string_view image_digest) const {
  if (image_digest.rfind("sha256:", 0) != 0) return false;
  const std::string want = Lower(image_digest.substr(7));
  return std::find(subject_sha256s.begin(), subject_sha256s.end(), want) != subject_sha256s.end();
}

std::string PeekPredicateType(std::string_view payload) {
  const json doc = json::parse(payload, nullptr, /*allow_exceptions=*/false);
  if (!doc.is_object()) return "";
  auto it = doc.find("predicateType");
  return it != doc.end() && it->is_string() ? it->get<std::string>() : "";
}

std::string MakeInTotoStatement(std::string_view subject_name, std::string_view image_digest,
                                std::string_view predicate_type, const nlohmann::json& predicate) {
  const std::string hex(image_digest.rfind("sha256:", 0) == 0 ? image_digest.substr(7)
                                                              : image_digest);
  json statement = json::object();
  statement["_type"] = kInTotoStatementV01;
  statement["predicateType"] = predicate_type;
  statement["subject"] =
      json::array({{{"name", std::string(subject_name)}, {"digest", {{"sha256", hex}}}}});
  statement["predicate"] = predicate;
  return statement.dump();
}

}  // namespace connaisseur::cosign
