// ImageReference::Parse: the accept and reject tables of docs/policy-lua.md "image" plus edge cases
// (ports, IPv6, localhost, digests, length limits, garbage bytes).
#include "runtime/image/image_reference.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "tests/testing/status_matchers.h"

namespace connaisseur {
// Failures print their Status instead of the object's bytes.
inline void PrintTo(const StatusOr<image::ImageReference>& r, std::ostream* os) {
  *os << (r.ok() ? r->normalized() : r.status().ToString());
}
}  // namespace connaisseur

namespace connaisseur::image {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

const std::string kHex(64, 'a');
const std::string kHexUpper(64, 'A');
const std::string kDigest = "sha256:" + kHex;

struct Accepted {
  std::string input;
  std::string registry;
  std::string repository;
  std::optional<std::string> tag;
  std::optional<std::string> digest;
  std::string normalized;
};

const Accepted kAccepted[] = {
    // docs/policy-lua.md "image".
    {"image:tag", "docker.io", "library/image", "tag", {}, "docker.io/library/image:tag"},
    {"registry.io:8080/image",
     "registry.io:8080",
     "image",
     "latest",
     {},
     "registry.io:8080/image:latest"},
    {"registry:12", "docker.io", "library/registry", "12", {}, "docker.io/library/registry:12"},
    {"registry:1234/repo/image:tag",
     "registry:1234",
     "repo/image",
     "tag",
     {},
     "registry:1234/repo/image:tag"},
    {"master-node:5000/registry.k8s.io/library/kube-apiserver:v1.18.6",
     "master-node:5000",
     "registry.k8s.io/library/kube-apiserver",
     "v1.18.6",
     {},
     "master-node:5000/registry.k8s.io/library/kube-apiserver:v1.18.6"},
    {"reg.com:12345/path/to/repo/image:tag",
     "reg.com:12345",
     "path/to/repo/image",
     "tag",
     {},
     "reg.com:12345/path/to/repo/image:tag"},
    {"image@" + kDigest,
     "docker.io",
     "library/image",
     {},
     kDigest,
     "docker.io/library/image@" + kDigest},
    // Docker Hub spellings.
    {"nginx", "docker.io", "library/nginx", "latest", {}, "docker.io/library/nginx:latest"},
    {"docker.io/nginx",
     "docker.io",
     "library/nginx",
     "latest",
     {},
     "docker.io/library/nginx:latest"},
    {"index.docker.io/nginx:1", "docker.io", "library/nginx", "1", {}, "docker.io/library/nginx:1"},
    {"index.docker.io/org/app", "docker.io", "org/app", "latest", {}, "docker.io/org/app:latest"},
    {"securesystemsengineering/sample:v1",
     "docker.io",
     "securesystemsengineering/sample",
     "v1",
     {},
     "docker.io/securesystemsengineering/sample:v1"},
    {"a/b/c/d", "docker.io", "a/b/c/d", "latest", {}, "docker.io/a/b/c/d:latest"},
    // A single component is never a registry, dots or not.
    {"nginx.io",
     "docker.io",
     "library/nginx.io",
     "latest",
     {},
     "docker.io/library/nginx.io:latest"},
    {"localhost",
     "docker.io",
     "library/localhost",
     "latest",
     {},
     "docker.io/library/localhost:latest"},
    // localhost, uppercase, IPv6 and ports make the first component a registry.
    {"localhost/x", "localhost", "x", "latest", {}, "localhost/x:latest"},
    {"localhost:5000/x:y", "localhost:5000", "x", "y", {}, "localhost:5000/x:y"},
    {"Registry/x", "Registry", "x", "latest", {}, "Registry/x:latest"},
    // Review regression: host names are case-insensitive, so the registry is lower-cased and
    // `REG.example.com/x` meets the rules written for reg.example.com (unless upper case is
    // what makes it a registry at all, as in `Registry/x` above).
    {"REG.Example.com:5000/team/app:V1",
     "reg.example.com:5000",
     "team/app",
     "V1",
     {},
     "reg.example.com:5000/team/app:V1"},
    {"DOCKER.IO/nginx",
     "docker.io",
     "library/nginx",
     "latest",
     {},
     "docker.io/library/nginx:latest"},
    {"Index.Docker.IO/team/app",
     "docker.io",
     "team/app",
     "latest",
     {},
     "docker.io/team/app:latest"},
    {"LOCALHOST/x", "localhost", "x", "latest", {}, "localhost/x:latest"},
    {"[::1]:5000/img:1", "[::1]:5000", "img", "1", {}, "[::1]:5000/img:1"},
    {"[fe80::1]/img", "[fe80::1]", "img", "latest", {}, "[fe80::1]/img:latest"},
    {"10.0.0.1:65535/a/b", "10.0.0.1:65535", "a/b", "latest", {}, "10.0.0.1:65535/a/b:latest"},
    {"my-reg.example.com/team/app",
     "my-reg.example.com",
     "team/app",
     "latest",
     {},
     "my-reg.example.com/team/app:latest"},
    // Tags: upper case allowed, '.', '-' after the first character, 128 characters.
    {"image:Tag", "docker.io", "library/image", "Tag", {}, "docker.io/library/image:Tag"},
    {"image:_x.y-z", "docker.io", "library/image", "_x.y-z", {}, "docker.io/library/image:_x.y-z"},
    {"image:" + std::string(128, 't'),
     "docker.io",
     "library/image",
     std::string(128, 't'),
     {},
     "docker.io/library/image:" + std::string(128, 't')},
    // Path separators: '.', '_', '__', runs of '-'.
    {"org/a.b_c__d---e",
     "docker.io",
     "org/a.b_c__d---e",
     "latest",
     {},
     "docker.io/org/a.b_c__d---e:latest"},
    // Digests: upper-case hex is lowered; tag and digest are both kept.
    {"image@sha256:" + kHexUpper,
     "docker.io",
     "library/image",
     {},
     kDigest,
     "docker.io/library/image@" + kDigest},
    {"x:1.2@" + kDigest, "docker.io", "library/x", "1.2", kDigest,
     "docker.io/library/x:1.2@" + kDigest},
    {"reg:5000/img:1@" + kDigest, "reg:5000", "img", "1", kDigest, "reg:5000/img:1@" + kDigest},
    // The 255-character limit counts the normalised name: "docker.io/library/" is 18 of them.
    {std::string(237, 'a'),
     "docker.io",
     "library/" + std::string(237, 'a'),
     "latest",
     {},
     "docker.io/library/" + std::string(237, 'a') + ":latest"},
    {"reg.io/" + std::string(248, 'a') + ":1",
     "reg.io",
     std::string(248, 'a'),
     "1",
     {},
     "reg.io/" + std::string(248, 'a') + ":1"},
    // index.docker.io shortens to docker.io, so the raw name may be longer than 255.
    {"index.docker.io/o/" + std::string(241, 'a'),
     "docker.io",
     "o/" + std::string(241, 'a'),
     "latest",
     {},
     "docker.io/o/" + std::string(241, 'a') + ":latest"},
};

TEST(ImageReferenceTest, ParsesAndNormalizesEveryAcceptedReference) {
  for (const Accepted& c : kAccepted) {
    StatusOr<ImageReference> ref = ImageReference::Parse(c.input);
    ASSERT_THAT(ref, IsOk()) << c.input;
    EXPECT_EQ(ref->raw(), c.input);
    EXPECT_EQ(ref->registry(), c.registry) << c.input;
    EXPECT_EQ(ref->repository(), c.repository) << c.input;
    EXPECT_EQ(ref->name(), c.registry + "/" + c.repository) << c.input;
    EXPECT_EQ(ref->tag(), c.tag) << c.input;
    EXPECT_EQ(ref->digest(), c.digest) << c.input;
    EXPECT_EQ(ref->normalized(), c.normalized) << c.input;
  }
}

TEST(ImageReferenceTest, NormalizedFormParsesToItself) {
  for (const Accepted& c : kAccepted) {
    StatusOr<ImageReference> ref = ImageReference::Parse(c.input);
    ASSERT_THAT(ref, IsOk()) << c.input;
    StatusOr<ImageReference> again = ImageReference::Parse(ref->normalized());
    ASSERT_THAT(again, IsOk()) << c.input;
    EXPECT_EQ(again->normalized(), ref->normalized()) << c.input;
    EXPECT_TRUE(*again == *ref) << c.input;
  }
}

struct Rejected {
  std::string input;
  std::string reason;  // a fragment of the message after the quoted input
};

const Rejected kRejected[] = {
    // docs/policy-lua.md "image".
    {"image/", "empty component"},
    {"registry:", "empty tag"},
    {"invalid,image", "','"},
    {"asd\"fgh", "'\"'"},
    {"/itswrong", "empty component"},
    {std::string(256, 'a'), "274 characters, the limit is 255"},
    {std::string(238, 'a'), "256 characters, the limit is 255"},
    {"reg.io/" + std::string(249, 'a') + ":1", "256 characters, the limit is 255"},
    {"image@sha:" + kHex, "digest algorithm sha is not supported, use sha256"},
    {"image@sha512:" + std::string(128, 'a'), "digest algorithm sha512 is not supported"},
    // Empty and structural garbage.
    {"", "empty reference"},
    {":tag", "missing repository name"},
    {"@" + kDigest, "missing repository name"},
    {"image@", "empty digest"},
    {"image:", "empty tag"},
    {"image:tag:", "empty tag"},
    {"reg.io/", "empty component"},
    {"reg.io//x", "empty component"},
    {"a//b", "empty component"},
    {"/", "empty component"},
    {"image@sha256", "<algorithm>:<hex>"},
    {"image@:" + kHex, "algorithm is empty"},
    {"image@sha256:123", "64 hex characters, got 3"},
    {"image@sha256:" + kHex + "a", "64 hex characters, got 65"},
    {"image@sha256:" + std::string(63, 'a') + "g", "non-hex character 'g'"},
    {"image@" + kDigest + "@" + kDigest, "more than one '@'"},
    // Upper case in the path (the registry may have it, the tag may have it).
    {"IMAGE", "must be lower case"},
    {"docker.io/Library/nginx", "must be lower case"},
    {"reg.io/team/App:1", "must be lower case"},
    // Path component grammar.
    {"a..b", "'.' where a letter or digit"},
    {"a.", "ends with '.'"},
    {"-a", "'-' where a letter or digit"},
    {"a-", "ends with '-'"},
    {"a___b", "'_' where a letter or digit"},
    {"a_", "ends with '_'"},
    {"reg.io/a+b", "'+'"},
    // Tags.
    {"image:" + std::string(129, 't'), "129 characters, the limit is 128"},
    {"image:.tag", "tag contains '.'"},
    {"image:-tag", "tag contains '-'"},
    {"image:ta+g", "tag contains '+'"},
    // Registries.
    {"reg.io:/x", "port is empty"},
    {"reg.io:80a/x", "port contains 'a'"},
    {"reg.io:65536/x", "out of range"},
    {"reg.io:1:2/x", "port contains ':'"},
    {"-reg.io/x", "starts or ends with '-'"},
    {"reg-.io/x", "starts or ends with '-'"},
    {"reg..io/x", "empty label"},
    {".reg.io/x", "empty label"},
    {"reg_x.io/x", "host contains '_'"},
    {"[::1/x", "lacks ']'"},
    {"[]:5000/x", "IPv6 address is empty"},
    {"[::g]/x", "IPv6 address contains 'g'"},
    {"[::1]x/y", "after registry IPv6"},
    {"[::1]:5000", "'['"},
    // Whitespace, control characters, non-ASCII.
    {" image", "byte 0x20 at offset 0"},
    {"image ", "byte 0x20 at offset 5"},
    {"ima\tge", "byte 0x09"},
    {"image\n", "byte 0x0a"},
    {std::string("ima\0ge", 6), "byte 0x00 at offset 3"},
    {"image\x7f", "byte 0x7f"},
    {"imäge", "byte 0xc3"},
    {"image:t\xff", "byte 0xff"},
    {"\xef\xbc\x8fimage", "byte 0xef"},
};

TEST(ImageReferenceTest, RejectsEveryMalformedReferenceWithTheDocumentedMessage) {
  for (const Rejected& c : kRejected) {
    StatusOr<ImageReference> ref = ImageReference::Parse(c.input);
    EXPECT_THAT(ref,
                StatusIs(StatusCode::kInvalidArgument, StartsWith("invalid image reference \"")))
        << c.input;
    EXPECT_THAT(ref, StatusIs(StatusCode::kInvalidArgument, HasSubstr(c.reason))) << c.input;
  }
}

TEST(ImageReferenceTest, ErrorMessageQuotesThePrintableInputVerbatim) {
  EXPECT_THAT(ImageReference::Parse("invalid,image"),
              StatusIs(StatusCode::kInvalidArgument,
                       StartsWith("invalid image reference \"invalid,image\": ")));
}

TEST(ImageReferenceTest, ErrorMessageEscapesControlBytesAndQuotes) {
  const std::string input = std::string("a\"b\n\0c", 6);
  StatusOr<ImageReference> ref = ImageReference::Parse(input);
  ASSERT_FALSE(ref.ok());
  EXPECT_THAT(ref.status().message(), StartsWith("invalid image reference \"a\\\"b\\x0a\\x00c\""));
}

TEST(ImageReferenceTest, ErrorMessageTruncatesHugeInput) {
  // Printable bytes are quoted as one character, others as four (\xNN): both stay short.
  for (char fill : {'!', '\xff', '\n'}) {
    const std::string input(1 << 20, fill);
    StatusOr<ImageReference> ref = ImageReference::Parse(input);
    ASSERT_FALSE(ref.ok()) << int{fill};
    EXPECT_LT(ref.status().message().size(), 512u) << int{fill};
    EXPECT_THAT(ref.status().message(), HasSubstr("(1048576 bytes)")) << int{fill};
  }
}

TEST(ImageReferenceTest, HugeWellFormedLookingInputIsRejected) {
  // Long runs of grammar characters exercise every scanner path without tripping CheckBytes.
  const std::string long_name(1 << 20, 'a');
  const std::string long_tag = "a:" + std::string(1 << 20, 'b');
  const std::string long_digest = "a@sha256:" + std::string(1 << 20, 'c');
  const std::string many_slashes = std::string(1 << 19, '/');
  for (const std::string& input : {long_name, long_tag, long_digest, many_slashes}) {
    EXPECT_THAT(ImageReference::Parse(input),
                StatusIs(StatusCode::kInvalidArgument, HasSubstr("invalid image reference")))
        << input.substr(0, 20);
    EXPECT_LT(ImageReference::Parse(input).status().message().size(), 512u) << input.substr(0, 20);
  }
}

TEST(ImageReferenceTest, WithDigestKeepsTheTagAndReplacesTheDigest) {
  const std::string other = "sha256:" + std::string(64, 'b');
  struct Case {
    std::string input, expected;
  } cases[] = {
      {"nginx", "docker.io/library/nginx:latest@" + other},
      {"reg:5000/img:1", "reg:5000/img:1@" + other},
      {"img@" + kDigest, "docker.io/library/img@" + other},
      {"img:v2@" + kDigest, "docker.io/library/img:v2@" + other},
  };
  for (const Case& c : cases) {
    StatusOr<ImageReference> ref = ImageReference::Parse(c.input);
    ASSERT_THAT(ref, IsOk()) << c.input;
    EXPECT_EQ(ref->WithDigest(other), c.expected) << c.input;
  }
}

TEST(ImageReferenceTest, EqualityComparesNormalizedForms) {
  StatusOr<ImageReference> a = ImageReference::Parse("nginx");
  StatusOr<ImageReference> b = ImageReference::Parse("index.docker.io/library/nginx:latest");
  StatusOr<ImageReference> c = ImageReference::Parse("nginx:1");
  ASSERT_THAT(a, IsOk());
  ASSERT_THAT(b, IsOk());
  ASSERT_THAT(c, IsOk());
  EXPECT_TRUE(*a == *b);
  EXPECT_FALSE(*a == *c);
}

}  // namespace
}  // namespace connaisseur::image
