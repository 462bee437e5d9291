#include "runtime/admission/json_tree.h"

#include <new>
#include <string>
#include <vector>

namespace connaisseur::admission {
namespace {

using nlohmann::json;

// nlohmann's SAX interface building a tree into `root`. Containers are linked in before their
// children are added, so whatever was built hangs off `root` when an allocation throws.
class TreeBuilder {
 public:
  explicit TreeBuilder(json* root) : root_(root) {}

  bool null() { return Put(nullptr); }
  bool boolean(bool v) { return Put(v); }
  bool number_integer(json::number_integer_t v) { return Put(v); }
  bool number_unsigned(json::number_unsigned_t v) { return Put(v); }
  bool number_float(json::number_float_t v, const json::string_t& /*text*/) { return Put(v); }
  bool string(json::string_t& v) { return Put(std::move(v)); }
  bool binary(json::binary_t& /*v*/) { return false; }  // not produced by the JSON lexer
  bool start_object(std::size_t /*n*/) { return Open(json::object()); }
  bool start_array(std::size_t /*n*/) { return Open(json::array()); }
  bool end_object() { return Close(); }
  bool end_array() { return Close(); }
  bool key(json::string_t& k) {
    json& slot = open_.back()->get_ref<json::object_t&>()[std::move(k)];
    ReleaseJsonTree(slot);  // a repeated key: the later value wins, as in nlohmann's parser
    member_ = &slot;
    return true;
  }
  bool parse_error(std::size_t /*position*/, const std::string& /*token*/,
                   const nlohmann::detail::exception& e) {
    error_ = e.what();
    return false;
  }

  const std::string& error() const { return error_; }

 private:
  // Places `value` where the grammar expects the next one; returns where it now lives.
  json* Place(json&& value) {
    if (open_.empty()) {
      *root_ = std::move(value);
      return root_;
    }
    json* parent = open_.back();
    if (parent->is_array()) {
      auto& items = parent->get_ref<json::array_t&>();
      items.push_back(std::move(value));
      return &items.back();
    }
    *member_ = std::move(value);
    return member_;
  }
  bool Put(json&& value) {
    Place(std::move(value));
    return true;
  }
  bool Open(json&& container) {
    open_.push_back(Place(std::move(container)));
    return true;
  }
  bool Close() {
    open_.pop_back();
    return true;
  }

  json* root_;
  std::vector<json*> open_;  // the containers being filled, innermost last
  json* member_ = nullptr;   // the object slot named by the last key
  std::string error_;
};

}  // namespace

StatusOr<json> ParseJsonTree(std::string_view text) {
  json root;
  try {
    TreeBuilder builder(&root);
    if (!json::sax_parse(text, &builder, json::input_format_t::json, /*strict=*/true)) {
      ReleaseJsonTree(root);
      return InvalidArgumentError(builder.error().empty() ? "body is not valid JSON"
                                                          : builder.error());
    }
  } catch (const std::bad_alloc&) {
    ReleaseJsonTree(root);
    return UnavailableError("server out of memory while parsing the body; retry");
  }
  return root;
}

void ReleaseJsonTree(json& tree) noexcept {
  if (tree.is_array()) {
    auto& items = tree.get_ref<json::array_t&>();
    for (json& item : items) ReleaseJsonTree(item);
    items.clear();  // only scalars and empty containers left: nothing allocates
  } else if (tree.is_object()) {
    auto& members = tree.get_ref<json::object_t&>();
    for (auto& [name, value] : members) ReleaseJsonTree(value);
    members.clear();
  }
  tree = nullptr;
}

}  // namespace connaisseur::admission
