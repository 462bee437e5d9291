// Fuzzes the webhook's input path short of the policy: ParseAdmissionReview, the object walk
// (ExtractImages, ExtractPullContext) and the JSON patch and response that pin the images. No
// crash, no sanitizer report, and the invariants the reviewer relies on:
// - every extracted image path is a JSON pointer that resolves, in the request's object, to that
//   very image string (so the patch replaces what was verified, nothing else);
// - the patch and the response always parse as JSON, with one op per pinned image;
// - a parse error is one of the documented codes.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/admission/admission_outcome.h"
#include "runtime/admission/admission_review.h"
#include "runtime/admission/json_patch.h"
#include "runtime/admission/json_tree.h"
#include "runtime/admission/workload.h"
#include "runtime/image/image_reference.h"

namespace {

using connaisseur::StatusCode;
using namespace connaisseur::admission;

// Reviews are a few KiB; the size and nesting limits are tested on their own (unit tests).
constexpr size_t kMaxInput = 64 * 1024;

void Check(bool ok) {
  if (!ok) std::abort();
}

// The patch ops that pin every image that parses, as the reviewer builds them.
std::vector<PatchOp> PinImages(const std::vector<ContainerImage>& images,
                               const nlohmann::json& object) {
  std::vector<PatchOp> ops;
  for (const ContainerImage& image : images) {
    const nlohmann::json::json_pointer pointer(image.path);
    Check(object.contains(pointer) && object.at(pointer).is_string() &&
          object.at(pointer).get<std::string>() == image.image);
    auto ref = connaisseur::image::ImageReference::Parse(image.image);
    if (!ref.ok()) continue;
    ops.push_back({image.path, ref->WithDigest("sha256:" + std::string(64, 'a'))});
  }
  return ops;
}

void CheckOutcome(const AdmissionReview& review, const std::vector<PatchOp>& ops) {
  const std::string patch = SerializePatch(ops);
  const auto parsed_patch = nlohmann::json::parse(patch, nullptr, false);
  Check(parsed_patch.is_array() && parsed_patch.size() == ops.size());
  AdmissionOutcome outcome;
  outcome.allowed = !ops.empty();
  outcome.patch = ops;
  outcome.message = review.name;
  outcome.warnings = {review.namespace_name};
  const auto response = nlohmann::json::parse(
      RenderResponse(review.api_version, review.uid, outcome), nullptr, false);
  Check(response.is_object() && response["response"]["uid"] == review.uid);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > kMaxInput) return 0;
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  auto review = ParseAdmissionReview(body);
  if (!review.ok()) {
    const StatusCode code = review.status().code();
    Check(code == StatusCode::kInvalidArgument || code == StatusCode::kResourceExhausted);
    return 0;
  }
  JsonTreeReleaser release(review->request);
  auto images = ExtractImages(review->kind, review->object());
  if (images.ok()) CheckOutcome(*review, PinImages(*images, review->object()));
  auto pull = ExtractPullContext(review->kind, review->object(), review->namespace_name);
  if (pull.ok()) Check(!pull->namespace_name.empty());
  return 0;
}
