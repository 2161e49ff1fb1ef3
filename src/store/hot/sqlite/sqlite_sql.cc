#include "store/hot/sqlite/sqlite_sql.h"

#include <limits>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <unordered_map>

#include "store/hot/hot_store_rules.h"

namespace xronox::store {

namespace {

constexpr const char* kHeadColumns =
    "id, version, deleted, data, payload_key, payload_hash, entry_hash, created_at, "
    "updated_at, actor, reason, \"indexed\", on_behalf_of, n_created, n_updated, n_deleted";
constexpr const char* kVersionColumns =
    "id, version, op, actor, reason, at, changed_fields, payload_key, entry_hash, prev_hash, "
    "deleted, idempotency_key, on_behalf_of";

std::string Quote(std::string_view text, char quote) {
  std::string out(1, quote);
  for (char c : text) {
    out += c;
    if (c == quote) out += quote;
  }
  out += quote;
  return out;
}

// The JSON path literal '$."<path>"' naming a key of the flat `indexed` object.
std::string JsonPathLiteral(const std::string& path) { return QuoteLiteral("$.\"" + path + "\""); }

std::string TypeExpression(const std::string& path) {
  return "json_type(\"indexed\", " + JsonPathLiteral(path) + ")";
}

// json_extract returns JSON true/false as 1/0, so each comparison also tests json_type to
// keep classes apart exactly as MatchesCondition does (true is not 1, "1" is not 1).
std::string TypeTest(const std::string& path, const Json& value) {
  if (value.is_string()) return TypeExpression(path) + " = 'text'";
  if (value.is_boolean()) return TypeExpression(path) + " IN ('true', 'false')";
  return TypeExpression(path) + " IN ('integer', 'real')";
}

SqlParam ParamFor(const Json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_boolean()) return static_cast<int64_t>(value.get<bool>() ? 1 : 0);
  if (value.is_number_unsigned()) {
    uint64_t u = value.get<uint64_t>();
    if (u > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
      return static_cast<double>(u);
    }
    return static_cast<int64_t>(u);
  }
  if (value.is_number_integer()) return value.get<int64_t>();
  return value.get<double>();
}

// Exact equality with a scalar (null: absent or JSON null).
std::string EqualsSql(const std::string& path, const Json& value, SqlQuery& q) {
  if (value.is_null()) return IndexedExpression(path) + " IS NULL";
  q.params.push_back(ParamFor(value));
  return "(" + IndexedExpression(path) + " = ? AND " + TypeTest(path, value) + ")";
}

std::string InSql(const std::string& path, const Json& values, SqlQuery& q) {
  std::vector<std::string> alternatives;
  bool has_null = false;
  for (const char* type : {"string", "boolean", "number"}) {
    std::string placeholders;
    const Json* sample = nullptr;
    for (const Json& v : values) {
      if (v.type_name() != std::string_view(type)) continue;
      placeholders += placeholders.empty() ? "?" : ", ?";
      q.params.push_back(ParamFor(v));
      sample = &v;
    }
    if (sample == nullptr) continue;
    alternatives.push_back("(" + IndexedExpression(path) + " IN (" + placeholders + ") AND " +
                           TypeTest(path, *sample) + ")");
  }
  for (const Json& v : values) has_null = has_null || v.is_null();
  if (has_null) alternatives.push_back(IndexedExpression(path) + " IS NULL");
  if (alternatives.empty()) return "0";
  std::string sql;
  for (const std::string& alternative : alternatives) {
    sql += (sql.empty() ? "(" : " OR ") + alternative;
  }
  return sql + ")";
}

std::string ConditionSql(const Condition& c, SqlQuery& q) {
  const char* comparison = nullptr;
  switch (c.op) {
    case Condition::Op::kEq:
      return EqualsSql(c.path, c.value, q);
    case Condition::Op::kNe:
      if (c.value.is_null()) return IndexedExpression(c.path) + " IS NOT NULL";
      return "(" + EqualsSql(c.path, c.value, q) + " IS NOT 1)";
    case Condition::Op::kIn:
      return InSql(c.path, c.value, q);
    case Condition::Op::kGt:
      comparison = " > ?";
      break;
    case Condition::Op::kGte:
      comparison = " >= ?";
      break;
    case Condition::Op::kLt:
      comparison = " < ?";
      break;
    case Condition::Op::kLte:
      comparison = " <= ?";
      break;
  }
  q.params.push_back(ParamFor(c.value));
  return "(" + IndexedExpression(c.path) + comparison + " AND " + TypeTest(c.path, c.value) + ")";
}

}  // namespace

std::string QuoteIdentifier(std::string_view name) { return Quote(name, '"'); }

std::string QuoteLiteral(std::string_view text) { return Quote(text, '\''); }

std::string IndexedExpression(const std::string& path) {
  return "json_extract(\"indexed\", " + JsonPathLiteral(path) + ")";
}

namespace {

SqliteTables BuildTables(const CollectionRef& ref) {
  SqliteTables t;
  t.head = StoreName(ref, "_head");
  t.ver = StoreName(ref, "_ver");
  t.verf = StoreName(ref, "_verf");
  t.counter = StoreName(CollectionRef{ref.CounterDb(), ref.collection}, "_counter");
  t.locks = StoreName(ref, "_locks");
  t.q_head = QuoteIdentifier(t.head);
  t.q_ver = QuoteIdentifier(t.ver);
  t.q_verf = QuoteIdentifier(t.verf);
  t.q_counter = QuoteIdentifier(t.counter);
  t.q_locks = QuoteIdentifier(t.locks);
  t.select_head = SelectHeadSql(t);
  t.add_count = AddCountSql(t);
  return t;
}

}  // namespace

Result<const SqliteTables*> TablesFor(const CollectionRef& ref) {
  // Names are a pure function of the ref; building them costs more than the point select
  // they serve, so they are built once. Entries are never removed: pointers stay valid.
  static std::shared_mutex mutex;
  static std::unordered_map<std::string, std::unique_ptr<const SqliteTables>> cache;
  // Most calls on a thread name the collection of the previous one.
  thread_local std::string last_db, last_collection, last_counter_db;
  thread_local const SqliteTables* last = nullptr;
  if (last != nullptr && ref.db == last_db && ref.collection == last_collection &&
      ref.counter_db == last_counter_db) {
    return last;
  }
  std::string key = ref.db + '\x1f' + ref.collection + '\x1f' + ref.counter_db;
  const SqliteTables* found = nullptr;
  {
    std::shared_lock lock(mutex);
    auto it = cache.find(key);
    if (it != cache.end()) found = it->second.get();
  }
  if (found == nullptr) {
    XRONOX_RETURN_IF_ERROR(ValidateCollectionRef(ref));
    auto tables = std::make_unique<const SqliteTables>(BuildTables(ref));
    std::unique_lock lock(mutex);
    found = cache.try_emplace(key, std::move(tables)).first->second.get();
  }
  last_db = ref.db;
  last_collection = ref.collection;
  last_counter_db = ref.counter_db;
  last = found;
  return found;
}

std::string CreateCollectionSql(const SqliteTables& t, bool versioned) {
  std::string version_index =
      "CREATE TABLE IF NOT EXISTS " + t.q_ver +
      " (id TEXT NOT NULL, version INTEGER NOT NULL, op TEXT NOT NULL, actor TEXT NOT NULL,"
      " reason TEXT NOT NULL, at INTEGER NOT NULL, changed_fields TEXT NOT NULL,"
      " payload_key TEXT NOT NULL, entry_hash TEXT NOT NULL, prev_hash TEXT NOT NULL,"
      " deleted INTEGER NOT NULL, idempotency_key TEXT NOT NULL,"
      " on_behalf_of TEXT NOT NULL DEFAULT '',"
      " PRIMARY KEY (id, version)) WITHOUT ROWID;\n"
      "CREATE INDEX IF NOT EXISTS " +
      QuoteIdentifier(t.ver + ":id_at") + " ON " + t.q_ver + " (id, at, version);\n" +
      "CREATE INDEX IF NOT EXISTS " + QuoteIdentifier(t.ver + ":at") + " ON " + t.q_ver +
      " (at, id, version);\n" + "CREATE INDEX IF NOT EXISTS " +
      QuoteIdentifier(t.ver + ":actor_at") + " ON " + t.q_ver + " (actor, at, id, version);\n" +
      "CREATE TABLE IF NOT EXISTS " + t.q_verf +
      " (field TEXT NOT NULL, at INTEGER NOT NULL, id TEXT NOT NULL, version INTEGER NOT NULL,"
      " PRIMARY KEY (field, at, id, version)) WITHOUT ROWID;\n";
  return "CREATE TABLE IF NOT EXISTS " + t.q_head +
         " (id TEXT PRIMARY KEY NOT NULL, version INTEGER NOT NULL, deleted INTEGER NOT NULL,"
         " data TEXT NOT NULL, payload_key TEXT NOT NULL, payload_hash TEXT NOT NULL,"
         " entry_hash TEXT NOT NULL, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL,"
         " actor TEXT NOT NULL, reason TEXT NOT NULL, \"indexed\" TEXT NOT NULL,"
         " on_behalf_of TEXT NOT NULL DEFAULT '', n_created INTEGER NOT NULL DEFAULT -1,"
         " n_updated INTEGER NOT NULL DEFAULT 0, n_deleted INTEGER NOT NULL DEFAULT 0)"
         " WITHOUT ROWID;\n" +
         (versioned ? version_index : std::string()) + "CREATE TABLE IF NOT EXISTS " + t.q_counter +
         " (name TEXT PRIMARY KEY NOT NULL, value INTEGER NOT NULL) WITHOUT ROWID;\n"
         "CREATE TABLE IF NOT EXISTS " +
         t.q_locks +
         " (\"key\" TEXT PRIMARY KEY NOT NULL, owner TEXT NOT NULL, at INTEGER NOT NULL,"
         " body TEXT NOT NULL) WITHOUT ROWID;";
}

std::string CountColumnSql(const std::string& table, const std::string& column) {
  return "SELECT COUNT(*) FROM pragma_table_info(" + QuoteLiteral(table) +
         ") WHERE name = " + QuoteLiteral(column);
}

std::string AddColumnSql(const std::string& q_table, const std::string& column,
                         const std::string& definition) {
  return "ALTER TABLE " + q_table + " ADD COLUMN " + QuoteIdentifier(column) + " " + definition;
}

std::string CreateIndexSql(const SqliteTables& t, const std::string& prop) {
  return "CREATE INDEX IF NOT EXISTS " + QuoteIdentifier(t.head + ":ix:" + prop) + " ON " +
         t.q_head + " (" + IndexedExpression(prop) + ")";
}

std::string ListTablesSql() {
  return "SELECT name FROM sqlite_master WHERE type = 'table' AND name >= ? AND name < ?";
}

std::string TableExistsSql() {
  // sqlite_master compares names with case (BINARY), unlike SQL's own table names.
  return "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?";
}

std::string ListHeadTablesSql() {
  return "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE '%\\_head' "
         "ESCAPE '\\'";
}

std::string InsertHeadSql(const SqliteTables& t) {
  return "INSERT INTO " + t.q_head + " (" + kHeadColumns +
         ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
}

std::string UpdateHeadSql(const SqliteTables& t) {
  return "UPDATE " + t.q_head +
         " SET version = ?, deleted = ?, data = ?, payload_key = ?, payload_hash = ?,"
         " entry_hash = ?, created_at = ?, updated_at = ?, actor = ?, reason = ?,"
         " \"indexed\" = ?, on_behalf_of = ?, n_created = ?, n_updated = ?, n_deleted = ?"
         " WHERE id = ? AND version = ?";
}

std::string SelectHeadSql(const SqliteTables& t) {
  return std::string("SELECT ") + kHeadColumns + " FROM " + t.q_head + " WHERE id = ?";
}

std::string DeleteHeadSql(const SqliteTables& t) {
  return "DELETE FROM " + t.q_head + " WHERE id = ? AND version = ?";
}

std::string SelectHeadVersionSql(const SqliteTables& t) {
  return "SELECT version FROM " + t.q_head + " WHERE id = ?";
}

std::string InsertVersionSql(const SqliteTables& t) {
  return "INSERT INTO " + t.q_ver + " (" + kVersionColumns +
         ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
}

std::string SelectVersionSql(const SqliteTables& t) {
  return std::string("SELECT ") + kVersionColumns + " FROM " + t.q_ver +
         " WHERE id = ? AND version = ?";
}

std::string VersionAsOfSql(const SqliteTables& t) {
  return std::string("SELECT ") + kVersionColumns + " FROM " + t.q_ver +
         " WHERE id = ? AND at <= ? ORDER BY at DESC, version DESC LIMIT 1";
}

std::string ListVersionsSql(const SqliteTables& t, Order order) {
  bool ascending = order == Order::kAscending;
  return std::string("SELECT ") + kVersionColumns + " FROM " + t.q_ver + " WHERE id = ? AND " +
         (ascending ? "version > ? ORDER BY version ASC" : "version < ? ORDER BY version DESC") +
         " LIMIT ?";
}

std::string InsertClaimSql(const SqliteTables& t) {
  return "INSERT INTO " + t.q_locks + " (\"key\", owner, at, body) VALUES (?, ?, ?, ?)";
}

std::string SelectClaimSql(const SqliteTables& t) {
  return "SELECT \"key\", owner, at, body FROM " + t.q_locks + " WHERE \"key\" = ?";
}

std::string UpdateClaimSql(const SqliteTables& t) {
  return "UPDATE " + t.q_locks + " SET body = ? WHERE \"key\" = ? AND owner = ?";
}

std::string DeleteClaimSql(const SqliteTables& t) {
  return "DELETE FROM " + t.q_locks + " WHERE \"key\" = ? AND owner = ?";
}

std::string ListClaimsSql(const SqliteTables& t) {
  return "SELECT \"key\", owner, at, body FROM " + t.q_locks +
         " WHERE \"key\" >= ? ORDER BY \"key\"";
}

std::string SelectCounterSql(const SqliteTables& t) {
  return "SELECT value FROM " + t.q_counter + " WHERE name = ?";
}

std::string UpsertCounterSql(const SqliteTables& t) {
  return "INSERT INTO " + t.q_counter +
         " (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value";
}

std::string AddCountSql(const SqliteTables& t) {
  // kCountNames' four rows in one statement: one B-tree descent per write.
  std::string rows;
  for (const char* name : kCountNames)
    rows += std::string(rows.empty() ? "" : ", ") + "(" + QuoteLiteral(name) + ", ?)";
  return "INSERT INTO " + t.q_counter + " (name, value) VALUES " + rows +
         " ON CONFLICT (name) DO UPDATE SET value = value + excluded.value";
}
SqlQuery ScanHeadsQuery(const SqliteTables& t, const IdRange& range, int limit,
                        const std::vector<Condition>& conditions, bool include_deleted) {
  SqlQuery q;
  q.sql = std::string("SELECT ") + kHeadColumns + " FROM " + t.q_head + " WHERE id > ?";
  q.params.push_back(range.after_id);
  if (!range.before_id.empty()) {
    q.sql += " AND id < ?";
    q.params.push_back(range.before_id);
  }
  if (!include_deleted) q.sql += " AND deleted = 0";
  for (const Condition& condition : conditions) {
    q.sql += " AND " + ConditionSql(condition, q);
  }
  q.sql += range.order == Order::kAscending ? " ORDER BY id LIMIT ?" : " ORDER BY id DESC LIMIT ?";
  q.params.push_back(static_cast<int64_t>(limit));
  return q;
}

std::string InsertVersionFieldSql(const SqliteTables& t) {
  return "INSERT OR IGNORE INTO " + t.q_verf + " (field, at, id, version) VALUES (?, ?, ?, ?)";
}

std::string SelectVersionFieldSourcesSql(const SqliteTables& t) {
  return "SELECT id, version, at, changed_fields FROM " + t.q_ver;
}

SqlQuery ScanVersionsQuery(const SqliteTables& t, const VersionFilter& filter,
                           const std::string& field_key,
                           const std::optional<VersionPosition>& after, int limit) {
  SqlQuery q;
  const bool by_field = !field_key.empty();
  // Every condition and the order name the driving table's columns, so that one index serves
  // them all and is read in order.
  const std::string key = by_field ? "f." : "v.";
  std::string columns;
  for (std::string_view rest = kVersionColumns; !rest.empty();) {
    size_t comma = rest.find(", ");
    columns += (columns.empty() ? "v." : ", v.") + std::string(rest.substr(0, comma));
    rest = comma == std::string_view::npos ? "" : rest.substr(comma + 2);
  }
  q.sql = "SELECT " + columns + " FROM " +
          (by_field ? t.q_verf + " AS f JOIN " + t.q_ver +
                          " AS v ON v.id = f.id AND v.version = f.version WHERE f.field = ?"
                    : t.q_ver + " AS v WHERE 1");
  if (by_field) q.params.push_back(field_key);
  if (!filter.actor.empty()) {
    q.sql += " AND v.actor = ?";
    q.params.push_back(filter.actor);
  }
  if (filter.from != 0) {
    q.sql += " AND " + key + "at >= ?";
    q.params.push_back(filter.from);
  }
  if (filter.to != 0) {
    q.sql += " AND " + key + "at < ?";
    q.params.push_back(filter.to);
  }
  if (after) {
    q.sql += " AND (" + key + "at, " + key + "id, " + key + "version) < (?, ?, ?)";
    q.params.insert(q.params.end(), {after->at, after->id, after->version});
  }
  q.sql += " ORDER BY " + key + "at DESC, " + key + "id DESC, " + key + "version DESC LIMIT ?";
  q.params.push_back(static_cast<int64_t>(limit));
  return q;
}

}  // namespace xronox::store
