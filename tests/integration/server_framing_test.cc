// Strict HTTP/1.1 framing against a real xronoxd over raw sockets (RFC 9112 sections 6.1 and
// 6.3): every ambiguous head is answered at once with its status and the connection closed, so
// that no byte after it runs as a second request (request smuggling), and nothing waits for the
// read timeout.
#include <chrono>
#include <string>

#include "integration/raw_connection.h"
#include "integration/test_support.h"

namespace xronox::testing {
namespace {

using std::chrono::milliseconds;

// A read timeout far longer than any answer here may take: an answer that waited for it
// would fail the time bound below.
class ServerFramingTest : public XronoxdTest {
 protected:
  std::vector<std::string> ServerFlags() override {
    return {"--read-timeout", "20", "--max-body", "1024"};
  }

  struct Answer {
    int status = 0;
    std::string code;
    bool closed = false;
    std::string raw;
    milliseconds took{0};
  };

  // Sends `request`, reads until the server closes the connection (or 5 s pass).
  Answer Exchange(const std::string& request) {
    RawConnection connection(server_->port());
    EXPECT_TRUE(connection.connected());
    auto start = std::chrono::steady_clock::now();
    EXPECT_TRUE(connection.Send(request));
    Answer answer;
    answer.raw = connection.ReadUntilClosed(milliseconds(5000), &answer.closed);
    answer.took =
        std::chrono::duration_cast<milliseconds>(std::chrono::steady_clock::now() - start);
    answer.status = StatusOf(answer.raw);
    Json body = Json::parse(BodyOf(answer.raw), nullptr, false);
    if (body.is_object() && body.contains("error")) answer.code = body["error"].value("code", "");
    return answer;
  }

  // `head` is refused with `status`, the connection is closed, and the request smuggled after
  // it never runs (it would have created a record).
  void ExpectRefused(const std::string& head, int status, const std::string& code) {
    std::string smuggled =
        "PUT /v1/knowledge/_/facts/smuggled HTTP/1.1\r\nHost: x\r\nContent-Type: "
        "application/json\r\nContent-Length: 2\r\n\r\n{}";
    Answer answer = Exchange(head + smuggled);
    EXPECT_EQ(answer.status, status) << head << "\n" << answer.raw;
    EXPECT_EQ(answer.code, code) << head;
    EXPECT_TRUE(answer.closed) << "connection left open after: " << head;
    EXPECT_LT(answer.took.count(), 3000) << "waited for the read timeout: " << head;
    EXPECT_EQ(answer.raw.find("HTTP/1.1", 1), std::string::npos)
        << "a second response came back: " << answer.raw;
    EXPECT_EQ(Get("/v1/knowledge/_/facts/smuggled").status, 404) << "the smuggled request ran";
  }
};

TEST_F(ServerFramingTest, ConflictingContentLengthsAre400AndClose) {
  ExpectRefused(
      "PUT /v1/knowledge/_/facts/a HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
      "Content-Length: 2\r\nContent-Length: 44\r\n\r\n{}",
      400, "bad_request");
  ExpectRefused(
      "PUT /v1/knowledge/_/facts/a HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
      "Content-Length: 2, 44\r\n\r\n{}",
      400, "bad_request");
}

TEST_F(ServerFramingTest, ContentLengthWithTransferEncodingIs400AndCloses) {
  ExpectRefused(
      "POST /v1/knowledge/_/facts HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
      "Content-Length: 7\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n",
      400, "bad_request");
}

TEST_F(ServerFramingTest, FoldedAndColonlessHeaderLinesAre400) {
  ExpectRefused("GET /v1/health HTTP/1.1\r\nHost: x\r\nX-Folded: a\r\n b\r\n\r\n", 400,
                "bad_request");
  ExpectRefused("GET /v1/health HTTP/1.1\r\nHost: x\r\nNoColon\r\n\r\n", 400, "bad_request");
}

TEST_F(ServerFramingTest, BadOrHugeLengthsAre400AtOnce) {
  for (const char* length : {"-1", "99999999999999999999"}) {
    ExpectRefused(std::string("PUT /v1/knowledge/_/facts/a HTTP/1.1\r\nHost: x\r\n"
                              "Content-Type: application/json\r\nContent-Length: ") +
                      length + "\r\n\r\n",
                  400, "bad_request");
  }
}

// A chunk size past 64 bits fails the body read: the rest of the body must not run as a request.
TEST_F(ServerFramingTest, ABadChunkIs400AndCloses) {
  ExpectRefused(
      "POST /v1/knowledge/_/facts HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
      "Transfer-Encoding: chunked\r\n\r\n10000000000000001\r\n{}\r\n0\r\n\r\n",
      400, "bad_request");
}

TEST_F(ServerFramingTest, AnHttp11RequestWithoutHostIs400) {
  ExpectRefused("GET /v1/health HTTP/1.1\r\n\r\n", 400, "bad_request");
  ExpectRefused("GET /v1/health HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400, "bad_request");
}

TEST_F(ServerFramingTest, AWriteWithoutALengthIs411AtOnce) {
  for (const char* method : {"POST /v1/knowledge/_/facts", "PUT /v1/knowledge/_/facts/a",
                             "PATCH /v1/knowledge/_/facts/a"}) {
    ExpectRefused(
        std::string(method) + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n\r\n{}",
        411, "length_required");
  }
}

TEST_F(ServerFramingTest, AnUnsupportedTransferCodingIs501AtOnce) {
  ExpectRefused(
      "POST /v1/knowledge/_/facts HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
      "Transfer-Encoding: gzip, chunked\r\n\r\n",
      501, "not_implemented");
}

TEST_F(ServerFramingTest, A414ClosesItsConnection) {
  std::string target = "/v1/knowledge/_/facts/" + std::string(9000, 'a');
  Answer answer = Exchange("GET " + target +
                           " HTTP/1.1\r\nHost: x\r\n\r\nGET /v1/health "
                           "HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(answer.status, 414) << answer.raw;
  EXPECT_TRUE(answer.closed);
  EXPECT_EQ(answer.raw.find("HTTP/1.1", 1), std::string::npos) << answer.raw;
}

TEST_F(ServerFramingTest, ExpectContinueOverTheLimitIs413WithoutReadingTheBody) {
  RawConnection connection(server_->port());
  ASSERT_TRUE(connection.connected());
  auto start = std::chrono::steady_clock::now();
  ASSERT_TRUE(connection.Send(
      "PUT /v1/knowledge/_/facts/big HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
      "Content-Length: 5000000\r\nExpect: 100-continue\r\n\r\n"));
  bool closed = false;
  std::string raw = connection.ReadUntilClosed(milliseconds(5000), &closed);
  auto took = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(StatusOf(raw), 413) << raw;
  EXPECT_EQ(raw.find("100 Continue"), std::string::npos) << raw;
  EXPECT_TRUE(closed);
  EXPECT_LT(took, std::chrono::seconds(3));
  // Within the limit, the client is told to go on.
  RawConnection small(server_->port());
  ASSERT_TRUE(small.Send(
      "PUT /v1/knowledge/_/facts/small HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
      "Content-Length: 2\r\nExpect: 100-continue\r\n\r\n"));
  ASSERT_TRUE(small.Readable(milliseconds(3000)));
  std::string interim = small.ReadResponse(milliseconds(1000));
  EXPECT_EQ(interim.rfind("HTTP/1.1 100 Continue\r\n", 0), 0u) << interim;
  ASSERT_TRUE(small.Send("{}"));
  std::string created = small.ReadResponse(milliseconds(3000));
  EXPECT_EQ(StatusOf(created), 201) << created;
}

TEST_F(ServerFramingTest, ADeclaredBodyOverTheLimitIs413WithoutReadingIt) {
  RawConnection connection(server_->port());
  ASSERT_TRUE(connection.Send(
      "PUT /v1/knowledge/_/facts/big HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
      "Content-Length: 5000000\r\n\r\n{"));
  bool closed = false;
  std::string raw = connection.ReadUntilClosed(milliseconds(5000), &closed);
  EXPECT_EQ(StatusOf(raw), 413) << raw;
  EXPECT_TRUE(closed) << "the rest of the body would have been read as requests";
}

TEST_F(ServerFramingTest, AHistoryCursorPastInt64Is400) {
  Reply created = SendJson("PUT", "/v1/runtime/acme/orders/o1", {{"a", 1}}, Audit());
  ASSERT_EQ(created.status, 201) << created.raw;
  Reply history = Get("/v1/runtime/acme/orders/o1/history?cursor=v9999999999999999999");
  EXPECT_EQ(history.status, 400) << history.raw;
  EXPECT_EQ(Get("/v1/runtime/acme/orders/o1/history?cursor=v9223372036854775807").status, 200);
}

TEST_F(ServerFramingTest, OrdinaryKeepAliveRequestsStillWork) {
  RawConnection connection(server_->port());
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(connection.Send("GET /v1/health HTTP/1.1\r\nHost: x\r\n\r\n"));
    std::string raw = connection.ReadResponse(milliseconds(3000));
    EXPECT_EQ(StatusOf(raw), 200) << raw;
  }
  ASSERT_TRUE(connection.Send(
      "PUT /v1/knowledge/_/facts/ok HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
      "Transfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n"));
  std::string raw = connection.ReadResponse(milliseconds(3000));
  EXPECT_EQ(StatusOf(raw), 201) << raw;
}

}  // namespace
}  // namespace xronox::testing
