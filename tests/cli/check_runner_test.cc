// RunCheck (runtime/cli/check_runner.h) in-process: results in input order across workers, and a
// throw on the reading thread (an allocation failing while the list is read) reaches the caller
// with every worker stopped and joined, never std::terminate from a joinable thread.
#include "runtime/cli/check_runner.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <new>
#include <string>
#include <vector>

#include "runtime/policy/policy.h"

namespace connaisseur::cli {
namespace {

// Images "img0", "img1", ... up to `count`; throws std::bad_alloc when asked for image `throw_at`.
class CountingSource final : public ImageSource {
 public:
  CountingSource(size_t count, size_t throw_at) : count_(count), throw_at_(throw_at) {}
  bool Next(SourcedImage* image) override {
    if (next_ == throw_at_) throw std::bad_alloc();
    if (next_ == count_) return false;
    image->reference = "img" + std::to_string(next_++);
    return true;
  }

 private:
  size_t count_, throw_at_, next_ = 0;
};

class CheckRunnerTest : public ::testing::Test {
 protected:
  // `jobs` evaluators whose policy selects no rule: every image is denied with its name.
  std::vector<std::unique_ptr<ImageEvaluator>> Evaluators(int jobs) {
    std::vector<std::unique_ptr<ImageEvaluator>> evaluators;
    const ImageEvaluator::PolicyFactory make_policy = [this](verification::ImageVerifier*) {
      policy::PolicyOptions options;
      options.source =
          "return { select = function(image) return nil, 'no rule for ' .. image.normalized end }";
      options.chunk_name = "test.lua";
      options.config = &config_;
      return policy::Policy::Create(options);
    };
    for (int i = 0; i < jobs; ++i) {
      auto evaluator = ImageEvaluator::Create(&config_, nullptr, make_policy, {});
      EXPECT_TRUE(evaluator.ok()) << evaluator.status().message();
      if (evaluator.ok()) evaluators.push_back(std::move(evaluator).value());
    }
    return evaluators;
  }

  config::Config config_;
};

TEST_F(CheckRunnerTest, WritesEveryRowInInputOrderAcrossWorkers) {
  CountingSource source(3000, static_cast<size_t>(-1));
  std::FILE* out = std::tmpfile();
  ASSERT_NE(out, nullptr);
  RunOptions options;
  options.format = OutputFormat::kJsonl;
  auto summary = RunCheck(source, Evaluators(3), options, out);
  ASSERT_TRUE(summary.ok()) << summary.status().message();
  EXPECT_EQ(summary->total, 3000u);
  EXPECT_EQ(summary->denied, 3000u);
  std::rewind(out);
  char line[4096];
  for (size_t i = 0; i < 3000; ++i) {
    ASSERT_NE(std::fgets(line, sizeof(line), out), nullptr) << i;
    EXPECT_EQ(std::string(line).rfind("{\"image\":\"img" + std::to_string(i) + "\"", 0), 0u)
        << i << ": " << line;
  }
  std::fclose(out);
}

TEST_F(CheckRunnerTest, AThrowWhileReadingReachesTheCallerWithTheWorkersStopped) {
  // Past the first batches, so the workers are busy or waiting when the reader throws.
  CountingSource source(100000, 2000);
  std::FILE* out = std::tmpfile();
  ASSERT_NE(out, nullptr);
  RunOptions options;
  options.format = OutputFormat::kJsonl;
  EXPECT_THROW(RunCheck(source, Evaluators(2), options, out), std::bad_alloc);
  std::fclose(out);
}

}  // namespace
}  // namespace connaisseur::cli
