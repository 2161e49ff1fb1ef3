// S3ObjectStore: an ObjectStore over any S3-compatible service (AWS S3, versitygw, MinIO,
// SeaweedFS, Ceph), through libcurl with our SigV4 signer.
// Thread-safety: safe to call from many threads at once (the transport pools its handles;
// the store's own state is one atomic flag).
#pragma once

#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/object/object_store.h"
#include "store/object/s3/s3_options.h"

namespace xronox::store {

namespace s3 {
class S3Transport;
struct S3Response;
struct S3ObjectList;
}  // namespace s3

/// An ObjectStore whose buckets are S3 buckets. Bucket names follow S3's rules (3-63 bytes
/// of [a-z0-9.-]); keys follow the ObjectStore rules of object_key.h, as on every backend.
class S3ObjectStore final : public ObjectStore {
 public:
  /// Check `options` and prepare the transport; sends nothing (the first request reveals a
  /// wrong endpoint or key).
  static Result<std::unique_ptr<S3ObjectStore>> Open(S3Options options);

  /// False: a service may check If-None-Match without locking the key (versitygw v1.7.0
  /// lets two concurrent creates of one key both succeed), and no request reveals which kind
  /// of service answers.
  bool CreateOnlyIsAtomic() const override { return false; }
  ~S3ObjectStore() override;

  /// Create the bucket; ok when it exists and is ours (BucketAlreadyOwnedByYou).
  Status EnsureBucket(const std::string& bucket) override;
  /// kOverwrite: one PUT. kCreateOnly: PUT with "If-None-Match: *" (412 -> AlreadyExists);
  /// where the service answers that with NotImplemented, a HEAD-then-PUT that is not atomic.
  Status Put(const std::string& bucket, const std::string& key, std::string_view bytes,
             PutMode mode) override;
  Result<std::string> Get(const std::string& bucket, const std::string& key) override;
  Result<std::optional<ObjectInfo>> Stat(const std::string& bucket,
                                         const std::string& key) override;
  Status Delete(const std::string& bucket, const std::string& key) override;
  /// ListObjectsV2 with prefix, start-after = `continuation` and max-keys = `limit`.
  Result<ListPage> List(const std::string& bucket, const std::string& prefix,
                        const std::string& continuation, int limit) override;
  /// Unfinished multipart uploads under `prefix` initiated before `older_than`; `remove`
  /// aborts them. A service without the multipart listing API reports none.
  Result<std::vector<std::string>> Leftovers(const std::string& bucket, const std::string& prefix,
                                             TimestampMicros older_than, bool remove) override;

  /// Remove an empty bucket; ok when it is already absent. For tests and administration: the
  /// ObjectStore contract never removes buckets.
  Status DeleteBucket(const std::string& bucket);

 private:
  S3ObjectStore(std::unique_ptr<s3::S3Transport> transport, std::string region);

  Status PutCreateOnlyByProbe(const std::string& bucket, const std::string& key,
                              std::string_view bytes);
  Result<s3::S3ObjectList> ListOnce(const std::string& bucket, const std::string& prefix,
                                    const std::string& start_after, int max_keys);
  Status AbortUpload(const std::string& bucket, const std::string& key,
                     const std::string& upload_id);

  std::unique_ptr<s3::S3Transport> transport_;
  const std::string region_;
  // Set once a create-only PUT is answered NotImplemented: the service ignores no header
  // silently, it refuses it, so later create-only Puts go straight to the fallback.
  std::atomic<bool> conditional_put_unsupported_{false};
};

}  // namespace xronox::store
