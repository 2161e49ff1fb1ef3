// MongoHotStore: the production HotStore on MongoDB (or any MongoDB-wire server such as
// FerretDB) through libmongoc. Per database and collection it keeps `{c}_head`, `{c}_ver`,
// `{c}_counter` and `{c}_locks` (docs/formats/mongo-layout.md). Mutual exclusion rests only on
// inserts guarded by a unique index, since FerretDB v1 does not make conditional updates atomic
// against concurrent writers.
// Thread-safety: safe to call from many threads; each call borrows a client from a
// thread-safe pool, and the in-process collection cache is guarded by a mutex.
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "store/hot/hot_store.h"
#include "store/hot/mongo/mongo_handles.h"

namespace xronox::store {

/// Options of a MongoHotStore.
struct MongoOptions {
  /// How writes are acknowledged.
  enum class WriteAck {
    /// kMajority on a replica set or sharded cluster; kPrimary on a standalone server (which is
    /// what FerretDB reports). The default.
    kAuto,
    /// w:"majority": a majority of the replica set holds the write.
    kMajority,
    /// w:1: the primary holds the write.
    kPrimary,
  };
  WriteAck write_ack = WriteAck::kAuto;
  /// Wait for the journal (j:true) before acknowledging; default true.
  bool journal = true;
  /// Longest wait for the write acknowledgement, in milliseconds (wtimeout); 0 waits forever.
  /// Default 10000.
  int write_timeout_ms = 10000;
  /// Read preference mode: "primary" (default; reads see every acknowledged write),
  /// "primaryPreferred", "secondary", "secondaryPreferred" or "nearest".
  std::string read_preference = "primary";
  /// Prefix of every MongoDB database name this store uses and lists; default empty. Tests use
  /// a fresh one per test.
  std::string database_prefix;
  /// Longest wait for a usable server, in milliseconds; default 10000.
  int server_selection_timeout_ms = 10000;
  /// Most clients (connections per server) in the pool; default 100.
  int max_pool_size = 100;
  /// Application name sent to the server; default "xronox".
  std::string app_name = "xronox";
  /// How conditional writes (replace the head at a version, update or delete a claim of an
  /// owner) name their condition.
  enum class ConditionFilters {
    /// kIdOnly on FerretDB, kServer elsewhere. The default.
    kAuto,
    /// In the filter: {_id, version} / {_id, owner}; atomic on MongoDB, which uses the index.
    kServer,
    /// Filter on `_id` alone after reading the row and checking the condition. FerretDB v1
    /// pushes only an `_id`-only filter down to its SQL backend and decodes the whole
    /// collection in Go for any other (measured: replace 26 ms vs about 1 ms at 4,000 heads);
    /// it checks such conditions without isolation anyway, so this loses nothing there.
    kIdOnly,
  };
  ConditionFilters condition_filters = ConditionFilters::kAuto;
};

class MongoHotStore final : public HotStore {
 public:
  /// Most attempts of one IncrementCounter against concurrent incrementers.
  static constexpr int kMaxCounterAttempts = 10000;
  /// Attempts of EnsureCollection while the server drops connections.
  static constexpr int kEnsureAttempts = 4;

  /// Connect to `uri` (a mongodb:// connection string) and check that a server answers:
  /// InvalidArgument for a bad URI or option, Unavailable when no server answers in time.
  static Result<std::unique_ptr<MongoHotStore>> Open(const std::string& uri,
                                                     MongoOptions options = {});

  /// False: FerretDB v1 applies conditional updates without isolation, and one code path
  /// serves MongoDB and FerretDB alike.
  bool ConditionalWritesAreAtomic() const override { return false; }

  /// True when conditional writes filter on `_id` alone (MongoOptions::ConditionFilters).
  bool UsesIdOnlyFilters() const { return id_only_filters_; }

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

  /// Add `delta` by inserting the counter's next entry under a unique (name, seq) index and
  /// retrying on a duplicate: each non-zero increment adds one small document.
  Result<int64_t> IncrementCounter(const CollectionRef& ref, const std::string& name,
                                   int64_t delta) override;
  /// False: no transaction spans the head and the counters; the engine adds them after.
  bool CountsCommitWithHead() const override { return false; }
  Result<CollectionCounts> GetCounts(const CollectionRef& ref) override;
  /// Inserts one delta document (no contention between adders); every so often an adder folds
  /// the deltas into the counts' base document.
  Status AddCounts(const CollectionRef& ref, const CollectionCounts& delta) override;
  Status SetCounts(const CollectionRef& ref, const CollectionCounts& counts) override;

  /// Drop every database under the (non-empty) database prefix; for tests and tooling.
  Status DropPrefixedDatabases();

 private:
  // The MongoDB names of one collection's four stores.
  struct Names {
    std::string db;  // MongoDB database name: prefix + ref.db.
    std::string head, ver, counter, locks;
    std::string counter_db;  // MongoDB database of `counter`: prefix + ref.CounterDb().
    std::string Target(const std::string& collection) const { return db + "." + collection; }
    // The names with `db` set to the counter's database (pass to Find and InsertOne with
    // `counter`).
    Names Counters() const {
      Names names = *this;
      names.db = counter_db;
      return names;
    }
  };

  // Called with each document a find returns until it returns false. A struct around the
  // pointer, because bson_t's alignment attribute does not survive as a template argument.
  struct Doc {
    const bson_t* bson;
  };
  using DocVisitor = std::function<bool(Doc)>;

  MongoHotStore(MongoPool pool, MongoWriteConcern write_concern, MongoOptions options,
                bool id_only_filters)
      : pool_(std::move(pool)),
        write_concern_(std::move(write_concern)),
        options_(std::move(options)),
        id_only_filters_(id_only_filters) {}

  Status Probe();
  // Validate `ref` and return its names; NotFound when the collection was never ensured.
  Result<Names> Resolve(const CollectionRef& ref, const char* operation);
  Result<Names> NamesOf(const CollectionRef& ref) const;
  Result<bool> HeadCollectionExists(const Names& names);
  Result<std::vector<std::string>> CollectionNames(const std::string& mongo_db);
  Result<std::vector<std::string>> DatabaseNames();
  struct IndexSpec {
    std::string name;
    std::vector<std::pair<std::string, int>> key;  // (field, 1 or -1)
    bool unique = false;
  };
  Status CreateCollection(MongoPooledClient& client, const Names& names,
                          const std::string& collection);
  // Create the indexes of `specs` that `collection` lacks (FerretDB v1 panics when asked to
  // create an index that exists, so existing names are listed first).
  Status EnsureIndexes(MongoPooledClient& client, const Names& names, const std::string& collection,
                       const std::vector<IndexSpec>& specs);
  Result<std::set<std::string>> IndexNames(MongoPooledClient& client, const Names& names,
                                           const std::string& collection);
  // Give each version document written before they had one its `fields` (VersionFieldKeys),
  // before the index on them is created (mongo_hot_store_rows.cc).
  Status FillVersionFields(const Names& names);
  bool IsEnsured(const std::string& key, const std::vector<std::string>& props);

  Status InsertOne(const Names& names, const std::string& collection, const bson_t* doc,
                   const std::string& what);
  Status PutHead(const Names& names, const HeadRow& head, std::optional<int64_t> expected);
  Status CheckClaimOwner(const CollectionRef& ref, const std::string& key, const std::string& owner,
                         const std::string& what);
  Result<std::optional<int64_t>> HeadVersion(const Names& names, const std::string& id);
  Status HeadWriteFailure(const Names& names, const std::string& id, int64_t expected);
  Status DeleteVersion(const Names& names, const VersionRow& version);
  // The record counts' folded base and its delta documents (mongo_hot_store_counters.cc).
  struct CountsState;
  Result<CountsState> ReadCountsState(const Names& counters, int max_deltas);
  // Fold delta documents into the base under the fold claim; with `set_to`, replace the counts
  // instead. Unavailable when another folder holds the claim.
  Status FoldCounts(const CollectionRef& ref, const Names& counters,
                    const std::optional<CollectionCounts>& set_to);
  Status FoldHoldingClaim(const Names& counters, const std::optional<CollectionCounts>& set_to);
  Status DeleteCountDeltas(const Names& counters, const std::vector<std::string>& ids);
  Status EnsureCollectionOnce(const Names& names, const std::vector<std::string>& indexed_props,
                              bool versioned);
  Result<int64_t> UpdateMatched(const Names& names, const std::string& collection,
                                const bson_t* filter, const bson_t* update, bool replace,
                                const std::string& what);
  // Run a find; `each` gets every document until it returns false.
  Status Find(const Names& names, const std::string& collection, const bson_t* filter,
              const bson_t* opts, const std::string& what, const DocVisitor& each);

  MongoPool pool_;
  MongoWriteConcern write_concern_;
  MongoOptions options_;
  const bool id_only_filters_;  ///< MongoOptions::ConditionFilters resolved at Open.
  std::mutex known_mu_;
  std::map<std::string, std::set<std::string>> ensured_;  // "db.c" -> indexed props ensured.
  std::set<std::string> known_;                           // MongoDB "db.c" seen to exist.
  std::atomic<uint64_t> count_adds_{0};  ///< AddCounts calls, to fold every so often.
};

}  // namespace xronox::store
