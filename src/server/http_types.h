// The server's own HTTP request and response values, independent of the HTTP library, so that
// routing and handlers can be unit-tested without sockets.
// Thread-safety: plain values.
#pragma once

#include <map>
#include <string>
#include <string_view>

namespace xronox::server {

/// Orders header names ignoring ASCII case, as HTTP requires.
struct CaseInsensitiveLess {
  bool operator()(std::string_view a, std::string_view b) const;
  using is_transparent = void;
};

/// Header name -> value; repeated headers are joined with ", " (RFC 9110 list syntax).
using HttpHeaders = std::map<std::string, std::string, CaseInsensitiveLess>;

struct HttpRequest {
  std::string method;  ///< Upper case, e.g. "GET".
  std::string target;  ///< The raw request target: path and query, still percent-encoded.
  HttpHeaders headers;
  std::string body;
  std::string remote_address;  ///< The client's IP address as the server saw it.
};

struct HttpResponse {
  int status = 200;
  HttpHeaders headers;
  std::string body;
  /// Not sent: the principal of the API key that made the request, for the access log.
  std::string principal;
};

/// True when two header names are equal ignoring ASCII case.
bool EqualsIgnoreCase(std::string_view a, std::string_view b);

/// Return the value of a header, or an empty string when it is absent.
std::string HeaderValue(const HttpHeaders& headers, std::string_view name);

}  // namespace xronox::server
