// ObjectStore: the contract every object-store backend (local folder, S3, memory) implements.
// Thread-safety: every implementation is safe to call from many threads at once.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "xronox/status.h"
#include "xronox/types.h"

namespace xronox::store {

enum class PutMode {
  kOverwrite,   ///< Replace any existing object atomically (readers see old or new, whole).
  kCreateOnly,  ///< Fail with AlreadyExists if the key exists; never touch an existing object.
};

struct ObjectInfo {
  std::string key;
  int64_t size = 0;
  TimestampMicros modified_at = 0;
};

struct ListPage {
  std::vector<ObjectInfo> objects;  ///< In key order.
  std::optional<std::string> next;  ///< Continuation; nullopt at the end.
};

class ObjectStore {
 public:
  virtual ~ObjectStore() = default;

  /// True when two concurrent kCreateOnly Puts of one key can never both succeed (folder:
  /// link(2); memory). False where the service may accept both (S3-compatible services that
  /// check If-None-Match without locking, e.g. versitygw v1.7.0): the engine then takes a
  /// hot-store claim before writing an immutable object.
  virtual bool CreateOnlyIsAtomic() const { return true; }

  /// Create the bucket if missing (idempotent).
  virtual Status EnsureBucket(const std::string& bucket) = 0;
  /// Store `bytes` under `key`; durable when it returns ok.
  virtual Status Put(const std::string& bucket, const std::string& key, std::string_view bytes,
                     PutMode mode) = 0;
  /// Read a whole object; NotFound if absent.
  virtual Result<std::string> Get(const std::string& bucket, const std::string& key) = 0;
  /// Size and time of an object; nullopt if absent.
  virtual Result<std::optional<ObjectInfo>> Stat(const std::string& bucket,
                                                 const std::string& key) = 0;
  /// Remove an object; ok when it is already absent.
  virtual Status Delete(const std::string& bucket, const std::string& key) = 0;
  /// Objects whose key starts with `prefix`, in key order, after `continuation` when given.
  virtual Result<ListPage> List(const std::string& bucket, const std::string& prefix,
                                const std::string& continuation, int limit) = 0;
  /// Leftovers of object writes that never completed (a crashed writer's temp files; on S3,
  /// unfinished multipart uploads) in `bucket` whose key would start with `prefix`, last
  /// touched before `older_than`. With `remove`, delete them. Returns one description each
  /// (e.g. "bucket/versions/c/id/.xronox-tmp-ab12"). A missing bucket has none.
  virtual Result<std::vector<std::string>> Leftovers(const std::string& bucket,
                                                     const std::string& prefix,
                                                     TimestampMicros older_than, bool remove) = 0;
};

}  // namespace xronox::store
