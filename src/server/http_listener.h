// The HTTP transport: accepts connections and hands each request to a RequestHandler as our own
// HttpRequest. The only code that knows the HTTP library (cpp-httplib), so it can be swapped.
// Thread-safety: Stop may be called from any thread; the handler is called from many threads.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string>

#include "server/http_types.h"
#include "xronox/status.h"

namespace xronox::server {

struct ListenerOptions {
  std::string host = "127.0.0.1";
  int port = 8700;                    ///< 0 picks a free port; port() tells which.
  size_t max_body_bytes = 16u << 20;  ///< Larger bodies are drained and answered with 413.
  int threads = 0;                    ///< Worker threads; 0 uses the library default.
  /// Requests for which this returns true get their body as HttpRequest::read_body, streamed,
  /// with no size limit here (the handler sets its own); unset: none. Looks at the method and
  /// target only (the body is not read yet).
  std::function<bool(const std::string& method, const std::string& target)> stream_body;
};

using RequestHandler = std::function<HttpResponse(const HttpRequest&)>;

class HttpListener {
 public:
  /// Bind the listening socket; Unavailable (with the system's reason) when it cannot.
  static Result<std::unique_ptr<HttpListener>> Bind(const ListenerOptions& options,
                                                    RequestHandler handler);
  ~HttpListener();
  HttpListener(const HttpListener&) = delete;
  HttpListener& operator=(const HttpListener&) = delete;

  /// The bound port (the real one when the options asked for 0).
  int port() const { return port_; }

  /// Serve requests until Stop; an error if the accept loop fails.
  Status Serve();
  /// Make Serve return after in-flight requests finish; safe from any thread.
  void Stop();

 private:
  struct Impl;
  HttpListener(std::unique_ptr<Impl> impl, int port);

  std::unique_ptr<Impl> impl_;
  int port_;
};

}  // namespace xronox::server
