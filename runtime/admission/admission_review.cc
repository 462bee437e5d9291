#include "runtime/admission/admission_review.h"

#include "runtime/admission/json_nesting.h"
#include "runtime/admission/json_tree.h"

namespace connaisseur::admission {
namespace {

using nlohmann::json;

const json& NullJson() {
  static const json kNull;
  return kNull;
}

Status InvalidJson(std::string_view why) {
  return InvalidArgumentError("received invalid json: " + std::string(why));
}

// Reads an optional string member; a present non-string is an error naming the field.
Status ReadString(const json& obj, const char* key, std::string* out) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return Status::Ok();
  if (!it->is_string()) return InvalidJson(std::string("request.") + key + " is not a string");
  *out = it->get<std::string>();
  return Status::Ok();
}

}  // namespace

const json& AdmissionReview::object() const {
  auto it = request.find("object");
  return it == request.end() ? NullJson() : *it;
}

const json& AdmissionReview::old_object() const {
  auto it = request.find("oldObject");
  return it == request.end() ? NullJson() : *it;
}

StatusOr<AdmissionReview> ParseAdmissionReview(std::string_view body,
                                               http::MemoryReservation* memory) {
  if (body.size() > kMaxReviewBytes) {
    return ResourceExhaustedError("request body of " + std::to_string(body.size()) +
                                  " bytes exceeds the limit of " + std::to_string(kMaxReviewBytes) +
                                  " bytes");
  }
  StatusOr<size_t> tree_bytes = MeasureJsonTree(body);
  if (!tree_bytes.ok()) return InvalidJson(tree_bytes.status().message());
  if (memory != nullptr) CN_RETURN_IF_ERROR(memory->Grow(*tree_bytes));
  StatusOr<json> parsed = ParseJsonTree(body);
  if (!parsed.ok()) {
    if (parsed.status().code() != StatusCode::kInvalidArgument) return parsed.status();
    return InvalidJson(parsed.status().message());
  }
  json doc = std::move(parsed).value();
  JsonTreeReleaser release_doc(doc);
  if (!doc.is_object() || doc.empty()) return InvalidJson("expected a non-empty JSON object");

  AdmissionReview review;
  JsonTreeReleaser release_review(review.request);  // moved out on success: then a no-op
  auto api = doc.find("apiVersion");
  if (api == doc.end() || !api->is_string()) return InvalidJson("apiVersion missing");
  review.api_version = api->get<std::string>();
  if (review.api_version != "admission.k8s.io/v1" &&
      review.api_version != "admission.k8s.io/v1beta1") {
    return InvalidJson("unsupported apiVersion \"" + review.api_version + "\"");
  }
  auto kind = doc.find("kind");
  if (kind == doc.end() || !kind->is_string() || *kind != "AdmissionReview") {
    return InvalidJson("kind is not AdmissionReview");
  }
  auto req = doc.find("request");
  if (req == doc.end() || req->is_null()) {
    return InvalidArgumentError("received empty admission request");
  }
  if (!req->is_object()) return InvalidJson("request is not an object");
  review.request = std::move(*req);
  const json& r = review.request;

  CN_RETURN_IF_ERROR(ReadString(r, "uid", &review.uid));
  if (review.uid.empty()) return InvalidJson("request.uid missing");
  auto gvk = r.find("kind");
  if (gvk == r.end() || !gvk->is_object() || !gvk->contains("kind") ||
      !(*gvk)["kind"].is_string()) {
    return InvalidJson("request.kind.kind missing");
  }
  review.kind = (*gvk)["kind"].get<std::string>();
  CN_RETURN_IF_ERROR(ReadString(r, "namespace", &review.namespace_name));
  CN_RETURN_IF_ERROR(ReadString(r, "name", &review.name));
  CN_RETURN_IF_ERROR(ReadString(r, "operation", &review.operation));
  if (auto dry = r.find("dryRun"); dry != r.end() && !dry->is_null()) {
    if (!dry->is_boolean()) return InvalidJson("request.dryRun is not a boolean");
    review.dry_run = dry->get<bool>();
  }
  if (review.name.empty()) {
    const json& obj = review.object();
    if (obj.is_object() && obj.contains("metadata") && obj["metadata"].is_object()) {
      const json& md = obj["metadata"];
      if (auto n = md.find("name"); n != md.end() && n->is_string()) {
        review.name = n->get<std::string>();
      } else if (auto g = md.find("generateName"); g != md.end() && g->is_string()) {
        review.name = g->get<std::string>();
      }
    }
  }
  return review;
}

}  // namespace connaisseur::admission
