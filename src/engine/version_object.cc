#include "engine/version_object.h"

#include <algorithm>
#include <set>

#include "common/clock.h"
#include "common/json_codec.h"

namespace xronox {

namespace {

// Every field but "data", which is null here.
Json VersionObjectFields(const VersionObject& o) {
  Json j = {{"format", kVersionObjectFormat},
            {"collection", o.collection},
            {"id", o.id},
            {"version", o.version},
            {"op", OperationName(o.op)},
            {"actor", o.actor},
            {"reason", o.reason},
            {"at", FormatRfc3339(o.at)},
            {"atMicros", o.at},
            {"changedFields", o.changed_fields},
            {"deleted", o.deleted},
            {"data", nullptr},
            {"prevHash", o.prev_hash.empty() ? Json(nullptr) : Json(o.prev_hash)}};
  if (!o.idempotency_key.empty()) j["idempotencyKey"] = o.idempotency_key;
  if (!o.on_behalf_of.empty()) j["onBehalfOf"] = o.on_behalf_of;
  return j;
}

}  // namespace

Result<std::string> EncodeVersionObject(const VersionObject& o) {
  XRONOX_ASSIGN_OR_RETURN(std::string data_text, DumpJson(o.data));
  return EncodeVersionObject(o, data_text);
}

// The fields' compact dump holds the top-level key "data" exactly once followed by its null: any
// quote inside a string value is escaped, so the unescaped text "data":null is that key. The
// dump of the data spliced in its place gives the same bytes as dumping the whole object.
Result<std::string> EncodeVersionObject(const VersionObject& o, std::string_view data_text) {
  XRONOX_ASSIGN_OR_RETURN(std::string fields, DumpJson(VersionObjectFields(o)));
  static constexpr std::string_view kPlaceholder = "\"data\":null";
  size_t at = fields.find(kPlaceholder);
  if (at == std::string::npos) return Internal("version object fields lack their data key");
  std::string out;
  out.reserve(fields.size() + data_text.size());
  out.append(fields, 0, at + kPlaceholder.size() - 4);
  out.append(data_text);
  out.append(fields, at + kPlaceholder.size());
  return out;
}

std::optional<Operation> ParseOperation(const std::string& name) {
  for (Operation op :
       {Operation::kCreate, Operation::kUpdate, Operation::kDelete, Operation::kRestore}) {
    if (name == OperationName(op)) return op;
  }
  return std::nullopt;
}

Result<VersionObject> DecodeVersionObject(std::string_view bytes) {
  Json j = Json::parse(bytes, nullptr, /*allow_exceptions=*/false);
  ReleaseOnExit release(j);
  // value() would throw on a non-string tag; any such object is not a version object.
  auto format = j.is_object() ? j.find("format") : j.end();
  if (format == j.end() || !format->is_string() || *format != kVersionObjectFormat) {
    return Corruption("not a version object (format tag missing)");
  }
  try {
    VersionObject o;
    o.collection = j.at("collection").get<std::string>();
    o.id = j.at("id").get<std::string>();
    o.version = j.at("version").get<int64_t>();
    auto op = ParseOperation(j.at("op").get<std::string>());
    if (!op) return Corruption("version object has an unknown op");
    o.op = *op;
    o.actor = j.at("actor").get<std::string>();
    o.reason = j.at("reason").get<std::string>();
    o.at = j.at("atMicros").get<int64_t>();
    o.changed_fields = j.at("changedFields").get<std::vector<std::string>>();
    o.deleted = j.at("deleted").get<bool>();
    o.data = std::move(j.at("data"));  // Last use of j: no copy of what may be megabytes.
    o.prev_hash = j.at("prevHash").is_null() ? "" : j.at("prevHash").get<std::string>();
    o.idempotency_key = j.value("idempotencyKey", "");
    o.on_behalf_of = j.value("onBehalfOf", "");
    return o;
  } catch (const Json::exception& e) {
    return Corruption(std::string("malformed version object: ") + e.what());
  }
}

std::vector<std::string> ChangedFields(const Json& before, const Json& after) {
  static const Json kEmpty = Json::object();
  const Json& a = before.is_object() ? before : kEmpty;
  const Json& b = after.is_object() ? after : kEmpty;
  std::set<std::string> changed;
  for (auto it = a.begin(); it != a.end(); ++it) {
    auto other = b.find(it.key());
    if (other == b.end() || *other != it.value()) changed.insert(it.key());
  }
  for (auto it = b.begin(); it != b.end(); ++it) {
    if (!a.contains(it.key())) changed.insert(it.key());
  }
  return {changed.begin(), changed.end()};
}

const Json* FindPath(const Json& data, const std::string& path) {
  const Json* node = &data;
  size_t start = 0;
  while (true) {
    size_t end = path.find('.', start);
    std::string segment = path.substr(start, end == std::string::npos ? end : end - start);
    if (!node->is_object()) return nullptr;
    auto it = node->find(segment);
    if (it == node->end()) return nullptr;
    node = &*it;
    if (end == std::string::npos) return node;
    start = end + 1;
  }
}

Json ExtractIndexed(const Json& data, const std::vector<std::string>& indexed_props) {
  Json indexed = Json::object();
  for (const auto& path : indexed_props) {
    const Json* value = FindPath(data, path);
    if (value && value->is_primitive() && !value->is_null()) indexed[path] = *value;
  }
  return indexed;
}

}  // namespace xronox
