// Content routes of xronoxd without sockets: the request body arrives through read_body in
// pieces and the response body leaves through stream_body, as the HTTP layer drives them.
#include <gtest/gtest.h>

#include "common/hash.h"
#include "server/api/dispatcher.h"
#include "support/temp_dir.h"
#include "xronox/xronox.h"

namespace xronox::server {
namespace {

constexpr char kPath[] = "/v1/knowledge/_/notes/n1/content/scan";

class ServerContentDispatchTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<Config> config = CreateEmbeddedConfig(dir_.path());
    ASSERT_TRUE(config.ok()) << config.status().ToString();
    auto store = Xronox::Open(*config);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(*store);
    dispatcher_ = std::make_unique<Dispatcher>(
        *store_,
        DispatcherOptions{.max_body_bytes = 64, .max_content_bytes = 1000, .api_keys = {}});
    HttpResponse made = dispatcher_->Handle(HttpRequest{
        "PUT", "/v1/knowledge/_/notes/n1", {{"Content-Type", "application/json"}}, "{}", ""});
    ASSERT_EQ(made.status, 201) << made.body;
  }

  // A PUT whose body is pushed in pieces of `piece` bytes, as the listener streams it.
  HttpResponse StreamedPut(const std::string& bytes, size_t piece) {
    HttpRequest request{"PUT", kPath, {{"Content-Type", "text/plain"}}, "", ""};
    request.read_body = [&bytes, piece](const BodySink& sink) {
      for (size_t at = 0; at < bytes.size(); at += piece) {
        if (!sink(std::string_view(bytes).substr(at, piece))) return false;
      }
      return true;
    };
    return dispatcher_->Handle(request);
  }

  // Drain a streamed body, checking every piece is non-empty until the promised length.
  static std::string Drain(const HttpResponse& response) {
    std::string all, chunk;
    while (static_cast<int64_t>(all.size()) < response.stream_length) {
      EXPECT_TRUE(response.stream_body(&chunk));
      if (chunk.empty()) break;
      all += chunk;
    }
    return all;
  }

  xronox::testing::TempDir dir_;
  std::unique_ptr<Xronox> store_;
  std::unique_ptr<Dispatcher> dispatcher_;
};

TEST_F(ServerContentDispatchTest, StreamsInAndOutPastTheJsonBodyLimit) {
  const std::string bytes(900, 'z');  // Over max_body_bytes (64), under max_content_bytes.
  HttpResponse put = StreamedPut(bytes, 7);
  ASSERT_EQ(put.status, 200) << put.body;
  EXPECT_EQ(Json::parse(put.body)["data"]["scan"]["$content"]["sha256"], Sha256Hex(bytes));
  HttpResponse get = dispatcher_->Handle(HttpRequest{"GET", kPath, {}, "", ""});
  ASSERT_EQ(get.status, 200);
  EXPECT_TRUE(get.body.empty());
  EXPECT_EQ(get.stream_length, 900);
  EXPECT_EQ(Drain(get), bytes);
  HttpResponse part =
      dispatcher_->Handle(HttpRequest{"GET", kPath, {{"Range", "bytes=-3"}}, "", ""});
  ASSERT_EQ(part.status, 206);
  EXPECT_EQ(HeaderValue(part.headers, "Content-Range"), "bytes 897-899/900");
  EXPECT_EQ(Drain(part), "zzz");
}

TEST_F(ServerContentDispatchTest, StreamPastTheContentLimitIs413) {
  HttpResponse put = StreamedPut(std::string(1001, 'z'), 100);
  EXPECT_EQ(put.status, 413) << put.body;
  EXPECT_EQ(dispatcher_->Handle(HttpRequest{"GET", kPath, {}, "", ""}).status, 404);
}

}  // namespace
}  // namespace xronox::server
