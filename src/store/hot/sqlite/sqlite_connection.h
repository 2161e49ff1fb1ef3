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

/// Operation and target of a statement, first in its error messages. The three-part form
/// borrows its parts and builds the text only when an error needs it (the read path then
/// allocates nothing for it); the parts must outlive the Statement.
class What {
 public:
  What(std::string text) : text_(std::move(text)) {}  // NOLINT(google-explicit-constructor)
  What(const char* text) : text_(text) {}             // NOLINT(google-explicit-constructor)
  What(const char* op, const std::string& table, const std::string& id)
      : op_(op), table_(&table), id_(&id) {}
  std::string ToString() const {
    return table_ ? std::string(op_) + " " + *table_ + " id '" + *id_ + "'" : text_;
  }

 private:
  std::string text_;
  const char* op_ = nullptr;
  const std::string* table_ = nullptr;
  const std::string* id_ = nullptr;
};

/// One use of a cached prepared statement: bind, step, read columns; reset when destroyed.
class Statement {
 public:
  Statement(sqlite3_stmt* stmt, sqlite3* db, What what);
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
  What what_;
  int next_index_ = 1;
  int bind_rc_ = SQLITE_OK;
};

class SqliteConnection {
 public:
  /// Open (creating if missing) the database file at `path` and configure the connection.
  static Result<std::unique_ptr<SqliteConnection>> Open(const std::string& path);

  /// Return a use of the cached statement for `sql`, preparing it on first use; `what`
  /// (operation and table) starts every error message.
  Result<Statement> Prepare(const std::string& sql, What what);
  /// As Prepare, for SQL text that lives unchanged for the whole process (looked up by
  /// address: no hashing of the text on the hot path).
  Result<Statement> PrepareStable(const std::string& sql, What what);
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
  std::unordered_map<const std::string*, sqlite3_stmt*> by_address_;  // Into cache_.
};

}  // namespace xronox::store
