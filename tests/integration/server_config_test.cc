// xronoxd --config with production-style configs on the real services: MongoDB + S3 with the
// S3 credentials only in the server's environment (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY),
// never in the file; and a minimal config (MongoDB only). A runtime record is written, patched,
// read and its history listed over HTTP, and the secret key must appear nowhere in the server's
// output or answers, even when S3 refuses a wrong one.
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include "integration/test_support.h"
#include "store/hot/mongo/mongo_hot_store.h"
#include "store/object/s3/s3_object_store.h"
#include "support/test_services.h"

namespace xronox::testing {
namespace {

constexpr char kOrder[] = "/v1/runtime/acme/orders/o1";

// A server over a config file written by the test; the services it names are cleaned up.
class ServerConfigTest : public XronoxdTest {
 protected:
  /// The config to write (called once the services are known to be there).
  virtual Json MakeConfig() = 0;
  /// The S3 keys for the server's environment; empty: none passed.
  virtual std::vector<std::string> S3Env() { return {}; }
  virtual std::vector<const char*> Services() { return {"XRONOX_TEST_MONGO_URI"}; }

  void SetUp() override {
    for (const char* name : Services()) {
      if (auto check = CheckServices({name}); check.missing) {
        if (check.required) FAIL() << check.message;
        GTEST_SKIP() << check.message;
      }
    }
    stem_ = UniqueBucketStem();
    config_path_ = dir_.path() + "/xronox.json";
    std::ofstream(config_path_) << MakeConfig().dump(2);
    XronoxdTest::SetUp();
  }

  void TearDown() override {
    if (stem_.empty()) return;  // Skipped.
    XronoxdTest::TearDown();
    if (server_ != nullptr) CheckOutput(server_->Stdout() + server_->Stderr());
    CleanUpServices();
  }

  /// Check everything the server wrote, once it has stopped.
  virtual void CheckOutput(const std::string& output) {}

  std::vector<std::string> StoreFlags() override { return {"--config", config_path_}; }
  std::vector<std::string> ServerEnv() override {
    // Whatever the test runner has must not leak in: only the keys the test passes.
    std::vector<std::string> env = {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY",
                                    "AWS_SESSION_TOKEN"};
    for (const std::string& entry : S3Env()) env.push_back(entry);
    return env;
  }

  Json MongoConnection() const {
    return {{"uri", *EnvValue("XRONOX_TEST_MONGO_URI")},
            {"writeConcern", "auto"},
            {"journal", true},
            {"readPreference", "primary"},
            {"serverSelectionTimeoutMs", 5000},
            {"maxPoolSize", 10}};
  }
  std::string Db(const std::string& name) const { return stem_ + "_" + name; }
  std::string Bucket(const std::string& name) {
    buckets_.insert(stem_ + "-" + name);
    return stem_ + "-" + name;
  }

  // The workload: create, patch, read and list the history of one runtime record.
  void RunWorkload() {
    Reply created = SendJson("PUT", kOrder, {{"status", "new"}, {"qty", 1}}, Audit());
    ASSERT_EQ(created.status, 201) << created.raw;
    Reply patched =
        Send("PATCH", kOrder, R"({"status":"paid"})", Audit(), "application/merge-patch+json");
    ASSERT_EQ(patched.status, 200) << patched.raw;
    EXPECT_EQ(patched.body["version"], 1);
    Reply read = Get(kOrder);
    ASSERT_EQ(read.status, 200) << read.raw;
    EXPECT_EQ(read.body["data"], (Json{{"status", "paid"}, {"qty", 1}}));
    Reply old = Get(std::string(kOrder) + "?version=0");
    ASSERT_EQ(old.status, 200) << old.raw;
    EXPECT_EQ(old.body["data"], (Json{{"status", "new"}, {"qty", 1}}));
    Reply history = Get(std::string(kOrder) + "/history");
    ASSERT_EQ(history.status, 200) << history.raw;
    ASSERT_EQ(history.body["versions"].size(), 2u) << history.raw;
    EXPECT_EQ(history.body["versions"][0]["version"], 1);
    EXPECT_EQ(history.body["versions"][0]["op"], "update");
    EXPECT_EQ(history.body["versions"][1]["op"], "create");
    EXPECT_EQ(history.body["versions"][1]["actor"], "tester");
  }

  void CleanUpServices() {
    Status removed = RemoveServiceState(buckets_, stem_ + "_");
    EXPECT_TRUE(removed.ok()) << "teardown: " << removed.ToString();
  }

  std::string stem_;
  std::string config_path_;
  std::set<std::string> buckets_;
};

// MongoDB + S3 with per-database buckets and storage classes; the S3 keys are in the server's
// environment only.
class ProductionConfigTest : public ServerConfigTest {
 protected:
  std::vector<const char*> Services() override {
    return {"XRONOX_TEST_MONGO_URI", "XRONOX_TEST_S3_ENDPOINT", "XRONOX_TEST_S3_ACCESS_KEY",
            "XRONOX_TEST_S3_SECRET_KEY"};
  }
  std::vector<std::string> S3Env() override {
    return {"AWS_ACCESS_KEY_ID=" + *EnvValue("XRONOX_TEST_S3_ACCESS_KEY"),
            "AWS_SECRET_ACCESS_KEY=" + Secret()};
  }
  virtual std::string Secret() { return *EnvValue("XRONOX_TEST_S3_SECRET_KEY"); }

  Json MakeConfig() override {
    store::S3Options s3 = TestS3Options();
    Json runtime = {{"tenantId", "acme"},
                    {"mongoRef", "primary"},
                    {"s3Ref", "primary"},
                    {"dbName", Db("runtime_acme")},
                    {"analyticsDbName", Db("analytics_acme")},
                    {"recordsBucket", Bucket("runtime-acme-records")},
                    {"versionsBucket", Bucket("runtime-acme-versions")},
                    {"contentBucket", Bucket("runtime-acme-content")},
                    {"backupsBucket", Bucket("runtime-acme-backups")}};
    return {{"connections",
             {{"mongo", {{"primary", MongoConnection()}}},
              {"s3",
               {{"primary",
                 {{"endpoint", s3.endpoint},
                  {"region", s3.region},
                  {"forcePathStyle", true},
                  {"connectTimeoutMs", 2000},
                  {"requestTimeoutMs", 20000},
                  {"maxRetries", 1},
                  {"storageClasses", {{"records", "STANDARD"}, {"versions", "STANDARD"}}}}}}}}},
            {"databases", {{"runtime", {{"tenantDatabases", Json::array({runtime})}}}}}};
  }

  // Every test of this fixture: the secret never reaches the server's output.
  void CheckOutput(const std::string& output) override {
    EXPECT_EQ(output.find(Secret()), std::string::npos) << "the secret key appears in: " << output;
    EXPECT_EQ(output.find(*EnvValue("XRONOX_TEST_S3_SECRET_KEY")), std::string::npos);
  }
};

TEST_F(ProductionConfigTest, ServesRuntimeRecordsWithKeysFromTheEnvironment) {
  std::ifstream file(config_path_);
  std::string text((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  EXPECT_EQ(text.find(Secret()), std::string::npos) << "the test put the secret in the file";
  Reply ready = Get("/v1/ready");
  EXPECT_EQ(ready.status, 200) << "MongoDB and S3 both answer: " << ready.raw;
  RunWorkload();
  auto s3 = store::S3ObjectStore::Open(TestS3Options());
  ASSERT_TRUE(s3.ok());
  // The guide's keys (the bucket has one owner), after the two markers that fix them.
  auto versions = (*s3)->List(stem_ + "-runtime-acme-versions", "", "", 10);
  ASSERT_TRUE(versions.ok()) << versions.status().ToString();
  std::vector<std::string> keys;
  for (const store::ObjectInfo& object : versions->objects) keys.push_back(object.key);
  EXPECT_EQ(keys,
            (std::vector<std::string>{"@xronox/owners/@runtime.acme/versions.json",
                                      "@xronox/roots/versions/@root.json",
                                      "versions/orders/o1/v0.json", "versions/orders/o1/v1.json"}));
}

TEST_F(ProductionConfigTest, ErrorAnswersNeverCarryTheSecret) {
  RunWorkload();
  for (const std::string& path : {std::string("/v1/runtime/acme/orders/absent"),
                                  std::string("/v1/runtime/other/orders/o1")}) {
    Reply refused = Get(path);
    EXPECT_GE(refused.status, 400) << path << ": " << refused.raw;
    EXPECT_EQ(refused.raw.find(Secret()), std::string::npos) << refused.raw;
  }
}

// S3 refuses the requests of a server holding a wrong secret: the refusal reaches the client,
// and neither the answer nor the server's output repeats the wrong secret.
class WrongSecretTest : public ProductionConfigTest {
 protected:
  std::string Secret() override { return wrong_secret_; }
  std::string wrong_secret_ = "wrong-secret-" + UniqueHex(16);
};

TEST_F(WrongSecretTest, RefusalsNeverRepeatTheSecret) {
  Reply refused = SendJson("PUT", kOrder, {{"status", "new"}}, Audit());
  EXPECT_GE(refused.status, 400) << refused.raw;
  EXPECT_NE(refused.status, 201) << refused.raw;
  EXPECT_EQ(refused.raw.find(wrong_secret_), std::string::npos) << refused.raw;
  EXPECT_EQ(refused.raw.find(*EnvValue("XRONOX_TEST_S3_SECRET_KEY")), std::string::npos);
  // The refused write created the hot-store collection, so a read of it first reads the owner
  // markers of its buckets (router/key_scopes.h): S3 refuses that too, and says so.
  Reply read = Get(kOrder);
  EXPECT_EQ(read.status, 403) << read.raw;
  EXPECT_EQ(read.raw.find(wrong_secret_), std::string::npos) << read.raw;
  EXPECT_NE(read.raw.find("SignatureDoesNotMatch"), std::string::npos) << read.raw;
}

// Minimal mode (CreateMinimalConfig's shape: MongoDB only, a runtime tenant template): the
// objects live in MongoDB beside the hot collections.
class MinimalConfigTest : public ServerConfigTest {
 protected:
  Json MakeConfig() override {
    auto generic = [&](const std::string& type) {
      return Json{{"type", "generic"}, {"mongoRef", "primary"}, {"dbName", Db(type)}};
    };
    Json messaging = generic("messaging");
    messaging.erase("type");
    messaging["tier"] = "generic";
    return {{"connections", {{"mongo", {{"primary", MongoConnection()}}}}},
            {"databases",
             {{"knowledge", generic("knowledge")},
              {"metadata", generic("metadata")},
              {"runtime",
               {{"tenantTemplate", {{"mongoRef", "primary"}, {"dbName", Db("runtime_{tenant}")}}}}},
              {"messaging", messaging},
              {"identities", generic("identities")},
              {"logs", generic("logs")}}}};
  }
};

TEST_F(MinimalConfigTest, ServesRuntimeRecordsFromMongoDbAlone) {
  RunWorkload();
  Reply note =
      SendJson("PUT", "/v1/knowledge/_/notes/big", {{"text", std::string(20 * 1024, 'n')}});
  ASSERT_EQ(note.status, 201) << note.raw;
  Reply read = Get("/v1/knowledge/_/notes/big");
  ASSERT_EQ(read.status, 200) << read.raw;
  EXPECT_EQ(read.body["data"]["text"].get<std::string>().size(), 20u * 1024);
}

}  // namespace
}  // namespace xronox::testing
