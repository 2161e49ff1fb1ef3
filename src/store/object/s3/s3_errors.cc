#include "store/object/s3/s3_errors.h"

#include "store/object/s3/s3_xml.h"

namespace xronox::store::s3 {

namespace {

StatusCode CodeForS3Error(long http_status, std::string_view s3_code) {
  if (s3_code == "NoSuchKey" || s3_code == "NoSuchBucket" || s3_code == "NoSuchUpload") {
    return StatusCode::kNotFound;
  }
  if (s3_code == "PreconditionFailed" || s3_code == "BucketAlreadyOwnedByYou" ||
      s3_code == "BucketAlreadyExists") {
    return StatusCode::kAlreadyExists;
  }
  if (s3_code == "AccessDenied" || s3_code == "SignatureDoesNotMatch" ||
      s3_code == "InvalidAccessKeyId" || s3_code == "RequestTimeTooSkewed") {
    return StatusCode::kPermissionDenied;
  }
  if (s3_code == "SlowDown" || s3_code == "ServiceUnavailable" || s3_code == "InternalError") {
    return StatusCode::kUnavailable;
  }
  if (s3_code == "RequestTimeout") return StatusCode::kDeadlineExceeded;
  // AWS answers a conditional write (If-None-Match on PUT or CompleteMultipartUpload) that
  // races another write of the key with 409 ConditionalRequestConflict.
  if (s3_code == "ConditionalRequestConflict") return StatusCode::kConflict;
  if (s3_code == "NotImplemented") return StatusCode::kNotSupported;
  if (s3_code == "ObjectParentIsFile" || s3_code == "ExistingObjectIsDirectory" ||
      s3_code == "BucketNotEmpty") {
    return StatusCode::kFailedPrecondition;
  }
  switch (http_status) {
    case 404:
      return StatusCode::kNotFound;
    case 412:
      return StatusCode::kAlreadyExists;
    case 401:
    case 403:
      return StatusCode::kPermissionDenied;
    case 501:
      return StatusCode::kNotSupported;
    case 500:
    case 502:
    case 503:
    case 504:
      return StatusCode::kUnavailable;
    default:
      break;
  }
  if (http_status >= 400 && http_status < 500) return StatusCode::kInvalidArgument;
  return StatusCode::kInternal;
}

}  // namespace

Status CurlErrorStatus(std::string_view operation, CURLcode code, std::string_view detail) {
  StatusCode status_code = StatusCode::kInternal;
  if (code == CURLE_OPERATION_TIMEDOUT) {
    status_code = StatusCode::kDeadlineExceeded;
  } else if (IsRetryableCurlError(code)) {
    status_code = StatusCode::kUnavailable;
  }
  std::string message = std::string(operation) + ": transport failed: " + curl_easy_strerror(code);
  if (!detail.empty()) message += " (" + std::string(detail) + ")";
  return Status(status_code, std::move(message));
}

Status S3ErrorStatus(std::string_view operation, long http_status, std::string_view body,
                     std::string_view header_request_id) {
  S3ErrorBody error;
  if (!body.empty()) {
    Result<S3ErrorBody> parsed = ParseS3Error(body);
    if (parsed.ok()) error = std::move(parsed).value();
  }
  if (error.request_id.empty()) error.request_id = std::string(header_request_id);
  std::string message = std::string(operation) + ": HTTP " + std::to_string(http_status);
  if (!error.code.empty()) message += " " + error.code;
  if (!error.message.empty()) message += ": " + error.message;
  if (!error.request_id.empty()) message += " [request id " + error.request_id + "]";
  return Status(CodeForS3Error(http_status, error.code), std::move(message));
}

bool IsRetryableS3Error(long http_status, std::string_view s3_code) {
  return http_status == 500 || http_status == 502 || http_status == 503 || http_status == 504 ||
         s3_code == "SlowDown" || s3_code == "RequestTimeout" || s3_code == "InternalError";
}

bool IsRetryableCurlError(CURLcode code) {
  switch (code) {
    case CURLE_COULDNT_CONNECT:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
      return true;
    default:
      return false;
  }
}

}  // namespace xronox::store::s3
