// Binding rows to statements and reading rows from them, in the column orders of
// sqlite_sql.h.
// Thread-safety: pure functions over a statement owned by the caller's thread.
#pragma once

#include <string>
#include <vector>

#include "store/hot/hot_store.h"
#include "store/hot/sqlite/sqlite_connection.h"
#include "store/hot/sqlite/sqlite_sql.h"

namespace xronox::store {

/// Bind every head column but id, in head-column order, with `indexed` as stored text.
void BindHeadFields(Statement& stmt, const HeadRow& head, const std::string& indexed);
/// Read a head selected in head-column order.
HeadRow ReadHead(const Statement& stmt);

/// Bind every version column in version-column order.
void BindVersion(Statement& stmt, const VersionRow& version);
/// Read a version selected in version-column order.
VersionRow ReadVersion(const Statement& stmt);

/// Read a claim selected as key, owner, at, body.
ClaimRow ReadClaim(const Statement& stmt);

/// Add `delta` to the record counters in t.counter (one statement for all four; nothing for a
/// zero delta), inside the caller's transaction.
Status AddCountRows(SqliteConnection& conn, const SqliteTables& t, const CollectionCounts& delta);
/// Set the record counters in t.counter to `counts`, inside the caller's transaction.
Status SetCountRows(SqliteConnection& conn, const SqliteTables& t, const CollectionCounts& counts);
/// Read the record counters in t.counter (zeros for rows not there).
Result<CollectionCounts> ReadCountRows(SqliteConnection& conn, const SqliteTables& t);

/// Bind `params` in order.
void BindParams(Statement& stmt, const std::vector<SqlParam>& params);

}  // namespace xronox::store
