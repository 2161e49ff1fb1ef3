// Minimal HTTP/1.1 server on Boost.Beast implementing the shared transport-bench contract
// (GET /v1/health, body-echo length, 404, 400 on parse error, 413 over 1 MiB). Used by
// bench/transport/run.sh to measure what the library accepts and how fast it serves.

#include <sys/socket.h>

#include <algorithm>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
using tcp = asio::ip::tcp;

namespace {

using ReusePort = asio::detail::socket_option::boolean<SOL_SOCKET, SO_REUSEPORT>;
using Request = http::request<http::string_body>;
using Response = http::response<http::string_body>;

constexpr std::uint64_t kBodyLimit = 1 << 20;

bool IsParseError(const beast::error_code& ec) {
  return ec.category() == http::make_error_code(http::error::bad_target).category();
}

Response MakeResponse(http::status status, std::string body, unsigned version, bool keep_alive) {
  Response res{status, version};
  res.set(http::field::content_type, "application/json");
  res.body() = std::move(body);
  res.keep_alive(keep_alive);
  res.prepare_payload();
  return res;
}

Response Route(const Request& req) {
  const bool keep_alive = req.keep_alive();
  const auto method = req.method();
  if (method == http::verb::post || method == http::verb::put || !req.body().empty()) {
    std::string body = "{\"bytes\":" + std::to_string(req.body().size()) + "}";
    return MakeResponse(http::status::ok, std::move(body), req.version(), keep_alive);
  }
  if (method == http::verb::get && req.target() == "/v1/health") {
    return MakeResponse(http::status::ok, R"({"status":"ok"})", req.version(), keep_alive);
  }
  return MakeResponse(http::status::not_found, R"({"error":"not_found"})", req.version(),
                      keep_alive);
}

// One connection: read a request, answer it, repeat while keep-alive holds.
class Session : public std::enable_shared_from_this<Session> {
 public:
  explicit Session(tcp::socket socket) : socket_(std::move(socket)) {}

  void Start() { ReadRequest(); }

 private:
  void ReadRequest() {
    parser_.emplace();
    parser_->body_limit(kBodyLimit);
    http::async_read(
        socket_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code ec, std::size_t) { self->OnRead(ec); });
  }

  void OnRead(beast::error_code ec) {
    if (ec == http::error::end_of_stream) return Close();
    if (ec == http::error::body_limit) {
      return Write(MakeResponse(http::status::payload_too_large, R"({"error":"payload_too_large"})",
                                11, false));
    }
    if (IsParseError(ec)) {
      return Write(
          MakeResponse(http::status::bad_request, R"({"error":"bad_request"})", 11, false));
    }
    if (ec) return Close();
    Write(Route(parser_->get()));
  }

  void Write(Response res) {
    res_ = std::move(res);
    http::async_write(
        socket_, res_,
        [self = shared_from_this()](beast::error_code ec, std::size_t) { self->OnWrite(ec); });
  }

  void OnWrite(beast::error_code ec) {
    if (ec || res_.need_eof()) return Close();
    ReadRequest();
  }

  void Close() {
    beast::error_code ignored;
    socket_.shutdown(tcp::socket::shutdown_send, ignored);
    socket_.close(ignored);
  }

  tcp::socket socket_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  Response res_;
};

// One acceptor per event loop; all of them share the port through SO_REUSEPORT.
class Listener {
 public:
  Listener(asio::io_context& ioc, const tcp::endpoint& endpoint) : ioc_(ioc), acceptor_(ioc) {
    acceptor_.open(endpoint.protocol());
    acceptor_.set_option(asio::socket_base::reuse_address(true));
    acceptor_.set_option(ReusePort(true));
    acceptor_.bind(endpoint);
    acceptor_.listen(asio::socket_base::max_listen_connections);
  }

  void Accept() {
    acceptor_.async_accept(ioc_, [this](beast::error_code ec, tcp::socket socket) {
      if (!ec) {
        socket.set_option(tcp::no_delay(true), ec);
        std::make_shared<Session>(std::move(socket))->Start();
      }
      Accept();
    });
  }

 private:
  asio::io_context& ioc_;
  tcp::acceptor acceptor_;
};

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s PORT THREADS\n", argv[0]);
    return 2;
  }
  const auto port = static_cast<unsigned short>(std::atoi(argv[1]));
  const int threads = std::max(1, std::atoi(argv[2]));
  const tcp::endpoint endpoint{asio::ip::make_address("127.0.0.1"), port};

  std::vector<std::unique_ptr<asio::io_context>> loops;
  std::vector<std::unique_ptr<Listener>> listeners;
  try {
    for (int i = 0; i < threads; ++i) {
      loops.push_back(std::make_unique<asio::io_context>(1));
      listeners.push_back(std::make_unique<Listener>(*loops.back(), endpoint));
      listeners.back()->Accept();
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "listen failed: %s\n", e.what());
    return 1;
  }
  std::printf("listening on 127.0.0.1:%u\n", static_cast<unsigned>(port));
  std::fflush(stdout);

  std::vector<std::thread> workers;
  for (int i = 1; i < threads; ++i) workers.emplace_back([&loops, i] { loops[i]->run(); });
  loops[0]->run();
  for (auto& t : workers) t.join();
  return 0;
}
