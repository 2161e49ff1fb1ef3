// Structured logs of xronoxd: one line per request and lines for start-up, shutdown and errors,
// as JSON (default) or plain text, on stderr. A line never carries a request body, a header
// value other than the request id, or a secret.
// Thread-safety: the Format functions are pure; LogSink::Write may be called from many threads.
#pragma once

#include <cstdio>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "xronox/types.h"

namespace xronox::server {

enum class LogFormat { kJson, kText };

/// Parse "json" or "text"; nullopt otherwise.
std::optional<LogFormat> ParseLogFormat(std::string_view text);

/// What a request line says about one answered request.
struct RequestLogEntry {
  TimestampMicros time = 0;  ///< When the request was answered.
  std::string request_id;    ///< As sent in X-Request-Id.
  std::string method;
  std::string route;  ///< Templated (RouteLabel), never the raw path.
  int status = 0;
  double duration_ms = -1;  ///< Negative when unknown (answers of the transport itself).
  size_t bytes_in = 0;      ///< Request body bytes.
  size_t bytes_out = 0;     ///< Response body bytes.
  std::string remote_address;
  std::string principal;   ///< Who made the request, once authentication names one; else empty.
  std::string error_code;  ///< The JSON error's code for 4xx/5xx answers, when known.
};

/// Level of a request line: "error" for 5xx, "warn" for 4xx, else "info".
std::string_view RequestLevel(int status);

/// One line (no trailing newline) for a request: JSON fields time, level, msg ("request"),
/// request_id, method, route, status, duration_ms, bytes_in, bytes_out, remote_addr, and
/// principal and error only when set.
std::string FormatRequestLine(const RequestLogEntry& entry, LogFormat format);

/// One line (no trailing newline) for an event: time, level, msg and the members of `fields`
/// (a JSON object; other values are ignored).
std::string FormatEventLine(TimestampMicros time, std::string_view level, std::string_view message,
                            const Json& fields, LogFormat format);

/// Writes whole lines to a stream, one at a time.
class LogSink {
 public:
  /// Write to `out` (stderr by default), which must outlive the sink.
  explicit LogSink(LogFormat format, std::FILE* out = stderr) : format_(format), out_(out) {}

  LogFormat format() const { return format_; }
  /// Write `line` and a newline, and flush, so lines of concurrent requests never interleave.
  void Write(const std::string& line);
  /// Format and write an event line stamped now.
  void Event(std::string_view level, std::string_view message, const Json& fields = Json::object());

 private:
  const LogFormat format_;
  std::FILE* out_;
  std::mutex mutex_;
};

}  // namespace xronox::server
