#include "store/hot/sqlite/sqlite_connection.h"

#include <chrono>
#include <thread>

#include "store/hot/sqlite/sqlite_error.h"

namespace xronox::store {

Statement::Statement(sqlite3_stmt* stmt, sqlite3* db, What what)
    : stmt_(stmt), db_(db), what_(std::move(what)) {}

Statement::Statement(Statement&& other) noexcept
    : stmt_(other.stmt_),
      db_(other.db_),
      what_(std::move(other.what_)),
      next_index_(other.next_index_),
      bind_rc_(other.bind_rc_) {
  other.stmt_ = nullptr;
}

Statement::~Statement() {
  if (stmt_ == nullptr) return;
  // Resetting ends the statement's read transaction, so a cached statement never pins a
  // WAL snapshot between uses.
  // Every use binds all parameters, so bindings need no clearing.
  sqlite3_reset(stmt_);
}

Statement& Statement::Bound(int rc) {
  if (bind_rc_ == SQLITE_OK) bind_rc_ = rc;
  ++next_index_;
  return *this;
}

Statement& Statement::BindInt(int64_t value) {
  return Bound(sqlite3_bind_int64(stmt_, next_index_, value));
}

Statement& Statement::BindDouble(double value) {
  return Bound(sqlite3_bind_double(stmt_, next_index_, value));
}

Statement& Statement::BindText(std::string_view value) {
  return Bound(sqlite3_bind_text64(stmt_, next_index_, value.data(), value.size(), SQLITE_TRANSIENT,
                                   SQLITE_UTF8));
}

Statement& Statement::BindNull() { return Bound(sqlite3_bind_null(stmt_, next_index_)); }

Result<bool> Statement::Step() {
  if (bind_rc_ != SQLITE_OK) return SqliteStatus(bind_rc_, db_, what_.ToString());
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return SqliteStatus(rc, db_, what_.ToString());
}

Status Statement::Run() {
  while (true) {
    XRONOX_ASSIGN_OR_RETURN(bool row, Step());
    if (!row) return Status::Ok();
  }
}

int64_t Statement::ColumnInt(int column) const { return sqlite3_column_int64(stmt_, column); }

std::string Statement::ColumnText(int column) const {
  const unsigned char* text = sqlite3_column_text(stmt_, column);
  if (text == nullptr) return std::string();
  return std::string(reinterpret_cast<const char*>(text), sqlite3_column_bytes(stmt_, column));
}

Result<std::unique_ptr<SqliteConnection>> SqliteConnection::Open(const std::string& path) {
  sqlite3* raw = nullptr;
  // NOMUTEX: the pool gives a connection to one thread at a time.
  int rc =
      sqlite3_open_v2(path.c_str(), &raw,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  SqliteDb db(raw);
  if (rc != SQLITE_OK) return SqliteStatus(rc, raw, "open sqlite hot store " + path);
  std::unique_ptr<SqliteConnection> conn(new SqliteConnection(std::move(db)));
  XRONOX_RETURN_IF_ERROR(conn->Configure(path));
  return conn;
}

Status SqliteConnection::EnableWal(const std::string& what) {
  XRONOX_ASSIGN_OR_RETURN(Statement wal, Prepare("PRAGMA journal_mode=WAL", what));
  XRONOX_ASSIGN_OR_RETURN(bool row, wal.Step());
  if (!row || wal.ColumnText(0) != "wal") {
    return Unavailable(what + ": cannot switch to WAL journal mode");
  }
  return Status::Ok();
}

Status SqliteConnection::Configure(const std::string& path) {
  sqlite3_extended_result_codes(db_.get(), 1);
  sqlite3_busy_timeout(db_.get(), kSqliteBusyTimeoutMillis);
  std::string what = "configure sqlite hot store " + path;
  // While another process opens or recovers the same file, SQLite can report SQLITE_BUSY
  // here without consulting the busy handler, so the switch is retried for a while.
  Status wal_mode = EnableWal(what);
  for (int attempt = 0; attempt < kWalAttempts && wal_mode.code() == StatusCode::kUnavailable;
       ++attempt) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    wal_mode = EnableWal(what);
  }
  XRONOX_RETURN_IF_ERROR(wal_mode);
  // FULL: a commit is on disk (WAL fsynced) before it is acknowledged.
  return Exec("PRAGMA synchronous=FULL", what);
}

Result<Statement> SqliteConnection::PrepareStable(const std::string& sql, What what) {
  auto known = by_address_.find(&sql);
  if (known != by_address_.end()) return Statement(known->second, db_.get(), std::move(what));
  XRONOX_ASSIGN_OR_RETURN(Statement statement, Prepare(sql, std::move(what)));
  by_address_.emplace(&sql, cache_.at(sql).get());
  return statement;
}

Result<Statement> SqliteConnection::Prepare(const std::string& sql, What what) {
  auto it = cache_.find(sql);
  if (it == cache_.end()) {
    sqlite3_stmt* raw = nullptr;
    int rc = sqlite3_prepare_v3(db_.get(), sql.data(), static_cast<int>(sql.size()),
                                SQLITE_PREPARE_PERSISTENT, &raw, nullptr);
    SqliteStmt stmt(raw);
    if (rc != SQLITE_OK) return SqliteStatus(rc, db_.get(), what.ToString());
    it = cache_.emplace(sql, std::move(stmt)).first;
  }
  return Statement(it->second.get(), db_.get(), std::move(what));
}

Status SqliteConnection::Exec(const std::string& sql, std::string_view what) {
  int rc = sqlite3_exec(db_.get(), sql.c_str(), nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return SqliteStatus(rc, db_.get(), what);
  return Status::Ok();
}

int64_t SqliteConnection::Changes() const { return sqlite3_changes64(db_.get()); }

bool SqliteConnection::InTransaction() const { return sqlite3_get_autocommit(db_.get()) == 0; }

void SqliteConnection::TrimCache(size_t max_statements) {
  if (cache_.size() > max_statements) {
    by_address_.clear();
    cache_.clear();
  }
}

}  // namespace xronox::store
