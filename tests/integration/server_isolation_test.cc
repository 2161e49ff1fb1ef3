// One name, one tenant, on every backend (embedded SQLite + folder, MongoDB + S3, MongoDB
// alone): a tenant or collection name that differs only in letter case from one that exists is
// refused, never served from the other (SQLite compares table names without case, MongoDB
// database names too, while API-key scopes and S3 keys compare with case). And reads create
// nothing: no table, database or bucket folder comes from a GET.
#include <atomic>
#include <filesystem>
#include <fstream>
#include <latch>
#include <set>
#include <thread>

#include "integration/fault_support.h"
#include "integration/route_cases.h"
#include "integration/test_support.h"
#include "store/hot/mongo/mongo_hot_store.h"
#include "store/hot/sqlite/sqlite_hot_store.h"

namespace xronox::testing {
namespace {

namespace fs = std::filesystem;

struct Key {
  std::string principal;
  std::string token = NewApiKeyToken();
};

Json KeyEntry(const Key& key, const std::string& tenant) {
  return {{"principal", key.principal},
          {"secretSha256", HashApiKeyToken(key.token)},
          {"scopes",
           {{{"databaseTypes", {"runtime", "knowledge"}},
             {"tenants", {tenant}},
             {"operations", {"read", "write"}}}}}};
}

httplib::Headers As(const Key& key) {
  return {{"Authorization", "Bearer " + key.token}, {"X-Xronox-Reason", "isolation test"}};
}

// The backend of one run: "embedded" (--data), "mongo_s3" or "mongo_only" (the test services).
class ServerIsolationTest : public XronoxdTest, public ::testing::WithParamInterface<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() != "embedded") {
      if (auto check = CheckServices({"XRONOX_TEST_MONGO_URI", "XRONOX_TEST_S3_ENDPOINT"});
          check.missing) {
        if (check.required) FAIL() << check.message;
        GTEST_SKIP() << check.message;
      }
      config_path_ = dir_.path() + "/config.json";
      std::ofstream(config_path_) << ConfigJson().dump(2);
    }
    XronoxdTest::SetUp();
  }

  void TearDown() override {
    XronoxdTest::TearDown();
    services_.reset();  // Drops the databases and deletes the buckets.
    if (GetParam() == "mongo_only" && !prefix_.empty()) {
      auto hot = MongoHot();
      if (hot.ok()) {
        EXPECT_TRUE((*hot)->DropPrefixedDatabases().ok());
      }
    }
  }

  Json ConfigJson() {
    if (GetParam() == "mongo_s3") {
      ServiceStore::Options options;
      options.tenants = {"acme", "race"};
      services_ = std::make_unique<ServiceStore>(options);
      return services_->ConfigJson();
    }
    prefix_ = UniqueDatabasePrefix();
    Json mongo = {{"uri", *EnvValue("XRONOX_TEST_MONGO_URI")}};
    return {
        {"connections", {{"mongo", {{"main", mongo}}}}},
        {"databases",
         {{"knowledge", {{"type", "generic"}, {"mongoRef", "main"}, {"dbName", prefix_ + "kn"}}},
          {"runtime",
           {{"tenantTemplate", {{"mongoRef", "main"}, {"dbName", prefix_ + "rt_{tenant}"}}}}}}}};
  }

  std::vector<std::string> StoreFlags() override {
    if (GetParam() == "embedded") return XronoxdTest::StoreFlags();
    return {"--config", config_path_};
  }

  std::vector<std::string> ServerFlags() override {
    Json keys = {
        {"apiKeys", {KeyEntry(acme_, "acme"), KeyEntry(upper_, "ACME"), KeyEntry(any_, "*")}}};
    std::string path = dir_.path() + "/keys.json";
    std::ofstream(path) << keys.dump();
    return {"--api-keys", path};
  }

  Result<std::unique_ptr<store::MongoHotStore>> MongoHot() {
    store::MongoOptions options;
    options.database_prefix = prefix_;
    return store::MongoHotStore::Open(*EnvValue("XRONOX_TEST_MONGO_URI"), options);
  }

  // The hot-store databases that exist (the embedded file's, or those under the test prefix).
  std::vector<std::string> Databases() {
    Result<std::vector<std::string>> names = Status::Ok();
    if (GetParam() == "embedded") {
      auto hot = store::SqliteHotStore::Open(dir_.path() + "/data/hot.sqlite");
      if (!hot.ok()) return {"<" + hot.status().ToString() + ">"};
      names = (*hot)->ListDatabases();
    } else if (GetParam() == "mongo_only") {
      auto hot = MongoHot();
      if (!hot.ok()) return {"<" + hot.status().ToString() + ">"};
      names = (*hot)->ListDatabases();
    } else {
      names = services_->Databases();
    }
    EXPECT_TRUE(names.ok()) << names.status().ToString();
    return names.ok() ? *names : std::vector<std::string>{};
  }

  // Every file and folder under the embedded store's object root; on MongoDB + S3, the buckets
  // of the tenants ghost0-39 that exist (no object is ever written by a read, and a tenant's
  // objects live in its own buckets); in minimal mode the objects are in Databases().
  std::set<std::string> ObjectPaths() {
    std::set<std::string> paths;
    if (GetParam() == "mongo_s3") {
      for (int i = 0; i < 40; ++i) {
        const std::string tenant = "ghost" + std::to_string(i);
        for (const char* kind : {"records", "versions", "content"}) {
          std::string bucket = services_->RuntimeBucket(tenant, kind);
          Result<bool> exists = services_->BucketExists(bucket);
          EXPECT_TRUE(exists.ok()) << exists.status().ToString();
          if (!exists.ok() || *exists) paths.insert(bucket);
        }
      }
      return paths;
    }
    fs::path root = dir_.path() + "/data/objects";
    if (!fs::exists(root)) return paths;
    for (const auto& entry : fs::recursive_directory_iterator(root)) {
      paths.insert(fs::relative(entry.path(), root).string());
    }
    return paths;
  }

  // Versions 0 and 1 of acme's record "r", and content "scan" (version 2).
  void SeedAcme() {
    const std::string path = "/v1/runtime/acme/orders/r";
    ASSERT_EQ(SendJson("PUT", path, {{"state", "new"}}, As(acme_)).status, 201);
    ASSERT_EQ(Send("PATCH", path, R"({"state":"paid"})", As(acme_), "application/merge-patch+json")
                  .status,
              200);
    ASSERT_EQ(Send("PUT", path + "/content/scan", "%PDF-acme", As(acme_), "application/pdf").status,
              200);
  }

  Key acme_{"acme-service"};
  Key upper_{"upper-service"};
  Key any_{"any-tenant"};
  std::unique_ptr<ServiceStore> services_;
  std::string config_path_;
  std::string prefix_;
};

// A key scoped to "ACME" tries every record route on "ACME" while "acme" holds data: nothing of
// acme's is read, changed or shadowed, and every write is refused without a 5xx.
TEST_P(ServerIsolationTest, AKeyForAnotherCaseOfATenantReachesNothingOfIt) {
  SeedAcme();
  std::vector<std::string> databases_before = Databases();
  for (const RouteCase& c : EveryRecordRoute()) {
    std::string path = "/v1/runtime/ACME/orders" + c.suffix;
    std::optional<std::string> type;
    if (!c.content_type.empty()) type = c.content_type;
    Reply reply = Send(c.method, path, c.body, As(upper_), type);
    std::string what = c.method + " " + path + ": " + reply.raw;
    EXPECT_LT(reply.status, 500) << what;
    EXPECT_EQ(reply.raw.find("\"state\""), std::string::npos) << "data leaked: " << what;
    EXPECT_EQ(reply.raw.find("%PDF"), std::string::npos) << "content leaked: " << what;
    if (GetParam() == "mongo_s3") {
      // S3 bucket names are lowercase: the template gives "ACME" no valid bucket at all.
      EXPECT_EQ(reply.status, 400) << what;
    } else if (c.method == "GET" && c.kind == server::RouteKind::kCollection) {
      EXPECT_EQ(reply.status, 200) << what;
      EXPECT_TRUE(reply.body["records"].empty()) << what;
    } else if (c.kind == server::RouteKind::kCounters) {
      EXPECT_EQ(reply.status, 200) << what;  // "ACME" has no collection: nothing counted.
      EXPECT_EQ(reply.body, (Json{{"created", 0}, {"updated", 0}, {"deleted", 0}, {"live", 0}}))
          << what;
    } else if (c.method == "GET" || c.method == "PATCH" || c.method == "DELETE" ||
               c.kind == server::RouteKind::kRestore || c.kind == server::RouteKind::kContent ||
               c.kind == server::RouteKind::kEnrich) {
      EXPECT_EQ(reply.status, 404) << what;  // Needs a record, and nothing exists as "ACME".
    } else {
      EXPECT_EQ(reply.status, 400) << what;  // POST and PUT would create tenant "ACME".
      EXPECT_EQ(reply.ErrorCode(), "name_case_conflict") << what;
    }
  }
  Reply history = Get("/v1/runtime/acme/orders/r/history", As(acme_));
  ASSERT_EQ(history.status, 200) << history.raw;
  EXPECT_EQ(history.body["versions"].size(), 3u) << history.raw;
  for (const Json& version : history.body["versions"]) EXPECT_EQ(version["actor"], "acme-service");
  EXPECT_EQ(Get("/v1/runtime/acme/orders/r/content/scan", As(acme_)).raw, "%PDF-acme");
  EXPECT_EQ(Databases(), databases_before) << "a database was created for 'ACME'";
  for (const std::string& path : ObjectPaths()) {
    EXPECT_EQ(path.find("ACME"), std::string::npos) << "created for 'ACME': " << path;
  }
}

TEST_P(ServerIsolationTest, ACollectionNameThatDiffersOnlyInCaseIsRefused) {
  SeedAcme();
  Reply put = SendJson("PUT", "/v1/runtime/acme/Orders/r", {{"state", "other"}}, As(acme_));
  EXPECT_EQ(put.status, 400) << put.raw;
  EXPECT_EQ(put.ErrorCode(), "name_case_conflict") << put.raw;
  Reply read = Get("/v1/runtime/acme/Orders/r", As(acme_));
  EXPECT_EQ(read.status, 404) << read.raw;
  EXPECT_EQ(Get("/v1/runtime/acme/orders/r", As(acme_)).body["data"]["state"], "paid");
  // Record ids keep their case: "R" is another record than "r".
  Reply upper_id = SendJson("PUT", "/v1/runtime/acme/orders/R", {{"state", "upper"}}, As(acme_));
  EXPECT_EQ(upper_id.status, 201) << upper_id.raw;
  EXPECT_EQ(Get("/v1/runtime/acme/orders/r", As(acme_)).body["data"]["state"], "paid");
  EXPECT_EQ(Get("/v1/runtime/acme/orders/R", As(acme_)).body["data"]["state"], "upper");
}

// Four writers race through "race", "RACE", "Race" and "rACE". Before, all four wrote one SQLite
// table and "won" the same versions. Now one name takes the tenant and the others are refused
// with 400; no request fails with a 5xx, and the winner's chain is whole.
TEST_P(ServerIsolationTest, WritersThroughCaseVariantsOfOneTenantNeverShareIt) {
  const std::vector<std::string> names = {"race", "RACE", "Race", "rACE"};
  std::vector<std::vector<int>> statuses(names.size());
  std::vector<int> acknowledged(names.size(), 0);
  std::latch start(static_cast<std::ptrdiff_t>(names.size()));
  std::vector<std::thread> writers;
  for (size_t w = 0; w < names.size(); ++w) {
    writers.emplace_back([&, w] {
      httplib::Client client("127.0.0.1", server_->port());
      start.arrive_and_wait();
      for (int i = 0; i < 25; ++i) {
        std::string body = Json{{"writer", names[w]}, {"n", i}}.dump();
        auto result =
            client.Put("/v1/runtime/" + names[w] + "/orders/x", As(any_), body, "application/json");
        int status = result ? result->status : 0;
        statuses[w].push_back(status);
        if (status == 200 || status == 201) ++acknowledged[w];
      }
    });
  }
  for (std::thread& writer : writers) writer.join();
  int winners = 0;
  for (size_t w = 0; w < names.size(); ++w) {
    for (int status : statuses[w]) {
      EXPECT_TRUE(status == 200 || status == 201 || status == 400 || status == 409)
          << names[w] << " got " << status;
    }
    if (acknowledged[w] == 0) continue;
    ++winners;
    // The winner's record holds its own writes only, one version per acknowledged write.
    Reply history = Get("/v1/runtime/" + names[w] + "/orders/x/history?limit=100", As(any_));
    ASSERT_EQ(history.status, 200) << history.raw;
    EXPECT_EQ(history.body["versions"].size(), static_cast<size_t>(acknowledged[w])) << names[w];
    Reply current = Get("/v1/runtime/" + names[w] + "/orders/x", As(any_));
    EXPECT_EQ(current.body["data"]["writer"], names[w]) << current.raw;
  }
  EXPECT_GE(winners, 1);
  // FerretDB, the MongoDB-wire test server, lets two racing creators of databases whose names
  // differ only in case both succeed (MongoDB refuses the second): each then has its own
  // database, checked above. S3 bucket names are lowercase, so only "race" exists there.
  if (GetParam() != "mongo_only") {
    EXPECT_EQ(winners, 1);
  }
  if (GetParam() == "embedded") {
    ASSERT_EQ(server_->Stop(), std::optional<int>(0));
    server_.reset();
    auto verify =
        ChildProcess::Start(XRONOX_CLI_BINARY, {"--data", dir_.path() + "/data", "verify"});
    ASSERT_NE(verify, nullptr);
    EXPECT_EQ(verify->Wait(std::chrono::seconds(60)), std::optional<int>(0))
        << verify->Stdout() << verify->Stderr();
  }
}

TEST_P(ServerIsolationTest, ReadsOfMissingTenantsAndCollectionsCreateNothing) {
  SeedAcme();
  std::vector<std::string> databases_before = Databases();
  std::set<std::string> objects_before = ObjectPaths();
  for (int i = 0; i < 40; ++i) {
    std::string tenant = "/v1/runtime/ghost" + std::to_string(i);
    std::string collection = "/v1/runtime/acme/ghost" + std::to_string(i);
    for (const std::string& base : {tenant + "/orders", collection}) {
      Reply list = Get(base + "?limit=5", As(any_));
      EXPECT_EQ(list.status, 200) << list.raw;
      EXPECT_TRUE(list.body["records"].empty()) << list.raw;
      EXPECT_EQ(list.body["next"], nullptr) << list.raw;
      for (const char* suffix :
           {"/r", "/r?version=0", "/r/history", "/r/diff?from=0&to=1", "/r/content/scan"}) {
        Reply reply = Get(base + suffix, As(any_));
        EXPECT_EQ(reply.status, 404) << base + suffix << " " << reply.raw;
      }
      Reply patch =
          Send("PATCH", base + "/r", R"({"a":1})", As(any_), "application/merge-patch+json");
      EXPECT_EQ(patch.status, 404) << patch.raw;
      EXPECT_EQ(Send("DELETE", base + "/r", "", As(any_)).status, 404);
      EXPECT_EQ(SendJson("POST", base + "/r/restore", {{"version", 0}}, As(any_)).status, 404);
    }
  }
  EXPECT_EQ(Databases(), databases_before);
  EXPECT_EQ(ObjectPaths(), objects_before);
  // The first write creates what it needs.
  Reply created = SendJson("PUT", "/v1/runtime/acme/ghost0/r", {{"a", 1}}, As(acme_));
  EXPECT_EQ(created.status, 201) << created.raw;
  EXPECT_EQ(Get("/v1/runtime/acme/ghost0/r", As(acme_)).status, 200);
}

INSTANTIATE_TEST_SUITE_P(Backends, ServerIsolationTest,
                         ::testing::Values("embedded", "mongo_s3", "mongo_only"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace xronox::testing
