#include "store/hot/mongo/mongo_docs.h"

#include <cmath>
#include <limits>
#include <optional>
#include <string_view>

#include "common/json_codec.h"
#include "store/hot/hot_store_rules.h"
#include "store/hot/mongo/mongo_handles.h"

namespace xronox::store {

namespace {

// Numbers beyond this magnitude are not pushed down: a uint64 above INT64_MAX is stored as a
// double, and double rounding could make a server comparison disagree with the exact one.
constexpr double kExactDoubleLimit = 9007199254740992.0;  // 2^53

bool BoolField(const bson_t* doc, const char* key) {
  bson_iter_t it;
  if (!bson_iter_init_find(&it, doc, key)) return false;
  return bson_iter_as_bool(&it);
}

// Appends a JSON scalar as its BSON type: integers as int64 (uint64 above INT64_MAX as
// double), floats as double, strings as UTF-8, booleans, null.
void AppendScalar(bson_t* doc, const char* key, const Json& value) {
  switch (value.type()) {
    case Json::value_t::boolean:
      BSON_APPEND_BOOL(doc, key, value.get<bool>());
      return;
    case Json::value_t::number_integer:
      BSON_APPEND_INT64(doc, key, value.get<int64_t>());
      return;
    case Json::value_t::number_unsigned: {
      uint64_t u = value.get<uint64_t>();
      if (u <= static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
        BSON_APPEND_INT64(doc, key, static_cast<int64_t>(u));
      } else {
        BSON_APPEND_DOUBLE(doc, key, static_cast<double>(u));
      }
      return;
    }
    case Json::value_t::number_float:
      BSON_APPEND_DOUBLE(doc, key, value.get<double>());
      return;
    case Json::value_t::string:
      AppendString(doc, key, value.get_ref<const std::string&>());
      return;
    default:
      BSON_APPEND_NULL(doc, key);
      return;
  }
}

bool IsIndexableScalar(const Json& value) {
  return value.is_boolean() || value.is_number() || value.is_string();
}

// True when the server compares `value` exactly as MatchesCondition does: strings (bytewise),
// booleans, and numbers of magnitude below 2^53.
bool Pushable(const Json& value) {
  if (value.is_string() || value.is_boolean()) return true;
  if (value.is_number_integer()) {
    if (value.is_number_unsigned()) return value.get<uint64_t>() < (1ULL << 53);
    int64_t v = value.get<int64_t>();
    return v > -(1LL << 53) && v < (1LL << 53);
  }
  if (value.is_number_float()) {
    double v = value.get<double>();
    return std::isfinite(v) && std::fabs(v) < kExactDoubleLimit;
  }
  return false;
}

bool PushableCondition(const Condition& condition) {
  switch (condition.op) {
    case Condition::Op::kNe:
      return false;  // Matches absent and null values, which `idx` does not hold.
    case Condition::Op::kIn:
      for (const Json& element : condition.value) {
        if (!Pushable(element)) return false;
      }
      return true;
    default:
      return Pushable(condition.value);
  }
}

// Appends {"idx.<escaped path>": {<op>: value}} to the $and array.
void AppendConditionFilter(bson_t* and_array, const char* index_key, const Condition& condition) {
  bson_t clause, v;
  std::string field = "idx." + EscapeIndexedPath(condition.path);
  BSON_APPEND_DOCUMENT_BEGIN(and_array, index_key, &clause);
  BSON_APPEND_DOCUMENT_BEGIN(&clause, field.c_str(), &v);
  if (condition.op == Condition::Op::kIn) {
    bson_t values;
    BSON_APPEND_ARRAY_BEGIN(&v, "$in", &values);
    int i = 0;
    for (const Json& element : condition.value) {
      std::string key = std::to_string(i++);  // BSON_APPEND_* evaluates the key twice.
      AppendScalar(&values, key.c_str(), element);
    }
    bson_append_array_end(&v, &values);
  } else {
    AppendScalar(&v, ConditionOpName(condition.op), condition.value);
  }
  bson_append_document_end(&clause, &v);
  bson_append_document_end(and_array, &clause);
}

}  // namespace

std::string StringField(const bson_t* doc, const char* key) {
  bson_iter_t it;
  if (!bson_iter_init_find(&it, doc, key) || !BSON_ITER_HOLDS_UTF8(&it)) return "";
  uint32_t length = 0;
  const char* text = bson_iter_utf8(&it, &length);
  return std::string(text, length);
}

std::string EscapeIndexedPath(const std::string& path) {
  std::string out;
  out.reserve(path.size());
  for (char c : path) {
    if (c == '%') {
      out += "%25";
    } else if (c == '.') {
      out += "%2E";
    } else {
      out += c;
    }
  }
  return out;
}

void AppendString(bson_t* doc, const char* key, const std::string& value) {
  bson_append_utf8(doc, key, -1, value.data(), static_cast<int>(value.size()));
}

std::optional<int64_t> Int64Field(const bson_t* doc, const char* key) {
  bson_iter_t it;
  if (!bson_iter_init_find(&it, doc, key) || !BSON_ITER_HOLDS_NUMBER(&it)) return std::nullopt;
  return bson_iter_as_int64(&it);
}

// Optional string fields of a head are left out when empty (read back as empty): an offloaded
// record's head holds little else, and each field name costs its bytes in every document.
void AppendStringIfSet(bson_t* doc, const char* key, const std::string& value) {
  if (!value.empty()) AppendString(doc, key, value);
}

namespace {

std::string UnescapeIndexedPath(std::string_view key) {
  std::string out;
  out.reserve(key.size());
  for (size_t i = 0; i < key.size(); ++i) {
    if (key.substr(i, 3) == "%2E") {
      out += '.';
      i += 2;
    } else if (key.substr(i, 3) == "%25") {
      out += '%';
      i += 2;
    } else {
      out += key[i];
    }
  }
  return out;
}

// The indexed values an `idx` subdocument holds, as the canonical text of `indexed` (paths
// unescaped); nullopt when a field has a type no head writer puts there.
std::optional<std::string> IndexedTextOfIdx(const bson_t* idx) {
  Json values = Json::object();
  bson_iter_t it;
  if (!bson_iter_init(&it, idx)) return std::nullopt;
  while (bson_iter_next(&it)) {
    std::string path = UnescapeIndexedPath(bson_iter_key(&it));
    switch (bson_iter_type(&it)) {
      case BSON_TYPE_INT64:
        values[path] = bson_iter_int64(&it);
        break;
      case BSON_TYPE_DOUBLE:
        values[path] = bson_iter_double(&it);
        break;
      case BSON_TYPE_BOOL:
        values[path] = bson_iter_bool(&it);
        break;
      case BSON_TYPE_UTF8: {
        uint32_t length = 0;
        const char* text = bson_iter_utf8(&it, &length);
        values[path] = std::string(text, length);
        break;
      }
      default:
        return std::nullopt;
    }
  }
  Result<std::string> text = DumpJson(values);
  if (!text.ok()) return std::nullopt;
  return std::move(text).value();
}

}  // namespace

void BuildHeadDoc(bson_t* doc, const HeadRow& head, const std::string& indexed_text,
                  const Json& indexed_values) {
  // Property paths hold dots, which MongoDB reads as nesting, so field names are escaped
  // paths. Only scalars other than null go here: no pushed-down condition matches anything else.
  Bson idx;
  for (const auto& [path, value] : indexed_values.items()) {
    if (!IsIndexableScalar(value)) continue;
    std::string key = EscapeIndexedPath(path);
    AppendScalar(idx.get(), key.c_str(), value);
  }
  AppendString(doc, "_id", head.id);
  BSON_APPEND_INT64(doc, "version", head.version);
  BSON_APPEND_BOOL(doc, "deleted", head.deleted);
  AppendStringIfSet(doc, "data", head.data);
  AppendStringIfSet(doc, "payload_key", head.payload_key);
  AppendStringIfSet(doc, "payload_hash", head.payload_hash);
  AppendStringIfSet(doc, "entry_hash", head.entry_hash);
  BSON_APPEND_INT64(doc, "created_at", head.created_at);
  BSON_APPEND_INT64(doc, "updated_at", head.updated_at);
  AppendStringIfSet(doc, "actor", head.actor);
  AppendStringIfSet(doc, "reason", head.reason);
  AppendStringIfSet(doc, "on_behalf_of", head.on_behalf_of);
  // Left out when `idx` gives it back exactly (most heads: only values `idx` cannot hold, such
  // as null or integers past int64, keep it).
  if (IndexedTextOfIdx(idx.get()) != indexed_text) AppendString(doc, "indexed", indexed_text);
  BSON_APPEND_INT64(doc, "n_created", head.tally.created);
  // Read as 0 when absent, unlike n_created (absent: a head from before tallies).
  if (head.tally.updated != 0) BSON_APPEND_INT64(doc, "n_updated", head.tally.updated);
  if (head.tally.deleted != 0) BSON_APPEND_INT64(doc, "n_deleted", head.tally.deleted);
  BSON_APPEND_DOCUMENT(doc, "idx", idx.get());
}

void BuildVersionDoc(bson_t* doc, const VersionRow& version) {
  AppendString(doc, "id", version.id);
  BSON_APPEND_INT64(doc, "version", version.version);
  AppendString(doc, "op", version.op);
  AppendString(doc, "actor", version.actor);
  AppendString(doc, "reason", version.reason);
  AppendString(doc, "on_behalf_of", version.on_behalf_of);
  BSON_APPEND_INT64(doc, "at", version.at);
  AppendString(doc, "changed_fields", version.changed_fields);
  AppendString(doc, "payload_key", version.payload_key);
  AppendString(doc, "entry_hash", version.entry_hash);
  AppendString(doc, "prev_hash", version.prev_hash);
  BSON_APPEND_BOOL(doc, "deleted", version.deleted);
  AppendString(doc, "idempotency_key", version.idempotency_key);
  AppendVersionFields(doc, version.changed_fields);
}

void AppendVersionFields(bson_t* doc, const std::string& changed_fields) {
  bson_t fields;
  BSON_APPEND_ARRAY_BEGIN(doc, "fields", &fields);
  int n = 0;
  for (const std::string& key : VersionFieldKeys(changed_fields)) {
    std::string index = std::to_string(n++);  // BSON_APPEND_* evaluates the key twice.
    AppendString(&fields, index.c_str(), key);
  }
  bson_append_array_end(doc, &fields);
}

void BuildClaimDoc(bson_t* doc, const ClaimRow& claim) {
  AppendString(doc, "_id", claim.key);
  AppendString(doc, "owner", claim.owner);
  BSON_APPEND_INT64(doc, "at", claim.at);
  AppendString(doc, "body", claim.body);
}

namespace {

// The canonical text of the `idx` subdocument of a head document.
std::optional<std::string> IndexedTextOf(const bson_t* doc) {
  bson_iter_t it;
  if (!bson_iter_init_find(&it, doc, "idx") || !BSON_ITER_HOLDS_DOCUMENT(&it)) return "{}";
  uint32_t length = 0;
  const uint8_t* data = nullptr;
  bson_iter_document(&it, &length, &data);
  bson_t idx;
  if (!bson_init_static(&idx, data, length)) return std::nullopt;
  return IndexedTextOfIdx(&idx);
}

}  // namespace

HeadRow ReadHeadDoc(const bson_t* doc) {
  HeadRow head;
  head.id = StringField(doc, "_id");
  head.version = Int64Field(doc, "version").value_or(0);
  head.deleted = BoolField(doc, "deleted");
  head.data = StringField(doc, "data");
  head.payload_key = StringField(doc, "payload_key");
  head.payload_hash = StringField(doc, "payload_hash");
  head.entry_hash = StringField(doc, "entry_hash");
  head.created_at = Int64Field(doc, "created_at").value_or(0);
  head.updated_at = Int64Field(doc, "updated_at").value_or(0);
  head.actor = StringField(doc, "actor");
  head.reason = StringField(doc, "reason");
  head.on_behalf_of = StringField(doc, "on_behalf_of");  // Absent in documents of older writes.
  bson_iter_t indexed;
  if (bson_iter_init_find(&indexed, doc, "indexed") && BSON_ITER_HOLDS_UTF8(&indexed)) {
    head.indexed = StringField(doc, "indexed");
  } else {
    head.indexed = IndexedTextOf(doc).value_or("{}");
  }
  // Absent in documents written before heads kept tallies: -1 says so.
  head.tally = {Int64Field(doc, "n_created").value_or(-1), Int64Field(doc, "n_updated").value_or(0),
                Int64Field(doc, "n_deleted").value_or(0)};
  return head;
}

VersionRow ReadVersionDoc(const bson_t* doc) {
  VersionRow row;
  row.id = StringField(doc, "id");
  row.version = Int64Field(doc, "version").value_or(0);
  row.op = StringField(doc, "op");
  row.actor = StringField(doc, "actor");
  row.reason = StringField(doc, "reason");
  row.on_behalf_of = StringField(doc, "on_behalf_of");
  row.at = Int64Field(doc, "at").value_or(0);
  row.changed_fields = StringField(doc, "changed_fields");
  row.payload_key = StringField(doc, "payload_key");
  row.entry_hash = StringField(doc, "entry_hash");
  row.prev_hash = StringField(doc, "prev_hash");
  row.deleted = BoolField(doc, "deleted");
  row.idempotency_key = StringField(doc, "idempotency_key");
  return row;
}

ClaimRow ReadClaimDoc(const bson_t* doc) {
  ClaimRow claim;
  claim.key = StringField(doc, "_id");
  claim.owner = StringField(doc, "owner");
  claim.at = Int64Field(doc, "at").value_or(0);
  claim.body = StringField(doc, "body");
  return claim;
}

bool BuildScanFilter(bson_t* filter, const IdRange& range, const std::vector<Condition>& conditions,
                     bool include_deleted) {
  bson_t id_range;
  BSON_APPEND_DOCUMENT_BEGIN(filter, "_id", &id_range);
  AppendString(&id_range, "$gt", range.after_id);
  if (!range.before_id.empty()) AppendString(&id_range, "$lt", range.before_id);
  bson_append_document_end(filter, &id_range);
  if (!include_deleted) BSON_APPEND_BOOL(filter, "deleted", false);
  bool all_pushed = true;
  bson_t and_array;
  int n = 0;
  for (const Condition& condition : conditions) {
    if (!PushableCondition(condition)) {
      all_pushed = false;
      continue;
    }
    if (n == 0) BSON_APPEND_ARRAY_BEGIN(filter, "$and", &and_array);
    std::string key = std::to_string(n++);  // BSON_APPEND_* evaluates the key twice.
    AppendConditionFilter(&and_array, key.c_str(), condition);
  }
  if (n > 0) bson_append_array_end(filter, &and_array);
  return all_pushed;
}

}  // namespace xronox::store
