// End-to-end: `connaisseur check` verdicts, output formats, inputs, exit codes, custom scripts.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tests/cli/binary_runner.h"
#include "tests/cli/test_values.h"
#include "tests/cli/values_corpus.h"

namespace connaisseur::cli::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ordered_json = nlohmann::ordered_json;

// Parses jsonl output; a line that is not a JSON object fails the test.
std::vector<ordered_json> ParseJsonl(const std::string& out) {
  std::vector<ordered_json> rows;
  for (const std::string& line : Lines(out)) {
    ordered_json row = ordered_json::parse(line, nullptr, false);
    EXPECT_TRUE(row.is_object()) << "not a JSON object: " << line;
    rows.push_back(std::move(row));
  }
  return rows;
}

std::vector<std::string> Keys(const ordered_json& row) {
  std::vector<std::string> keys;
  for (auto it = row.begin(); it != row.end(); ++it) keys.push_back(it.key());
  return keys;
}

class CheckTest : public ::testing::Test {
 protected:
  RunResult Check(std::vector<std::string> extra, const std::string& stdin_text = "") {
    std::vector<std::string> args = {"check", "--config", values_};
    args.insert(args.end(), extra.begin(), extra.end());
    return RunConnaisseur(args, stdin_text);
  }
  TempDir dir_;
  std::string values_ = dir_.Write("values.yaml", kStaticValues);
};

TEST_F(CheckTest, JsonlRowsHaveExactlyTheEightKeysInOrder) {
  const RunResult r = Check({"--output", "jsonl", "nginx", "quay.io/x/y", "Invalid::"});
  const auto rows = ParseJsonl(r.out);
  ASSERT_EQ(rows.size(), 3u) << r.out << r.err;
  for (const auto& row : rows) {
    EXPECT_THAT(Keys(row), ElementsAre("image", "normalized", "rule", "validator", "verdict",
                                       "digest", "reason", "source"))
        << row.dump();
    EXPECT_TRUE(row["source"].is_null()) << "an argument comes from no manifest";
  }
}

TEST_F(CheckTest, StaticAllowAndDenyGiveVerdictsReasonsAndExitCodes) {
  const struct {
    std::string image;
    std::string normalized, rule, validator, verdict;
    std::string reason_part;
    int exit_code;
  } cases[] = {
      {"nginx", "docker.io/library/nginx:latest", "docker.io/library/*", "allow", "allow",
       "static allow for image nginx", 0},
      {"registry.k8s.io/pause:3.9", "registry.k8s.io/pause:3.9", "registry.k8s.io/*", "allow",
       "allow", "static allow", 0},
      {"badimage:1", "docker.io/library/badimage:1", "docker.io/library/bad*", "deny", "deny",
       "static deny for image badimage:1 using rule docker.io/library/bad*", 1},
  };
  for (const auto& c : cases) {
    const RunResult r = Check({"--output", "jsonl", c.image});
    EXPECT_EQ(r.exit_code, c.exit_code) << c.image << ": " << r.err;
    const auto rows = ParseJsonl(r.out);
    ASSERT_EQ(rows.size(), 1u) << c.image << ": " << r.out << r.err;
    const ordered_json& row = rows[0];
    EXPECT_EQ(row["image"], c.image);
    EXPECT_EQ(row["normalized"], c.normalized) << c.image;
    EXPECT_EQ(row["rule"], c.rule) << c.image;
    EXPECT_EQ(row["validator"], c.validator) << c.image;
    EXPECT_EQ(row["verdict"], c.verdict) << c.image;
    EXPECT_TRUE(row["digest"].is_null()) << c.image;
    EXPECT_THAT(row["reason"].get<std::string>(), HasSubstr(c.reason_part)) << c.image;
  }
}

TEST_F(CheckTest, StaticAllowPassesAPinnedDigestThrough) {
  const std::string image = std::string("registry.k8s.io/pause:3.9@") + kDigest;
  const RunResult r = Check({"--output", "jsonl", image});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  const auto rows = ParseJsonl(r.out);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0]["digest"], kDigest);
  EXPECT_EQ(rows[0]["normalized"], image);
}

TEST_F(CheckTest, ParseErrorsAndMissingRulesDenyInEveryMode) {
  const struct {
    std::string image;
    std::string reason_part;
    bool normalized;
  } cases[] = {
      {"Invalid::", "invalid image reference", false},
      {"image/", "invalid image reference", false},
      {"nginx@sha256:123", "invalid image reference", false},
      {"quay.io/team/app:1", "no matching rule", true},
  };
  for (const auto& c : cases) {
    for (bool plan : {false, true}) {
      std::vector<std::string> args = {"--output", "jsonl", c.image};
      if (plan) args.push_back("--plan");
      const RunResult r = Check(args);
      EXPECT_EQ(r.exit_code, 1) << c.image << " plan=" << plan << ": " << r.err;
      const auto rows = ParseJsonl(r.out);
      ASSERT_EQ(rows.size(), 1u) << c.image;
      EXPECT_EQ(rows[0]["verdict"], "deny") << c.image;
      EXPECT_TRUE(rows[0]["rule"].is_null()) << c.image;
      EXPECT_TRUE(rows[0]["validator"].is_null()) << c.image;
      EXPECT_EQ(rows[0]["normalized"].is_null(), !c.normalized) << c.image;
      EXPECT_THAT(rows[0]["reason"].get<std::string>(), HasSubstr(c.reason_part)) << c.image;
    }
  }
}

// The static validators plus a cosign one whose registry (127.0.0.1:1) never answers, so an
// image routed to it can only be decided with the network.
std::string ValuesWithCosign() {
  return kStaticValidators + R"(    - name: signed
      type: cosign
      trustRoots:
        - name: default
          key: |
            -----BEGIN PUBLIC KEY-----
            MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEcpMZunRefAFzEgwoOQUUhmyMoz+i
            jQvppZtg8Vuo1E3pLvxV4Kvl2/hGQ282V/FbYUwLelPPaHnBTuxp1uGmew==
            -----END PUBLIC KEY-----
  policy:
    - pattern: "docker.io/library/*"
      validator: allow
    - pattern: "docker.io/library/bad*"
      validator: deny
    - pattern: "127.0.0.1:1/*"
      validator: signed
      with: {verifyInTransparencyLog: false}
)";
}

// Issue 14: --plan decides static validators offline, with the webhook's own message, and
// plans only what needs a back-end; the exit status says whether anything is surely denied.
TEST_F(CheckTest, PlanDecidesStaticValidatorsOfflineAndPlansTheRest) {
  const std::string values = dir_.Write("cosign.yaml", ValuesWithCosign());
  auto check = [&](std::vector<std::string> extra) {
    std::vector<std::string> args = {"check", "--config", values};
    args.insert(args.end(), extra.begin(), extra.end());
    return RunConnaisseur(args);
  };
  const RunResult plan =
      check({"--plan", "--output", "jsonl", "nginx", "badimage:2", "127.0.0.1:1/team/app:1"});
  EXPECT_EQ(plan.exit_code, 1) << "a static deny is surely denied: " << plan.err;
  const auto rows = ParseJsonl(plan.out);
  ASSERT_EQ(rows.size(), 3u) << plan.out << plan.err;
  EXPECT_EQ(rows[0]["verdict"], "allow");
  EXPECT_EQ(rows[0]["reason"], "static allow for image nginx using rule docker.io/library/*");
  EXPECT_EQ(rows[1]["verdict"], "deny");
  EXPECT_EQ(rows[1]["validator"], "deny");
  EXPECT_EQ(rows[2]["verdict"], "plan");
  EXPECT_EQ(rows[2]["rule"], "127.0.0.1:1/*");
  EXPECT_EQ(rows[2]["validator"], "signed");
  EXPECT_TRUE(rows[2]["digest"].is_null());

  // The same message text as a real run (and so as the webhook).
  const RunResult real = check({"--output", "jsonl", "badimage:2"});
  const auto real_rows = ParseJsonl(real.out);
  ASSERT_EQ(real_rows.size(), 1u) << real.err;
  EXPECT_EQ(rows[1]["reason"], real_rows[0]["reason"]);
  EXPECT_EQ(rows[1]["reason"],
            "static deny for image badimage:2 using rule docker.io/library/bad*");

  const RunResult nothing_denied = check({"--plan", "nginx", "127.0.0.1:1/team/app:1"});
  EXPECT_EQ(nothing_denied.exit_code, 0) << "allowed and planned: nothing surely denied";
  EXPECT_EQ(Lines(nothing_denied.out).back(), "2 images: 1 allowed, 1 planned, 0 denied");
}

// A policy whose decision itself verifies with a back-end is planned, never guessed.
TEST_F(CheckTest, PlanReportsAPolicyThatVerifiesWithABackEndAsPlanned) {
  const std::string values = dir_.Write("cosign.yaml", ValuesWithCosign());
  const std::string script = dir_.Write("both.lua", R"(
return {
  select = function(image, request)
    local first = connaisseur.verify({pattern = "both", validator = "signed",
                                      with = {verifyInTransparencyLog = false}}, image)
    if not first.allowed then return nil, "not signed: " .. first.reason end
    return { pattern = "both", validator = "allow", with = {} }
  end,
}
)");
  const RunResult r = RunConnaisseur({"check", "--config", values, "--policy-script", script,
                                      "--plan", "--output", "jsonl", "127.0.0.1:1/team/app:1"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  const auto rows = ParseJsonl(r.out);
  ASSERT_EQ(rows.size(), 1u) << r.out << r.err;
  EXPECT_EQ(rows[0]["verdict"], "plan");
  EXPECT_THAT(rows[0]["reason"].get<std::string>(), HasSubstr("validator signed"));
  EXPECT_THAT(rows[0]["reason"].get<std::string>(), HasSubstr("--plan"));
}

TEST_F(CheckTest, ImagesFromStdinSkipBlankLinesAndComments) {
  const RunResult r = Check({"--output", "jsonl", "--images", "-"},
                            "# cluster images\n\nnginx\n   # indented comment\n  redis:7  \r\n"
                            "\n");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  const auto rows = ParseJsonl(r.out);
  ASSERT_EQ(rows.size(), 2u) << r.out;
  EXPECT_EQ(rows[0]["image"], "nginx");
  EXPECT_EQ(rows[1]["image"], "redis:7");
}

TEST_F(CheckTest, ArgumentsComeBeforeTheImageListInOutput) {
  const std::string list = dir_.Write("images.txt", "redis\nbadimage\n");
  const RunResult r = Check({"--output", "jsonl", "--images", list, "nginx"});
  EXPECT_EQ(r.exit_code, 1);
  const auto rows = ParseJsonl(r.out);
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0]["image"], "nginx");
  EXPECT_EQ(rows[1]["image"], "redis");
  EXPECT_EQ(rows[2]["image"], "badimage");
}

// Every workload kind the webhook handles, in one multi-document file. Line numbers matter:
// the origin test names them.
constexpr char kWorkloads[] = R"(apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  initContainers: [{name: i, image: "registry.k8s.io/init:1"}]
  containers: [{name: c, image: nginx}]
  volumes: [{name: cfg, configMap: {name: c}}, {name: models, image: {reference: "models:3"}}]
---
apiVersion: v1
kind: Service
metadata: {name: s}
spec: {ports: [{port: 80}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: d}
spec:
  template:
    spec:
      containers: [{name: c, image: "redis:7"}, {name: d, image: badimage}]
---
{"apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": "cj"},
 "spec": {"jobTemplate": {"spec": {"template": {"spec": {"containers": [{"name": "c", "image": "busybox"}]}}}}}}
---
apiVersion: v1
kind: List
items:
  - apiVersion: apps/v1
    kind: DaemonSet
    spec: {template: {spec: {containers: [{name: c, image: "quay.io/x/agent:2"}]}}}
)";

TEST_F(CheckTest, ManifestsYieldImagesOfEveryWorkloadKindInOrder) {
  const std::string manifests = dir_.Write("workloads.yaml", kWorkloads);
  const RunResult r = Check({"--output", "jsonl", "--manifests", manifests});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  std::vector<std::string> images;
  for (const auto& row : ParseJsonl(r.out)) images.push_back(row["image"]);
  // Per object: containers, then initContainers, then ephemeralContainers, then image volumes.
  EXPECT_THAT(images, ElementsAre("nginx", "registry.k8s.io/init:1", "models:3", "redis:7",
                                  "badimage", "busybox", "quay.io/x/agent:2"));
}

// Issue 14: a repository of manifests must say where each image lives: the file and line, the
// object (kind, namespace, name) and the path in it, in json/jsonl and in the table.
TEST_F(CheckTest, ManifestImagesNameTheirFileObjectAndPath) {
  const std::string manifests = dir_.Write("workloads.yaml", kWorkloads);
  const std::string prod = dir_.Write("prod.yaml", R"(apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db, namespace: prod}
spec:
  template:
    spec:
      initContainers:
        - {name: a, image: "registry.k8s.io/a:1"}
        - {name: b, image: badimage}
)");
  const RunResult r = Check({"--output", "jsonl", "--manifests", manifests});
  const auto rows = ParseJsonl(r.out);
  ASSERT_EQ(rows.size(), 7u) << r.out << r.err;
  struct Want {
    int line;
    const char* kind;
    const char* name;
    const char* path;
  } const want[] = {
      {6, "Pod", "p", "spec.containers[0].image"},
      {5, "Pod", "p", "spec.initContainers[0].image"},
      {7, "Pod", "p", "spec.volumes[1].image.reference"},
      {20, "Deployment", "d", "spec.template.spec.containers[0].image"},
      {20, "Deployment", "d", "spec.template.spec.containers[1].image"},
      {23, "CronJob", "cj", "spec.jobTemplate.spec.template.spec.containers[0].image"},
      {30, "DaemonSet", nullptr, "spec.template.spec.containers[0].image"},
  };
  for (size_t i = 0; i < rows.size(); ++i) {
    const ordered_json& source = rows[i]["source"];
    ASSERT_TRUE(source.is_object()) << rows[i].dump();
    EXPECT_THAT(Keys(source), ElementsAre("file", "line", "kind", "namespace", "name", "path"));
    EXPECT_EQ(source["file"], manifests);
    EXPECT_EQ(source["line"], want[i].line) << rows[i].dump();
    EXPECT_EQ(source["kind"], want[i].kind);
    EXPECT_TRUE(source["namespace"].is_null()) << "the manifests set no namespace";
    if (want[i].name == nullptr) {
      EXPECT_TRUE(source["name"].is_null()) << rows[i].dump();
    } else {
      EXPECT_EQ(source["name"], want[i].name);
    }
    EXPECT_EQ(source["path"], want[i].path);
  }

  const RunResult denied = Check({"--output", "json", "--manifests", prod});
  EXPECT_EQ(denied.exit_code, 1);
  const ordered_json array = ordered_json::parse(denied.out, nullptr, false);
  ASSERT_TRUE(array.is_array() && array.size() == 2u) << denied.out;
  EXPECT_EQ(array[1]["verdict"], "deny");
  EXPECT_EQ(array[1]["source"]["namespace"], "prod");
  EXPECT_EQ(array[1]["source"]["name"], "db");
  EXPECT_EQ(array[1]["source"]["path"], "spec.template.spec.initContainers[1].image");
  EXPECT_EQ(array[1]["source"]["line"], 9);

  const RunResult table = Check({"--manifests", prod, "nginx"});
  const auto lines = Lines(table.out);
  ASSERT_EQ(lines.size(), 5u) << table.out;
  EXPECT_THAT(lines[0], HasSubstr("FILE"));
  EXPECT_THAT(lines[0], HasSubstr("OBJECT"));
  EXPECT_THAT(lines[0], HasSubstr("PATH"));
  EXPECT_THAT(lines[3], HasSubstr("prod.yaml:9"));
  EXPECT_THAT(lines[3], HasSubstr("StatefulSet prod/db"));
  EXPECT_THAT(lines[3], HasSubstr("spec.template.spec.initContainers[1].image"));
  EXPECT_THAT(lines[3], HasSubstr("static deny"));
}

TEST_F(CheckTest, BrokenManifestIsAUsageErrorNamingTheFile) {
  const std::string manifests = dir_.Write("broken.yaml", "kind: Pod\nspec: [unclosed\n");
  const RunResult r = Check({"--manifests", manifests});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("broken.yaml"));
}

TEST_F(CheckTest, JsonOutputIsOneValidArray) {
  for (const std::vector<std::string>& images :
       {std::vector<std::string>{"nginx", "badimage", "a\"b\\c"}, std::vector<std::string>{}}) {
    std::vector<std::string> args = {"--output", "json"};
    std::string list;
    for (const auto& i : images) list += i + "\n";
    args.push_back("--images");
    args.push_back(dir_.Write("list.txt", list));
    const RunResult r = Check(args);
    const ordered_json array = ordered_json::parse(r.out, nullptr, false);
    ASSERT_TRUE(array.is_array()) << r.out;
    ASSERT_EQ(array.size(), images.size()) << r.out;
    for (size_t i = 0; i < images.size(); ++i) EXPECT_EQ(array[i]["image"], images[i]);
  }
}

TEST_F(CheckTest, TableShowsARowPerImageAndASummary) {
  const RunResult r = Check({"nginx", "badimage"});
  EXPECT_EQ(r.exit_code, 1);
  const auto lines = Lines(r.out);
  ASSERT_EQ(lines.size(), 4u) << r.out;
  EXPECT_THAT(lines[0], HasSubstr("VERDICT"));
  EXPECT_THAT(lines[1], HasSubstr("nginx"));
  EXPECT_THAT(lines[2], HasSubstr("badimage"));
  EXPECT_EQ(lines[3], "2 images: 1 allowed, 1 denied");
}

TEST_F(CheckTest, DetectionModeTurnsDeniesIntoAllowsWithAWarning) {
  const RunResult r = Check({"--detection", "--output", "jsonl", "badimage", "quay.io/x/y"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  for (const auto& row : ParseJsonl(r.out)) {
    EXPECT_EQ(row["verdict"], "allow") << row.dump();
    EXPECT_THAT(row["reason"].get<std::string>(), HasSubstr("detection mode active"));
  }
  EXPECT_THAT(r.err, HasSubstr("detection mode"));
}

TEST_F(CheckTest, JobsDoNotChangeTheOutput) {
  std::string list;
  for (int i = 0; i < 3000; ++i) {
    list += (i % 7 == 0   ? "badimage"
             : i % 5 == 0 ? "quay.io/x/y"
                          : "nginx") +
            std::string(":") + std::to_string(i % 1000) + "\n";
    if (i % 11 == 0) list += "bad image " + std::to_string(i) + "\n";
  }
  const std::string path = dir_.Write("many.txt", list);
  const RunResult one = Check({"--output", "jsonl", "--jobs", "1", "--images", path});
  const RunResult four = Check({"--output", "jsonl", "--jobs", "4", "--images", path});
  EXPECT_EQ(one.exit_code, 1);
  EXPECT_EQ(four.exit_code, 1);
  EXPECT_EQ(Lines(one.out).size(), 3000u + 273u);
  EXPECT_TRUE(one.out == four.out) << "outputs differ between --jobs 1 and --jobs 4";
}

TEST_F(CheckTest, ConfigErrorsExitTwoNamingTheFile) {
  const std::string missing = dir_.path() + "/nope.yaml";
  const std::string broken = dir_.Write("broken.yaml", R"(application:
  validators:
    - name: allow
      type: static
      approve: maybe
  policy:
    - pattern: "*:*"
      validator: allow
)");
  for (const std::string& path : {missing, broken}) {
    const RunResult r = RunConnaisseur({"check", "--config", path, "nginx"});
    EXPECT_EQ(r.exit_code, 2) << path;
    EXPECT_EQ(r.out, "") << path;
    EXPECT_THAT(r.err, HasSubstr(path));
  }
}

TEST_F(CheckTest, CustomPolicyScriptDecides) {
  const std::string script = dir_.Write("policy.lua", R"(
return {
  select = function(image, request)
    if request.namespace == "prod" and image.registry ~= "registry.k8s.io" then
      return nil, "prod only runs registry.k8s.io images"
    end
    return { pattern = "custom", validator = "allow", with = {} }
  end,
}
)");
  const RunResult dev = Check({"--policy-script", script, "--output", "jsonl", "quay.io/x/y"});
  EXPECT_EQ(dev.exit_code, 0) << dev.err;
  const auto dev_rows = ParseJsonl(dev.out);
  ASSERT_EQ(dev_rows.size(), 1u);
  EXPECT_EQ(dev_rows[0]["rule"], "custom");
  const RunResult prod =
      Check({"--policy-script", script, "--namespace", "prod", "--output", "jsonl", "quay.io/x/y"});
  EXPECT_EQ(prod.exit_code, 1);
  const auto prod_rows = ParseJsonl(prod.out);
  ASSERT_EQ(prod_rows.size(), 1u);
  EXPECT_THAT(prod_rows[0]["reason"].get<std::string>(),
              HasSubstr("prod only runs registry.k8s.io images"));
}

TEST_F(CheckTest, PolicyScriptThatDoesNotLoadIsAnErrorNamingScriptAndLine) {
  const std::string script = dir_.Write("broken.lua", "return {\n  select = function(\n}\n");
  const RunResult r = Check({"--policy-script", script, "nginx"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("broken.lua:"));
}

TEST_F(CheckTest, PrintFloodingPolicyKeepsJsonlStdoutValid) {
  const std::string script = dir_.Write("noisy.lua", R"(
return {
  select = function(image, request)
    for i = 1, 200 do print("noise {\"not\": \"json\"} " .. i) end
    return { pattern = "noisy", validator = "allow", with = {} }
  end,
}
)");
  const RunResult r =
      Check({"--policy-script", script, "--output", "jsonl", "nginx", "redis", "busybox"});
  EXPECT_EQ(r.exit_code, 0) << r.err.substr(0, 500);
  const auto rows = ParseJsonl(r.out);
  ASSERT_EQ(rows.size(), 3u) << r.out.substr(0, 500);
  for (const auto& row : rows) EXPECT_EQ(Keys(row).size(), 8u) << row.dump();
}

// The Connaisseur-shaped corpus: every warned shape denies the images it governs with a message
// naming the cause. All images here are decided before any network access (static validators,
// or a doubt).
struct Verdict {
  std::string image;
  bool allowed;
  std::string reason;  // substring of the deny reason ("" for an allow)
};

// Runs `check` over the images and compares each row's verdict and reason.
void ExpectVerdicts(const std::string& name, const std::vector<Verdict>& verdicts) {
  std::vector<std::string> args = {"check", "--config", CorpusPath(name), "--output", "jsonl"};
  for (const Verdict& v : verdicts) args.push_back(v.image);
  const RunResult r = RunConnaisseur(args);
  const std::vector<std::string> lines = Lines(r.out);
  ASSERT_EQ(lines.size(), verdicts.size()) << name << "\n" << r.out << r.err;
  for (size_t i = 0; i < verdicts.size(); ++i) {
    const nlohmann::json row = nlohmann::json::parse(lines[i], nullptr, false);
    ASSERT_TRUE(row.is_object()) << lines[i];
    EXPECT_EQ(row["verdict"], verdicts[i].allowed ? "allow" : "deny")
        << name << " " << verdicts[i].image << ": " << row.dump();
    if (!verdicts[i].allowed) {
      EXPECT_THAT(row["reason"].get<std::string>(), HasSubstr(verdicts[i].reason))
          << name << " " << verdicts[i].image;
    }
  }
}

TEST(CheckCorpusTest, EmptyTrustRootsDenyTheImagesRoutedThereNamingTheValidator) {
  const std::string no_root = "validator \"default\" has no trust root configured";
  ExpectVerdicts("v2.0-defaults.yaml",
                 {{"quay.io/org/app:1", false, no_root}, {"k8s.gcr.io/pause:3.2", true, ""}});
  ExpectVerdicts("v3.3-defaults.yaml",
                 {{"quay.io/org/app:1", false, no_root}, {"registry.k8s.io/pause:3.9", true, ""}});
  ExpectVerdicts("v3.10-defaults.yaml",
                 {{"quay.io/org/app:1", false, no_root}, {"registry.k8s.io/pause:3.9", true, ""}});
  ExpectVerdicts("v2.x-documented-snippets.yaml",
                 {{"ghcr.io/example/app:1", false,
                   "validator \"cosign-pending\" has no trust root configured"},
                  {"docker.io/library/nginx:1", true, ""}});
  ExpectVerdicts("v3.10-documented-snippets.yaml", {{"quay.io/org/app:1", false, no_root}});
}

TEST(CheckCorpusTest, V1EmptyRootKeyDeniesSayingEmpty) {
  ExpectVerdicts("v1.4-defaults.yaml",
                 {{"docker.io/library/nginx:1.25", false,
                   "trust root \"default\" of validator \"default\" has an empty key"},
                  {"k8s.gcr.io/pause:3.2", true, ""}});
}

TEST(CheckCorpusTest, UnmountedAuthSecretsDenyNamingTheSecret) {
  const std::string values = CorpusPath("v1-selfsigned-private-notary.yaml");
  const RunResult plan = RunConnaisseur(
      {"check", "--plan", "--config", values, "harbor.example.internal/library/app:1"});
  EXPECT_EQ(plan.exit_code, 0) << "--plan runs no validator: " << plan.out << plan.err;
  ExpectVerdicts("v1-selfsigned-private-notary.yaml",
                 {{"harbor.example.internal/library/app:1", false, "harbor-notary-credentials"},
                  {"k8s.gcr.io/pause:3.2", true, ""}});
  ExpectVerdicts("v2.x-documented-snippets.yaml",
                 {{"myregistry.azurecr.io/app:1", false, "acr-connaisseur-credentials"}});
}

TEST(CheckCorpusTest, DocumentedSnippetsDenyEachDoubtWithItsMessage) {
  ExpectVerdicts("v3.3-documented-snippets.yaml",
                 {{"quay.io/other/app:1", false, "validator \"default\" not found"},
                  {"quay.io/example/app:1", false, "validator \"missing-validator\" not found"},
                  {"notary.example.internal/app:1", false, "validator \"nv2\" has type notaryv2"},
                  {"docker.io/securesystemsengineering/testimage:1", false,
                   "no trust root named \"nope\" in validator \"sse\""},
                  {"docker.io/securesystemsengineering/connaisseur:v3", false,
                   "rule option \"threshold\" is not an option of notaryv1 validator \"sse\""}});
  ExpectVerdicts("v3.10-documented-snippets.yaml",
                 {{"registry.example.com/notation/app:1", false,
                   "validator \"notation-ca\" is of type notation"},
                  {"notary.example.internal/app:1", false,
                   "no with.trustRoot given and validator \"team-notary\" has no trust root "
                   "named \"default\""},
                  {"registry.k8s.io/pause:3.9", true, ""}});
}

// Connaisseur ignores unknown keys; a misspelled key in a validator or a rule's `with` denies
// what it governs (lint_command_test.cc shows the warnings).
TEST(CheckCorpusTest, UnknownKeysDenyInValidatorsAndRules) {
  ExpectVerdicts("v3.10-unknown-keys.yaml",
                 {{"docker.io/library/nginx:1", true, ""},
                  {"ghcr.io/example/app:1", false,
                   "validator \"private-rekor\" has an unknown key \"rekorPubKey\" (did you "
                   "mean \"rekorPubkey\"?)"},
                  {"quay.io/team/app:1", false,
                   "unknown key \"with.treshold\" (did you mean \"threshold\"?)"}});
}

TEST(CheckCorpusTest, TheLaterOfTwoRulesWithTheSamePatternWinsAndCheckShowsIt) {
  const std::string values = CorpusPath("v3.3-documented-snippets.yaml");
  // Rule 2 sends registry.k8s.io to `deny`, rule 3 (same pattern) to `allow`: rule 3 is used.
  for (const char* plan : {"--plan", ""}) {
    std::vector<std::string> args = {"check",    "--config", values,
                                     "--output", "jsonl",    "registry.k8s.io/pause:3.9"};
    if (*plan != '\0') args.push_back(plan);
    const RunResult r = RunConnaisseur(args);
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    const nlohmann::json row = nlohmann::json::parse(r.out, nullptr, false);
    ASSERT_TRUE(row.is_object()) << r.out;
    EXPECT_EQ(row["rule"], "registry.k8s.io/*:*");
    EXPECT_EQ(row["validator"], "allow") << "the later rule wins the tie";
  }
  const RunResult table =
      RunConnaisseur({"check", "--config", values, "registry.k8s.io/pause:3.9"});
  EXPECT_THAT(table.out, HasSubstr("allow"));
}

}  // namespace
}  // namespace connaisseur::cli::testing
