// The two places where outside errors become a Status: libcurl's CURLcode and S3's error
// responses (HTTP status plus <Error> XML). Messages start with the operation and target
// ("put bucket/key: ...") and end with the S3 request id when there is one.
// Thread-safety: pure functions.
#pragma once

#include <curl/curl.h>

#include <string>
#include <string_view>

#include "xronox/status.h"

namespace xronox::store::s3 {

/// Convert a transport failure of `operation` ("get bkt/key"): timeouts -> DeadlineExceeded,
/// connection and send/receive failures -> Unavailable, anything else -> Internal.
/// `detail` is libcurl's error buffer (may be empty).
Status CurlErrorStatus(std::string_view operation, CURLcode code, std::string_view detail);

/// Convert an S3 error response of `operation` (HTTP `http_status`, `body` as received,
/// `header_request_id` from x-amz-request-id when the body carries none).
/// NoSuchKey/NoSuchBucket/NoSuchUpload/404 -> NotFound; PreconditionFailed/412 ->
/// AlreadyExists (only create-only Puts send a precondition); BucketAlreadyOwnedByYou and
/// BucketAlreadyExists -> AlreadyExists; AccessDenied/SignatureDoesNotMatch/InvalidAccessKeyId
/// /403 -> PermissionDenied; SlowDown/ServiceUnavailable/InternalError/5xx -> Unavailable;
/// RequestTimeout -> DeadlineExceeded; ConditionalRequestConflict -> Conflict; NotImplemented/501
/// -> NotSupported; a key that is also a folder on a file-backed service (ObjectParentIsFile,
/// ExistingObjectIsDirectory) -> FailedPrecondition; other 4xx -> InvalidArgument; otherwise
/// Internal.
Status S3ErrorStatus(std::string_view operation, long http_status, std::string_view body,
                     std::string_view header_request_id);

/// True when an S3 error with this status and `s3_code` is worth retrying: 500, 502, 503,
/// 504, SlowDown, RequestTimeout, InternalError.
bool IsRetryableS3Error(long http_status, std::string_view s3_code);

/// True when a transport failure is worth retrying (connect, send, receive, timeout).
bool IsRetryableCurlError(CURLcode code);

}  // namespace xronox::store::s3
