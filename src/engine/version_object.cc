#include "engine/version_object.h"

#include <algorithm>
#include <set>

#include "common/clock.h"
#include "common/json_codec.h"
#include "engine/json_diff.h"

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

namespace {

// The JSON object of `bytes` when its "format" is `format`; Corruption otherwise.
Result<Json> ParseTagged(std::string_view bytes, const char* format, const char* what) {
  Json j = Json::parse(bytes, nullptr, /*allow_exceptions=*/false);
  // value() would throw on a non-string tag; any such object is not of this format.
  auto tag = j.is_object() ? j.find("format") : j.end();
  if (tag == j.end() || !tag->is_string() || *tag != format) {
    ReleaseJson(j);
    return Corruption(std::string("not a ") + what + " (format tag missing)");
  }
  return j;
}

// Every field of a version object but its data; throws Json::exception on a wrong shape.
Status ReadAuditFields(const Json& j, VersionObject& o) {
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
  o.prev_hash = j.at("prevHash").is_null() ? "" : j.at("prevHash").get<std::string>();
  o.idempotency_key = j.value("idempotencyKey", "");
  o.on_behalf_of = j.value("onBehalfOf", "");
  return Status::Ok();
}

}  // namespace

Result<VersionObject> DecodeVersionObject(std::string_view bytes) {
  XRONOX_ASSIGN_OR_RETURN(Json j, ParseTagged(bytes, kVersionObjectFormat, "version object"));
  ReleaseOnExit release(j);
  try {
    VersionObject o;
    XRONOX_RETURN_IF_ERROR(ReadAuditFields(j, o));
    o.data = std::move(j.at("data"));  // Last use of j: no copy of what may be megabytes.
    return o;
  } catch (const Json::exception& e) {
    return Corruption(std::string("malformed version object: ") + e.what());
  }
}

Result<std::string> EncodeSkeleton(const VersionSkeleton& skeleton) {
  Json j = VersionObjectFields(skeleton.object);
  j["format"] = kSkeletonFormat;
  j.erase("data");
  j["entryHash"] = skeleton.entry_hash;
  j["payloadHash"] = skeleton.payload_hash;
  j["payloadRemovedAt"] = FormatRfc3339(skeleton.removed_at);
  j["payloadRemovedAtMicros"] = skeleton.removed_at;
  return DumpJson(j);
}

Result<VersionSkeleton> DecodeSkeleton(std::string_view bytes) {
  XRONOX_ASSIGN_OR_RETURN(Json j, ParseTagged(bytes, kSkeletonFormat, "version skeleton"));
  try {
    VersionSkeleton skeleton;
    XRONOX_RETURN_IF_ERROR(ReadAuditFields(j, skeleton.object));
    skeleton.entry_hash = j.at("entryHash").get<std::string>();
    skeleton.payload_hash = j.at("payloadHash").get<std::string>();
    skeleton.removed_at = j.at("payloadRemovedAtMicros").get<int64_t>();
    return skeleton;
  } catch (const Json::exception& e) {
    return Corruption(std::string("malformed version skeleton: ") + e.what());
  }
}

namespace {

// Whether two values are compared inside: two objects, neither a content reference
// ({"$content": ...}, docs/formats/content.md), which changes as one value.
bool ComparedInside(const Json& a, const Json& b) {
  return a.is_object() && b.is_object() && !a.contains("$content") && !b.contains("$content");
}

// Adds the paths under `prefix` where objects `a` and `b` differ. Records are at most 100
// levels deep, which bounds the recursion.
void CollectChanges(const Json& a, const Json& b, const std::string& prefix,
                    std::set<std::string>& changed) {
  for (auto it = a.begin(); it != a.end(); ++it) {
    const std::string path = prefix + "/" + EscapePointer(it.key());
    auto other = b.find(it.key());
    if (other != b.end() && ComparedInside(it.value(), *other)) {
      CollectChanges(it.value(), *other, path, changed);
    } else if (other == b.end() || *other != it.value()) {
      changed.insert(path);
    }
  }
  for (auto it = b.begin(); it != b.end(); ++it) {
    if (!a.contains(it.key())) changed.insert(prefix + "/" + EscapePointer(it.key()));
  }
}

}  // namespace

std::vector<std::string> ChangedFields(const Json& before, const Json& after) {
  static const Json kEmpty = Json::object();
  std::set<std::string> changed;
  CollectChanges(before.is_object() ? before : kEmpty, after.is_object() ? after : kEmpty, "",
                 changed);
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
