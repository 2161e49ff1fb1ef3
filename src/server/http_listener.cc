#include "server/http_listener.h"

#include <httplib.h>
#include <sys/socket.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <thread>

#include "server/codec.h"

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
  return out;
}

void ToHttplib(const HttpResponse& in, httplib::Response& out) {
  out.status = in.status;
  std::string content_type = HeaderValue(in.headers, "Content-Type");
  for (const auto& [name, value] : in.headers) {
    if (!EqualsIgnoreCase(name, "Content-Type")) out.set_header(name, value);  // set_content.
  }
  if (!in.body.empty() || !content_type.empty()) out.set_content(in.body, content_type.c_str());
}

// Errors the HTTP library answers by itself (malformed requests, bodies over the limit) get
// the same JSON error shape as everything else.
HttpError LibraryError(int status, size_t max_body_bytes) {
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

}  // namespace

struct HttpListener::Impl {
  httplib::Server server;
  RequestHandler handler;
  size_t max_body_bytes = 0;
  std::atomic<bool> serving{false};
  std::atomic<bool> stop_requested{false};
  socket_t listening_socket = INVALID_SOCKET;  // The last socket the library bound or tried.

  void Configure(int threads);
  void Adapt(const httplib::Request& request, httplib::Response& response) const {
    ToHttplib(handler(FromHttplib(request)), response);
  }
};

void HttpListener::Impl::Configure(int threads) {
  // A worker serves one connection until it closes or idles for 5 s, so connections beyond the
  // pool wait; the library's default pool (8 threads here) left a client's ninth keep-alive
  // connection unanswered for 5 s.
  int pool = threads > 0 ? threads : kDefaultThreads;
  server.new_task_queue = [pool] { return new httplib::ThreadPool(pool); };
  server.set_socket_options([this](socket_t sock) {
    SocketOptions(sock);
    listening_socket = sock;
  });
  // The library writes a response's headers and body in separate sends; with Nagle's algorithm
  // the body then waits for the client's delayed ACK (40 ms on Linux) on every request.
  server.set_tcp_nodelay(true);
  // The library's limit (5) made busy clients reconnect every 5 requests; a limit still lets a
  // waiting connection take its turn when the pool is full.
  server.set_keep_alive_max_count(100);
  server.set_payload_max_length(max_body_bytes);
  auto adapt = [this](const httplib::Request& request, httplib::Response& response) {
    Adapt(request, response);
  };
  server.Get(kAnyPath, adapt);
  server.Post(kAnyPath, adapt);
  server.Put(kAnyPath, adapt);
  server.Patch(kAnyPath, adapt);
  server.Delete(kAnyPath, adapt);
  server.Options(kAnyPath, adapt);
  server.set_error_handler(httplib::Server::HandlerWithResponse(
      [this](const httplib::Request&, httplib::Response& response) {
        if (!response.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
        ToHttplib(ErrorResponse(LibraryError(response.status, max_body_bytes)), response);
        return httplib::Server::HandlerResponse::Handled;
      }));
  // The dispatcher catches everything; this only covers the adapter itself (e.g. bad_alloc).
  server.set_exception_handler([](const httplib::Request&, httplib::Response& response,
                                  std::exception_ptr) {
    ToHttplib(
        ErrorResponse(MakeHttpError(500, "internal", "internal error while handling the request")),
        response);
  });
}

HttpListener::HttpListener(std::unique_ptr<Impl> impl, int port)
    : impl_(std::move(impl)), port_(port) {}

HttpListener::~HttpListener() = default;

Result<std::unique_ptr<HttpListener>> HttpListener::Bind(const ListenerOptions& options,
                                                         RequestHandler handler) {
  auto impl = std::make_unique<Impl>();
  impl->handler = std::move(handler);
  impl->max_body_bytes = options.max_body_bytes;
  impl->Configure(options.threads);
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

}  // namespace xronox::server
