#include "store/hot/sqlite/sqlite_pool.h"

namespace xronox::store {

SqlitePool::SqlitePool(std::string path, size_t max_connections)
    : path_(std::move(path)), max_connections_(max_connections == 0 ? 1 : max_connections) {}

Result<SqlitePool::Lease> SqlitePool::Acquire() {
  {
    std::unique_lock lock(mu_);
    available_.wait(lock, [&] { return !idle_.empty() || open_ < max_connections_; });
    if (!idle_.empty()) {
      std::unique_ptr<SqliteConnection> conn = std::move(idle_.back());
      idle_.pop_back();
      return Lease(this, std::move(conn));
    }
    ++open_;
  }
  // Opening touches the file (and may wait on the busy timeout): do it outside the lock.
  Result<std::unique_ptr<SqliteConnection>> opened = SqliteConnection::Open(path_);
  if (!opened.ok()) {
    std::lock_guard lock(mu_);
    --open_;
    available_.notify_one();
    return opened.status();
  }
  return Lease(this, std::move(opened).value());
}

void SqlitePool::Release(std::unique_ptr<SqliteConnection> conn) {
  if (conn->InTransaction()) {
    // A failed rollback left a transaction open; never lend such a connection again.
    if (!conn->Exec("ROLLBACK", "release connection").ok() || conn->InTransaction()) {
      conn.reset();
    }
  }
  if (conn == nullptr) return Drop(nullptr);
  conn->TrimCache(kMaxCachedStatements);
  std::lock_guard lock(mu_);
  idle_.push_back(std::move(conn));
  available_.notify_one();
}

void SqlitePool::Drop(std::unique_ptr<SqliteConnection> conn) {
  conn.reset();  // Closes it before another may open.
  std::lock_guard lock(mu_);
  --open_;
  available_.notify_one();
}

}  // namespace xronox::store
