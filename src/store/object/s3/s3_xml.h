// Readers for the XML bodies S3 answers with (errors, ListObjectsV2, ListMultipartUploads,
// CreateMultipartUpload) and the writer of the one XML body the store sends
// (CompleteMultipartUpload).
// Thread-safety: pure functions.
//
// Parsed with expat (Debian libexpat1-dev) rather than libxml2: the responses are small and
// flat, a streaming parser with no DOM, network or XInclude features is the smaller attack
// surface for text that comes from outside, and expat is one small C library. Documents with
// a DOCTYPE are refused (S3 never sends one; refusing it rules out entity expansion).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/object/object_store.h"
#include "xronox/status.h"
#include "xronox/types.h"

namespace xronox::store::s3 {

/// The fields of an S3 <Error> body; empty strings for those absent.
struct S3ErrorBody {
  std::string code;        ///< e.g. "NoSuchKey".
  std::string message;     ///< Human-readable text from the service.
  std::string request_id;  ///< <RequestId>, for the service's logs.
};

/// One page of ListObjectsV2.
struct S3ObjectList {
  std::vector<ObjectInfo> objects;  ///< <Contents>: Key, Size, LastModified; in key order.
  bool truncated = false;           ///< <IsTruncated>.
};

/// One unfinished multipart upload.
struct S3Upload {
  std::string key;
  std::string upload_id;
  TimestampMicros initiated = 0;
};

/// One page of ListMultipartUploads.
struct S3UploadList {
  std::vector<S3Upload> uploads;
  bool truncated = false;
  std::string next_key_marker;
  std::string next_upload_id_marker;
};

/// Parse an <Error> document; InvalidArgument when `xml` is not one.
Result<S3ErrorBody> ParseS3Error(std::string_view xml);
/// Parse a <ListBucketResult> (ListObjectsV2); InvalidArgument when malformed.
Result<S3ObjectList> ParseListObjectsV2(std::string_view xml);
/// Parse a <ListMultipartUploadsResult>; InvalidArgument when malformed.
Result<S3UploadList> ParseListMultipartUploads(std::string_view xml);

/// Parse an <InitiateMultipartUploadResult> (CreateMultipartUpload) and return its <UploadId>;
/// InvalidArgument when malformed or the id is empty.
Result<std::string> ParseInitiateMultipartUpload(std::string_view xml);

/// Parse a <CopyObjectResult> or <CopyPartResult> (`root_name`) and return its <ETag>;
/// InvalidArgument when malformed (an <Error> document included) or the ETag is empty.
Result<std::string> ParseCopyResultETag(std::string_view xml, std::string_view root_name);

/// One uploaded part, as CompleteMultipartUpload lists it.
struct S3CompletedPart {
  int number = 0;    ///< 1..10000.
  std::string etag;  ///< The part's ETag exactly as UploadPart answered it (quotes included).
};

/// Return the <CompleteMultipartUpload> body listing `parts` (in the order given, which must be
/// ascending part numbers), with XML special characters of the ETags escaped.
std::string CompleteMultipartUploadXml(const std::vector<S3CompletedPart>& parts);

/// Parse an HTTP date ("Wed, 25 Nov 2026 23:58:09 GMT", RFC 7231 IMF-fixdate) to microseconds.
std::optional<TimestampMicros> ParseHttpDate(std::string_view text);

}  // namespace xronox::store::s3
