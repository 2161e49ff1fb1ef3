#include "store/wrappers/metered_object_store.h"

namespace xronox::store {

namespace {

// Indexed by MeteredObjectStore::Op; the names are the contract's method names.
constexpr const char* kOpNames[] = {"EnsureBucket", "Put",  "Get",      "Stat",
                                    "Delete",       "List", "Leftovers"};

}  // namespace

MeteredObjectStore::MeteredObjectStore(std::unique_ptr<ObjectStore> inner,
                                       const std::string& connection, BackendMetrics& metrics)
    : MeteredObjectStore(*inner, connection, metrics) {
  owned_ = std::move(inner);
}

MeteredObjectStore::MeteredObjectStore(ObjectStore& inner, const std::string& connection,
                                       BackendMetrics& metrics)
    : inner_(&inner) {
  static_assert(std::size(kOpNames) == kOpCount);
  for (int op = 0; op < kOpCount; ++op) {
    series_[op] = metrics.Series("object", connection, kOpNames[op]);
  }
}

bool MeteredObjectStore::CreateOnlyIsAtomic() const { return inner_->CreateOnlyIsAtomic(); }

Status MeteredObjectStore::EnsureBucket(const std::string& bucket) {
  return Timed(series_[kEnsureBucket], [&] { return inner_->EnsureBucket(bucket); });
}

Status MeteredObjectStore::Put(const std::string& bucket, const std::string& key,
                               std::string_view bytes, PutMode mode) {
  return Timed(series_[kPut], [&] { return inner_->Put(bucket, key, bytes, mode); });
}

Result<std::string> MeteredObjectStore::Get(const std::string& bucket, const std::string& key) {
  return Timed(series_[kGet], [&] { return inner_->Get(bucket, key); });
}

Result<std::optional<ObjectInfo>> MeteredObjectStore::Stat(const std::string& bucket,
                                                           const std::string& key) {
  return Timed(series_[kStat], [&] { return inner_->Stat(bucket, key); });
}

Status MeteredObjectStore::Delete(const std::string& bucket, const std::string& key) {
  return Timed(series_[kDelete], [&] { return inner_->Delete(bucket, key); });
}

Result<ListPage> MeteredObjectStore::List(const std::string& bucket, const std::string& prefix,
                                          const std::string& continuation, int limit) {
  return Timed(series_[kList], [&] { return inner_->List(bucket, prefix, continuation, limit); });
}

Result<std::vector<std::string>> MeteredObjectStore::Leftovers(const std::string& bucket,
                                                               const std::string& prefix,
                                                               TimestampMicros older_than,
                                                               bool remove) {
  return Timed(series_[kLeftovers],
               [&] { return inner_->Leftovers(bucket, prefix, older_than, remove); });
}

}  // namespace xronox::store
