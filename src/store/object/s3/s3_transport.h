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
};

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

 private:
  S3Transport(S3Options options, std::string scheme, std::string host)
      : options_(std::move(options)), scheme_(std::move(scheme)), host_(std::move(host)) {}

  Result<S3Response> SendOnce(CURL* handle, const S3Request& request, std::string_view operation);
  CurlEasy AcquireHandle();
  void ReleaseHandle(CurlEasy handle);
  long BackoffMs(int retry);

  const S3Options options_;
  const std::string scheme_;  // "http" or "https".
  const std::string host_;    // "host[:port]" of the endpoint.
  std::mutex mutex_;
  std::vector<CurlEasy> idle_;  // Guarded by mutex_.
  uint64_t jitter_state_ = 0;   // Guarded by mutex_.
};

}  // namespace xronox::store::s3
