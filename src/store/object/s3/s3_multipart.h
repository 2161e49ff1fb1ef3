// MultipartUpload: one S3 multipart upload in progress (CreateMultipartUpload, UploadPart,
// CompleteMultipartUpload, AbortMultipartUpload), for objects too large for one PUT.
// Thread-safety: a MultipartUpload is used by one thread at a time (the Put that owns it); the
// free functions are as safe as the transport (safe from many threads).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "store/object/s3/s3_transport.h"
#include "store/object/s3/s3_xml.h"
#include "xronox/status.h"

namespace xronox::store::s3 {

/// Return the size of every part but the last for an object of `total_bytes`: `part_bytes`,
/// or the smallest whole MiB above it that keeps the upload within kS3MaxParts parts.
int64_t MultipartPartBytes(int64_t total_bytes, int64_t part_bytes);

/// Return the x-amz-copy-source value naming bucket/key ("/bucket/uri-encoded-key").
std::string CopySource(const std::string& bucket, const std::string& key);

/// Abort the multipart upload `upload_id` of bucket/key; ok when the service no longer knows
/// it (already completed or aborted).
Status AbortMultipartUpload(S3Transport& transport, const std::string& bucket,
                            const std::string& key, const std::string& upload_id);

/// One upload: Start it, upload its parts in order, then Complete or Abort it. An upload that
/// is neither completed nor aborted stays on the service (and its parts take space) until
/// ObjectStore::Leftovers removes it, which is how a crashed writer's upload is cleaned up.
class MultipartUpload {
 public:
  /// Send CreateMultipartUpload for bucket/key with `headers` (sent and signed; the object's
  /// attributes such as x-amz-storage-class go here, not on the parts).
  static Result<MultipartUpload> Start(S3Transport& transport, std::string bucket, std::string key,
                                       const NameValues& headers);

  /// Upload `bytes` as the next part (numbers 1, 2, ...); keep its ETag for Complete.
  Status UploadNextPart(std::string_view bytes);

  /// Copy bytes `first`..`last` (inclusive) of bucket/`source_key` as the next part
  /// (UploadPartCopy); keep its ETag for Complete.
  Status CopyNextPart(const std::string& source_key, int64_t first, int64_t last);

  /// Send CompleteMultipartUpload with every part uploaded and `headers` (e.g. If-None-Match).
  /// 412 -> AlreadyExists; a service that refuses a header -> NotSupported (the upload stays
  /// open, so the caller may complete it again); an error inside a 200 answer is an error; an
  /// upload the service no longer knows -> Unavailable (a retry whose first attempt may have
  /// written the object).
  Status Complete(const NameValues& headers);

  /// Abort this upload (see AbortMultipartUpload).
  Status Abort();

  const std::string& upload_id() const { return upload_id_; }
  /// Parts uploaded so far.
  int parts() const { return static_cast<int>(parts_.size()); }

 private:
  MultipartUpload(S3Transport& transport, std::string bucket, std::string key,
                  std::string upload_id)
      : transport_(&transport),
        bucket_(std::move(bucket)),
        key_(std::move(key)),
        upload_id_(std::move(upload_id)) {}

  std::string Target() const { return bucket_ + "/" + key_; }

  S3Transport* transport_;  // Borrowed; the store that owns it outlives every Put.
  std::string bucket_;
  std::string key_;
  std::string upload_id_;
  std::vector<S3CompletedPart> parts_;
};

}  // namespace xronox::store::s3
