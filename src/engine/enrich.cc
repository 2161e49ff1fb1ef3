#include "engine/enrich.h"

#include <cmath>
#include <cstdint>
#include <set>
#include <string>

namespace xronox {

namespace {

// A text that two values share exactly when they are equal as JSON values: numbers of equal
// value (1, 1.0, 1u) give the same text, and objects list their keys in order (nlohmann's
// objects are sorted maps). Records are at most 100 levels deep, which bounds the recursion.
void AppendEqualityKey(const Json& value, std::string& out) {
  switch (value.type()) {
    case Json::value_t::object:
      out += '{';
      for (const auto& [key, member] : value.items()) {
        out += Json(key).dump();
        out += ':';
        AppendEqualityKey(member, out);
        out += ',';
      }
      out += '}';
      return;
    case Json::value_t::array:
      out += '[';
      for (const Json& element : value) {
        AppendEqualityKey(element, out);
        out += ',';
      }
      out += ']';
      return;
    case Json::value_t::number_float: {
      double number = value.get<double>();
      if (std::trunc(number) == number && std::fabs(number) < 9.2e18) {
        out += std::to_string(static_cast<int64_t>(number));
        return;
      }
      out += value.dump();
      return;
    }
    default:
      out += value.dump();
      return;
  }
}

std::string EqualityKey(const Json& value) {
  std::string key;
  AppendEqualityKey(value, key);
  return key;
}

bool HasNull(const Json& value) {
  if (value.is_null()) return true;
  if (!value.is_structured()) return false;
  for (const Json& member : value) {
    if (HasNull(member)) return true;
  }
  return false;
}

void UniteArrays(Json& target, const Json& patch) {
  std::set<std::string> present;
  for (const Json& element : target) present.insert(EqualityKey(element));
  for (const Json& element : patch) {
    if (present.insert(EqualityKey(element)).second) target.push_back(element);
  }
}

}  // namespace

Status CheckEnrichPatch(const Json& patch) {
  if (!patch.is_object()) return InvalidArgument("an enrich patch must be a JSON object");
  if (HasNull(patch)) {
    return InvalidArgument(
        "an enrich patch holds no null: enrich only adds; remove a field with a merge patch");
  }
  return Status::Ok();
}

void EnrichInto(Json& target, const Json& patch) {
  if (patch.is_object() && target.is_object()) {
    for (const auto& [key, value] : patch.items()) {
      auto existing = target.find(key);
      if (existing == target.end()) {
        target[key] = value;
      } else {
        EnrichInto(*existing, value);
      }
    }
    return;
  }
  if (patch.is_array() && target.is_array()) {
    UniteArrays(target, patch);
    return;
  }
  target = patch;
}

}  // namespace xronox
