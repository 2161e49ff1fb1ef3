// xronoxd's limits against a real process over raw loopback sockets: a request trickled too
// slowly (request line, headers or body) is answered 408 and cut off at the read timeout; an
// idle keep-alive connection is closed at the idle timeout; oversized headers get 431 and
// connections over the limit 503 with Retry-After, both with the JSON error shape; SIGTERM lets
// a write under way finish while new connections are refused, and a drain that outlasts its
// timeout ends with the connections closed and exit status 1; a content upload refused before
// its body is read, or a GET or an unknown method sent with a body, never makes the body's bytes
// pass for the next request, and a refused upload's slow body is not waited for.
#include <future>

#include "integration/raw_connection.h"
#include "integration/test_support.h"

namespace xronox::testing {
namespace {

using std::chrono::milliseconds;
using std::chrono::steady_clock;

double SecondsSince(steady_clock::time_point start) {
  return std::chrono::duration<double>(steady_clock::now() - start).count();
}

std::string ErrorCodeIn(const std::string& response) {
  Json body = Json::parse(BodyOf(response), nullptr, /*allow_exceptions=*/false);
  return body.is_object() && body.contains("error") ? body["error"].value("code", "") : "";
}

// Send `head` at once, then `trickle` one byte every 200 ms until the server answers or
// closes; returns what it answered and sets `seconds` to the time from the first byte.
std::string Trickle(int port, const std::string& head, const std::string& trickle,
                    double* seconds) {
  RawConnection connection(port);
  EXPECT_TRUE(connection.connected());
  auto start = steady_clock::now();
  connection.Send(head);
  for (char c : trickle) {
    if (connection.Readable(milliseconds(200)) || !connection.Send(std::string(1, c))) break;
  }
  bool closed = false;
  std::string response = connection.ReadUntilClosed(milliseconds(5000), &closed);
  *seconds = SecondsSince(start);
  EXPECT_TRUE(closed) << "the server must close a cut-off connection";
  return response;
}

class ServerTimeoutTest : public XronoxdTest {
 protected:
  std::vector<std::string> ServerFlags() override {
    return {"--read-timeout", "1", "--idle-timeout", "1"};
  }
};

TEST_F(ServerTimeoutTest, TrickledRequestLineIsAnswered408AndCutOff) {
  double seconds = 0;
  std::string response =
      Trickle(server_->port(), "", "GET /v1/health HTTP/1.1\r\nHost: x\r\n\r\n", &seconds);
  EXPECT_EQ(StatusOf(response), 408) << response;
  EXPECT_EQ(ErrorCodeIn(response), "request_timeout") << response;
  EXPECT_GT(seconds, 0.9);
  EXPECT_LT(seconds, 3.0) << "cut off at the 1 s read timeout, not at the end of the trickle";
}

TEST_F(ServerTimeoutTest, TrickledHeadersAreAnswered408AndCutOff) {
  double seconds = 0;
  std::string response = Trickle(server_->port(), "GET /v1/health HTTP/1.1\r\n",
                                 "X-Slow: " + std::string(40, 'a') + "\r\n\r\n", &seconds);
  EXPECT_EQ(StatusOf(response), 408) << response;
  EXPECT_EQ(ErrorCodeIn(response), "request_timeout") << response;
  EXPECT_NE(response.find("Connection: close"), std::string::npos) << response;
  EXPECT_GT(seconds, 0.9);
  EXPECT_LT(seconds, 3.0);
}

TEST_F(ServerTimeoutTest, TrickledBodyIsAnswered408AndCutOff) {
  std::string body = R"({"value":")" + std::string(60, 'x') + R"("})";
  std::string head =
      "PUT /v1/knowledge/_/docs/slow HTTP/1.1\r\nHost: x\r\n"
      "Content-Type: application/json\r\nContent-Length: " +
      std::to_string(body.size()) + "\r\n\r\n";
  double seconds = 0;
  std::string response = Trickle(server_->port(), head, body, &seconds);
  EXPECT_EQ(StatusOf(response), 408) << response;
  EXPECT_EQ(ErrorCodeIn(response), "request_timeout") << response;
  EXPECT_LT(seconds, 3.0);
  EXPECT_EQ(Get("/v1/knowledge/_/docs/slow").status, 404) << "the cut-off write did not happen";
}

TEST_F(ServerTimeoutTest, IdleKeepAliveConnectionIsClosedAtTheIdleTimeout) {
  RawConnection connection(server_->port());
  ASSERT_TRUE(connection.connected());
  ASSERT_TRUE(connection.Send("GET /v1/health HTTP/1.1\r\nHost: x\r\n\r\n"));
  std::string first = connection.ReadResponse(milliseconds(5000));
  ASSERT_EQ(StatusOf(first), 200) << first;
  EXPECT_NE(first.find("Keep-Alive: timeout=1"), std::string::npos) << first;
  auto start = steady_clock::now();
  bool closed = false;
  std::string more = connection.ReadUntilClosed(milliseconds(5000), &closed);
  EXPECT_TRUE(closed);
  EXPECT_EQ(more, "");
  EXPECT_GT(SecondsSince(start), 0.8);
  EXPECT_LT(SecondsSince(start), 3.0);
}

TEST_F(ServerTimeoutTest, ConnectionThatSendsNothingIsClosed) {
  RawConnection connection(server_->port());
  ASSERT_TRUE(connection.connected());
  auto start = steady_clock::now();
  bool closed = false;
  EXPECT_EQ(connection.ReadUntilClosed(milliseconds(5000), &closed), "");
  EXPECT_TRUE(closed);
  EXPECT_LT(SecondsSince(start), 3.0);
}

// Content uploads are streamed, so a handler that refuses one from its headers leaves the body
// unread: the server must drop it (or close), never read it as the connection's next request.
class ServerUnreadBodyTest : public XronoxdTest {
 protected:
  std::vector<std::string> ServerFlags() override { return {"--max-content", "4096"}; }

  // A PUT of content with `body` and an If-Match the handler refuses before reading the body.
  static std::string RefusedUpload(const std::string& body) {
    return "PUT /v1/knowledge/_/docs/d/content/scan HTTP/1.1\r\nHost: x\r\n"
           "If-Match: null\r\nContent-Type: application/pdf\r\nContent-Length: " +
           std::to_string(body.size()) + "\r\n\r\n" + body;
  }
};

TEST_F(ServerUnreadBodyTest, ARefusedUploadsBodyIsNotReadAsTheNextRequest) {
  RawConnection connection(server_->port());
  ASSERT_TRUE(connection.connected());
  // The body is itself a request: answered, it would shift every later answer by one.
  ASSERT_TRUE(connection.Send(RefusedUpload("GET /v1/ready HTTP/1.1\r\nHost: x\r\n\r\n")));
  std::string refused = connection.ReadResponse(milliseconds(5000));
  EXPECT_EQ(StatusOf(refused), 400) << refused;
  EXPECT_EQ(ErrorCodeIn(refused), "invalid_header") << refused;
  ASSERT_TRUE(connection.Send("GET /v1/health HTTP/1.1\r\nHost: x\r\n\r\n"));
  std::string health = connection.ReadResponse(milliseconds(5000));
  EXPECT_EQ(StatusOf(health), 200) << health;
  EXPECT_EQ(BodyOf(health), R"({"status":"ok"})") << health;
}

TEST_F(ServerUnreadBodyTest, ARefusedUploadTooLongToDropClosesTheConnection) {
  RawConnection connection(server_->port());
  ASSERT_TRUE(connection.connected());
  std::string body(3u << 20, 'x');  // Over the 1 MiB the server drops to keep a connection.
  connection.Send(RefusedUpload(body));
  bool closed = false;
  std::string refused = connection.ReadUntilClosed(milliseconds(10000), &closed);
  EXPECT_TRUE(closed) << "the connection must end after the answer";
  if (!refused.empty()) {  // The close may reset the connection before the answer is read.
    EXPECT_EQ(StatusOf(refused), 400) << refused.substr(0, 300);
    EXPECT_NE(refused.find("Connection: close"), std::string::npos) << refused.substr(0, 300);
  }
}

// A client that sends the headers and then stops (or trickles) does not hold a worker while
// the server waits for a body it would only drop: the answer comes at once, then the close.
TEST_F(ServerUnreadBodyTest, ARefusedUploadsSlowBodyIsNotWaitedFor) {
  RawConnection connection(server_->port());
  ASSERT_TRUE(connection.connected());
  std::string upload = RefusedUpload("0123456789");
  auto start = steady_clock::now();
  ASSERT_TRUE(connection.Send(upload.substr(0, upload.size() - 5)));
  bool closed = false;
  std::string refused = connection.ReadUntilClosed(milliseconds(10000), &closed);
  EXPECT_LT(SecondsSince(start), 2.0) << "the server waited for the body (read timeout: 30 s)";
  EXPECT_TRUE(closed) << "the rest of the body is unread: the connection must end";
  EXPECT_EQ(StatusOf(refused), 400) << refused;
  EXPECT_NE(refused.find("Connection: close"), std::string::npos) << refused;
}

TEST_F(ServerUnreadBodyTest, AGetsBodyIsNotReadAsTheNextRequest) {
  RawConnection connection(server_->port());
  ASSERT_TRUE(connection.connected());
  std::string hidden = "GET /v1/ready HTTP/1.1\r\nHost: x\r\n\r\n";
  ASSERT_TRUE(connection.Send("GET /v1/health HTTP/1.1\r\nHost: x\r\nContent-Length: " +
                              std::to_string(hidden.size()) + "\r\n\r\n" + hidden));
  bool closed = false;
  std::string answers = connection.ReadUntilClosed(milliseconds(5000), &closed);
  EXPECT_TRUE(closed) << "the connection must end after the answer";
  EXPECT_EQ(StatusOf(answers), 200) << answers;
  EXPECT_EQ(answers.find("ready"), std::string::npos) << "the body was answered: " << answers;
}

// TRACE is a method the library parses but serves no route for; QUERY one it cannot parse, so
// it stops reading at the request line and the headers would come next.
TEST_F(ServerUnreadBodyTest, AnUnknownMethodsHeadersAndBodyAreNotReadAsTheNextRequest) {
  std::string hidden = "GET /v1/ready HTTP/1.1\r\nHost: x\r\n\r\n";
  for (std::string method : {"TRACE", "QUERY"}) {
    RawConnection connection(server_->port());
    ASSERT_TRUE(connection.connected());
    ASSERT_TRUE(connection.Send(method + " /v1/health HTTP/1.1\r\nHost: x\r\nContent-Length: " +
                                std::to_string(hidden.size()) + "\r\n\r\n" + hidden));
    bool closed = false;
    std::string answers = connection.ReadUntilClosed(milliseconds(5000), &closed);
    EXPECT_TRUE(closed) << method << ": the connection must end after the answer";
    EXPECT_EQ(StatusOf(answers), 400) << method << " " << answers;
    size_t second = answers.find("HTTP/1.1", 1);
    EXPECT_EQ(second, std::string::npos) << method << ": more than one answer: " << answers;
  }
}

class ServerHeaderLimitTest : public XronoxdTest {
 protected:
  std::vector<std::string> ServerFlags() override { return {"--max-header-bytes", "16384"}; }
  static httplib::Headers Padding(int count, size_t size) {
    httplib::Headers headers;
    for (int i = 0; i < count; ++i)
      headers.emplace("X-Pad-" + std::to_string(i), std::string(size, 'p'));
    return headers;
  }
};

TEST_F(ServerHeaderLimitTest, HeadersOverTheLimitGet431WithTheJsonErrorShape) {
  EXPECT_EQ(Get("/v1/health", Padding(10, 1000)).status, 200) << "10 kB is under the limit";
  Reply total = Get("/v1/health", Padding(20, 1000));
  EXPECT_EQ(total.status, 431) << total.raw;
  EXPECT_EQ(total.ErrorCode(), "headers_too_large") << total.raw;
  EXPECT_FALSE(total.Header("X-Request-Id").empty());
  Reply line = Get("/v1/health", Padding(1, 9000));
  EXPECT_EQ(line.status, 431) << "one line over the library's 8 kB line limit: " << line.raw;
  EXPECT_EQ(line.ErrorCode(), "headers_too_large");
  EXPECT_EQ(Get("/v1/health").status, 200) << "the server still answers";
}

class ServerConnectionLimitTest : public XronoxdTest {
 protected:
  std::vector<std::string> ServerFlags() override {
    return {"--max-connections", "2", "--idle-timeout", "30"};
  }
};

TEST_F(ServerConnectionLimitTest, ConnectionsOverTheLimitGet503WithRetryAfter) {
  const std::string health = "GET /v1/health HTTP/1.1\r\nHost: x\r\n\r\n";
  auto first = std::make_unique<RawConnection>(server_->port());
  RawConnection second(server_->port());
  for (RawConnection* held : {first.get(), &second}) {
    ASSERT_TRUE(held->Send(health));
    ASSERT_EQ(StatusOf(held->ReadResponse(milliseconds(5000))), 200) << "held keep-alive";
  }
  RawConnection third(server_->port());
  ASSERT_TRUE(third.connected()) << "the kernel accepts; the server answers";
  third.Send(health);
  bool closed = false;
  std::string refused = third.ReadUntilClosed(milliseconds(5000), &closed);
  EXPECT_TRUE(closed);
  EXPECT_EQ(StatusOf(refused), 503) << refused;
  EXPECT_NE(refused.find("Retry-After: 1\r\n"), std::string::npos) << refused;
  EXPECT_EQ(ErrorCodeIn(refused), "too_many_connections") << refused;
  EXPECT_EQ(StatusOf(second.ReadResponse(milliseconds(100))), 0) << "held ones stay open";
  ASSERT_TRUE(second.Send(health));
  EXPECT_EQ(StatusOf(second.ReadResponse(milliseconds(5000))), 200);

  first.reset();  // Frees a slot once the server sees the close.
  int status = 0;
  for (int attempt = 0; attempt < 50 && status != 200; ++attempt) {
    RawConnection fourth(server_->port());
    fourth.Send("GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    bool done = false;
    std::string metrics = fourth.ReadUntilClosed(milliseconds(5000), &done);
    status = StatusOf(metrics);
    if (status == 200) {
      EXPECT_NE(metrics.find("xronox_http_connections_rejected_total "), std::string::npos);
      EXPECT_EQ(metrics.find("xronox_http_connections_rejected_total 0\n"), std::string::npos)
          << "the refusal is counted";
    } else {
      std::this_thread::sleep_for(milliseconds(100));
    }
  }
  EXPECT_EQ(status, 200) << "a freed slot serves again";
}

// SIGTERM between the two parts of a write's body: the write completes, new connections are
// refused meanwhile, the process exits 0 and the record is there after a restart.
class ServerDrainTest : public XronoxdTest {
 protected:
  std::vector<std::string> ServerFlags() override { return {"--read-timeout", "20"}; }

  static std::string PutHead(const std::string& id, size_t length) {
    return "PUT /v1/runtime/acme/orders/" + id +
           " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
           "X-Xronox-Actor: tester\r\nX-Xronox-Reason: drain test\r\nContent-Length: " +
           std::to_string(length) + "\r\n\r\n";
  }

  // Wait until connecting fails (the listening socket is closed); false after 5 s.
  bool WaitUntilRefused() {
    for (int i = 0; i < 100; ++i) {
      RawConnection probe(server_->port());
      if (!probe.connected()) return probe.errno_value() == ECONNREFUSED;
      std::this_thread::sleep_for(milliseconds(50));
    }
    return false;
  }
};

TEST_F(ServerDrainTest, SigtermLetsAWriteUnderWayFinishAndRefusesNewConnections) {
  std::string body = R"({"status":"paid","qty":3})";
  RawConnection writer(server_->port());
  ASSERT_TRUE(writer.connected());
  ASSERT_TRUE(writer.Send(PutHead("drained", body.size()) + body.substr(0, 10)));
  std::this_thread::sleep_for(milliseconds(200));
  auto stopped = std::async(std::launch::async, [this] { return server_->Stop(); });
  EXPECT_TRUE(WaitUntilRefused()) << "new connections must be refused while draining";
  ASSERT_TRUE(writer.Send(body.substr(10)));
  std::string response = writer.ReadResponse(milliseconds(10000));
  EXPECT_EQ(StatusOf(response), 201) << response;
  EXPECT_EQ(stopped.get(), std::optional<int>(0)) << server_->Stderr();
  std::string log = server_->Stderr();
  EXPECT_NE(log.find("shutdown started"), std::string::npos) << log;
  EXPECT_NE(log.find(R"("drained":true)"), std::string::npos) << log;

  XronoxdProcess restarted(StoreFlags());
  ASSERT_GT(restarted.port(), 0) << restarted.Stderr();
  httplib::Client client("127.0.0.1", restarted.port());
  auto read = client.Get("/v1/runtime/acme/orders/drained");
  ASSERT_TRUE(read);
  EXPECT_EQ(read->status, 200) << read->body;
  EXPECT_EQ(Json::parse(read->body)["data"], Json::parse(body));
  EXPECT_EQ(restarted.Stop(), std::optional<int>(0));
}

class ServerDrainTimeoutTest : public ServerDrainTest {
 protected:
  std::vector<std::string> ServerFlags() override {
    return {"--read-timeout", "30", "--drain-timeout", "0.5"};
  }
};

TEST_F(ServerDrainTimeoutTest, ADrainPastItsTimeoutClosesConnectionsAndExits1) {
  RawConnection writer(server_->port());
  ASSERT_TRUE(writer.Send(PutHead("stuck", 100) + "{\"half\":"));
  std::this_thread::sleep_for(milliseconds(200));
  auto start = steady_clock::now();
  std::optional<int> code = server_->Stop();
  EXPECT_EQ(code, std::optional<int>(1)) << server_->Stderr();
  EXPECT_LT(SecondsSince(start), 5.0) << "bounded by the drain timeout, not the read timeout";
  bool closed = false;
  writer.ReadUntilClosed(milliseconds(2000), &closed);
  EXPECT_TRUE(closed);
  std::string log = server_->Stderr();
  EXPECT_NE(log.find("drain timeout"), std::string::npos) << log;
  EXPECT_NE(log.find(R"("drained":false)"), std::string::npos) << log;
  server_.reset();  // Stopped here, with the status this test expects.
}

}  // namespace
}  // namespace xronox::testing
