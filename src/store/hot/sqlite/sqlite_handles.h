// RAII owners of SQLite handles; the only place that closes a connection or finalizes a
// statement.
// Thread-safety: an owner is used by one thread at a time, like the handle it owns.
#pragma once

#include <sqlite3.h>

#include <memory>

namespace xronox::store {

struct SqliteDbCloser {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};

struct SqliteStmtFinalizer {
  void operator()(sqlite3_stmt* stmt) const { sqlite3_finalize(stmt); }
};

/// Owns a database connection (sqlite3_close_v2 on destruction).
using SqliteDb = std::unique_ptr<sqlite3, SqliteDbCloser>;
/// Owns a prepared statement (sqlite3_finalize on destruction).
using SqliteStmt = std::unique_ptr<sqlite3_stmt, SqliteStmtFinalizer>;

}  // namespace xronox::store
