// xronoxd's background jobs: with --jobs-interval, the retention of every collection with a
// policy runs without being asked (logged, counted on /metrics), on every tenant's runtime
// database, and so does the offload of every collection whose map enables s3Offload; with 0,
// nothing runs; a server stopped during a pass still exits cleanly.
#include <sqlite3.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>

#include "integration/test_support.h"
#include "xronox/config.h"
#include "xronox/xronox.h"

namespace xronox::testing {
namespace {

// Runtime keeps one version payload per order (its database template's retention); passes
// every 200 ms (or never, with JobsInterval "0").
class ServerJobsTest : public XronoxdTest {
 protected:
  virtual std::string JobsInterval() { return "0.2"; }
  std::vector<std::string> ServerFlags() override { return {"--jobs-interval", JobsInterval()}; }
  std::vector<std::string> StoreFlags() override {
    auto config = CreateEmbeddedConfig(dir_.path() + "/data");
    EXPECT_TRUE(config.ok()) << config.status().ToString();
    config->runtime_tenant_template->retention = RetentionPolicy{0, 1};
    std::string path = dir_.path() + "/store.json";
    std::ofstream(path) << ConfigToJson(*config).dump(2);
    return {"--config", path};
  }
  void WriteVersions(const std::string& tenant, int count) {
    for (int n = 0; n < count; ++n) {
      ASSERT_LT(SendJson("PUT", "/v1/runtime/" + tenant + "/orders/o1", {{"n", n}}, Audit()).status,
                300);
    }
  }
  // How many versions of the tenant's o1 the history marks as having lost their payloads.
  int Removed(const std::string& tenant) {
    Reply history = Get("/v1/runtime/" + tenant + "/orders/o1/history");
    EXPECT_EQ(history.status, 200) << history.raw;
    int removed = 0;
    for (const Json& version : history.body["versions"]) {
      removed += version.value("payloadRemoved", false) ? 1 : 0;
    }
    return removed;
  }
};

TEST_F(ServerJobsTest, RetentionRunsInTheBackgroundOnEveryTenant) {
  WriteVersions("acme", 3);
  WriteVersions("globex", 2);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while ((Removed("acme") < 2 || Removed("globex") < 1) &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_EQ(Removed("acme"), 2);
  EXPECT_EQ(Removed("globex"), 1);
  EXPECT_EQ(Get("/v1/runtime/acme/orders/o1?version=0").status, 410);
  Reply metrics = Get("/metrics");
  EXPECT_NE(metrics.raw.find("xronox_retention_versions_removed_total 3"), std::string::npos)
      << metrics.raw.substr(0, 2000);
  EXPECT_NE(server_->Stderr().find("background retention runtime/acme/orders"), std::string::npos)
      << server_->Stderr();
}

class ServerNoJobsTest : public ServerJobsTest {
 protected:
  std::string JobsInterval() override { return "0"; }
};

TEST_F(ServerNoJobsTest, ZeroRunsNothing) {
  WriteVersions("acme", 3);
  std::this_thread::sleep_for(std::chrono::milliseconds(600));
  EXPECT_EQ(Removed("acme"), 0);
}

// A retention run that a request starts is logged through the server's log, a JSON line like
// every other line on stderr (it was once a bare text line there).
TEST_F(ServerNoJobsTest, ARequestedRetentionRunIsLoggedAsAJsonLine) {
  WriteVersions("acme", 3);
  Reply run = SendJson("POST", "/v1/runtime/acme/orders:apply-retention", Json::object());
  ASSERT_EQ(run.status, 200) << run.raw;
  EXPECT_EQ(run.body["versionsRemoved"], 2) << run.raw;
  Reply dry = SendJson("POST", "/v1/runtime/acme/orders:apply-retention", {{"dryRun", true}});
  ASSERT_EQ(dry.status, 200) << dry.raw;
  int logged = 0;
  std::istringstream lines(server_->Stderr());
  std::string line;
  while (std::getline(lines, line)) {
    Json json = Json::parse(line, nullptr, /*allow_exceptions=*/false);
    ASSERT_TRUE(json.is_object()) << "not a JSON line: " << line;
    if (json.value("msg", "") != "requested retention runtime/acme/orders") continue;
    ++logged;
    EXPECT_EQ(json["collection"], "runtime/acme/orders") << line;
    EXPECT_EQ(json["retention"]["versionsRemoved"], 2) << line;
  }
  EXPECT_EQ(logged, 1) << "the run, and not the dry run, is logged:\n" << server_->Stderr();
}

// docs offloads records not changed for a day (notes has no policy): 20 records of each are
// written, then dated two days back in the hot store before the server starts.
class ServerOffloadJobTest : public XronoxdTest {
 protected:
  std::vector<std::string> ServerFlags() override { return {"--jobs-interval", "0.2"}; }
  std::vector<std::string> StoreFlags() override {
    auto config = CreateEmbeddedConfig(dir_.path() + "/data");
    EXPECT_TRUE(config.ok()) << config.status().ToString();
    config->collection_maps["docs"].s3_offload = OffloadPolicy{true, 1};
    {
      auto store = Xronox::Open(*config);
      EXPECT_TRUE(store.ok()) << store.status().ToString();
      for (const char* name : {"docs", "notes"}) {
        auto c = (*store)->With({DatabaseType::kKnowledge, Tier::kGeneric, "", name});
        EXPECT_TRUE(c.ok());
        for (int i = 0; i < 20; ++i)
          EXPECT_TRUE(c->Put("r" + std::to_string(i), {{"n", i}}, {}).ok());
      }
    }
    std::string db_name;
    for (const DatabaseConfig& db : config->databases) {
      if (db.type == DatabaseType::kKnowledge) db_name = db.db_name;
    }
    sqlite3* db = nullptr;
    EXPECT_EQ(sqlite3_open((dir_.path() + "/data/hot.sqlite").c_str(), &db), SQLITE_OK);
    for (const char* name : {"docs", "notes"}) {
      std::string sql = "UPDATE \"" + db_name + "." + name +
                        "_head\" SET created_at = created_at - 172800000000, "
                        "updated_at = updated_at - 172800000000";
      EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr), SQLITE_OK)
          << sqlite3_errmsg(db);
    }
    sqlite3_close(db);
    std::string path = dir_.path() + "/store.json";
    std::ofstream(path) << ConfigToJson(*config).dump(2);
    return {"--config", path};
  }
};

TEST_F(ServerOffloadJobTest, OffloadRunsInTheBackgroundWhereAMapEnablesIt) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  std::string metrics;
  while (std::chrono::steady_clock::now() < deadline) {
    metrics = Get("/metrics").raw;
    if (metrics.find("xronox_offload_records_moved_total 20") != std::string::npos) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_NE(metrics.find("xronox_offload_records_moved_total 20"), std::string::npos)
      << metrics.substr(0, 3000);
  EXPECT_NE(metrics.find("xronox_offload_bytes_freed_total "), std::string::npos);
  EXPECT_NE(server_->Stderr().find("background offload knowledge/_/docs"), std::string::npos)
      << server_->Stderr();
  EXPECT_EQ(server_->Stderr().find("background offload knowledge/_/notes"), std::string::npos)
      << "notes has no policy";
  Reply record = Get("/v1/knowledge/_/docs/r7");
  EXPECT_EQ(record.status, 200) << record.raw;
  EXPECT_EQ(record.body["data"], Json({{"n", 7}}));
}

}  // namespace
}  // namespace xronox::testing
