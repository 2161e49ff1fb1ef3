// MemoryObjectStore: an ObjectStore that keeps every bucket in process memory, for tests.
// Thread-safety: safe to call from many threads at once (one mutex guards all buckets).
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "store/object/object_store.h"

namespace xronox::store {

/// An ObjectStore in memory with the folder store's semantics: same key rules, a bucket must
/// be ensured before Put, a missing bucket lists as empty. Keys may also be folder prefixes
/// of other keys ("a" and "a/b" may coexist), as on S3.
class MemoryObjectStore final : public ObjectStore {
 public:
  /// Open an empty store whose modification times come from `clock` (borrowed; must outlive
  /// the store); the system clock when null.
  static Result<std::unique_ptr<MemoryObjectStore>> Open(Clock* clock = nullptr);

  Status EnsureBucket(const std::string& bucket) override;
  Status Put(const std::string& bucket, const std::string& key, std::string_view bytes,
             PutMode mode) override;
  Result<std::string> Get(const std::string& bucket, const std::string& key) override;
  Result<std::optional<ObjectInfo>> Stat(const std::string& bucket,
                                         const std::string& key) override;
  Status Delete(const std::string& bucket, const std::string& key) override;
  Result<ListPage> List(const std::string& bucket, const std::string& prefix,
                        const std::string& continuation, int limit) override;
  /// Return none: a write here completes or leaves nothing behind.
  Result<std::vector<std::string>> Leftovers(const std::string& bucket, const std::string& prefix,
                                             TimestampMicros older_than, bool remove) override;

 private:
  struct Object {
    std::string bytes;
    TimestampMicros modified_at = 0;
  };
  using Bucket = std::map<std::string, Object, std::less<>>;

  explicit MemoryObjectStore(Clock* clock) : clock_(clock) {}

  Clock* const clock_;
  std::mutex mutex_;
  std::map<std::string, Bucket, std::less<>> buckets_;  // Guarded by mutex_.
};

}  // namespace xronox::store
