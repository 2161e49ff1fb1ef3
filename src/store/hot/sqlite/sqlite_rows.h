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

/// Bind `params` in order.
void BindParams(Statement& stmt, const std::vector<SqlParam>& params);

}  // namespace xronox::store
