// Options of the S3 object store.
// Thread-safety: a plain value (the clock it points to must be safe from many threads).
#pragma once

#include <cstdint>
#include <string>

namespace xronox {
class Clock;
}  // namespace xronox

namespace xronox::store {

/// Smallest part S3 accepts in a multipart upload (all but the last part), in bytes: 5 MiB.
inline constexpr int64_t kS3MinPartBytes = int64_t{5} << 20;
/// Largest single PUT and largest part S3 accepts, in bytes: 5 GiB.
inline constexpr int64_t kS3MaxPutBytes = int64_t{5} << 30;
/// Most parts one multipart upload may have.
inline constexpr int kS3MaxParts = 10000;

/// How to reach one S3-compatible service.
struct S3Options {
  /// Base URL, "http://host:port" or "https://host"; required, no path, no user:password@.
  std::string endpoint;
  /// Signing region; default "us-east-1".
  std::string region = "us-east-1";
  /// Access key id; when empty, AWS_ACCESS_KEY_ID from the environment.
  std::string access_key;
  /// Secret access key; when empty, AWS_SECRET_ACCESS_KEY. Never logged nor put in errors.
  std::string secret_key;
  /// Session token of temporary credentials; when empty, AWS_SESSION_TOKEN (may be unset).
  /// Never put in errors (it is sent, as a header or in a presigned URL, as S3 requires).
  std::string session_token;
  /// True (default): "endpoint/bucket/key". False: virtual-hosted "bucket.host/key", which
  /// needs a DNS name in the endpoint (an IP literal is refused at Open).
  bool path_style = true;
  /// Connection timeout, in milliseconds; default 5000.
  long connect_timeout_ms = 5000;
  /// Whole-request timeout (one attempt), in milliseconds; default 60000.
  long request_timeout_ms = 60000;
  /// Retries after the first attempt on 5xx, SlowDown and transport timeouts; default 4, 0..10.
  int max_retries = 4;
  /// First backoff delay, in milliseconds, doubled per retry with full jitter; default 50.
  long backoff_base_ms = 50;
  /// Longest backoff delay, in milliseconds; default 2000.
  long backoff_max_ms = 2000;
  /// Idle CURL handles kept for reuse (connection reuse); default 16.
  int max_idle_handles = 16;
  /// Puts of more bytes than this use a multipart upload, in bytes; default 16 MiB,
  /// kS3MinPartBytes..kS3MaxPutBytes.
  int64_t multipart_threshold_bytes = int64_t{16} << 20;
  /// Size of each part of a multipart upload but the last, in bytes; default 8 MiB,
  /// kS3MinPartBytes..kS3MaxPutBytes. Raised for one upload when the object would otherwise
  /// need more than kS3MaxParts parts.
  int64_t multipart_part_bytes = int64_t{8} << 20;
  /// Copies of objects larger than this use a multipart upload whose parts (UploadPartCopy)
  /// are this large, in bytes; smaller ones one CopyObject. Default 5 GiB (the largest object
  /// CopyObject takes), kS3MinPartBytes..kS3MaxPutBytes.
  int64_t copy_threshold_bytes = kS3MaxPutBytes;
  /// Clock that dates signatures and presigned URLs; nullptr (default) is the system clock.
  /// Borrowed: must outlive the store.
  Clock* clock = nullptr;
};

}  // namespace xronox::store
