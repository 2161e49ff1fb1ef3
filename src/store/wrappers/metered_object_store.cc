#include "store/wrappers/metered_object_store.h"

namespace xronox::store {

namespace {

// Indexed by MeteredObjectStore::Op; the names are the contract's method names.
constexpr const char* kOpNames[] = {"EnsureBucket", "Put",  "Get",       "Stat",
                                    "Delete",       "List", "Leftovers", "BeginWrite",
                                    "OpenRead",     "Copy", "PresignGet"};

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

Result<std::unique_ptr<ObjectWriter>> MeteredObjectStore::BeginWrite(const std::string& bucket,
                                                                     const std::string& key,
                                                                     PutMode mode) {
  return Timed(series_[kBeginWrite], [&] { return inner_->BeginWrite(bucket, key, mode); });
}

Result<std::unique_ptr<ObjectReader>> MeteredObjectStore::OpenRead(const std::string& bucket,
                                                                   const std::string& key,
                                                                   int64_t offset, int64_t length) {
  return Timed(series_[kOpenRead], [&] { return inner_->OpenRead(bucket, key, offset, length); });
}

Status MeteredObjectStore::Copy(const std::string& bucket, const std::string& from,
                                const std::string& to, PutMode mode) {
  return Timed(series_[kCopy], [&] { return inner_->Copy(bucket, from, to, mode); });
}

Result<std::string> MeteredObjectStore::PresignGet(const std::string& bucket,
                                                   const std::string& key, int expires_seconds) {
  return Timed(series_[kPresignGet],
               [&] { return inner_->PresignGet(bucket, key, expires_seconds); });
}

}  // namespace xronox::store
