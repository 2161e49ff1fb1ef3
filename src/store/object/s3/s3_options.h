// Options of the S3 object store.
// Thread-safety: a plain value.
#pragma once

#include <string>

namespace xronox::store {

/// How to reach one S3-compatible service.
struct S3Options {
  /// Base URL, "http://host:port" or "https://host"; required, no path.
  std::string endpoint;
  /// Signing region; default "us-east-1".
  std::string region = "us-east-1";
  /// Access key id; when empty, AWS_ACCESS_KEY_ID from the environment.
  std::string access_key;
  /// Secret access key; when empty, AWS_SECRET_ACCESS_KEY. Never logged nor put in errors.
  std::string secret_key;
  /// Session token of temporary credentials; when empty, AWS_SESSION_TOKEN (may be unset).
  std::string session_token;
  /// True (default): "endpoint/bucket/key". False: virtual-hosted "bucket.host/key".
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
};

}  // namespace xronox::store
