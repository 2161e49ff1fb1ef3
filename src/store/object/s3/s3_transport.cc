#include "store/object/s3/s3_transport.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <random>
#include <thread>

#include "common/clock.h"
#include "common/hash.h"
#include "store/object/s3/s3_errors.h"
#include "store/object/s3/s3_xml.h"

namespace xronox::store::s3 {

namespace {

std::string EnvOrEmpty(const char* name) {
  const char* value = std::getenv(name);
  return value != nullptr ? std::string(value) : std::string();
}

size_t OnBody(char* data, size_t size, size_t count, void* user) {
  static_cast<std::string*>(user)->append(data, size * count);
  return size * count;
}

std::string Trim(std::string_view text) {
  size_t begin = text.find_first_not_of(" \t\r\n");
  if (begin == std::string_view::npos) return {};
  size_t end = text.find_last_not_of(" \t\r\n");
  return std::string(text.substr(begin, end - begin + 1));
}

size_t OnHeader(char* data, size_t size, size_t count, void* user) {
  std::string_view line(data, size * count);
  size_t colon = line.find(':');
  if (colon != std::string_view::npos) {
    std::string name(line.substr(0, colon));
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    (*static_cast<std::map<std::string, std::string>*>(user))[name] = Trim(line.substr(colon + 1));
  }
  return size * count;
}

// Applies every per-request option; a handle from the pool was reset, so nothing carries over.
bool Configure(CURL* handle, const S3Request& request, const std::string& url,
               const CurlHeaders& headers, long connect_ms, long total_ms) {
  bool ok = curl_easy_setopt(handle, CURLOPT_URL, url.c_str()) == CURLE_OK &&
            curl_easy_setopt(handle, CURLOPT_HTTPHEADER, headers.get()) == CURLE_OK &&
            curl_easy_setopt(handle, CURLOPT_NOSIGNAL, 1L) == CURLE_OK &&
            curl_easy_setopt(handle, CURLOPT_CONNECTTIMEOUT_MS, connect_ms) == CURLE_OK &&
            curl_easy_setopt(handle, CURLOPT_TIMEOUT_MS, total_ms) == CURLE_OK;
  if (request.method == "HEAD") {
    ok = ok && curl_easy_setopt(handle, CURLOPT_NOBODY, 1L) == CURLE_OK;
  } else if (request.method == "GET") {
    ok = ok && curl_easy_setopt(handle, CURLOPT_HTTPGET, 1L) == CURLE_OK;
  } else {
    ok = ok && curl_easy_setopt(handle, CURLOPT_CUSTOMREQUEST, request.method.c_str()) == CURLE_OK;
    if (request.method == "PUT" || request.method == "POST") {
      // POSTFIELDS sends the bytes as they are (no copy) with an exact Content-Length.
      ok = ok &&
           curl_easy_setopt(handle, CURLOPT_POSTFIELDSIZE_LARGE,
                            static_cast<curl_off_t>(request.body.size())) == CURLE_OK &&
           curl_easy_setopt(handle, CURLOPT_POSTFIELDS, request.body.data()) == CURLE_OK;
    }
  }
  return ok;
}

}  // namespace

std::string S3Response::Header(const std::string& lowercase_name) const {
  auto found = headers.find(lowercase_name);
  return found != headers.end() ? found->second : std::string();
}

Status ErrorStatusOf(std::string_view operation, const S3Response& response) {
  return S3ErrorStatus(operation, response.http_status, response.body,
                       response.Header("x-amz-request-id"));
}

Result<std::unique_ptr<S3Transport>> S3Transport::Open(const S3Options& given) {
  S3Options options = given;
  XRONOX_ASSIGN_OR_RETURN(S3Endpoint endpoint,
                          ParseS3Endpoint(options.endpoint, options.path_style));
  if (options.access_key.empty()) options.access_key = EnvOrEmpty("AWS_ACCESS_KEY_ID");
  if (options.secret_key.empty()) options.secret_key = EnvOrEmpty("AWS_SECRET_ACCESS_KEY");
  if (options.session_token.empty()) options.session_token = EnvOrEmpty("AWS_SESSION_TOKEN");
  if (options.access_key.empty() || options.secret_key.empty()) {
    return InvalidArgument("s3 " + options.endpoint +
                           ": no access key or secret key (set them in the options or in "
                           "AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY)");
  }
  if (options.region.empty()) return InvalidArgument("s3 region must not be empty");
  if (options.max_retries < 0 || options.max_retries > 10) {
    return InvalidArgument("s3 max_retries must be 0..10");
  }
  if (options.connect_timeout_ms <= 0 || options.request_timeout_ms <= 0) {
    return InvalidArgument("s3 timeouts must be positive");
  }
  XRONOX_RETURN_IF_ERROR(CurlRuntime::Initialize());
  Clock* clock = options.clock != nullptr ? options.clock : SystemClock::Default();
  auto transport =
      std::unique_ptr<S3Transport>(new S3Transport(std::move(options), std::move(endpoint), clock));
  transport->jitter_state_ = (static_cast<uint64_t>(std::random_device()()) << 1) | 1;
  return transport;
}

Result<S3Response> S3Transport::Send(const S3Request& request, std::string_view operation) {
  for (int retry = 0;; ++retry) {
    CurlEasy handle = AcquireHandle();
    if (!handle) return Status(StatusCode::kResourceExhausted, "curl_easy_init failed");
    Result<S3Response> response = SendOnce(handle.get(), request, operation);
    ReleaseHandle(std::move(handle));
    bool retryable = response.ok() ? IsRetryableS3Error(response->http_status, response->s3_code)
                                   : (response.status().code() == StatusCode::kUnavailable ||
                                      response.status().code() == StatusCode::kDeadlineExceeded);
    if (!retryable || retry >= options_.max_retries) return response;
    std::this_thread::sleep_for(std::chrono::milliseconds(BackoffMs(retry)));
  }
}

Result<S3Response> S3Transport::SendOnce(CURL* handle, const S3Request& request,
                                         std::string_view operation) {
  S3Target target = TargetOf(request.bucket, request.key);
  SigV4Request to_sign{request.method, target.host,     target.path,
                       request.query,  request.headers, Sha256Hex(request.body)};
  SigV4Credentials credentials{options_.access_key, options_.secret_key, options_.session_token};
  XRONOX_ASSIGN_OR_RETURN(NameValues auth, SignHeaders(to_sign, credentials, options_.region, "s3",
                                                       clock_->NowMicros()));
  CurlHeaders headers;
  bool ok = headers.Append("Host: " + target.host) && headers.Append("Expect:") &&
            headers.Append("Content-Type: application/octet-stream");
  for (const auto& [name, value] : request.headers) ok = ok && headers.Append(name + ": " + value);
  for (const auto& [name, value] : auth) ok = ok && headers.Append(name + ": " + value);
  std::string url = UrlOf(endpoint_, target, request.query);
  ok = ok && Configure(handle, request, url, headers, options_.connect_timeout_ms,
                       options_.request_timeout_ms);
  S3Response response;
  char error_buffer[CURL_ERROR_SIZE] = {0};
  ok = ok && curl_easy_setopt(handle, CURLOPT_WRITEFUNCTION, OnBody) == CURLE_OK &&
       curl_easy_setopt(handle, CURLOPT_WRITEDATA, &response.body) == CURLE_OK &&
       curl_easy_setopt(handle, CURLOPT_HEADERFUNCTION, OnHeader) == CURLE_OK &&
       curl_easy_setopt(handle, CURLOPT_HEADERDATA, &response.headers) == CURLE_OK &&
       curl_easy_setopt(handle, CURLOPT_ERRORBUFFER, error_buffer) == CURLE_OK;
  if (!ok) return Internal(std::string(operation) + ": could not set up the libcurl request");
  CURLcode code = curl_easy_perform(handle);
  if (code != CURLE_OK) return CurlErrorStatus(operation, code, error_buffer);
  curl_easy_getinfo(handle, CURLINFO_RESPONSE_CODE, &response.http_status);
  if (response.http_status >= 300 && !response.body.empty()) {
    Result<S3ErrorBody> error = ParseS3Error(response.body);
    if (error.ok()) response.s3_code = error->code;
  }
  return response;
}

Result<std::string> S3Transport::Presign(const S3Request& request, int expires_seconds) const {
  S3Target target = TargetOf(request.bucket, request.key);
  SigV4Request to_sign{request.method, target.host,     target.path,
                       request.query,  request.headers, std::string(kUnsignedPayload)};
  SigV4Credentials credentials{options_.access_key, options_.secret_key, options_.session_token};
  return PresignUrl(to_sign, credentials, options_.region, "s3", clock_->NowMicros(),
                    expires_seconds, endpoint_.scheme);
}

CurlEasy S3Transport::AcquireHandle() {
  {
    std::lock_guard lock(mutex_);
    if (!idle_.empty()) {
      CurlEasy handle = std::move(idle_.back());
      idle_.pop_back();
      return handle;
    }
  }
  return CurlEasy(curl_easy_init());
}

void S3Transport::ReleaseHandle(CurlEasy handle) {
  // Reset drops the options (which point into this request's buffers) but keeps the
  // connection cache, so the next request reuses the connection.
  curl_easy_reset(handle.get());
  std::lock_guard lock(mutex_);
  if (static_cast<int>(idle_.size()) < options_.max_idle_handles)
    idle_.push_back(std::move(handle));
}

long S3Transport::BackoffMs(int retry) {
  long cap = std::min(options_.backoff_max_ms, options_.backoff_base_ms << std::min(retry, 20));
  std::lock_guard lock(mutex_);
  // xorshift64: cheap, and the jitter needs no quality beyond spreading retries apart.
  jitter_state_ ^= jitter_state_ << 13;
  jitter_state_ ^= jitter_state_ >> 7;
  jitter_state_ ^= jitter_state_ << 17;
  return cap > 0 ? static_cast<long>(jitter_state_ % static_cast<uint64_t>(cap + 1)) : 0;
}

}  // namespace xronox::store::s3
