// RuleIndex: every rule's glob compiled once, a literal-prefix trie and a required-infix
// automaton to skip rules that cannot match, and the native ranking of docs/policy-lua.md
// "connaisseur.default_policy".
#include "runtime/matching/rule_index.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <utility>

#include "runtime/matching/glob.h"
#include "runtime/matching/specificity.h"

namespace connaisseur::matching {
namespace {

// A text's host is its bytes before the first '/' (all of them when it has none), compared
// case-insensitively (Glob::Options::host_case_insensitive): the trie files and looks up those
// bytes lower-cased.
char FoldedAt(std::string_view text, size_t i, size_t host_end) {
  const char c = text[i];
  return i < host_end && c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

size_t HostEnd(std::string_view text) { return std::min(text.find('/'), text.size()); }

unsigned Byte(char c) { return static_cast<unsigned char>(c); }

// A complete transition table over a trie's nodes, one row per node and one column per byte
// class, so a walk takes one lookup per text byte instead of a search among a node's children
// (whose branches the CPU mispredicts). Bytes no edge holds share class 0.
class TransitionTable {
 public:
  // Largest table built, in entries (16 MiB); past it, callers search the children instead.
  static constexpr size_t kMaxEntries = size_t{1} << 22;

  // Numbers the bytes on `nodes`' edges and sets every entry to 0 (the root, nobody's child).
  // False, leaving the table empty, when it would exceed kMaxEntries.
  template <typename Node>
  bool Reset(const std::vector<Node>& nodes) {
    classes_ = 1;
    for (const Node& n : nodes) {
      for (const auto& kid : n.children) {
        if (byte_class_[Byte(kid.first)] == 0) byte_class_[Byte(kid.first)] = classes_++;
      }
    }
    if (nodes.size() * classes_ > kMaxEntries) return false;
    next_.assign(nodes.size() * classes_, 0);
    return true;
  }

  bool empty() const { return next_.empty(); }
  uint32_t Next(uint32_t node, char c) const {
    return next_[node * classes_ + byte_class_[Byte(c)]];
  }
  void Set(uint32_t node, char c, uint32_t to) {
    next_[node * classes_ + byte_class_[Byte(c)]] = to;
  }
  // Row `to` := row `from` (an Aho-Corasick node inherits its failure target's transitions).
  void CopyRow(uint32_t from, uint32_t to) {
    std::copy_n(&next_[from * classes_], classes_, &next_[to * classes_]);
  }

 private:
  std::array<uint16_t, 256> byte_class_{};
  size_t classes_ = 1;
  std::vector<uint32_t> next_;
};

// A trie over the rules' literal prefixes. Walking it along an image string visits exactly the
// rules whose prefix the image starts with: the only ones whose glob can match. With 1,000
// rules spread over registries and repositories, an image meets a handful of globs instead of
// all of them. Patterns starting with a metacharacter (`*:*`) sit at the root and are always
// tried. Host bytes are folded to lower case on both sides (see FoldedAt).
class PrefixTrie {
 public:
  PrefixTrie() : nodes_(1) {}

  void Insert(std::string_view prefix, uint32_t rule) {
    uint32_t node = 0;
    const size_t host_end = HostEnd(prefix);
    for (size_t i = 0; i < prefix.size(); ++i) {
      const char c = FoldedAt(prefix, i, host_end);
      auto& kids = nodes_[node].children;
      auto it = std::lower_bound(kids.begin(), kids.end(), c,
                                 [](const auto& kid, char ch) { return kid.first < ch; });
      if (it != kids.end() && it->first == c) {
        node = it->second;
      } else {
        const auto child = static_cast<uint32_t>(nodes_.size());
        kids.insert(it, {c, child});
        nodes_.emplace_back();  // invalidates `kids`, which is not used again
        node = child;
      }
    }
    nodes_[node].rules.push_back(rule);
  }

  // Call after the last Insert.
  void Seal() {
    if (!next_.Reset(nodes_)) return;
    for (size_t node = 0; node < nodes_.size(); ++node) {
      for (const auto& [c, kid] : nodes_[node].children) next_.Set(node, c, kid);
    }
  }

  // Appends to *out the rules whose prefix `text` starts with (unordered).
  void Collect(std::string_view text, std::vector<uint32_t>* out) const {
    uint32_t node = 0;
    size_t i = 0;
    const size_t host_end = HostEnd(text);
    while (true) {
      const Node& n = nodes_[node];
      out->insert(out->end(), n.rules.begin(), n.rules.end());
      if (i == text.size()) return;
      const char c = FoldedAt(text, i, host_end);
      node = next_.empty() ? SearchChild(n, c) : next_.Next(node, c);
      if (node == 0) return;
      ++i;
    }
  }

 private:
  struct Node {
    std::vector<std::pair<char, uint32_t>> children;  // sorted by byte
    std::vector<uint32_t> rules;                      // rules whose whole prefix ends here
  };

  // The child of `n` along byte c, or 0 (the root is nobody's child).
  static uint32_t SearchChild(const Node& n, char c) {
    auto it = std::lower_bound(n.children.begin(), n.children.end(), c,
                               [](const auto& kid, char ch) { return kid.first < ch; });
    return it != n.children.end() && it->first == c ? it->second : 0;
  }

  std::vector<Node> nodes_;
  TransitionTable next_;  // empty past TransitionTable::kMaxEntries
};

// An Aho-Corasick automaton over the required infixes (Glob::required_infix) of the rules the
// prefix trie cannot prune: those whose pattern starts with a metacharacter, such as
// `*/team/app:*`. One pass over an image visits exactly the rules whose infix occurs in it, the
// only ones among them whose glob can match, instead of running every such glob's substring
// search. Bytes compare exactly: a required infix never meets the case-insensitive host.
class InfixAutomaton {
 public:
  InfixAutomaton() : nodes_(1) {}

  // Files `rule` under `infix` (not empty). Call Link after the last Insert.
  void Insert(std::string_view infix, uint32_t rule) {
    uint32_t node = 0;
    for (char c : infix) {
      uint32_t next = Child(node, c);
      if (next == 0) {
        next = static_cast<uint32_t>(nodes_.size());
        auto& kids = nodes_[node].children;
        kids.insert(std::lower_bound(kids.begin(), kids.end(), c, ByteBefore), {c, next});
        nodes_.emplace_back();  // invalidates `kids`, which is not used again
      }
      node = next;
    }
    nodes_[node].rules.push_back(rule);
  }

  // Sets every node's failure link (its longest proper suffix that is also a trie node) and
  // output link (the nearest node along the failure chain that holds rules), breadth first.
  void Link() {
    std::vector<uint32_t> queue;
    for (const auto& kid : nodes_[0].children) queue.push_back(kid.second);
    for (size_t head = 0; head < queue.size(); ++head) {
      const uint32_t node = queue[head];
      for (const auto& [c, kid] : nodes_[node].children) {
        const uint32_t fail = Step(nodes_[node].fail, c);
        nodes_[kid].fail = fail;
        nodes_[kid].output = nodes_[fail].rules.empty() ? nodes_[fail].output : fail;
        queue.push_back(kid);
      }
    }
    BuildTransitions(queue);
  }

  // Appends to *out the rules whose infix occurs in `text` (unordered, repeated when an infix
  // occurs more than once).
  void Collect(std::string_view text, std::vector<uint32_t>* out) const {
    if (nodes_.size() == 1) return;
    uint32_t node = 0;
    for (char c : text) {
      node = next_.empty() ? Step(node, c) : next_.Next(node, c);
      for (uint32_t hit = nodes_[node].rules.empty() ? nodes_[node].output : node; hit != 0;
           hit = nodes_[hit].output) {
        out->insert(out->end(), nodes_[hit].rules.begin(), nodes_[hit].rules.end());
      }
    }
  }

 private:
  struct Node {
    std::vector<std::pair<char, uint32_t>> children;  // sorted by byte
    std::vector<uint32_t> rules;                      // rules whose whole infix ends here
    uint32_t fail = 0;                                // 0: the root
    uint32_t output = 0;                              // 0: none (the root holds no rules)
  };

  static bool ByteBefore(const std::pair<char, uint32_t>& kid, char c) { return kid.first < c; }

  // The child of `node` along byte c, or 0 (the root is nobody's child).
  uint32_t Child(uint32_t node, char c) const {
    const auto& kids = nodes_[node].children;
    auto it = std::lower_bound(kids.begin(), kids.end(), c, ByteBefore);
    return it != kids.end() && it->first == c ? it->second : 0;
  }

  // The automaton's transition: the longest suffix of (node's string + c) that is a trie node.
  uint32_t Step(uint32_t node, char c) const {
    while (true) {
      if (const uint32_t next = Child(node, c); next != 0) return next;
      if (node == 0) return 0;
      node = nodes_[node].fail;
    }
  }

  // The complete transition table, so Collect takes one lookup per text byte. `order` is every
  // node but the root, breadth first: a node's failure target comes before it.
  void BuildTransitions(const std::vector<uint32_t>& order) {
    if (!next_.Reset(nodes_)) return;
    for (const auto& [c, kid] : nodes_[0].children) next_.Set(0, c, kid);
    for (uint32_t node : order) {
      next_.CopyRow(nodes_[node].fail, node);
      for (const auto& [c, kid] : nodes_[node].children) next_.Set(node, c, kid);
    }
  }

  std::vector<Node> nodes_;
  TransitionTable next_;  // empty past TransitionTable::kMaxEntries
};

}  // namespace

struct RuleIndex::Impl {
  const std::vector<config::Rule>* rules;  // borrowed; outlives the index (Build's contract)
  std::vector<Glob> globs;                 // globs[i] is rules[i].pattern compiled
  // Every rule sits in exactly one of the two: `infixes` holds the rules with an empty literal
  // prefix and a required infix of two bytes or more; `prefixes` all others (`*:*` at its root).
  PrefixTrie prefixes;
  InfixAutomaton infixes;

  // Indices of matching rules, ascending (= policy order).
  std::vector<uint32_t> MatchingRules(std::string_view image) const {
    std::vector<uint32_t> maybe;
    prefixes.Collect(image, &maybe);
    infixes.Collect(image, &maybe);
    std::sort(maybe.begin(), maybe.end());
    maybe.erase(std::unique(maybe.begin(), maybe.end()), maybe.end());
    std::vector<uint32_t> out;
    for (uint32_t i : maybe) {
      if (globs[i].Match(image)) out.push_back(i);
    }
    return out;
  }
};

StatusOr<std::unique_ptr<RuleIndex>> RuleIndex::Build(const std::vector<config::Rule>& rules,
                                                      bool legacy_unanchored) {
  auto impl = std::make_unique<Impl>();
  impl->rules = &rules;
  impl->globs.reserve(rules.size());
  Glob::Options options;
  options.unanchored = legacy_unanchored;
  options.implicit_tag = true;
  options.host_case_insensitive = true;
  for (size_t i = 0; i < rules.size(); ++i) {
    StatusOr<Glob> glob = Glob::Compile(rules[i].pattern, options);
    if (!glob.ok()) return glob.status().WithPrefix("policy rule " + std::to_string(i));
    const auto rule = static_cast<uint32_t>(i);
    if (glob->literal_prefix().empty() && glob->required_infix().size() > 1) {
      impl->infixes.Insert(glob->required_infix(), rule);
    } else {
      impl->prefixes.Insert(glob->literal_prefix(), rule);
    }
    impl->globs.push_back(std::move(glob).value());
  }
  impl->prefixes.Seal();
  impl->infixes.Link();
  return std::unique_ptr<RuleIndex>(new RuleIndex(std::move(impl)));
}

RuleIndex::RuleIndex(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
RuleIndex::~RuleIndex() = default;

std::vector<const config::Rule*> RuleIndex::Candidates(const image::ImageReference& image) const {
  std::vector<const config::Rule*> out;
  for (uint32_t i : impl_->MatchingRules(image.normalized())) out.push_back(&(*impl_->rules)[i]);
  return out;
}

const config::Rule* RuleIndex::BestMatch(const image::ImageReference& image) const {
  return BestMatch(image, nullptr);
}

// docs/policy-lua.md "connaisseur.default_policy", the reference the Lua ranking is checked
// against:
//   best := first candidate (policy order)
//   for each later candidate c:
//     if not MoreSpecific(best, c): best := c     -- c wins when more specific OR tied
// so among equally specific candidates the last one in policy order wins.
const config::Rule* RuleIndex::BestMatch(const image::ImageReference& image,
                                         const config::Rule** tied_with) const {
  if (tied_with != nullptr) *tied_with = nullptr;
  const std::string& text = image.normalized();
  const config::Rule* best = nullptr;
  Specificity best_spec;
  for (uint32_t i : impl_->MatchingRules(text)) {
    const config::Rule& rule = (*impl_->rules)[i];
    Specificity spec = Specificity::Measure(rule.pattern, text);
    if (best != nullptr) {
      const int c = CompareSpecificity(spec, best_spec);
      if (c < 0) continue;
      if (tied_with != nullptr) *tied_with = c == 0 ? best : nullptr;
    }
    best = &rule;
    best_spec = std::move(spec);
  }
  return best;
}

}  // namespace connaisseur::matching
