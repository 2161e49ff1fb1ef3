// MemoryHotStore: a HotStore kept in process memory with the same semantics as the SQLite
// store (conditions evaluated exactly); for tests.
// Thread-safety: safe to call from many threads; one shared mutex guards all state.
#pragma once

#include <map>
#include <memory>
#include <set>
#include <shared_mutex>
#include <string>
#include <utility>
#include <vector>

#include "store/hot/hot_store.h"

namespace xronox::store {

class MemoryHotStore final : public HotStore {
 public:
  /// Create an empty store.
  static Result<std::unique_ptr<MemoryHotStore>> Open();

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
  /// Reads every version of the collection (a test stand-in: no index).
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
  struct Head {
    HeadRow row;   // row.indexed holds the canonical text.
    Json indexed;  // Parsed row.indexed, for conditions.
  };
  struct History {
    std::map<int64_t, VersionRow> by_version;
    std::set<std::pair<TimestampMicros, int64_t>> by_time;  // (at, version)
  };
  struct Collection {
    std::set<std::string> indexed_props;
    std::map<std::string, Head> heads;
    std::map<std::string, History> versions;  // By record id.
    std::map<std::string, ClaimRow> claims;
    std::map<std::string, int64_t> counters;
  };
  using Key = std::pair<std::string, std::string>;  // (db, collection)

  MemoryHotStore() = default;

  // Return the collection or NotFound; the caller holds mu_.
  Result<Collection*> Find(const CollectionRef& ref, const char* operation);
  static Status CheckHeadWrite(const Collection& c, const std::string& table, const HeadRow& head,
                               std::optional<int64_t> expected_version);
  static Status CheckVersionInsert(const Collection& c, const std::string& table,
                                   const VersionRow& version);
  static void PutVersion(Collection& c, const VersionRow& version);
  // Add `delta` to the record counts of `ref`; the caller holds mu_ exclusively.
  Status AddCountsLocked(const CollectionRef& ref, const CollectionCounts& delta);

  std::shared_mutex mu_;
  std::map<Key, Collection> collections_;
  std::map<Key, CollectionCounts> counts_;  // By (counter db, collection).
};

}  // namespace xronox::store
