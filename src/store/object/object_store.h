// ObjectStore: the contract every object-store backend (local folder, S3, memory) implements.
// Thread-safety: every implementation is safe to call from many threads at once.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
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

/// A streamed write of one object: Write its bytes in order, then Commit (the object appears
/// whole under its key, with the PutMode given to BeginWrite) or Abort. Destroying a writer that
/// was not committed aborts it. Each backend holds at most a bounded buffer (documented on its
/// BeginWrite), whatever the object's size.
/// Thread-safety: one thread at a time.
class ObjectWriter {
 public:
  virtual ~ObjectWriter() = default;
  /// Append `bytes` to the object.
  virtual Status Write(std::string_view bytes) = 0;
  /// Make the object visible, durable when ok. AlreadyExists under kCreateOnly when the key
  /// exists. After Commit (ok or not) the writer accepts nothing more.
  virtual Status Commit() = 0;
  /// Drop what was written. Ok when nothing is left; otherwise Leftovers reports what is.
  virtual Status Abort() = 0;
  /// Bytes written so far.
  virtual int64_t size() const = 0;
};

/// A streamed read of a byte range of one object, taken as it was when the read was opened
/// where the backend allows (folder: one open file; S3: ranged GETs of one key).
/// Thread-safety: one thread at a time.
class ObjectReader {
 public:
  virtual ~ObjectReader() = default;
  /// Replace `*out` with the next at most `max_bytes` (> 0) bytes of the range; empty at its end.
  virtual Status Read(size_t max_bytes, std::string* out) = 0;
  /// Size of the whole object, in bytes.
  virtual int64_t object_size() const = 0;
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

  /// Start a streamed write of bucket/key. The default buffers the whole object in memory and
  /// Puts it at Commit (for backends whose objects are in memory anyway); streaming backends
  /// override it.
  virtual Result<std::unique_ptr<ObjectWriter>> BeginWrite(const std::string& bucket,
                                                           const std::string& key, PutMode mode);
  /// Open a streamed read of `length` bytes from `offset` (fewer when the object ends first;
  /// length < 0: to the end). NotFound if absent; InvalidArgument when offset is negative or
  /// past the end. The default reads the whole object once (for in-memory backends).
  virtual Result<std::unique_ptr<ObjectReader>> OpenRead(const std::string& bucket,
                                                         const std::string& key, int64_t offset,
                                                         int64_t length);
  /// Copy bucket/`from` to bucket/`to` inside the service (no bytes through the caller where the
  /// backend allows); `mode` applies to `to`. NotFound when `from` is absent. The default is a
  /// Get and a Put.
  virtual Status Copy(const std::string& bucket, const std::string& from, const std::string& to,
                      PutMode mode);
  /// Return a URL that lets anyone holding it GET bucket/key without credentials for
  /// `expires_seconds`. The default answers NotSupported (only S3 has such URLs).
  virtual Result<std::string> PresignGet(const std::string& bucket, const std::string& key,
                                         int expires_seconds);
};

/// A writer that keeps every byte in memory and Puts them at Commit. `check_size`, when set, is
/// called with the size after each Write and may refuse it (minimal mode's size limit).
/// Thread-safety: one thread at a time.
class BufferedObjectWriter final : public ObjectWriter {
 public:
  BufferedObjectWriter(ObjectStore& store, std::string bucket, std::string key, PutMode mode,
                       std::function<Status(int64_t)> check_size = nullptr)
      : store_(store),
        bucket_(std::move(bucket)),
        key_(std::move(key)),
        mode_(mode),
        check_size_(std::move(check_size)) {}

  Status Write(std::string_view bytes) override;
  Status Commit() override;
  Status Abort() override;
  int64_t size() const override { return static_cast<int64_t>(bytes_.size()); }

 private:
  ObjectStore& store_;  // Borrowed; outlives the writer.
  std::string bucket_;
  std::string key_;
  PutMode mode_;
  std::function<Status(int64_t)> check_size_;
  std::string bytes_;
  bool done_ = false;
};

/// Clamp a requested range to an object of `size` bytes: InvalidArgument when `offset` is
/// negative or past the end (an offset equal to the size is an empty range); length < 0 means
/// to the end. Return the length to read.
Result<int64_t> ClampRange(const std::string& what, int64_t size, int64_t offset, int64_t length);

}  // namespace xronox::store
