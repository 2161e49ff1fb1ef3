// /v1/health answers while the process runs; /v1/ready answers 503 and names the connection
// while a backend is out of reach. Here the S3 connection points at a closed port (the S3
// store sends nothing at start, so the server starts), beside an embedded SQLite hot store.
#include <fstream>

#include "integration/test_support.h"

namespace xronox::testing {
namespace {

class ServerReadyTest : public XronoxdTest {
 protected:
  std::vector<std::string> StoreFlags() override {
    std::string path = dir_.path() + "/config.json";
    Json config = {{"connections",
                    {{"sqlite", {{"local", {{"path", dir_.path() + "/hot.sqlite"}}}}},
                     {"s3",
                      {{"unreachable",
                        {{"endpoint", "http://127.0.0.1:1"},
                         {"accessKey", "ready-test-key"},
                         {"secretKey", "ready-test-secret"},
                         {"connectTimeoutMs", 500},
                         {"maxRetries", 0},
                         {"buckets",
                          {{"records", "ready-records"},
                           {"content", "ready-content"},
                           {"backups", "ready-backups"}}}}}}}}},
                   {"databases",
                    {{"knowledge",
                      {{"type", "generic"},
                       {"sqliteRef", "local"},
                       {"s3Ref", "unreachable"},
                       {"dbName", "ready_knowledge"}}}}}};
    std::ofstream(path) << config.dump(2);
    return {"--config", path};
  }
};

TEST_F(ServerReadyTest, ReadyIs503AndNamesTheUnreachableConnectionWhileHealthIs200) {
  Reply health = Get("/v1/health");
  EXPECT_EQ(health.status, 200) << health.raw;
  Reply ready = Get("/v1/ready");
  EXPECT_EQ(ready.status, 503) << ready.raw;
  EXPECT_EQ(ready.body["error"].value("code", ""), "not_ready") << ready.raw;
  std::string message = ready.body["error"].value("message", "");
  EXPECT_NE(message.find("s3:unreachable"), std::string::npos) << message;
  EXPECT_EQ(message.find("sqlite:local"), std::string::npos)
      << "the hot store answers: " << message;
  EXPECT_EQ(ready.raw.find("ready-test-secret"), std::string::npos);
  EXPECT_FALSE(ready.Header("X-Request-Id").empty());
}

}  // namespace
}  // namespace xronox::testing
