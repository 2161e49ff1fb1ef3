// The SQL text of the SQLite hot store: table names, schema, and every query, built in one
// place so tests can inspect the plans of exactly the statements the store runs.
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "store/hot/hot_store.h"
#include "xronox/status.h"

namespace xronox::store {

/// Quote `name` as an SQL identifier: "name", embedded '"' doubled.
std::string QuoteIdentifier(std::string_view name);
/// Quote `text` as an SQL string literal: 'text', embedded '\'' doubled.
std::string QuoteLiteral(std::string_view text);
/// Return `json_extract("indexed", '$."<path>"')`: the expression of a property's index and
/// of every condition on it (the same text, so the planner can use the index).
std::string IndexedExpression(const std::string& path);

/// The tables of one collection: names as stored (for messages) and quoted (for SQL). `verf`
/// (runtime) indexes each version under the fields it changed (VersionFieldKeys).
struct SqliteTables {
  std::string head, ver, verf, counter, locks;            ///< e.g. db.c_head
  std::string q_head, q_ver, q_verf, q_counter, q_locks;  ///< e.g. "db.c_head"
  std::string select_head;                                ///< SelectHeadSql, built once (hot path).
  std::string add_count;                                  ///< AddCountSql, built once (hot path).
};

/// Validate `ref` and return its table names, built once per collection and kept for the
/// life of the process (the pointer stays valid).
Result<const SqliteTables*> TablesFor(const CollectionRef& ref);

/// Statements that create the collection's tables and fixed indexes, if missing.
std::string CreateCollectionSql(const SqliteTables& t, bool versioned);
/// Statement that counts the columns named `column` of `table` (0 or 1); binds nothing.
std::string CountColumnSql(const std::string& table, const std::string& column);
/// Statement that adds column `column` of `definition` (type and default) to the quoted table
/// `q_table`.
std::string AddColumnSql(const std::string& q_table, const std::string& column,
                         const std::string& definition);
/// Statement that creates the expression index of one indexed property, if missing.
std::string CreateIndexSql(const SqliteTables& t, const std::string& prop);
/// Query listing the tables whose names fall in [?1, ?2).
std::string ListTablesSql();
/// Every collection head table of every database in the file.
std::string ListHeadTablesSql();
/// Query with one row when a table is named exactly ?1 (letter case counts).
std::string TableExistsSql();

/// Head columns, in the order every head query selects and InsertHeadSql binds them:
/// id, version, deleted, data, payload_key, payload_hash, entry_hash, created_at,
/// updated_at, actor, reason, indexed, on_behalf_of, n_created, n_updated, n_deleted.
std::string InsertHeadSql(const SqliteTables& t);
/// UPDATE of every column but id (bound in head-column order), then ?id, ?expected_version.
std::string UpdateHeadSql(const SqliteTables& t);
std::string SelectHeadSql(const SqliteTables& t);  ///< WHERE id = ?
/// Binds: id, version. Deletes the head only at that version.
std::string DeleteHeadSql(const SqliteTables& t);
std::string SelectHeadVersionSql(const SqliteTables& t);  ///< version WHERE id = ?

/// Version columns, in select and insert order: id, version, op, actor, reason, at,
/// changed_fields, payload_key, entry_hash, prev_hash, deleted, idempotency_key.
std::string InsertVersionSql(const SqliteTables& t);
std::string SelectVersionSql(const SqliteTables& t);  ///< WHERE id = ? AND version = ?
/// The as-of lookup (?id, ?at): one seek on the (id, at, version) index.
std::string VersionAsOfSql(const SqliteTables& t);
/// Versions of ?id after ?version in `order`, at most ?limit.
std::string ListVersionsSql(const SqliteTables& t, Order order);

std::string InsertClaimSql(const SqliteTables& t);  ///< ?key, ?owner, ?at, ?body
std::string SelectClaimSql(const SqliteTables& t);  ///< key, owner, at, body WHERE key = ?
std::string UpdateClaimSql(const SqliteTables& t);  ///< SET body = ? WHERE key = ? AND owner = ?
std::string DeleteClaimSql(const SqliteTables& t);  ///< WHERE key = ? AND owner = ?
std::string ListClaimsSql(const SqliteTables& t);   ///< key >= ? ORDER BY key

std::string SelectCounterSql(const SqliteTables& t);  ///< value WHERE name = ?
std::string UpsertCounterSql(const SqliteTables& t);  ///< ?name, ?value
/// Adds ?1..?4 to the record counters created, updated, deleted and live (created at 0).
std::string AddCountSql(const SqliteTables& t);

/// A value to bind to a query parameter.
using SqlParam = std::variant<std::nullptr_t, int64_t, double, std::string>;

/// A query's text and its parameters in binding order.
struct SqlQuery {
  std::string sql;
  std::vector<SqlParam> params;
};

/// The ScanHeads query. Conditions must have passed ValidateConditions; each becomes an
/// exact, type-aware predicate on IndexedExpression(path) with bound values.
SqlQuery ScanHeadsQuery(const SqliteTables& t, const IdRange& range, int limit,
                        const std::vector<Condition>& conditions, bool include_deleted);

/// ?field, ?at, ?id, ?version: one field key of a version (VersionFieldKeys), kept if present.
std::string InsertVersionFieldSql(const SqliteTables& t);
/// id, version, at, changed_fields of every version, for filling {c}_verf once.
std::string SelectVersionFieldSourcesSql(const SqliteTables& t);
/// A ScanVersions query (version columns in select order), newest first: with `field_key` (one
/// of FieldQueryKeys(filter.field)) through {c}_verf's primary key, else through the (actor,
/// at, id, version) index when `filter.actor` is set, else the (at, id, version) index; each
/// read in order. `filter.field` itself is not used.
SqlQuery ScanVersionsQuery(const SqliteTables& t, const VersionFilter& filter,
                           const std::string& field_key,
                           const std::optional<VersionPosition>& after, int limit);

}  // namespace xronox::store
