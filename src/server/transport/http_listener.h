// The HTTP transport: accepts connections and hands each request to a RequestHandler as our own
// HttpRequest. With http_connection.* and connection_pool.*, the only code that knows the HTTP
// library (cpp-httplib), so it can be swapped.
// Thread-safety: Stop may be called from any thread; the handler is called from many threads.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <limits>
#include <memory>
#include <string>

#include "server/transport/http_types.h"
#include "xronox/status.h"

namespace xronox::server {

/// Something the transport did on its own, reported for metrics and logs.
struct TransportEvent {
  enum class Kind {
    kOpened,    ///< A connection is being served.
    kClosed,    ///< A served connection was closed.
    kRejected,  ///< A connection over max_connections was answered 503 (or closed).
    kAnswered,  ///< The transport answered a request itself (status, code, method, target).
  };
  Kind kind = Kind::kOpened;
  int status = 0;
  std::string code;  ///< Error code of the JSON answer, e.g. "request_timeout".
  std::string method;
  std::string target;
  std::string remote_address;
  std::string request_id;
};

struct ListenerOptions {
  std::string host = "127.0.0.1";
  int port = 8700;                    ///< 0 picks a free port; port() tells which.
  size_t max_body_bytes = 16u << 20;  ///< Larger bodies are drained and answered with 413.
  int threads = 0;  ///< Worker threads started up front; 0 uses the library default count.
  /// Connections served at once (each holds a worker thread); more are answered 503.
  size_t max_connections = 256;
  /// Time for a whole request (line, headers, body) to arrive; else 408 and close.
  std::chrono::milliseconds read_timeout{30000};
  /// Time a keep-alive connection may wait for its next request before it is closed.
  std::chrono::milliseconds idle_timeout{60000};
  size_t max_header_bytes = size_t{32} << 10;  ///< Request line plus headers; larger get 431.
  std::function<void(const TransportEvent&)> on_event;  ///< Optional; called from many threads.
  /// Requests for which this returns true get their body as HttpRequest::read_body, streamed,
  /// with no size limit here (the handler sets its own); unset: none. Looks at the method and
  /// target only (the body is not read yet).
  std::function<bool(const std::string& method, const std::string& target)> stream_body;
  /// The handler's limit of streamed bodies: "Expect: 100-continue" with a larger declared
  /// length is answered 413 without reading the body.
  size_t max_streamed_body_bytes = std::numeric_limits<size_t>::max();
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
  /// Close the listening socket (new connections are refused) and make Serve return once the
  /// in-flight requests finish; idle keep-alive connections are closed. Safe from any thread.
  void Stop();
  /// Shut down every open connection (for a drain that took too long); returns how many.
  size_t CloseConnections();

 private:
  struct Impl;
  HttpListener(std::unique_ptr<Impl> impl, int port);

  std::unique_ptr<Impl> impl_;
  int port_;
};

}  // namespace xronox::server
