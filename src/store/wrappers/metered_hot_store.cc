#include "store/wrappers/metered_hot_store.h"

namespace xronox::store {

namespace {

// Indexed by MeteredHotStore::Op; the names are the contract's method names.
constexpr const char* kOpNames[] = {
    "EnsureCollection", "ListDatabases", "ListCollections",  "CollectionExists", "GetHead",
    "WriteHead",        "CommitVersion", "InsertVersion",    "GetVersion",       "GetVersionAsOf",
    "ListVersions",     "ScanHeads",     "InsertClaim",      "GetClaim",         "UpdateClaim",
    "DeleteClaim",      "ListClaims",    "IncrementCounter", "GetCounts",        "AddCounts",
    "SetCounts",        "DeleteHead",    "ShrinkHeads",      "CreateHeads",      "ScanVersions"};

}  // namespace

MeteredHotStore::MeteredHotStore(std::unique_ptr<HotStore> inner, const std::string& connection,
                                 BackendMetrics& metrics)
    : HotStoreWrapper(std::move(inner)) {
  static_assert(std::size(kOpNames) == kOpCount);
  for (int op = 0; op < kOpCount; ++op)
    series_[op] = metrics.Series("hot", connection, kOpNames[op]);
}

bool MeteredHotStore::ConditionalWritesAreAtomic() const {
  return target().ConditionalWritesAreAtomic();
}

Status MeteredHotStore::EnsureCollection(const CollectionRef& ref,
                                         const std::vector<std::string>& indexed_props) {
  return Timed(series_[kEnsureCollection],
               [&] { return target().EnsureCollection(ref, indexed_props); });
}

Result<std::vector<std::string>> MeteredHotStore::ListDatabases() {
  return Timed(series_[kListDatabases], [&] { return target().ListDatabases(); });
}

Result<std::vector<std::string>> MeteredHotStore::ListCollections(const std::string& db) {
  return Timed(series_[kListCollections], [&] { return target().ListCollections(db); });
}

Result<bool> MeteredHotStore::CollectionExists(const CollectionRef& ref) {
  return Timed(series_[kCollectionExists], [&] { return target().CollectionExists(ref); });
}

Result<std::optional<HeadRow>> MeteredHotStore::GetHead(const CollectionRef& ref,
                                                        const std::string& id) {
  return Timed(series_[kGetHead], [&] { return target().GetHead(ref, id); });
}

Status MeteredHotStore::DeleteHead(const CollectionRef& ref, const std::string& id,
                                   int64_t expected_version) {
  return Timed(series_[kDeleteHead],
               [&] { return target().DeleteHead(ref, id, expected_version); });
}

Result<std::vector<Status>> MeteredHotStore::ShrinkHeads(const CollectionRef& ref,
                                                         const std::vector<HeadRow>& heads) {
  return Timed(series_[kShrinkHeads], [&] { return target().ShrinkHeads(ref, heads); });
}

Result<std::vector<Status>> MeteredHotStore::CreateHeads(const CollectionRef& ref,
                                                         const std::vector<HeadRow>& heads) {
  return Timed(series_[kCreateHeads], [&] { return target().CreateHeads(ref, heads); });
}

Status MeteredHotStore::WriteHead(const CollectionRef& ref, const HeadRow& head,
                                  std::optional<int64_t> expected_version) {
  return Timed(series_[kWriteHead],
               [&] { return target().WriteHead(ref, head, expected_version); });
}

Status MeteredHotStore::CommitVersion(const CollectionRef& ref, const VersionRow& version,
                                      const HeadRow& head,
                                      std::optional<int64_t> expected_version) {
  return Timed(series_[kCommitVersion],
               [&] { return target().CommitVersion(ref, version, head, expected_version); });
}

Status MeteredHotStore::InsertVersion(const CollectionRef& ref, const VersionRow& version) {
  return Timed(series_[kInsertVersion], [&] { return target().InsertVersion(ref, version); });
}

Result<std::optional<VersionRow>> MeteredHotStore::GetVersion(const CollectionRef& ref,
                                                              const std::string& id,
                                                              int64_t version) {
  return Timed(series_[kGetVersion], [&] { return target().GetVersion(ref, id, version); });
}

Result<std::optional<VersionRow>> MeteredHotStore::GetVersionAsOf(const CollectionRef& ref,
                                                                  const std::string& id,
                                                                  TimestampMicros at) {
  return Timed(series_[kGetVersionAsOf], [&] { return target().GetVersionAsOf(ref, id, at); });
}

Result<std::vector<VersionRow>> MeteredHotStore::ListVersions(const CollectionRef& ref,
                                                              const std::string& id,
                                                              std::optional<int64_t> start_after,
                                                              int limit, Order order) {
  return Timed(series_[kListVersions],
               [&] { return target().ListVersions(ref, id, start_after, limit, order); });
}

Result<std::vector<HeadRow>> MeteredHotStore::ScanHeads(const CollectionRef& ref,
                                                        const IdRange& range, int limit,
                                                        const std::vector<Condition>& conditions,
                                                        bool include_deleted) {
  return Timed(series_[kScanHeads],
               [&] { return target().ScanHeads(ref, range, limit, conditions, include_deleted); });
}

Result<std::vector<VersionRow>> MeteredHotStore::ScanVersions(
    const CollectionRef& ref, const VersionFilter& filter,
    const std::optional<VersionPosition>& after, int limit) {
  return Timed(series_[kScanVersions],
               [&] { return target().ScanVersions(ref, filter, after, limit); });
}

Status MeteredHotStore::InsertClaim(const CollectionRef& ref, const ClaimRow& claim) {
  return Timed(series_[kInsertClaim], [&] { return target().InsertClaim(ref, claim); });
}

Result<std::optional<ClaimRow>> MeteredHotStore::GetClaim(const CollectionRef& ref,
                                                          const std::string& key) {
  return Timed(series_[kGetClaim], [&] { return target().GetClaim(ref, key); });
}

Status MeteredHotStore::UpdateClaim(const CollectionRef& ref, const ClaimRow& claim) {
  return Timed(series_[kUpdateClaim], [&] { return target().UpdateClaim(ref, claim); });
}

Status MeteredHotStore::DeleteClaim(const CollectionRef& ref, const std::string& key,
                                    const std::string& owner) {
  return Timed(series_[kDeleteClaim], [&] { return target().DeleteClaim(ref, key, owner); });
}

Result<std::vector<ClaimRow>> MeteredHotStore::ListClaims(const CollectionRef& ref,
                                                          const std::string& prefix) {
  return Timed(series_[kListClaims], [&] { return target().ListClaims(ref, prefix); });
}

Result<int64_t> MeteredHotStore::IncrementCounter(const CollectionRef& ref, const std::string& name,
                                                  int64_t delta) {
  return Timed(series_[kIncrementCounter],
               [&] { return target().IncrementCounter(ref, name, delta); });
}

Result<CollectionCounts> MeteredHotStore::GetCounts(const CollectionRef& ref) {
  return Timed(series_[kGetCounts], [&] { return target().GetCounts(ref); });
}

Status MeteredHotStore::AddCounts(const CollectionRef& ref, const CollectionCounts& delta) {
  return Timed(series_[kAddCounts], [&] { return target().AddCounts(ref, delta); });
}

Status MeteredHotStore::SetCounts(const CollectionRef& ref, const CollectionCounts& counts) {
  return Timed(series_[kSetCounts], [&] { return target().SetCounts(ref, counts); });
}

}  // namespace xronox::store
