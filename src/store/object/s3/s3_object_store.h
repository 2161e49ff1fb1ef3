// S3ObjectStore: an ObjectStore over any S3-compatible service (AWS S3, versitygw, MinIO,
// SeaweedFS, Ceph), through libcurl with our SigV4 signer. Beyond the contract: multipart
// upload of large objects, presigned GET and PUT URLs, and storage classes per key prefix.
// Thread-safety: safe to call from many threads at once (the transport pools its handles; the
// storage classes are guarded by a shared mutex; the other state is atomic flags).
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "store/object/object_store.h"
#include "store/object/s3/s3_options.h"

namespace xronox::store {

namespace s3 {
class S3Transport;
class MultipartUpload;
struct S3Response;
struct S3ObjectList;
}  // namespace s3

/// An ObjectStore whose buckets are S3 buckets. Bucket names follow S3's rules (3-63 bytes
/// of [a-z0-9.-]); keys follow the ObjectStore rules of object_key.h, as on every backend.
class S3ObjectStore final : public ObjectStore {
 public:
  /// Check `options` (endpoint form, credentials, bounds, multipart sizes; virtual-hosted
  /// addressing with an IP-literal endpoint is refused) and prepare the transport; sends
  /// nothing (the first request reveals a wrong endpoint or key). InvalidArgument names the
  /// option, never a secret.
  static Result<std::unique_ptr<S3ObjectStore>> Open(S3Options options);

  /// False: a service may check If-None-Match without locking the key (versitygw v1.7.0
  /// lets two concurrent creates of one key both succeed), and no request reveals which kind
  /// of service answers.
  bool CreateOnlyIsAtomic() const override { return false; }
  ~S3ObjectStore() override;

  /// Create the bucket; ok when it exists and is ours (BucketAlreadyOwnedByYou).
  Status EnsureBucket(const std::string& bucket) override;
  /// Up to S3Options::multipart_threshold_bytes: one PUT. Above: a multipart upload in parts of
  /// S3Options::multipart_part_bytes, aborted on any failure. kCreateOnly: PUT (or
  /// CompleteMultipartUpload) with "If-None-Match: *" (412 -> AlreadyExists); where the service
  /// answers that with NotImplemented, a HEAD then an unconditional write, which is not atomic.
  /// Sends the storage class registered for the key's longest prefix (SetStorageClass), if any.
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

  /// Buffer up to S3Options::multipart_part_bytes: a stream that ends within the buffer is one
  /// Put; past it, a multipart upload started on the first full part (parts of exactly
  /// multipart_part_bytes, so a stream may reach kS3MaxParts of them), completed at Commit as
  /// Put completes it, aborted on failure, Abort or destruction.
  Result<std::unique_ptr<ObjectWriter>> BeginWrite(const std::string& bucket,
                                                   const std::string& key, PutMode mode) override;
  /// A HEAD for the size, then one ranged GET (Range: bytes=a-b) per Read. Meant for keys that
  /// are never rewritten (content-addressed): a concurrent overwrite may mix two objects' bytes.
  Result<std::unique_ptr<ObjectReader>> OpenRead(const std::string& bucket, const std::string& key,
                                                 int64_t offset, int64_t length) override;
  /// CopyObject up to S3Options::copy_threshold_bytes, else a multipart upload of UploadPartCopy
  /// parts. kCreateOnly is a HEAD of `to` first, which is NOT atomic (CopyObject takes no
  /// If-None-Match): use it where the bytes at `to` are the same whoever writes them.
  Status Copy(const std::string& bucket, const std::string& from, const std::string& to,
              PutMode mode) override;

  /// Return a URL that lets anyone holding it GET bucket/key, with no credentials, for
  /// `expires_seconds` (1..604800) from now. Sends nothing: a missing object shows when the
  /// URL is used. The URL carries the access key id and, with temporary credentials, the
  /// session token (S3 requires them there), never the secret key.
  Result<std::string> PresignGet(const std::string& bucket, const std::string& key,
                                 int expires_seconds) override;
  /// Return a URL that lets anyone holding it PUT bucket/key (an overwrite), as PresignGet. The
  /// uploader sends no extra header, so no registered storage class is applied: such an
  /// object gets the service's default class.
  Result<std::string> PresignPut(const std::string& bucket, const std::string& key,
                                 int expires_seconds);

  /// Make later Puts into `bucket` of keys starting with `key_prefix` (empty: every key of the
  /// bucket) send "x-amz-storage-class: `storage_class`" on the PUT (overwrite and create-only)
  /// or on CreateMultipartUpload. A key takes the class of the longest registered prefix that
  /// leads it, compared byte by byte (so register "records/", not "records", to keep
  /// "recordsX/..." out); a key no registered prefix leads gets none. An empty `storage_class`
  /// registers "send none" (the service's default) for the prefix, which also overrides a
  /// shorter prefix's class; registering a (bucket, prefix) again replaces its class.
  /// InvalidArgument names a bad bucket, a prefix over 1024 bytes or with a control byte, or a
  /// class that is not one of S3's: STANDARD, REDUCED_REDUNDANCY, STANDARD_IA, ONEZONE_IA,
  /// INTELLIGENT_TIERING, GLACIER, DEEP_ARCHIVE, GLACIER_IR, OUTPOSTS, EXPRESS_ONEZONE. Puts
  /// already under way keep the class they started with.
  Status SetStorageClass(const std::string& bucket, const std::string& key_prefix,
                         const std::string& storage_class);
  /// Return the storage class a Put of `key` into `bucket` would send; empty when none.
  std::string StorageClassFor(const std::string& bucket, const std::string& key) const;

  /// Remove an empty bucket; ok when it is already absent. For tests and administration: the
  /// ObjectStore contract never removes buckets.
  Status DeleteBucket(const std::string& bucket);

 private:
  // Shared by the object calls here and the streams of s3_streams.cc.
  static Status ValidateBucketAndKey(const std::string& bucket, const std::string& key);
  S3ObjectStore(std::unique_ptr<s3::S3Transport> transport, const S3Options& options);

  using Headers = std::vector<std::pair<std::string, std::string>>;

  Headers WriteHeaders(const std::string& bucket, const std::string& key) const;
  Status PutSingle(const std::string& bucket, const std::string& key, std::string_view bytes,
                   PutMode mode, const Headers& headers);
  Status PutCreateOnlyByProbe(const std::string& bucket, const std::string& key,
                              std::string_view bytes, const Headers& headers);
  // In s3_multipart.cc.
  Status PutMultipart(const std::string& bucket, const std::string& key, std::string_view bytes,
                      PutMode mode, const Headers& headers);
  Status CompleteCreateOnly(s3::MultipartUpload& upload, const std::string& bucket,
                            const std::string& key);
  // In s3_streams.cc.
  class Writer;
  Status CopyMultipart(const std::string& bucket, const std::string& from, const std::string& to,
                       int64_t size, const Headers& headers);
  Result<std::string> Presign(const std::string& method, const std::string& bucket,
                              const std::string& key, int expires_seconds);
  Result<s3::S3ObjectList> ListOnce(const std::string& bucket, const std::string& prefix,
                                    const std::string& start_after, int max_keys);

  std::unique_ptr<s3::S3Transport> transport_;
  const std::string region_;
  const int64_t multipart_threshold_;
  const int64_t part_bytes_;
  const int64_t copy_threshold_;
  // Set once a create-only PUT is answered NotImplemented: the service ignores no header
  // silently, it refuses it, so later create-only Puts go straight to the fallback.
  std::atomic<bool> conditional_put_unsupported_{false};
  // The same for "If-None-Match: *" on CompleteMultipartUpload.
  std::atomic<bool> conditional_complete_unsupported_{false};
  mutable std::shared_mutex storage_classes_mutex_;
  // Bucket -> key prefix -> storage class ("" = send none). Guarded by storage_classes_mutex_.
  std::map<std::string, std::map<std::string, std::string>> storage_classes_;
};

}  // namespace xronox::store
