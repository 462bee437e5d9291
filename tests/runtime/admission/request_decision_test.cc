// DecideRequest: the images of one request are verified concurrently (bounded), while the policy
// is only called from the request's thread, and results, patch order and the deadline stay as if
// sequential; every validator call gets the pull identity of the object under review.
// No timing assertions: a gate in the verifier makes every call wait until the expected number
// of calls is in flight at once, which sequential verification could never reach (its first
// call would wait until the deadline and the request would time out).
#include "runtime/admission/request_decision.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <set>
#include <thread>

#include "runtime/admission/admission_review.h"
#include "runtime/admission/worker_pool.h"
#include "runtime/log/logger.h"
#include "tests/runtime/admission/admission_fixtures.h"
#include "tests/testing/status_matchers.h"

namespace connaisseur::admission {
namespace {

using testing::Digest;
using verification::ImageVerifier;
using verification::PullContext;
using verification::VerifiedImage;

std::string HexDigest(size_t n) { return Digest("0123456789abcdef"[n % 16]); }
using testing::MakeRule;
using testing::PodReview;

// Answers docker.io/library/img<i> with HexDigest(i) once `gate` calls have started (or
// the deadline passes); "hang" images wait for the deadline and time out; "last" answers only
// after every other call finished.
class GateVerifier final : public ImageVerifier {
 public:
  size_t gate = 1;
  size_t total = 0;  // calls expected in all, for "last"

  StatusOr<VerifiedImage> Verify(const config::Rule&, const image::ImageReference& image,
                                 const PullContext&, Deadline deadline) override {
    std::unique_lock lock(mu_);
    threads_.insert(std::this_thread::get_id());
    ++started_;
    ++in_flight_;
    max_in_flight_ = std::max(max_in_flight_, in_flight_);
    cv_.notify_all();
    const std::string repo = image.repository();
    auto wait_until = [&](auto done) { return cv_.wait_until(lock, deadline.at(), done); };
    bool passed = true;
    if (repo.find("hang") != std::string::npos) {
      wait_until([] { return false; });
      passed = false;
    } else if (repo.find("last") != std::string::npos) {
      passed = wait_until([&] { return finished_ + 1 == total; });
    } else {
      passed = wait_until([&] { return started_ >= gate; });
    }
    --in_flight_;
    ++finished_;
    cv_.notify_all();
    if (!passed) return DeadlineExceededError("gate not reached for " + image.raw());
    const size_t n = std::stoul(repo.substr(repo.find_first_of("0123456789")));
    return VerifiedImage{HexDigest(n), "verified"};
  }

  size_t started() const {
    std::lock_guard lock(mu_);
    return started_;
  }
  size_t max_in_flight() const {
    std::lock_guard lock(mu_);
    return max_in_flight_;
  }
  size_t threads() const {
    std::lock_guard lock(mu_);
    return threads_.size();
  }

 private:
  mutable std::mutex mu_;
  std::condition_variable cv_;
  size_t started_ = 0, finished_ = 0, in_flight_ = 0, max_in_flight_ = 0;
  std::set<std::thread::id> threads_;
};

// FirstMatchPolicy that records the threads it was called on.
class ThreadRecordingPolicy final : public PolicyRunner {
 public:
  std::set<std::thread::id> threads;

  StatusOr<config::Rule> Select(const image::ImageReference& image,
                                const policy::PolicyRequest& request, Deadline d) override {
    threads.insert(std::this_thread::get_id());
    return inner_.Select(image, request, d);
  }
  StatusOr<policy::AdmitDecision> Admit(const policy::PolicyRequest& request,
                                        std::span<const policy::ImageResult> results,
                                        Deadline d) override {
    threads.insert(std::this_thread::get_id());
    return inner_.Admit(request, results, d);
  }

 private:
  testing::FirstMatchPolicy inner_{{MakeRule("docker.io/library/*", "notary")}};
};

std::vector<std::string> Images(const std::vector<std::string>& names) {
  std::vector<std::string> out;
  for (const std::string& n : names) out.push_back(n + ":1");
  return out;
}

std::vector<std::string> Numbered(size_t n) {
  std::vector<std::string> out;
  for (size_t i = 0; i < n; ++i) out.push_back("img" + std::to_string(i));
  return out;
}

class ParallelVerificationTest : public ::testing::Test {
 protected:
  Decision Decide(const std::vector<std::string>& images, size_t max_parallel,
                  std::chrono::milliseconds budget = std::chrono::seconds(10)) {
    auto review = ParseAdmissionReview(PodReview(images).dump());
    EXPECT_THAT(review, IsOk());
    ImageCheckContext ctx{&config_, verifier_.get(), nullptr,     nullptr,
                          &logger_, &pool_,          max_parallel};
    return DecideRequest(*review, policy_, ctx, Deadline::In(budget));
  }

  GateVerifier& Fresh() {
    verifier_ = std::make_unique<GateVerifier>();
    return *verifier_;
  }

  WorkerPool pool_{12};  // more than any bound below, so the bound is what limits
  config::Config config_ = testing::MakeConfig();
  std::unique_ptr<GateVerifier> verifier_ = std::make_unique<GateVerifier>();
  ThreadRecordingPolicy policy_;
  log::NullLogger logger_;
};

TEST_F(ParallelVerificationTest, VerifiesEveryImageOfARequestAtOnce) {
  for (size_t n : {2u, 5u, 8u}) {
    Fresh().gate = n;  // each call waits until all n are in flight
    Decision d = Decide(Images(Numbered(n)), kDefaultParallelVerifications);
    EXPECT_EQ(d.kind, Decision::Kind::kValidated) << n << " images: " << d.outcome.message;
    EXPECT_TRUE(d.outcome.allowed) << n;
    EXPECT_EQ(verifier_->max_in_flight(), n) << n;
    EXPECT_EQ(verifier_->threads(), n) << n;
    ASSERT_EQ(d.outcome.patch.size(), n) << n;
    for (size_t i = 0; i < n; ++i) {
      EXPECT_EQ(d.outcome.patch[i].path, "/spec/containers/" + std::to_string(i) + "/image") << i;
      EXPECT_EQ(d.outcome.patch[i].value,
                "docker.io/library/img" + std::to_string(i) + ":1@" + HexDigest(i))
          << i;
    }
  }
}

TEST_F(ParallelVerificationTest, NeverRunsMoreValidatorsAtOnceThanTheBound) {
  struct Case {
    size_t images, bound;
  } cases[] = {{12, 8}, {5, 2}, {3, 1}};
  for (const Case& c : cases) {
    Fresh().gate = c.bound;  // the first `bound` calls wait for each other
    Decision d = Decide(Images(Numbered(c.images)), c.bound);
    EXPECT_TRUE(d.outcome.allowed) << c.images << "/" << c.bound << ": " << d.outcome.message;
    EXPECT_EQ(verifier_->started(), c.images) << c.images << "/" << c.bound;
    EXPECT_EQ(verifier_->max_in_flight(), c.bound) << c.images << "/" << c.bound;
    EXPECT_EQ(d.outcome.patch.size(), c.images) << c.images << "/" << c.bound;
  }
}

TEST_F(ParallelVerificationTest, KeepsContainerOrderWhenTheFirstImageFinishesLast) {
  verifier_->total = 4;
  Decision d = Decide(Images({"last0", "img1", "img2", "img3"}), 4);
  ASSERT_TRUE(d.outcome.allowed) << d.outcome.message;
  ASSERT_EQ(d.checks.size(), 4u);
  ASSERT_EQ(d.outcome.patch.size(), 4u);
  const std::string expected[] = {"docker.io/library/last0:1", "docker.io/library/img1:1",
                                  "docker.io/library/img2:1", "docker.io/library/img3:1"};
  for (size_t i = 0; i < 4; ++i) {
    EXPECT_EQ(d.checks[i].result.image, Images({"last0", "img1", "img2", "img3"})[i]) << i;
    EXPECT_EQ(d.outcome.patch[i].value.rfind(expected[i] + "@", 0), 0u)
        << i << ": " << d.outcome.patch[i].value;
  }
}

TEST_F(ParallelVerificationTest, CallsThePolicyOnlyOnTheRequestsThread) {
  verifier_->gate = 6;
  Decision d = Decide(Images(Numbered(6)), kDefaultParallelVerifications);
  EXPECT_TRUE(d.outcome.allowed) << d.outcome.message;
  EXPECT_EQ(verifier_->threads(), 6u);
  EXPECT_EQ(policy_.threads, std::set<std::thread::id>{std::this_thread::get_id()});
}

TEST_F(ParallelVerificationTest, TheDeadlineDeniesAndCountsOnlyFinishedImages) {
  struct Case {
    std::vector<std::string> images;
    size_t bound;
    std::string counted;
    size_t calls;  // a call queued behind the bound past the deadline never starts
  } cases[] = {
      {{"img0", "hang1", "img2"}, 8, "2/3", 3},
      {{"hang0", "img1", "img2"}, 1, "0/3", 1},
      {{"img0", "hang1", "img2", "img3"}, 2, "3/4", 4},
      {{"hang0", "hang1", "img2", "img3"}, 2, "0/4", 2},
  };
  for (const Case& c : cases) {
    Fresh();
    Decision d = Decide(Images(c.images), c.bound, std::chrono::milliseconds(200));
    EXPECT_EQ(d.kind, Decision::Kind::kTimeout) << c.counted;
    EXPECT_FALSE(d.outcome.allowed) << c.counted;
    EXPECT_TRUE(d.outcome.timed_out) << c.counted;
    const std::string& m = d.outcome.message;
    EXPECT_EQ(m.rfind("validation of admission request uid-1 timed out after validating " +
                          c.counted + " images: ",
                      0),
              0u)
        << m;
    // Every image is listed with what became of it; the hanging ones are named.
    size_t allowed = 0;
    for (const std::string& image : Images(c.images)) {
      const bool listed_allowed = m.find(image + ": allowed") != std::string::npos;
      allowed += listed_allowed ? 1 : 0;
      EXPECT_TRUE(listed_allowed || m.find(image + ": not decided (") != std::string::npos) << m;
      if (image.rfind("hang", 0) == 0) {
        EXPECT_FALSE(listed_allowed) << m;
      }
    }
    EXPECT_EQ(std::to_string(allowed) + "/" + std::to_string(c.images.size()), c.counted) << m;
    EXPECT_EQ(verifier_->started(), c.calls) << c.counted;
  }
}

TEST_F(ParallelVerificationTest, WithoutAPoolVerifiesSequentiallyOnTheRequestsThread) {
  Fresh().gate = 1;
  auto review = ParseAdmissionReview(PodReview(Images(Numbered(4))).dump());
  ASSERT_THAT(review, IsOk());
  ImageCheckContext ctx{&config_, verifier_.get(), nullptr, nullptr, &logger_};
  Decision d = DecideRequest(*review, policy_, ctx, Deadline::In(std::chrono::seconds(20)));
  EXPECT_TRUE(d.outcome.allowed) << d.outcome.message;
  EXPECT_EQ(verifier_->max_in_flight(), 1u);
  EXPECT_EQ(verifier_->threads(), 1u);
  EXPECT_EQ(d.outcome.patch.size(), 4u);
}

// A static validator decides without a back-end: its images are decided on the request's thread,
// never handed to a pool thread (a hand-off costs more than the decision).
TEST_F(ParallelVerificationTest, StaticValidatorsDecideOnTheRequestsThread) {
  Fresh().gate = 1;
  auto review = ParseAdmissionReview(PodReview(Images(Numbered(3))).dump());
  ASSERT_THAT(review, IsOk());
  testing::FirstMatchPolicy static_policy({MakeRule("docker.io/library/*", "allow")});
  ImageCheckContext ctx{&config_, verifier_.get(), nullptr, nullptr, &logger_, &pool_, 8};
  Decision d = DecideRequest(*review, static_policy, ctx, Deadline::In(std::chrono::seconds(20)));
  EXPECT_TRUE(d.outcome.allowed) << d.outcome.message;
  EXPECT_EQ(verifier_->started(), 3u);
  EXPECT_EQ(verifier_->threads(), 1u);  // the test's own thread
  EXPECT_EQ(pool_.started(), 0u);       // no worker was needed
}

// DecideRequest hands every validator call the pull identity of the object under review (its
// namespace, service account and imagePullSecrets), which cosign's auth.useKeychain reads.
using nlohmann::json;
using verification::PullContext;

class RequestPullContextTest : public ::testing::Test {
 protected:
  RequestPullContextTest()
      : config_(testing::MakeConfig()),
        policy_({testing::MakeRule("docker.io/library/*", "notary")}) {
    verifier_.digests = {{"docker.io/library/nginx", testing::Digest('a')}};
  }

  Decision Decide(const json& review) {
    auto parsed = ParseAdmissionReview(review.dump());
    EXPECT_THAT(parsed, IsOk());
    ImageCheckContext ctx{&config_, &verifier_, nullptr, nullptr, &logger_};
    return DecideRequest(*parsed, policy_, ctx, Deadline::Infinite());
  }

  config::Config config_;
  testing::FirstMatchPolicy policy_;
  testing::TableVerifier verifier_;
  log::NullLogger logger_;
};

TEST_F(RequestPullContextTest, ValidatorsSeeThePodsNamespaceServiceAccountAndPullSecrets) {
  json review = testing::PodReview({"nginx:1"});
  review["request"]["namespace"] = "payments";
  json& spec = review["request"]["object"]["spec"];
  spec["serviceAccountName"] = "deployer";
  spec["imagePullSecrets"] = {{{"name", "registry-a"}}, {{"name", "registry-b"}}};
  Decision d = Decide(review);
  EXPECT_TRUE(d.outcome.allowed) << d.outcome.message;
  EXPECT_EQ(verifier_.LastPull(),
            (PullContext{"payments", "deployer", {"registry-a", "registry-b"}}));
}

TEST_F(RequestPullContextTest, TemplatesOfOtherKindsCarryTheirPodSpecsIdentity) {
  json review = testing::PodReview({"nginx:1"});
  json pod_spec = review["request"]["object"]["spec"];
  pod_spec["imagePullSecrets"] = {{{"name", "from-template"}}};
  review["request"]["kind"]["kind"] = "Deployment";
  review["request"]["object"] = {{"kind", "Deployment"},
                                 {"metadata", {{"name", "d"}}},
                                 {"spec", {{"template", {{"spec", pod_spec}}}}}};
  Decision d = Decide(review);
  EXPECT_TRUE(d.outcome.allowed) << d.outcome.message;
  EXPECT_EQ(verifier_.LastPull(), (PullContext{"default", "", {"from-template"}}));
}

TEST_F(RequestPullContextTest, MistypedPullSecretsDenyAsUndecodable) {
  json review = testing::PodReview({"nginx:1"});
  review["request"]["object"]["spec"]["imagePullSecrets"] = "registry-a";
  Decision d = Decide(review);
  EXPECT_FALSE(d.outcome.allowed);
  EXPECT_EQ(d.kind, Decision::Kind::kInvalid);
  EXPECT_NE(d.outcome.message.find("imagePullSecrets is not an array"), std::string::npos)
      << d.outcome.message;
  EXPECT_EQ(verifier_.calls, 0);
}

}  // namespace
}  // namespace connaisseur::admission
