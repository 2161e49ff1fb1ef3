// S3Transport: sends signed S3 requests over libcurl, with retries, and returns the service's
// answer; it knows nothing of what the requests mean.
// Thread-safety: safe to call from many threads at once (a mutex guards the handle pool; each
// request runs on its own CURL handle).
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "store/object/s3/curl_handles.h"
#include "store/object/s3/s3_options.h"
#include "store/object/s3/s3_url.h"
#include "store/object/s3/sigv4.h"
#include "xronox/status.h"

namespace xronox::store::s3 {

/// One request: the bucket (empty for the service), the raw key (empty for the bucket), raw
/// query parameters, extra headers (signed) and the body.
struct S3Request {
  std::string method;  ///< "GET", "PUT", "HEAD", "DELETE", "POST".
  std::string bucket;
  std::string key;
  NameValues query;
  NameValues headers;
  std::string_view body;
};

/// The final answer to a request, whatever its HTTP status.
struct S3Response {
  long http_status = 0;
  std::string body;
  std::map<std::string, std::string> headers;  ///< Lowercase names; last value wins.
  std::string s3_code;                         ///< <Code> of an error body; empty otherwise.

  /// The value of header `lowercase_name`, or "" when absent.
  std::string Header(const std::string& lowercase_name) const;
  /// True for a 2xx answer.
  bool Succeeded() const { return http_status >= 200 && http_status < 300; }
};

/// The Status of a failed `response` to `operation` (S3ErrorStatus with its request id).
Status ErrorStatusOf(std::string_view operation, const S3Response& response);

class S3Transport {
 public:
  /// Check `options` (endpoint form, credentials, bounds), fill credentials from the
  /// environment where empty, and initialise libcurl once per process.
  static Result<std::unique_ptr<S3Transport>> Open(const S3Options& options);

  /// Send `request`, retrying with exponential backoff and full jitter on 5xx, SlowDown,
  /// RequestTimeout and transport failures, at most options.max_retries times. Return the
  /// last response (any HTTP status; the caller judges it) or, when no response came, the
  /// transport failure from CurlErrorStatus. `operation` ("get bkt/key") starts messages.
  Result<S3Response> Send(const S3Request& request, std::string_view operation);

  /// Return a presigned URL for `request` (its body is ignored: a presigned URL signs no
  /// payload), valid for `expires_seconds` (1..kMaxPresignExpiresSeconds) from the clock's
  /// now. Headers in `request.headers` are signed, so the URL's user must send them.
  Result<std::string> Presign(const S3Request& request, int expires_seconds) const;

  /// Where a request for `bucket` and `key` goes (host and raw path).
  S3Target TargetOf(const std::string& bucket, const std::string& key) const {
    return s3::TargetOf(endpoint_, bucket, key);
  }

 private:
  S3Transport(S3Options options, S3Endpoint endpoint, Clock* clock)
      : options_(std::move(options)), endpoint_(std::move(endpoint)), clock_(clock) {}

  Result<S3Response> SendOnce(CURL* handle, const S3Request& request, std::string_view operation);
  CurlEasy AcquireHandle();
  void ReleaseHandle(CurlEasy handle);
  long BackoffMs(int retry);

  const S3Options options_;
  const S3Endpoint endpoint_;
  Clock* const clock_;  // Borrowed; dates every signature.
  std::mutex mutex_;
  std::vector<CurlEasy> idle_;  // Guarded by mutex_.
  uint64_t jitter_state_ = 0;   // Guarded by mutex_.
};

}  // namespace xronox::store::s3
