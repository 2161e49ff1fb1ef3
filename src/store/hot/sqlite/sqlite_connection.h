// SqliteConnection: one configured SQLite connection (WAL, synchronous=FULL, busy timeout)
// with a cache of prepared statements keyed by SQL text; Statement: one use of a cached
// statement.
// Thread-safety: a connection and its statements are used by one thread at a time (the pool
// hands each connection to one caller).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "store/hot/sqlite/sqlite_handles.h"
#include "xronox/status.h"

namespace xronox::store {

/// How long a connection waits for another writer (in this or another process) to finish.
inline constexpr int kSqliteBusyTimeoutMillis = 10000;
/// Tries at switching a new connection to WAL while another process holds the file (10 ms apart).
inline constexpr int kWalAttempts = 1000;

/// One use of a cached prepared statement: bind, step, read columns; reset when destroyed.
class Statement {
 public:
  Statement(sqlite3_stmt* stmt, sqlite3* db, std::string what);
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&&) = delete;
  ~Statement();

  /// Bind the next parameter (parameters are bound in order, starting at 1).
  Statement& BindInt(int64_t value);
  Statement& BindDouble(double value);
  Statement& BindText(std::string_view value);
  Statement& BindNull();

  /// Advance; true when a row is available, false when the statement is done.
  Result<bool> Step();
  /// Step until done, for statements that return no rows.
  Status Run();

  int64_t ColumnInt(int column) const;
  std::string ColumnText(int column) const;

 private:
  Statement& Bound(int rc);

  sqlite3_stmt* stmt_;
  sqlite3* db_;
  std::string what_;  // Operation and table, first in every error message.
  int next_index_ = 1;
  int bind_rc_ = SQLITE_OK;
};

class SqliteConnection {
 public:
  /// Open (creating if missing) the database file at `path` and configure the connection.
  static Result<std::unique_ptr<SqliteConnection>> Open(const std::string& path);

  /// Return a use of the cached statement for `sql`, preparing it on first use; `what`
  /// (operation and table) starts every error message.
  Result<Statement> Prepare(const std::string& sql, std::string what);
  /// Run one or more uncached statements (DDL, transaction control).
  Status Exec(const std::string& sql, std::string_view what);

  /// Rows changed by the last INSERT, UPDATE or DELETE.
  int64_t Changes() const;
  /// True while an explicit transaction is open.
  bool InTransaction() const;
  /// Drop cached statements when there are more than `max_statements`; call between uses.
  void TrimCache(size_t max_statements);

 private:
  explicit SqliteConnection(SqliteDb db) : db_(std::move(db)) {}
  Status Configure(const std::string& path);
  Status EnableWal(const std::string& what);

  SqliteDb db_;
  std::unordered_map<std::string, SqliteStmt> cache_;
};

}  // namespace xronox::store
