// runtime/sandbox/budget: the allocator refuses a block before it is made when it would pass the
// state's memory limit or the single-block cap, and counts what it hands out and takes back.
#include "runtime/sandbox/budget.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "runtime/config/config.h"

namespace connaisseur::sandbox {
namespace {

config::SandboxLimits LimitsOf(size_t memory_limit_bytes) {
  config::SandboxLimits limits;
  limits.memory_limit_bytes = memory_limit_bytes;
  return limits;
}

TEST(BudgetTest, CountsWhatItAllocatesAndFrees) {
  Budget budget(LimitsOf(1u << 20));
  void* block = Budget::Allocate(&budget, nullptr, 0, 1024);
  ASSERT_NE(block, nullptr);
  EXPECT_EQ(budget.memory_used(), 1024u);
  block = Budget::Allocate(&budget, block, 1024, 4096);
  ASSERT_NE(block, nullptr);
  EXPECT_EQ(budget.memory_used(), 4096u);
  EXPECT_EQ(Budget::Allocate(&budget, block, 4096, 0), nullptr);
  EXPECT_EQ(budget.memory_used(), 0u);
}

TEST(BudgetTest, RefusesABlockThatWouldPassTheMemoryLimit) {
  Budget budget(LimitsOf(64u << 10));
  void* block = Budget::Allocate(&budget, nullptr, 0, 60u << 10);
  ASSERT_NE(block, nullptr);
  EXPECT_EQ(Budget::Allocate(&budget, nullptr, 0, 8u << 10), nullptr);
  EXPECT_EQ(Budget::Allocate(&budget, block, 60u << 10, 80u << 10), nullptr);
  EXPECT_EQ(budget.memory_used(), 60u << 10);  // the refused blocks cost nothing
  Budget::Allocate(&budget, block, 60u << 10, 0);
}

TEST(BudgetTest, RefusesASingleBlockAboveTheCapWhateverTheLimit) {
  Budget budget(LimitsOf(1u << 30));
  EXPECT_EQ(Budget::Allocate(&budget, nullptr, 0, Budget::kMaxAllocationBytes + 1), nullptr);
  EXPECT_EQ(budget.memory_used(), 0u);
}

}  // namespace
}  // namespace connaisseur::sandbox
