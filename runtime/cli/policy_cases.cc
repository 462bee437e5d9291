#include "runtime/cli/policy_cases.h"

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "runtime/config/yaml_document.h"

namespace connaisseur::cli {
namespace {

using nlohmann::json;

const std::set<std::string> kCaseKeys = {"name",   "image",     "object", "review",
                                         "verify", "namespace", "expect", "namespace_labels"};
const std::set<std::string> kImageExpectations = {"verdict", "rule", "validator", "digest",
                                                  "message"};
const std::set<std::string> kReviewExpectations = {"allowed", "patched", "warning", "message"};

// Collects the problems of one file, each "<source>:<line>: <path>: <problem>".
class Problems {
 public:
  Problems(const std::string& source, const config::LineMap& lines)
      : source_(source), lines_(lines) {}
  void Add(const std::string& path, const std::string& problem) {
    auto it = lines_.find(path);
    const std::string where = it != lines_.end() ? ":" + std::to_string(it->second) : "";
    text_ += (text_.empty() ? "" : "\n") + source_ + where + ": " + path + ": " + problem;
  }
  int LineOf(const std::string& path) const {
    auto it = lines_.find(path);
    return it != lines_.end() ? it->second : 0;
  }
  bool empty() const { return text_.empty(); }
  const std::string& text() const { return text_; }

 private:
  const std::string& source_;
  const config::LineMap& lines_;
  std::string text_;
};

std::optional<std::string> ReadText(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Reads `review:` — an inline mapping or a JSON/YAML file relative to CASES.yaml.
std::optional<json> LoadReview(const json& value, const std::string& source, const std::string& at,
                               Problems& problems) {
  if (value.is_object()) return value;
  if (!value.is_string()) {
    problems.Add(at, "must be an AdmissionReview mapping or a file name");
    return std::nullopt;
  }
  const auto path = std::filesystem::path(source).parent_path() / value.get<std::string>();
  auto text = ReadText(path);
  if (!text) {
    problems.Add(at, "cannot read " + path.string());
    return std::nullopt;
  }
  auto doc = config::ParseYaml(*text, path.string());  // JSON is YAML
  if (!doc.ok() || !doc->root.is_object()) {
    problems.Add(at, path.string() + " is not a JSON or YAML mapping");
    return std::nullopt;
  }
  return doc->root;
}

void ParseExpectation(const json& expect, const std::string& at, bool image_case,
                      Problems& problems, CaseExpectation* out) {
  if (!expect.is_object() || expect.empty()) {
    problems.Add(at, "must be a mapping with at least one expectation");
    return;
  }
  const auto& allowed_keys = image_case ? kImageExpectations : kReviewExpectations;
  for (auto it = expect.begin(); it != expect.end(); ++it) {
    const std::string path = at + "." + it.key();
    if (!allowed_keys.count(it.key())) {
      problems.Add(path, std::string("is not an expectation of ") +
                             (image_case ? "an image case" : "a review or object case"));
      continue;
    }
    if (it.key() == "allowed" || it.key() == "patched") {
      if (!it->is_boolean()) {
        problems.Add(path, "must be true or false");
        continue;
      }
      (it.key() == "allowed" ? out->allowed : out->patched) = it->get<bool>();
      continue;
    }
    if (!it->is_string()) {
      problems.Add(path, "must be a string");
      continue;
    }
    const std::string v = it->get<std::string>();
    if (it.key() == "verdict") {
      if (v != "allow" && v != "deny" && v != "plan") {
        problems.Add(path, "must be allow, deny or plan");
        continue;
      }
      out->verdict = v;
    } else if (it.key() == "rule") {
      out->rule = v;
    } else if (it.key() == "validator") {
      out->validator = v;
    } else if (it.key() == "digest") {
      out->digest = v;
    } else if (it.key() == "message") {
      out->message = v;
    } else {
      out->warning = v;
    }
  }
}

// `namespace_labels:` — a mapping of label to string value (what the policy reads as
// request.namespace_labels in this case).
void ParseNamespaceLabels(const json& node, const std::string& at, Problems& problems,
                          PolicyCase* c) {
  auto it = node.find("namespace_labels");
  if (it == node.end()) return;
  if (!it->is_object()) {
    problems.Add(at + ".namespace_labels", "must be a mapping of label to value");
    return;
  }
  for (auto label = it->begin(); label != it->end(); ++label) {
    if (!label->is_string()) {
      problems.Add(at + ".namespace_labels." + label.key(), "must be a string (quote it)");
      return;
    }
  }
  c->namespace_labels = *it;
}

// `verify:` — image cases only.
void ParseVerify(const json& node, const std::string& at, Problems& problems, PolicyCase* c) {
  auto it = node.find("verify");
  if (it == node.end()) return;
  if (!it->is_boolean()) {
    problems.Add(at + ".verify", "must be true or false");
  } else if (!node.contains("image")) {
    problems.Add(at + ".verify", "applies to image cases (reviews always run the validators)");
  } else {
    c->verify = it->get<bool>();
  }
}

void ParseCase(const json& node, size_t index, const std::string& source, Problems& problems,
               std::vector<PolicyCase>* out) {
  const std::string at = "cases[" + std::to_string(index) + "]";
  if (!node.is_object()) {
    problems.Add(at, "must be a mapping");
    return;
  }
  PolicyCase c;
  c.line = problems.LineOf(at);
  c.name = "case " + std::to_string(index + 1);
  for (auto it = node.begin(); it != node.end(); ++it) {
    if (!kCaseKeys.count(it.key())) problems.Add(at + "." + it.key(), "unknown key");
  }
  auto string_field = [&](const char* key) -> std::optional<std::string> {
    auto it = node.find(key);
    if (it == node.end()) return std::nullopt;
    if (!it->is_string() || it->get<std::string>().empty()) {
      problems.Add(at + "." + key, "must be a non-empty string");
      return std::nullopt;
    }
    return it->get<std::string>();
  };
  if (auto name = string_field("name")) c.name = *name;
  if (auto ns = string_field("namespace")) c.namespace_name = *ns;
  c.image = string_field("image");
  const int inputs = node.contains("image") + node.contains("object") + node.contains("review");
  if (inputs != 1) {
    problems.Add(at, "needs exactly one of image, object, review");
    return;
  }
  if (auto it = node.find("object"); it != node.end()) {
    if (!it->is_object() || !it->contains("kind") || !(*it)["kind"].is_string() ||
        !it->contains("apiVersion") || !(*it)["apiVersion"].is_string()) {
      problems.Add(at + ".object", "must be a Kubernetes object with apiVersion and kind");
    } else {
      c.review =
          ReviewForObject(*it, c.namespace_name, "connaisseur-test-" + std::to_string(index));
    }
  }
  if (auto it = node.find("review"); it != node.end()) {
    c.review = LoadReview(*it, source, at + ".review", problems);
  }
  ParseVerify(node, at, problems, &c);
  ParseNamespaceLabels(node, at, problems, &c);
  auto expect = node.find("expect");
  if (expect == node.end()) {
    problems.Add(at, "has no expect");
  } else {
    ParseExpectation(*expect, at + ".expect", node.contains("image"), problems, &c.expect);
  }
  out->push_back(std::move(c));
}

}  // namespace

StatusOr<std::vector<PolicyCase>> ParsePolicyCases(std::string_view text,
                                                   const std::string& source) {
  CN_ASSIGN_OR_RETURN(config::YamlDocument doc, config::ParseYaml(text, source));
  Problems problems(source, doc.lines);
  std::vector<PolicyCase> cases;
  const json* list =
      doc.root.is_object() && doc.root.contains("cases") ? &doc.root["cases"] : nullptr;
  if (doc.root.is_object()) {
    for (auto it = doc.root.begin(); it != doc.root.end(); ++it) {
      if (it.key() != "cases") problems.Add(it.key(), "unknown key (the file holds `cases:`)");
    }
  }
  if (list == nullptr || !list->is_array() || list->empty()) {
    problems.Add("cases", "must be a non-empty list");
  } else {
    for (size_t i = 0; i < list->size(); ++i) ParseCase((*list)[i], i, source, problems, &cases);
  }
  if (!problems.empty()) return InvalidArgumentError(problems.text());
  return cases;
}

std::vector<std::string> CompareOutcome(const PolicyCase& c, const CaseOutcome& o) {
  std::vector<std::string> failures;
  auto equal = [&](const char* what, const std::optional<std::string>& want,
                   const std::string& got) {
    if (want && *want != got) {
      failures.push_back(std::string(what) + ": want " + *want + ", got " +
                         (got.empty() ? "(none)" : got));
    }
  };
  auto flag = [&](const char* what, const std::optional<bool>& want, bool got) {
    if (want && *want != got) {
      failures.push_back(std::string(what) + ": want " + (*want ? "true" : "false") + ", got " +
                         (got ? "true" : "false"));
    }
  };
  if (c.image) {
    equal("verdict", c.expect.verdict, o.verdict);
    equal("rule", c.expect.rule, o.rule);
    equal("validator", c.expect.validator, o.validator);
    equal("digest", c.expect.digest, o.digest);
  } else {
    flag("allowed", c.expect.allowed, o.allowed);
    flag("patched", c.expect.patched, o.patched);
    if (c.expect.warning) {
      bool found = false;
      for (const auto& w : o.warnings) found = found || w.find(*c.expect.warning) != w.npos;
      if (!found) failures.push_back("warning: no warning contains \"" + *c.expect.warning + "\"");
    }
  }
  if (c.expect.message && o.message.find(*c.expect.message) == std::string::npos) {
    failures.push_back("message: want it to contain \"" + *c.expect.message + "\", got \"" +
                       o.message + "\"");
  }
  return failures;
}

json ReviewForObject(const json& object, const std::string& namespace_name,
                     const std::string& uid) {
  std::string group, version = "v1";
  if (auto api = object.find("apiVersion"); api != object.end() && api->is_string()) {
    const std::string text = api->get<std::string>();
    const size_t slash = text.find('/');
    group = slash == std::string::npos ? "" : text.substr(0, slash);
    version = slash == std::string::npos ? text : text.substr(slash + 1);
  }
  std::string kind, name, ns = namespace_name;
  if (auto k = object.find("kind"); k != object.end() && k->is_string())
    kind = k->get<std::string>();
  if (auto md = object.find("metadata"); md != object.end() && md->is_object()) {
    if (auto n = md->find("name"); n != md->end() && n->is_string()) name = n->get<std::string>();
    if (auto n = md->find("namespace"); n != md->end() && n->is_string())
      ns = n->get<std::string>();
  }
  return {{"apiVersion", "admission.k8s.io/v1"},
          {"kind", "AdmissionReview"},
          {"request",
           {{"uid", uid},
            {"kind", {{"group", group}, {"version", version}, {"kind", kind}}},
            {"namespace", ns},
            {"name", name},
            {"operation", "CREATE"},
            {"dryRun", false},
            {"object", object}}}};
}

}  // namespace connaisseur::cli
