// Content blobs: binary values of a record's properties, streamed in and out with a bounded
// buffer. A record keeps, for each content property, data[property] =
// {"$content": {"sha256", "size", "contentType"}} (docs/formats/content.md); the bytes live in
// the object store under a name made of their SHA-256, so identical bytes are stored once.
// Thread-safety: ContentUpload and ContentReader are used by one thread at a time; the other
// types are plain values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "xronox/status.h"
#include "xronox/types.h"

namespace xronox {

/// What a record holds for one content property.
struct ContentInfo {
  std::string sha256;        ///< Lowercase hex SHA-256 of the bytes.
  int64_t size = 0;          ///< Length of the bytes.
  std::string content_type;  ///< MIME type given at upload.
};

/// Return {"$content": {"sha256", "size", "contentType"}}.
Json ContentInfoToJson(const ContentInfo& info);
/// Parse a property value written by ContentInfoToJson; nullopt when it is not a valid one.
std::optional<ContentInfo> ContentInfoFromJson(const Json& value);

/// Options of a content upload.
struct ContentUploadOptions {
  /// MIME type recorded with the bytes; default "application/octet-stream".
  std::string content_type;
  /// Actor, reason, expected version and idempotency key of the record write the upload ends
  /// with (on runtime, a new version).
  WriteOptions write;
};

/// Which content to read: current (default), at a version or as of a time; and which bytes.
struct ContentReadOptions {
  std::optional<int64_t> version;
  std::optional<TimestampMicros> as_of;
  int64_t offset = 0;   ///< First byte; InvalidArgument past the end.
  int64_t length = -1;  ///< Bytes from `offset` (fewer at the end); -1 for all the rest.
};

/// A content upload in progress: Write the bytes in order, then Finish. Destroying an upload
/// that was not finished abandons it (nothing is recorded; a staged blob is removed, or left for
/// verify --repair if that fails).
class ContentUpload {
 public:
  virtual ~ContentUpload() = default;
  /// Append `bytes`; the upload holds at most a bounded buffer whatever the total.
  virtual Status Write(std::string_view bytes) = 0;
  /// Store the blob (nothing new when identical bytes are already stored for this property)
  /// and write the record with data[property] pointing at it.
  virtual Result<WriteResult> Finish() = 0;
  /// Bytes written so far.
  virtual int64_t size() const = 0;
};

/// A content read in progress: Read until it returns no bytes.
class ContentReader {
 public:
  virtual ~ContentReader() = default;
  /// The content as the record version read holds it (its full size, not the range's).
  virtual const ContentInfo& info() const = 0;
  /// The record version whose content this is.
  virtual int64_t record_version() const = 0;
  /// First byte of the range served.
  virtual int64_t offset() const = 0;
  /// Bytes the range holds in all.
  virtual int64_t length() const = 0;
  /// Replace `*out` with the next at most `max_bytes` (> 0) bytes; empty at the end.
  virtual Status Read(size_t max_bytes, std::string* out) = 0;
};

}  // namespace xronox
