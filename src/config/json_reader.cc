#include "config/json_reader.h"

#include <limits>
#include <map>

namespace xronox::config_internal {

ObjectReader::ObjectReader(const Json& value, std::string path, Problems* problems)
    : value_(value), path_(std::move(path)), problems_(problems) {
  if (!value_.is_object()) {
    problems_->Add(path_.empty() ? "config" : path_,
                   std::string("must be a JSON object (got ") + value_.type_name() + ")");
  }
}

const Json* ObjectReader::Take(const char* key) {
  if (!value_.is_object()) return nullptr;
  auto it = value_.find(key);
  if (it == value_.end()) return nullptr;
  taken_.insert(key);
  return &*it;
}

void ObjectReader::WrongType(const std::string& key, const char* expected, const Json& got) {
  problems_->Add(PathOf(key),
                 std::string("must be ") + expected + " (got " + got.type_name() + ")");
}

void ObjectReader::String(const char* key, std::string* out) {
  const Json* member = Take(key);
  if (member == nullptr) return;
  if (!member->is_string()) return WrongType(key, "a string", *member);
  *out = member->get<std::string>();
}

void ObjectReader::OptionalString(const char* key, std::optional<std::string>* out) {
  const Json* member = Take(key);
  if (member == nullptr) return;
  if (!member->is_string()) return WrongType(key, "a string", *member);
  *out = member->get<std::string>();
}

void ObjectReader::Bool(const char* key, bool* out) {
  const Json* member = Take(key);
  if (member == nullptr) return;
  if (!member->is_boolean()) return WrongType(key, "true or false", *member);
  *out = member->get<bool>();
}

void ObjectReader::OptionalBool(const char* key, std::optional<bool>* out) {
  const Json* member = Take(key);
  if (member == nullptr) return;
  if (!member->is_boolean()) return WrongType(key, "true or false", *member);
  *out = member->get<bool>();
}

void ObjectReader::Int64(const char* key, int64_t* out) {
  const Json* member = Take(key);
  if (member == nullptr) return;
  if (!member->is_number_integer()) return WrongType(key, "an integer", *member);
  if (member->is_number_unsigned() &&
      member->get<uint64_t>() > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
    return problems_->Add(PathOf(key), "is larger than a 64-bit signed integer");
  }
  *out = member->get<int64_t>();
}

void ObjectReader::Int(const char* key, int* out) {
  int64_t value = *out;
  const size_t before = problems_->size();
  Int64(key, &value);
  if (problems_->size() != before) return;
  if (value < std::numeric_limits<int>::min() || value > std::numeric_limits<int>::max()) {
    return problems_->Add(PathOf(key), "is out of range for a 32-bit integer");
  }
  *out = static_cast<int>(value);
}

void ObjectReader::StringArray(const char* key, std::vector<std::string>* out) {
  const Json* member = Array(key);
  if (member == nullptr) return;
  std::vector<std::string> values;
  for (size_t i = 0; i < member->size(); ++i) {
    const Json& item = (*member)[i];
    if (!item.is_string()) {
      problems_->Add(IndexPath(PathOf(key), i),
                     std::string("must be a string (got ") + item.type_name() + ")");
      continue;
    }
    values.push_back(item.get<std::string>());
  }
  *out = std::move(values);
}

const Json* ObjectReader::Object(const char* key) {
  const Json* member = Take(key);
  if (member == nullptr) return nullptr;
  if (!member->is_object()) {
    WrongType(key, "an object", *member);
    return nullptr;
  }
  return member;
}

const Json* ObjectReader::Array(const char* key) {
  const Json* member = Take(key);
  if (member == nullptr) return nullptr;
  if (!member->is_array()) {
    WrongType(key, "an array", *member);
    return nullptr;
  }
  return member;
}

void ObjectReader::Finish() {
  if (!value_.is_object()) return;
  for (const auto& [key, unused] : value_.items()) {
    if (taken_.count(key) == 0) {
      problems_->Add(PathOf(key), "unknown key '" + key + "'");
    }
  }
}

}  // namespace xronox::config_internal
