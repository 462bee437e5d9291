// RuleIndex: the configured policy rules, compiled once at load, answering "which rules match
// this image" (docs/configuration.md "Policy rules") and, natively, "which one wins"
// (docs/policy-lua.md "connaisseur.default_policy"). The default Lua script ranks the candidates
// itself; BestMatch is the C++ ranking used to cross-check it and by `lint`.
#pragma once

#include <memory>
#include <string_view>
#include <vector>

#include "runtime/config/config.h"
#include "runtime/image/image_reference.h"
#include "runtime/status.h"

namespace connaisseur::matching {

class RuleIndex {
 public:
  // `rules` must outlive the index. Fails (kInvalidArgument) on a pattern that does not compile.
  // `legacy_unanchored`: v3.10's implicit `*pattern*` (features.legacyUnanchoredMatching).
  static StatusOr<std::unique_ptr<RuleIndex>> Build(const std::vector<config::Rule>& rules,
                                                    bool legacy_unanchored);
  ~RuleIndex();

  // Rules whose pattern matches image.normalized(), in policy order, the registry host compared
  // case-insensitively (`Reg.IO/*` matches reg.io/x:1). Thread-safe.
  std::vector<const config::Rule*> Candidates(const image::ImageReference& image) const;

  // The most specific candidate by docs/policy-lua.md "connaisseur.default_policy" (ties: the later
  // rule), or nullptr.
  const config::Rule* BestMatch(const image::ImageReference& image) const;
  // The same, also setting *tied_with (unless null) to the candidate the winner tied with on
  // every metric (the "identical rules: <a>, <b>" warning), or to nullptr.
  const config::Rule* BestMatch(const image::ImageReference& image,
                                const config::Rule** tied_with) const;

 private:
  struct Impl;
  explicit RuleIndex(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace connaisseur::matching
