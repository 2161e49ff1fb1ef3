// The strict request-head rules of RFC 9112 (server/transport/http_framing.h), one case per rule.
#include "server/transport/http_framing.h"

#include <gtest/gtest.h>

#include <cctype>
#include <string>

namespace xronox::server {
namespace {

// The head of `request_line` and `fields`; with a Host first unless `fields` name one, so that
// each case tests its own rule.
std::string HeadOf(const std::string& request_line, const std::string& fields) {
  std::string lower = fields;
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  const bool has_host = lower.starts_with("host:") || lower.find("\nhost:") != std::string::npos;
  return request_line + "\r\n" + (has_host ? "" : "Host: x\r\n") + fields + "\r\n";
}

std::string HeadWithoutHost(const std::string& request_line) { return request_line + "\r\n\r\n"; }

// The status a head gets: 0 when it may be read.
int StatusOf(const std::string& head) {
  std::optional<FramingError> error = CheckRequestFraming(head);
  return error ? error->status : 0;
}

TEST(HttpFramingTest, OrdinaryRequestsPass) {
  EXPECT_EQ(StatusOf(HeadOf("GET /v1/health HTTP/1.1", "Host: x\r\n")), 0);
  EXPECT_EQ(StatusOf(HeadOf("GET / HTTP/1.1", "")), 0);
  EXPECT_EQ(StatusOf(HeadOf("PUT /a HTTP/1.1", "Host: x\r\nContent-Length: 12\r\n")), 0);
  EXPECT_EQ(StatusOf(HeadOf("POST /a HTTP/1.1", "host: x\r\ncontent-length:0\r\n")), 0);
  EXPECT_EQ(StatusOf(HeadOf("PATCH /a HTTP/1.1", "Host: x\r\nTransfer-Encoding: chunked\r\n")), 0);
  EXPECT_EQ(StatusOf(HeadOf("POST /a HTTP/1.1", "Host: x\r\nTransfer-Encoding:  Chunked \r\n")), 0);
  EXPECT_EQ(StatusOf(HeadOf("DELETE /a HTTP/1.1", "Host: x\r\n")), 0) << "no body, no length";
  EXPECT_EQ(StatusOf(HeadOf("GET /a HTTP/1.1", "Host: x\r\nX-Tab: a\tb\r\nX-Empty:\r\n")), 0);
  EXPECT_EQ(StatusOf(HeadOf("GET /a HTTP/1.1", "Host: x\r\nX-Utf8: \xc3\xa9t\xc3\xa9\r\n")), 0);
}

// RFC 9112 section 3.2: an HTTP/1.1 request without Host, or with two, is answered 400.
TEST(HttpFramingTest, AnHttp11RequestNeedsExactlyOneHost) {
  EXPECT_EQ(StatusOf(HeadWithoutHost("GET /v1/health HTTP/1.1")), 400);
  EXPECT_EQ(StatusOf(HeadWithoutHost("GET /v1/health HTTP/1.0")), 0);
  EXPECT_EQ(StatusOf(HeadOf("GET /v1/health HTTP/1.1", "Host: a\r\nHost: b\r\n")), 400);
  EXPECT_EQ(StatusOf(HeadOf("GET /v1/health HTTP/1.1", "Host: a\r\nhost: a\r\n")), 400);
  EXPECT_EQ(StatusOf(HeadOf("GET /v1/health HTTP/1.1", "HOST: a\r\n")), 0);
}

TEST(HttpFramingTest, ContentLengthMustBeOnePlainNumber) {
  for (const char* fields : {
           "Content-Length: 2\r\nContent-Length: 44\r\n",  // Two headers that differ.
           "Content-Length: 5\r\nContent-Length: 5\r\n",   // Two headers, even equal.
           "Content-Length: 2, 44\r\n",                    // A list.
           "Content-Length: -1\r\n", "Content-Length: +5\r\n", "Content-Length: 0x10\r\n",
           "Content-Length: 1 2\r\n", "Content-Length: \r\n",
           "Content-Length: 99999999999999999999\r\n",  // Over int64.
       }) {
    std::optional<FramingError> error = CheckRequestFraming(HeadOf("PUT /a HTTP/1.1", fields));
    ASSERT_TRUE(error.has_value()) << fields;
    EXPECT_EQ(error->status, 400) << fields;
    EXPECT_EQ(error->code, "bad_request") << fields;
  }
  EXPECT_EQ(StatusOf(HeadOf("PUT /a HTTP/1.1", "Content-Length: 9223372036854775807\r\n")), 0);
}

TEST(HttpFramingTest, ContentLengthWithTransferEncodingIsRefused) {
  EXPECT_EQ(
      StatusOf(HeadOf("POST /a HTTP/1.1", "Content-Length: 4\r\nTransfer-Encoding: chunked\r\n")),
      400);
  EXPECT_EQ(
      StatusOf(HeadOf("POST /a HTTP/1.1", "Transfer-Encoding: chunked\r\nContent-Length: 4\r\n")),
      400);
}

TEST(HttpFramingTest, TransferCodingsOtherThanChunkedAre501OrMalformed) {
  EXPECT_EQ(StatusOf(HeadOf("POST /a HTTP/1.1", "Transfer-Encoding: gzip, chunked\r\n")), 501);
  EXPECT_EQ(StatusOf(HeadOf("POST /a HTTP/1.1",
                            "Transfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n")),
            501);
  EXPECT_EQ(StatusOf(HeadOf("POST /a HTTP/1.1", "Transfer-Encoding: gzip\r\n")), 400)
      << "chunked must be last";
  EXPECT_EQ(StatusOf(HeadOf("POST /a HTTP/1.1", "Transfer-Encoding: chunked, gzip\r\n")), 400);
  EXPECT_EQ(StatusOf(HeadOf("POST /a HTTP/1.1", "Transfer-Encoding: chunked, chunked\r\n")), 400);
  EXPECT_EQ(StatusOf(HeadOf("POST /a HTTP/1.1", "Transfer-Encoding: \r\n")), 400);
  EXPECT_EQ(StatusOf(HeadOf("POST /a HTTP/1.0", "Transfer-Encoding: chunked\r\n")), 400);
}

TEST(HttpFramingTest, WritesWithoutALengthAre411) {
  for (const char* method : {"POST", "PUT", "PATCH"}) {
    std::optional<FramingError> error =
        CheckRequestFraming(HeadOf(std::string(method) + " /a HTTP/1.1", "Host: x\r\n"));
    ASSERT_TRUE(error.has_value()) << method;
    EXPECT_EQ(error->status, 411) << method;
    EXPECT_EQ(error->code, "length_required");
  }
}

TEST(HttpFramingTest, MalformedHeaderLinesAreRefused) {
  for (const char* fields : {
           "X-A: 1\r\n continued\r\n",  // Obsolete line folding.
           "X-A: 1\r\n\tcontinued\r\n", "NoColonHere\r\n", "Bad Name: 1\r\n",
           "Content-Length : 5\r\n",  // Space before the colon.
           ": no-name\r\n",
           "X-A: a\rb\r\n",       // Bare CR.
           "X-A: a\x01z\r\n",     // Control byte.
           "X-A: 1\nX-B: 2\r\n",  // A line ended by LF alone.
       }) {
    std::optional<FramingError> error = CheckRequestFraming(HeadOf("GET /a HTTP/1.1", fields));
    ASSERT_TRUE(error.has_value()) << fields;
    EXPECT_EQ(error->status, 400) << fields;
  }
  EXPECT_EQ(StatusOf("GET /a HTTP/1.1\r\nHost: x\r\n\n"), 400) << "LF alone ends the head";
}

TEST(HttpFramingTest, MessagesAreBoundedAndEchoNothing) {
  std::string name(5000, 'N');
  std::optional<FramingError> error =
      CheckRequestFraming(HeadOf("GET /a HTTP/1.1", name + " x: 1\r\n"));
  ASSERT_TRUE(error.has_value());
  EXPECT_LT(error->message.size(), 200u);
  EXPECT_EQ(error->message.find("NNNN"), std::string::npos);
}

}  // namespace
}  // namespace xronox::server
