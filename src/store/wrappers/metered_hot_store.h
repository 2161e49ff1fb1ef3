// MeteredHotStore: a HotStore decorator that records the time and outcome of every call in
// BackendMetrics (tier "hot"), so operators can see backend latencies and errors.
// Thread-safety: as safe as the store it wraps (every HotStore is safe from many threads).
#pragma once

#include <array>
#include <memory>
#include <string>

#include "store/hot/hot_store_wrapper.h"
#include "store/wrappers/backend_metrics.h"

namespace xronox::store {

class MeteredHotStore final : public HotStoreWrapper {
 public:
  /// Wrap `inner`, recording under `connection` (e.g. "sqlite:default") in `metrics`, which
  /// must outlive this store.
  MeteredHotStore(std::unique_ptr<HotStore> inner, const std::string& connection,
                  BackendMetrics& metrics);

  bool ConditionalWritesAreAtomic() const override;
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
  Result<std::vector<HeadRow>> ScanHeads(const CollectionRef& ref, const IdRange& range, int limit,
                                         const std::vector<Condition>& conditions,
                                         bool include_deleted) override;
  Result<std::vector<VersionRow>> ScanVersions(const CollectionRef& ref,
                                               const VersionFilter& filter,
                                               const std::optional<VersionPosition>& after,
                                               int limit) override;
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

  /// The wrapped store.
  HotStore& inner() { return target(); }

 private:
  enum Op {
    kEnsureCollection,
    kListDatabases,
    kListCollections,
    kCollectionExists,
    kGetHead,
    kWriteHead,
    kCommitVersion,
    kInsertVersion,
    kGetVersion,
    kGetVersionAsOf,
    kListVersions,
    kScanHeads,
    kInsertClaim,
    kGetClaim,
    kUpdateClaim,
    kDeleteClaim,
    kListClaims,
    kIncrementCounter,
    kGetCounts,
    kAddCounts,
    kSetCounts,
    kDeleteHead,
    kShrinkHeads,
    kCreateHeads,
    kScanVersions,
    kOpCount,
  };

  std::array<CallSeries*, kOpCount> series_{};
};

}  // namespace xronox::store
