#include "server/transport/http_listener.h"

#include <httplib.h>
#include <sys/socket.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <limits>
#include <thread>

#include "common/decimal.h"
#include "common/ids.h"
#include "common/names.h"
#include "server/api/codec.h"
#include "server/transport/connection_pool.h"
#include "server/transport/http_connection.h"

namespace xronox::server {

namespace {

// Matches every path, including decoded bytes such as '\n' that '.' would not match.
constexpr char kAnyPath[] = R"([\s\S]*)";

HttpRequest FromHttplib(const httplib::Request& in) {
  HttpRequest out;
  out.method = in.method;
  out.target = in.target;
  for (const auto& [name, value] : in.headers) {
    auto [it, inserted] = out.headers.emplace(name, value);
    if (!inserted) it->second += ", " + value;
  }
  out.body = in.body;
  out.remote_address = in.remote_addr;
  return out;
}

void SetStreamedContent(const HttpResponse& in, const std::string& content_type,
                        httplib::Response& out) {
  out.set_content_provider(
      static_cast<size_t>(in.stream_length), content_type,
      [next = in.stream_body](size_t /*offset*/, size_t /*length*/, httplib::DataSink& sink) {
        std::string chunk;
        // An empty chunk before the promised length is a failure too: cut the connection.
        return next(&chunk) && !chunk.empty() && sink.write(chunk.data(), chunk.size());
      });
}

void ToHttplib(const HttpResponse& in, httplib::Response& out) {
  out.status = in.status;
  std::string content_type = HeaderValue(in.headers, "Content-Type");
  for (const auto& [name, value] : in.headers) {
    if (!EqualsIgnoringAsciiCase(name, "Content-Type"))
      out.set_header(name, value);  // set_content.
  }
  if (in.stream_body && in.stream_length > 0) {
    SetStreamedContent(in, content_type, out);
  } else if (!in.body.empty() || !content_type.empty()) {
    out.set_content(in.body, content_type.c_str());
  }
}

// Handlers answer Range themselves (content routes) or ignore it; the library would otherwise
// cut the ranges again out of the handler's answer. The request object is the library's own
// non-const local, lent to handlers as const.
void IgnoreRangesInLibrary(const httplib::Request& request) {
  const_cast<httplib::Request&>(request).ranges.clear();
}

// Reads a body whole, up to `limit` bytes; past it, drains the rest (as the library does for
// a declared length over its limit) and returns false.
bool ReadCapped(const httplib::ContentReader& reader, size_t limit, std::string* body,
                bool* too_large) {
  *too_large = false;
  bool read = reader([&](const char* data, size_t size) {
    if (*too_large || body->size() + size > limit) {
      *too_large = true;
      body->clear();
      return true;
    }
    body->append(data, size);
    return true;
  });
  return read && !*too_large;
}

// The library reads the body of POST, PUT, PATCH and DELETE only; one sent with any other
// method (a GET with Content-Length) stays in the connection and would be parsed as the next
// request, so such a connection ends with its answer.
bool HasUnreadBody(const httplib::Request& request) {
  const std::string& method = request.method;
  if (method == "POST" || method == "PUT" || method == "PATCH" || method == "DELETE") return false;
  if (request.has_header("Transfer-Encoding")) return true;
  std::string length = request.get_header_value("Content-Length");
  return !length.empty() && length.find_first_not_of('0') != std::string::npos;
}

// True when the request declares a Content-Length over `limit` (framing has checked its form).
bool DeclaresMoreThan(const httplib::Request& request, size_t limit) {
  std::optional<int64_t> length =
      ParseNonNegativeDecimal(request.get_header_value("Content-Length"));
  return length && static_cast<uint64_t>(*length) > limit;
}

// Answers 413 to a request whose body stays unread, and ends its connection: reading a body
// that will be refused anyway would hold a worker for as long as the client cares to send.
void RefuseUnreadBody(size_t limit, httplib::Response& out) {
  HttpResponse answer = ErrorResponse(MakeHttpError(
      413, "payload_too_large", "request body is larger than " + std::to_string(limit) + " bytes"));
  answer.headers["Connection"] = "close";
  CloseAfterResponse();
  ToHttplib(answer, out);
}

// The most of an unread streamed body that is read and dropped to keep its connection open,
// and the longest it may take: a refused request (a 429 among them) must not hold a worker
// while its client trickles a body nobody will use.
constexpr size_t kMaxDrainBytes = size_t{1} << 20;
constexpr std::chrono::milliseconds kMaxDrainWait{250};

// Reads and drops the rest of a body when it is short and arrives at once; false when it is
// longer or slower (then the connection must close) or the client stopped sending.
bool DrainBody(const httplib::ContentReader& reader) {
  LimitBodyWait(kMaxDrainWait);
  size_t drained = 0;
  return reader([&drained](const char*, size_t size) {
    drained += size;
    return drained <= kMaxDrainBytes;
  });
}

// Errors the HTTP library answers by itself (malformed requests, bodies over the limit) get
// the same JSON error shape as everything else. A request the connection loop cut short
// reaches here as a 400; its cut reason says what really happened.
HttpError LibraryError(int status, size_t max_body_bytes, size_t max_header_bytes) {
  CutReason cut = CurrentCutReason();
  if (cut == CutReason::kBadFraming) {
    const FramingError& framing = CurrentFramingError();
    return MakeHttpError(framing.status, framing.code, framing.message);
  }
  if (cut == CutReason::kTimeout) {
    return MakeHttpError(408, "request_timeout",
                         "the request did not arrive within the read timeout");
  }
  if (cut == CutReason::kHeaderTooLarge) {
    return MakeHttpError(431, "headers_too_large",
                         "request headers are larger than " + std::to_string(max_header_bytes) +
                             " bytes, or one header line is longer than " +
                             std::to_string(CPPHTTPLIB_HEADER_MAX_LENGTH) + " bytes");
  }
  switch (status) {
    case 400:
      return MakeHttpError(400, "bad_request", "malformed HTTP request");
    case 404:
      return MakeHttpError(404, "not_found", "no such resource");
    case 413:
      return MakeHttpError(
          413, "payload_too_large",
          "request body is larger than " + std::to_string(max_body_bytes) + " bytes");
    case 414:
      return MakeHttpError(414, "uri_too_long", "request target is too long");
    case 416:
      return MakeHttpError(416, "range_not_satisfiable",
                           "the Range header is malformed or uses a unit other than bytes");
    default:
      return MakeHttpError(status, "http_error",
                           "request failed with HTTP status " + std::to_string(status));
  }
}

// One socket per port: SO_REUSEADDR only. The library default also sets SO_REUSEPORT, which
// would let a second server bind a port that is already in use.
void SocketOptions(socket_t sock) {
  int yes = 1;
  setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
}

ConnectionLimits LimitsOf(const ListenerOptions& options) {
  ConnectionLimits limits;
  limits.read_timeout = options.read_timeout;
  limits.idle_timeout = options.idle_timeout;
  limits.max_header_bytes = options.max_header_bytes;
  return limits;
}

ConnectionEvents EventsOf(const ListenerOptions& options) {
  if (!options.on_event) return {};
  auto report = [on_event = options.on_event](TransportEvent::Kind kind) {
    return [on_event, kind] {
      TransportEvent event;
      event.kind = kind;
      on_event(event);
    };
  };
  auto answered = [on_event = options.on_event](int status, const std::string& code,
                                                const std::string& request_id,
                                                const std::string& remote_address) {
    TransportEvent event;
    event.kind = TransportEvent::Kind::kAnswered;
    event.status = status;
    event.code = code;
    event.request_id = request_id;
    event.remote_address = remote_address;
    on_event(event);
  };
  return {report(TransportEvent::Kind::kOpened), report(TransportEvent::Kind::kClosed),
          report(TransportEvent::Kind::kRejected), answered};
}

}  // namespace

struct HttpListener::Impl {
  Impl(const ListenerOptions& options, RequestHandler handler)
      : server(LimitsOf(options), EventsOf(options)),
        handler(std::move(handler)),
        options(options) {}

  TimedServer server;
  RequestHandler handler;
  const ListenerOptions options;
  std::atomic<bool> serving{false};
  std::atomic<bool> stop_requested{false};
  socket_t listening_socket = INVALID_SOCKET;  // The last socket the library bound or tried.

  void Configure();
  void Adapt(const httplib::Request& request, httplib::Response& out) const {
    IgnoreRangesInLibrary(request);
    HttpResponse response = handler(FromHttplib(request));
    if (HasUnreadBody(request)) {
      response.headers["Connection"] = "close";
      CloseAfterResponse();
    }
    ToHttplib(response, out);
  }
  void AdaptWithReader(const httplib::Request& request, httplib::Response& response,
                       const httplib::ContentReader& reader) const;
  void RouteBodies();
  httplib::Server::HandlerResponse AnswerError(const httplib::Request& request,
                                               httplib::Response& response) const;
};

// Every request with a body comes here, so the library never buffers one: streamed routes get
// the reader, the others a body read whole under max_body_bytes.
void HttpListener::Impl::AdaptWithReader(const httplib::Request& in, httplib::Response& out,
                                         const httplib::ContentReader& reader) const {
  IgnoreRangesInLibrary(in);
  HttpRequest request = FromHttplib(in);
  if (options.stream_body && options.stream_body(request.method, request.target)) {
    bool read_called = false;
    bool read_whole = false;
    request.read_body = [&reader, &read_called, &read_whole](const BodySink& sink) {
      read_called = true;
      read_whole = reader(
          [&sink](const char* data, size_t size) { return sink(std::string_view(data, size)); });
      return read_whole;
    };
    HttpResponse response = handler(request);
    // A handler that answered without reading the whole body (an error found in the headers,
    // an upload stopped at its limit) leaves body bytes in the connection, which would be
    // parsed as the next request and shift every later answer by one. A short rest is read
    // and dropped; otherwise the connection ends with this response.
    if (!(read_called ? read_whole : DrainBody(reader))) {
      response.headers["Connection"] = "close";
      CloseAfterResponse();
    }
    ToHttplib(response, out);
    return;
  }
  if (DeclaresMoreThan(in, options.max_body_bytes)) {
    RefuseUnreadBody(options.max_body_bytes, out);
    return;
  }
  bool too_large = false;
  if (!ReadCapped(reader, options.max_body_bytes, &request.body, &too_large)) {
    // The body is unread past the failure (a bad chunk, a limit): what follows it on the
    // connection must never run as a request of its own.
    HttpResponse answer = ErrorResponse(
        LibraryError(too_large ? 413 : 400, options.max_body_bytes, options.max_header_bytes));
    answer.headers["Connection"] = "close";
    CloseAfterResponse();
    ToHttplib(answer, out);
    return;
  }
  ToHttplib(handler(request), out);
}

void HttpListener::Impl::RouteBodies() {
  if (!options.stream_body) return;
  // Bodies are limited in AdaptWithReader instead, per route.
  server.set_payload_max_length(std::numeric_limits<size_t>::max());
  auto adapt = [this](const httplib::Request& request, httplib::Response& response,
                      const httplib::ContentReader& reader) {
    AdaptWithReader(request, response, reader);
  };
  server.Post(kAnyPath, adapt);
  server.Put(kAnyPath, adapt);
  server.Patch(kAnyPath, adapt);
  server.Delete(kAnyPath, adapt);
}

void HttpListener::Impl::Configure() {
  size_t prestart =
      options.threads > 0 ? static_cast<size_t>(options.threads) : CPPHTTPLIB_THREAD_POOL_COUNT;
  server.new_task_queue = [max = options.max_connections, prestart] {
    return new ConnectionQueue(max, prestart);
  };
  server.set_socket_options([this](socket_t sock) {
    SocketOptions(sock);
    listening_socket = sock;
  });
  // The library writes a response's headers and body in separate sends; with Nagle's algorithm
  // the body then waits for the client's delayed ACK (40 ms on Linux) on every request. Set on
  // the listening socket, so every accepted one inherits it.
  server.set_tcp_nodelay(true);
  server.set_payload_max_length(options.max_body_bytes);
  // Only for the Keep-Alive header the library writes; the connection loop enforces them.
  server.set_keep_alive_timeout(
      std::chrono::duration_cast<std::chrono::seconds>(options.idle_timeout).count());
  server.set_keep_alive_max_count(ConnectionLimits{}.max_requests);
  auto adapt = [this](const httplib::Request& request, httplib::Response& response) {
    Adapt(request, response);
  };
  server.Get(kAnyPath, adapt);
  server.Post(kAnyPath, adapt);
  server.Put(kAnyPath, adapt);
  server.Patch(kAnyPath, adapt);
  server.Delete(kAnyPath, adapt);
  server.Options(kAnyPath, adapt);
  RouteBodies();
  // "Expect: 100-continue" with a declared length over the route's limit: 413 at once, before
  // the client sends the body (and without "100 Continue").
  server.set_expect_100_continue_handler(
      [this](const httplib::Request& request, httplib::Response& response) {
        bool streamed = options.stream_body && options.stream_body(request.method, request.target);
        size_t limit = streamed ? options.max_streamed_body_bytes : options.max_body_bytes;
        if (!DeclaresMoreThan(request, limit)) return 100;
        RefuseUnreadBody(limit, response);
        return 413;
      });
  server.set_error_handler(httplib::Server::HandlerWithResponse(
      [this](const httplib::Request& request, httplib::Response& response) {
        return AnswerError(request, response);
      }));
  // The dispatcher catches everything; this only covers the adapter itself (e.g. bad_alloc).
  server.set_exception_handler([](const httplib::Request&, httplib::Response& response,
                                  std::exception_ptr error) {
    HttpError answer = MakeHttpError(500, "internal", "internal error while handling the request");
    try {
      std::rethrow_exception(error);
    } catch (const std::bad_alloc&) {
      answer = MakeHttpError(503, "out_of_memory",
                             "the server ran short of memory while serving this request; retry");
    } catch (...) {
    }
    ToHttplib(ErrorResponse(answer), response);
  });
}

httplib::Server::HandlerResponse HttpListener::Impl::AnswerError(
    const httplib::Request& request, httplib::Response& response) const {
  // Answers of the handler already have their JSON body.
  if (!response.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
  HttpError error = LibraryError(response.status, options.max_body_bytes, options.max_header_bytes);
  HttpResponse answer = ErrorResponse(error);
  std::string request_id = RandomHex(8);
  answer.headers["X-Request-Id"] = request_id;
  // A cut request leaves unread bytes behind, so the connection loop closes the connection.
  // So does a request that is not valid HTTP (an unknown method, a bad request line: the
  // library stops reading there, and its headers and body would be read as further requests)
  // or that was refused with its body unread.
  if (CurrentCutReason() != CutReason::kNone) answer.headers["Connection"] = "close";
  // A 414's headers may be unread too (the library stops at the request line's length).
  if (error.status == 400 || error.status == 414 || HasUnreadBody(request)) {
    answer.headers["Connection"] = "close";
    CloseAfterResponse();
  }
  ToHttplib(answer, response);
  if (options.on_event) {
    options.on_event(TransportEvent{.kind = TransportEvent::Kind::kAnswered,
                                    .status = error.status,
                                    .code = error.code,
                                    .method = request.method,
                                    .target = request.target,
                                    .remote_address = CurrentRemoteAddress(),
                                    .request_id = request_id});
  }
  return httplib::Server::HandlerResponse::Handled;
}

HttpListener::HttpListener(std::unique_ptr<Impl> impl, int port)
    : impl_(std::move(impl)), port_(port) {}

HttpListener::~HttpListener() = default;

Result<std::unique_ptr<HttpListener>> HttpListener::Bind(const ListenerOptions& options,
                                                         RequestHandler handler) {
  auto impl = std::make_unique<Impl>(options, std::move(handler));
  impl->Configure();
  errno = 0;
  int port = options.port;
  bool bound = options.port == 0 ? (port = impl->server.bind_to_any_port(options.host)) > 0
                                 : impl->server.bind_to_port(options.host, options.port);
  if (!bound) {
    std::string reason = errno != 0 ? std::strerror(errno) : "address not usable";
    return Unavailable("cannot listen on " + options.host + ":" + std::to_string(options.port) +
                       ": " + reason);
  }
  // The library listens with a compiled-in backlog of 5: the kernel drops the SYNs of a burst
  // of connections beyond it, and each of those clients waits 1 s to send its SYN again.
  // listen() on a listening socket only raises its backlog.
  if (listen(impl->listening_socket, SOMAXCONN) != 0) {
    return Unavailable("cannot listen on " + options.host + ":" + std::to_string(port) + ": " +
                       std::strerror(errno));
  }
  return std::unique_ptr<HttpListener>(new HttpListener(std::move(impl), port));
}

Status HttpListener::Serve() {
  impl_->serving = true;
  bool ok = impl_->stop_requested || impl_->server.listen_after_bind();
  impl_->serving = false;
  return ok ? Status::Ok() : Unavailable("HTTP accept loop failed");
}

void HttpListener::Stop() {
  impl_->stop_requested = true;
  // The library ignores stop() until its accept loop runs; a stop that arrives while Serve is
  // starting waits for the loop (a stop before Serve makes Serve return at once).
  while (impl_->serving && !impl_->server.is_running()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  impl_->server.stop();
}

size_t HttpListener::CloseConnections() { return impl_->server.CloseConnections(); }

}  // namespace xronox::server
