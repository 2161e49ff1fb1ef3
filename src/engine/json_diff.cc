#include "engine/json_diff.h"

#include <string>

#include "common/memory_reserve.h"

namespace xronox {

namespace {

// Counts the values of `value`, stopping early once past `limit`.
size_t CountNodes(const Json& value, size_t limit) {
  size_t count = 1;
  if (!value.is_structured()) return count;
  for (const Json& child : value) {
    if (count > limit) break;
    count += CountNodes(child, limit - count);
  }
  return count;
}

class Differ {
 public:
  explicit Differ(const DiffBudget& budget) : budget_(budget) {}

  Status Diff(const Json& before, const Json& after, const std::string& path);
  Json TakePatch() { return std::move(patch_); }

 private:
  Status DiffArrays(const Json& before, const Json& after, const std::string& path);
  Status DiffObjects(const Json& before, const Json& after, const std::string& path);
  Status Add(Json operation, const Json* value);
  Status Exhausted() const {
    return ResourceExhausted("the diff is larger than " + std::to_string(budget_.max_operations) +
                             " operations or " + std::to_string(budget_.max_value_nodes) +
                             " values: compare smaller versions, or read both versions")
        .WithReason("diff_too_large");
  }

  const DiffBudget budget_;
  size_t value_nodes_ = 0;
  Json patch_ = Json::array();
};

Status Differ::Add(Json operation, const Json* value) {
  if (patch_.size() >= budget_.max_operations) return Exhausted();
  XRONOX_RETURN_IF_ERROR(CheckMemory());
  if (value != nullptr) {
    size_t left = budget_.max_value_nodes - value_nodes_;
    size_t nodes = CountNodes(*value, left);
    if (nodes > left) return Exhausted();
    value_nodes_ += nodes;
    operation["value"] = *value;
  }
  patch_.push_back(std::move(operation));
  return Status::Ok();
}

Status Differ::Diff(const Json& before, const Json& after, const std::string& path) {
  if (before == after) return Status::Ok();
  if (before.type() != after.type()) {
    return Add(Json{{"op", "replace"}, {"path", path}}, &after);
  }
  if (before.is_array()) return DiffArrays(before, after, path);
  if (before.is_object()) return DiffObjects(before, after, path);
  return Add(Json{{"op", "replace"}, {"path", path}}, &after);
}

Status Differ::DiffArrays(const Json& before, const Json& after, const std::string& path) {
  size_t i = 0;
  for (; i < before.size() && i < after.size(); ++i) {
    XRONOX_RETURN_IF_ERROR(Diff(before[i], after[i], path + "/" + std::to_string(i)));
  }
  // Extra elements go from the last one down, so that each index is valid when applied.
  for (size_t j = before.size(); j > i; --j) {
    XRONOX_RETURN_IF_ERROR(
        Add(Json{{"op", "remove"}, {"path", path + "/" + std::to_string(j - 1)}}, nullptr));
  }
  for (; i < after.size(); ++i) {
    XRONOX_RETURN_IF_ERROR(Add(Json{{"op", "add"}, {"path", path + "/-"}}, &after[i]));
  }
  return Status::Ok();
}

Status Differ::DiffObjects(const Json& before, const Json& after, const std::string& path) {
  for (auto it = before.begin(); it != before.end(); ++it) {
    std::string child = path + "/" + EscapePointer(it.key());
    auto other = after.find(it.key());
    if (other != after.end()) {
      XRONOX_RETURN_IF_ERROR(Diff(it.value(), *other, child));
    } else {
      XRONOX_RETURN_IF_ERROR(Add(Json{{"op", "remove"}, {"path", child}}, nullptr));
    }
  }
  for (auto it = after.begin(); it != after.end(); ++it) {
    if (before.contains(it.key())) continue;
    XRONOX_RETURN_IF_ERROR(
        Add(Json{{"op", "add"}, {"path", path + "/" + EscapePointer(it.key())}}, &it.value()));
  }
  return Status::Ok();
}

}  // namespace

Result<Json> DiffJson(const Json& before, const Json& after, const DiffBudget& budget) {
  Differ differ(budget);
  XRONOX_RETURN_IF_ERROR(differ.Diff(before, after, ""));
  return differ.TakePatch();
}

}  // namespace xronox
