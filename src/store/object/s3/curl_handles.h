// RAII owners of every libcurl handle the S3 store uses (CURL easy handles, curl_slist header
// lists) and the process-wide libcurl initialisation. curl_easy_cleanup, curl_slist_free_all
// and curl_global_init appear nowhere else.
// Thread-safety: CurlRuntime::Initialize is safe from many threads; a CurlEasy or CurlHeaders
// is used by one thread at a time.
#pragma once

#include <curl/curl.h>

#include <memory>
#include <string>

#include "xronox/status.h"

namespace xronox::store::s3 {

/// Process-wide libcurl state: curl_global_init runs once, on first use, and is never undone
/// (a function-local static outlives every store, so no store can see libcurl torn down).
class CurlRuntime {
 public:
  /// Initialise libcurl once per process; later calls return the first outcome.
  static Status Initialize();
};

struct CurlEasyDeleter {
  void operator()(CURL* handle) const { curl_easy_cleanup(handle); }
};
/// Owns one CURL easy handle.
using CurlEasy = std::unique_ptr<CURL, CurlEasyDeleter>;

/// Owns a curl_slist of request headers.
class CurlHeaders {
 public:
  CurlHeaders() = default;
  CurlHeaders(const CurlHeaders&) = delete;
  CurlHeaders& operator=(const CurlHeaders&) = delete;
  ~CurlHeaders() { curl_slist_free_all(list_); }

  /// Append "name: value" (or "name:" to suppress a header libcurl would add); false when
  /// libcurl is out of memory.
  bool Append(const std::string& line) {
    curl_slist* grown = curl_slist_append(list_, line.c_str());
    if (grown == nullptr) return false;
    list_ = grown;
    return true;
  }
  curl_slist* get() const { return list_; }

 private:
  curl_slist* list_ = nullptr;
};

inline Status CurlRuntime::Initialize() {
  static const Status kInitialized = [] {
    CURLcode code = curl_global_init(CURL_GLOBAL_DEFAULT);
    if (code != CURLE_OK) {
      return Status(StatusCode::kInternal,
                    std::string("curl_global_init: ") + curl_easy_strerror(code));
    }
    return Status::Ok();
  }();
  return kInitialized;
}

}  // namespace xronox::store::s3
