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
    : ObjectStoreWrapper(std::move(inner)) {
  RegisterSeries(connection, metrics);
}

MeteredObjectStore::MeteredObjectStore(ObjectStore& inner, const std::string& connection,
                                       BackendMetrics& metrics)
    : ObjectStoreWrapper(inner) {
  RegisterSeries(connection, metrics);
}

void MeteredObjectStore::RegisterSeries(const std::string& connection, BackendMetrics& metrics) {
  static_assert(std::size(kOpNames) == kOpCount);
  for (int op = 0; op < kOpCount; ++op) {
    series_[op] = metrics.Series("object", connection, kOpNames[op]);
  }
}

bool MeteredObjectStore::CreateOnlyIsAtomic() const { return target().CreateOnlyIsAtomic(); }

Status MeteredObjectStore::EnsureBucket(const std::string& bucket) {
  return Timed(series_[kEnsureBucket], [&] { return target().EnsureBucket(bucket); });
}

Status MeteredObjectStore::Put(const std::string& bucket, const std::string& key,
                               std::string_view bytes, PutMode mode) {
  return Timed(series_[kPut], [&] { return target().Put(bucket, key, bytes, mode); });
}

Result<std::string> MeteredObjectStore::Get(const std::string& bucket, const std::string& key) {
  return Timed(series_[kGet], [&] { return target().Get(bucket, key); });
}

Result<std::optional<ObjectInfo>> MeteredObjectStore::Stat(const std::string& bucket,
                                                           const std::string& key) {
  return Timed(series_[kStat], [&] { return target().Stat(bucket, key); });
}

Status MeteredObjectStore::Delete(const std::string& bucket, const std::string& key) {
  return Timed(series_[kDelete], [&] { return target().Delete(bucket, key); });
}

Result<ListPage> MeteredObjectStore::List(const std::string& bucket, const std::string& prefix,
                                          const std::string& continuation, int limit) {
  return Timed(series_[kList], [&] { return target().List(bucket, prefix, continuation, limit); });
}

Result<std::vector<std::string>> MeteredObjectStore::Leftovers(const std::string& bucket,
                                                               const std::string& prefix,
                                                               TimestampMicros older_than,
                                                               bool remove) {
  return Timed(series_[kLeftovers],
               [&] { return target().Leftovers(bucket, prefix, older_than, remove); });
}

Result<std::unique_ptr<ObjectWriter>> MeteredObjectStore::BeginWrite(const std::string& bucket,
                                                                     const std::string& key,
                                                                     PutMode mode) {
  return Timed(series_[kBeginWrite], [&] { return target().BeginWrite(bucket, key, mode); });
}

Result<std::unique_ptr<ObjectReader>> MeteredObjectStore::OpenRead(const std::string& bucket,
                                                                   const std::string& key,
                                                                   int64_t offset, int64_t length) {
  return Timed(series_[kOpenRead], [&] { return target().OpenRead(bucket, key, offset, length); });
}

Status MeteredObjectStore::Copy(const std::string& bucket, const std::string& from,
                                const std::string& to, PutMode mode) {
  return Timed(series_[kCopy], [&] { return target().Copy(bucket, from, to, mode); });
}

Result<std::string> MeteredObjectStore::PresignGet(const std::string& bucket,
                                                   const std::string& key, int expires_seconds) {
  return Timed(series_[kPresignGet],
               [&] { return target().PresignGet(bucket, key, expires_seconds); });
}

}  // namespace xronox::store
