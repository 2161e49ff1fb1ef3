// MeteredObjectStore: an ObjectStore decorator that records the time and outcome of every call
// in BackendMetrics (tier "object"), so operators can see backend latencies and errors.
// Thread-safety: as safe as the store it wraps (every ObjectStore is safe from many threads).
#pragma once

#include <array>
#include <memory>
#include <string>

#include "store/object/object_store_wrapper.h"
#include "store/wrappers/backend_metrics.h"

namespace xronox::store {

class MeteredObjectStore final : public ObjectStoreWrapper {
 public:
  /// Wrap and own `inner`, recording under `connection` (e.g. "s3:primary") in `metrics`, which
  /// must outlive this store.
  MeteredObjectStore(std::unique_ptr<ObjectStore> inner, const std::string& connection,
                     BackendMetrics& metrics);
  /// Wrap `inner` without owning it; it must outlive this store.
  MeteredObjectStore(ObjectStore& inner, const std::string& connection, BackendMetrics& metrics);

  bool CreateOnlyIsAtomic() const override;
  Status EnsureBucket(const std::string& bucket) override;
  Status Put(const std::string& bucket, const std::string& key, std::string_view bytes,
             PutMode mode) override;
  Result<std::string> Get(const std::string& bucket, const std::string& key) override;
  Result<std::optional<ObjectInfo>> Stat(const std::string& bucket,
                                         const std::string& key) override;
  Status Delete(const std::string& bucket, const std::string& key) override;
  Result<ListPage> List(const std::string& bucket, const std::string& prefix,
                        const std::string& continuation, int limit) override;
  Result<std::vector<std::string>> Leftovers(const std::string& bucket, const std::string& prefix,
                                             TimestampMicros older_than, bool remove) override;
  // Streams are timed until they are open; the chunks they move afterwards are not.
  Result<std::unique_ptr<ObjectWriter>> BeginWrite(const std::string& bucket,
                                                   const std::string& key, PutMode mode) override;
  Result<std::unique_ptr<ObjectReader>> OpenRead(const std::string& bucket, const std::string& key,
                                                 int64_t offset, int64_t length) override;
  Status Copy(const std::string& bucket, const std::string& from, const std::string& to,
              PutMode mode) override;
  Result<std::string> PresignGet(const std::string& bucket, const std::string& key,
                                 int expires_seconds) override;

  /// The wrapped store.
  ObjectStore& inner() { return target(); }

 private:
  enum Op {
    kEnsureBucket,
    kPut,
    kGet,
    kStat,
    kDelete,
    kList,
    kLeftovers,
    kBeginWrite,
    kOpenRead,
    kCopy,
    kPresignGet,
    kOpCount
  };

  void RegisterSeries(const std::string& connection, BackendMetrics& metrics);
  std::array<CallSeries*, kOpCount> series_{};
};

}  // namespace xronox::store
