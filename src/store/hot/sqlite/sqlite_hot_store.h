// SqliteHotStore: the embedded HotStore, every database and collection in one SQLite file
// (tables "{db}.{c}_head", "_ver", "_counter", "_locks"), shareable by several processes.
// Thread-safety: safe to call from many threads; each call borrows a pooled connection and
// writes are serialized in-process, and across processes by SQLite's write lock.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "store/hot/hot_store.h"
#include "store/hot/sqlite/sqlite_pool.h"
#include "store/hot/sqlite/sqlite_sql.h"

namespace xronox::store {

class SqliteHotStore final : public HotStore {
 public:
  /// Most connections one store opens to its file.
  static constexpr size_t kMaxConnections = 4;

  /// Open the store at `path`, creating the file and its parent directory if missing. The
  /// file uses WAL journaling with synchronous=FULL (an acknowledged write is durable) and a
  /// 10 s busy timeout, so a server and a CLI can use it at once.
  static Result<std::unique_ptr<SqliteHotStore>> Open(const std::string& path);

  Status EnsureCollection(const CollectionRef& ref,
                          const std::vector<std::string>& indexed_props) override;
  Result<bool> CollectionExists(const CollectionRef& ref) override;
  Result<std::vector<std::string>> ListDatabases() override;
  Result<std::vector<std::string>> ListCollections(const std::string& db) override;

  Result<std::optional<HeadRow>> GetHead(const CollectionRef& ref, const std::string& id) override;
  Status WriteHead(const CollectionRef& ref, const HeadRow& head,
                   std::optional<int64_t> expected_version) override;
  Status DeleteHead(const CollectionRef& ref, const std::string& id,
                    int64_t expected_version) override;
  Result<std::vector<Status>> ShrinkHeads(const CollectionRef& ref,
                                          const std::vector<HeadRow>& heads) override;
  Result<std::vector<Status>> CreateHeads(const CollectionRef& ref,
                                          const std::vector<HeadRow>& heads) override;
  Status CommitVersion(const CollectionRef& ref, const VersionRow& version, const HeadRow& head,
                       std::optional<int64_t> expected_version) override;
  Status InsertVersion(const CollectionRef& ref, const VersionRow& version) override;

  Result<std::optional<VersionRow>> GetVersion(const CollectionRef& ref, const std::string& id,
                                               int64_t version) override;
  Result<std::optional<VersionRow>> GetVersionAsOf(const CollectionRef& ref, const std::string& id,
                                                   TimestampMicros at) override;
  Result<std::vector<VersionRow>> ListVersions(const CollectionRef& ref, const std::string& id,
                                               std::optional<int64_t> start_after, int limit,
                                               Order order) override;

  Result<std::vector<VersionRow>> ScanVersions(const CollectionRef& ref,
                                               const VersionFilter& filter,
                                               const std::optional<VersionPosition>& after,
                                               int limit) override;
  Result<std::vector<HeadRow>> ScanHeads(const CollectionRef& ref, const IdRange& range, int limit,
                                         const std::vector<Condition>& conditions,
                                         bool include_deleted) override;

  Status InsertClaim(const CollectionRef& ref, const ClaimRow& claim) override;
  Result<std::optional<ClaimRow>> GetClaim(const CollectionRef& ref,
                                           const std::string& key) override;
  Status UpdateClaim(const CollectionRef& ref, const ClaimRow& claim) override;
  Status DeleteClaim(const CollectionRef& ref, const std::string& key,
                     const std::string& owner) override;
  Result<std::vector<ClaimRow>> ListClaims(const CollectionRef& ref,
                                           const std::string& prefix) override;

  Result<int64_t> IncrementCounter(const CollectionRef& ref, const std::string& name,
                                   int64_t delta) override;
  Result<CollectionCounts> GetCounts(const CollectionRef& ref) override;
  Status AddCounts(const CollectionRef& ref, const CollectionCounts& delta) override;
  Status SetCounts(const CollectionRef& ref, const CollectionCounts& counts) override;

 private:
  using WriteBody = std::function<Status(SqliteConnection&)>;

  explicit SqliteHotStore(const std::string& path) : pool_(path, kMaxConnections) {}

  // How a write transaction's commit reaches the disk: kDurable waits for the WAL's fsync (the
  // connection's synchronous=FULL); kLazy does not (synchronous=NORMAL for that transaction):
  // a power cut may undo it, and WAL keeps commit order, so the next durable commit makes it
  // durable too.
  enum class Sync { kDurable, kLazy };
  // Run `body` in a BEGIN IMMEDIATE transaction under the writer lock; commit when it
  // succeeds, else roll back.
  Status Write(const std::string& what, const WriteBody& body, Sync sync = Sync::kDurable);
  // `key`: the head table and the counter table, joined by \x1f.
  bool IsEnsured(const std::string& key, const std::vector<std::string>& props);
  // The tables of `ref` when they exist under exactly its names; NotFound otherwise.
  Result<const SqliteTables*> Existing(const CollectionRef& ref);
  void MarkEnsured(const std::string& key, const std::vector<std::string>& props);

  SqlitePool pool_;
  // Held for each write transaction, so this process's writers queue here instead of
  // polling SQLite's lock; other processes are still excluded by BEGIN IMMEDIATE.
  std::mutex write_mu_;
  std::mutex ensured_mu_;
  std::map<std::string, std::set<std::string>> ensured_;  // Head table -> indexed props.
  std::set<std::string> present_;  // Head tables found to exist (guarded by ensured_mu_).
};

}  // namespace xronox::store
