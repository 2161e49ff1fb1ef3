// One API key may have only so many requests in flight (--max-requests-per-key): past that it
// gets 429 with Retry-After at once, while other keys are served, so one key cannot hold every
// worker thread.
#include <fstream>

#include "integration/raw_connection.h"
#include "integration/test_support.h"
#include "xronox/config.h"

namespace xronox::testing {
namespace {

using std::chrono::milliseconds;

struct Key {
  std::string principal;
  std::string token = NewApiKeyToken();
};

class ServerKeyLimitTest : public XronoxdTest {
 protected:
  std::vector<std::string> ServerFlags() override {
    Json scope = {{"databaseTypes", {"*"}}, {"tenants", {"*"}}, {"operations", {"read", "write"}}};
    Json keys = {{"apiKeys", Json::array()}};
    for (const Key* key : {&busy_, &other_}) {
      keys["apiKeys"].push_back(Json{{"principal", key->principal},
                                     {"secretSha256", HashApiKeyToken(key->token)},
                                     {"scopes", Json::array({scope})}});
    }
    std::string path = dir_.path() + "/keys.json";
    std::ofstream(path) << keys.dump();
    return {"--api-keys", path, "--max-requests-per-key", "2"};
  }

  httplib::Headers As(const Key& key) { return {{"Authorization", "Bearer " + key.token}}; }

  // A content upload that has sent its headers and part of its body: in flight until the rest.
  std::unique_ptr<RawConnection> StartUpload(const std::string& id) {
    auto connection = std::make_unique<RawConnection>(server_->port());
    EXPECT_TRUE(connection->Send("PUT /v1/knowledge/_/docs/" + id +
                                 "/content/blob HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " +
                                 busy_.token +
                                 "\r\nContent-Type: application/pdf\r\nContent-Length: 10\r\n\r\n"
                                 "12345"));
    return connection;
  }

  Key busy_{"busy-service"};
  Key other_{"other-service"};
};

TEST_F(ServerKeyLimitTest, AKeyPastItsLimitGets429AndOtherKeysAreServed) {
  for (const char* id : {"a", "b"}) {
    ASSERT_EQ(
        SendJson("PUT", std::string("/v1/knowledge/_/docs/") + id, {{"n", 1}}, As(busy_)).status,
        201);
  }
  auto first = StartUpload("a");
  auto second = StartUpload("b");
  // Both uploads hold their slots once the server reads their bodies. A GET of this poll may hold
  // a slot just as an upload arrives, which then gets 429 itself: such an upload starts again.
  Reply refused;
  for (int attempt = 0; attempt < 250; ++attempt) {
    for (auto* upload : {&first, &second}) {
      if ((*upload)->ReadResponse(milliseconds(1)).empty()) continue;
      *upload = StartUpload(upload == &first ? "a" : "b");
    }
    refused = Get("/v1/knowledge/_/docs/a", As(busy_));
    if (refused.status == 429) break;
    std::this_thread::sleep_for(milliseconds(20));
  }
  EXPECT_EQ(refused.status, 429) << refused.raw;
  EXPECT_EQ(refused.ErrorCode(), "too_many_requests");
  EXPECT_EQ(refused.Header("Retry-After"), "1");
  EXPECT_NE(refused.raw.find("busy-service"), std::string::npos) << refused.raw;
  EXPECT_EQ(Get("/v1/knowledge/_/docs/a", As(other_)).status, 200) << "another key is served";
  // Once the uploads finish, the key is served again.
  for (RawConnection* upload : {first.get(), second.get()}) {
    ASSERT_TRUE(upload->Send("67890"));
    std::string answer = upload->ReadResponse(milliseconds(5000));
    EXPECT_EQ(StatusOf(answer), 200) << answer;
  }
  EXPECT_EQ(Get("/v1/knowledge/_/docs/a", As(busy_)).status, 200);
}

}  // namespace
}  // namespace xronox::testing
