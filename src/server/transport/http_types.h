// The server's own HTTP request and response values, independent of the HTTP library, so that
// routing and handlers can be unit-tested without sockets.
// Thread-safety: plain values.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>

namespace xronox::server {

/// Orders header names ignoring ASCII case, as HTTP requires.
struct CaseInsensitiveLess {
  bool operator()(std::string_view a, std::string_view b) const;
  using is_transparent = void;  // NOLINT(readability-identifier-naming): the standard's name.
};

/// Header name -> value; repeated headers are joined with ", " (RFC 9110 list syntax).
using HttpHeaders = std::map<std::string, std::string, CaseInsensitiveLess>;

/// Receives one piece of a streamed body; return false to stop reading.
using BodySink = std::function<bool(std::string_view bytes)>;
/// Push a streamed request body into a sink piece by piece; false when the client stopped
/// sending or the sink refused.
using BodyReader = std::function<bool(const BodySink& sink)>;
/// Pull the next piece of a streamed response body into `*chunk` (empty at the end); false on
/// failure, after which the connection is cut (the status line is already sent).
using BodyWriter = std::function<bool(std::string* chunk)>;

struct HttpRequest {
  std::string method;  ///< Upper case, e.g. "GET".
  std::string target;  ///< The raw request target: path and query, still percent-encoded.
  HttpHeaders headers;
  std::string body;
  std::string remote_address;  ///< The client's IP address as the server saw it.
  /// Set instead of `body` for requests whose body is streamed (content uploads); read it once.
  BodyReader read_body = nullptr;
};

struct HttpResponse {
  int status = 200;
  HttpHeaders headers;
  std::string body;
  /// Not sent: the principal of the API key that made the request, for the access log.
  std::string principal;
  /// Set instead of `body` for a streamed body of exactly `stream_length` bytes.
  BodyWriter stream_body;
  int64_t stream_length = 0;
};

/// Push the request's body into `sink`: from read_body when set, else `body` in one piece.
bool ReadRequestBody(const HttpRequest& request, const BodySink& sink);

/// Return the value of a header, or an empty string when it is absent.
std::string HeaderValue(const HttpHeaders& headers, std::string_view name);

}  // namespace xronox::server
