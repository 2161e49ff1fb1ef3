// SqlitePool: a bounded pool of connections to one database file, lent out one caller at a
// time.
// Thread-safety: safe to call from many threads; a Lease is used by the thread holding it.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "store/hot/sqlite/sqlite_connection.h"
#include "xronox/status.h"

namespace xronox::store {

class SqlitePool {
 public:
  /// Most prepared statements a connection keeps between uses before its cache is cleared.
  static constexpr size_t kMaxCachedStatements = 256;

  /// A pool over the file at `path` that opens at most `max_connections` connections.
  SqlitePool(std::string path, size_t max_connections);
  SqlitePool(const SqlitePool&) = delete;
  SqlitePool& operator=(const SqlitePool&) = delete;

  /// A borrowed connection, returned to the pool when the lease is destroyed.
  class Lease {
   public:
    Lease(SqlitePool* pool, std::unique_ptr<SqliteConnection> conn)
        : pool_(pool), conn_(std::move(conn)) {}
    Lease(Lease&&) noexcept = default;
    Lease& operator=(Lease&&) = delete;
    ~Lease() {
      if (conn_ != nullptr) pool_->Release(std::move(conn_));
    }
    SqliteConnection& operator*() const { return *conn_; }
    /// Close the connection instead of returning it to the pool.
    void Discard() {
      if (conn_ != nullptr) pool_->Drop(std::move(conn_));
    }
    SqliteConnection* operator->() const { return conn_.get(); }

   private:
    SqlitePool* pool_;
    std::unique_ptr<SqliteConnection> conn_;
  };

  /// Borrow an idle connection, open a new one below the limit, or wait for one.
  Result<Lease> Acquire();

 private:
  void Release(std::unique_ptr<SqliteConnection> conn);
  void Drop(std::unique_ptr<SqliteConnection> conn);

  const std::string path_;
  const size_t max_connections_;
  std::mutex mu_;
  std::condition_variable available_;
  std::vector<std::unique_ptr<SqliteConnection>> idle_;
  size_t open_ = 0;  // Idle plus lent out plus being opened.
};

}  // namespace xronox::store
