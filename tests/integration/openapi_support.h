// Reading docs/openapi.json in tests: resolve local $refs, find an operation's documented
// response, and check a JSON value against the subset of JSON Schema the document uses (type,
// required, properties, additionalProperties: false, items, enum, pattern, minimum, maximum,
// anyOf). Debian 12 packages no C++ JSON Schema validator, hence this small one.
// Thread-safety: pure functions.
#pragma once

#include <regex>
#include <string>
#include <vector>

#include "xronox/types.h"

namespace xronox::testing {

/// Follow `value`'s "$ref" chain within `doc` ("#/a/b" pointers only); null if one dangles.
inline Json ResolveRef(const Json& doc, Json value) {
  for (int hops = 0; value.is_object() && value.contains("$ref") && hops < 16; ++hops) {
    const Json& ref = value["$ref"];
    if (!ref.is_string() || !ref.get<std::string>().starts_with("#/")) return nullptr;
    Json::json_pointer pointer(ref.get<std::string>().substr(1));
    if (!doc.contains(pointer)) return nullptr;
    value = doc.at(pointer);
  }
  return value;
}

/// Every "$ref" string in `node`, depth first.
inline void CollectRefs(const Json& node, std::vector<std::string>* refs) {
  if (node.is_object()) {
    for (const auto& [key, child] : node.items()) {
      if (key == "$ref" && child.is_string()) refs->push_back(child.get<std::string>());
      CollectRefs(child, refs);
    }
  } else if (node.is_array()) {
    for (const Json& child : node) CollectRefs(child, refs);
  }
}

/// The JSON Schema type name of a value ("integer" for whole numbers).
inline std::string JsonTypeOf(const Json& value) {
  if (value.is_null()) return "null";
  if (value.is_boolean()) return "boolean";
  if (value.is_number_integer() || value.is_number_unsigned()) return "integer";
  if (value.is_number()) return "number";
  if (value.is_string()) return "string";
  return value.is_array() ? "array" : "object";
}

inline bool TypeMatches(const Json& type, const Json& value) {
  std::string actual = JsonTypeOf(value);
  auto one = [&](const Json& name) {
    return name == actual || (name == "number" && actual == "integer");
  };
  if (type.is_array()) {
    for (const Json& name : type) {
      if (one(name)) return true;
    }
    return false;
  }
  return one(type);
}

/// Check `value` against `schema` (resolved within `doc`); appends one line per violation,
/// each starting with the JSON path `where`.
inline void CheckSchema(const Json& doc, const Json& schema_in, const Json& value,
                        const std::string& where, std::vector<std::string>* errors);

inline void CheckObject(const Json& doc, const Json& schema, const Json& value,
                        const std::string& where, std::vector<std::string>* errors) {
  for (const Json& name : schema.value("required", Json::array())) {
    if (!value.contains(name.get<std::string>())) {
      errors->push_back(where + ": missing required member " + name.dump());
    }
  }
  Json properties = schema.value("properties", Json::object());
  for (const auto& [name, member] : value.items()) {
    if (properties.contains(name)) {
      CheckSchema(doc, properties[name], member, where + "." + name, errors);
    } else if (schema.value("additionalProperties", Json(true)) == Json(false)) {
      errors->push_back(where + ": undocumented member \"" + name + "\"");
    }
  }
}

inline void CheckScalar(const Json& schema, const Json& value, const std::string& where,
                        std::vector<std::string>* errors) {
  if (schema.contains("enum")) {
    bool listed = false;
    for (const Json& option : schema["enum"]) listed = listed || option == value;
    if (!listed) errors->push_back(where + ": " + value.dump() + " is not in the enum");
  }
  if (schema.contains("pattern") && value.is_string() &&
      !std::regex_search(value.get<std::string>(),
                         std::regex(schema["pattern"].get<std::string>()))) {
    errors->push_back(where + ": " + value.dump() + " does not match " + schema["pattern"].dump());
  }
  if (value.is_number() && schema.contains("minimum") && value < schema["minimum"]) {
    errors->push_back(where + ": " + value.dump() + " is below the minimum");
  }
  if (value.is_number() && schema.contains("maximum") && value > schema["maximum"]) {
    errors->push_back(where + ": " + value.dump() + " is above the maximum");
  }
}

inline void CheckSchema(const Json& doc, const Json& schema_in, const Json& value,
                        const std::string& where, std::vector<std::string>* errors) {
  Json schema = ResolveRef(doc, schema_in);
  if (!schema.is_object()) {
    errors->push_back(where + ": schema does not resolve");
    return;
  }
  if (schema.contains("anyOf")) {
    for (const Json& option : schema["anyOf"]) {
      std::vector<std::string> option_errors;
      CheckSchema(doc, option, value, where, &option_errors);
      if (option_errors.empty()) return;
    }
    errors->push_back(where + ": matches none of anyOf: " + value.dump().substr(0, 200));
    return;
  }
  if (schema.contains("type") && !TypeMatches(schema["type"], value)) {
    errors->push_back(where + ": " + JsonTypeOf(value) + " where " + schema["type"].dump() +
                      " is documented");
    return;
  }
  if (value.is_object()) CheckObject(doc, schema, value, where, errors);
  if (value.is_array() && schema.contains("items")) {
    for (size_t i = 0; i < value.size(); ++i) {
      CheckSchema(doc, schema["items"], value[i], where + "[" + std::to_string(i) + "]", errors);
    }
  }
  CheckScalar(schema, value, where, errors);
}

/// The documented response of `method` (lower case) on `path` for `status`, resolved; null when
/// the document lists no such status there.
inline Json DocumentedResponse(const Json& doc, const std::string& path, const std::string& method,
                               int status) {
  Json::json_pointer pointer =
      Json::json_pointer("/paths") / path / method / "responses" / std::to_string(status);
  if (!doc.contains(pointer)) return nullptr;
  return ResolveRef(doc, doc.at(pointer));
}

}  // namespace xronox::testing
