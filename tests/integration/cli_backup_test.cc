// xronox backup create | list | verify | restore against the store a running xronoxd serves:
// everything configured is backed up (logs skipped with a note), listed, verified, restored in
// place, restored into another collection as new runtime versions that name the backup, and a
// damaged part makes verify exit 2 and restore refuse.
#include <filesystem>
#include <fstream>
#include <sstream>

#include "integration/cli_support.h"

namespace xronox::testing {
namespace {

class CliBackupTest : public CliTest {
 protected:
  void SetUp() override {
    CliTest::SetUp();
    for (int i = 0; i < 30; ++i) {
      std::string id = "d" + std::to_string(100 + i);
      ASSERT_EQ(SendJson("PUT", "/v1/knowledge/_/docs/" + id, {{"n", i}}).status, 201);
    }
    ASSERT_EQ(SendJson("PUT", "/v1/runtime/acme/orders/o1", {{"status", "new"}}, Audit()).status,
              201);
    ASSERT_EQ(SendJson("POST", "/v1/logs/_/events", {{"m", "x"}}).status, 201);
  }

  // The JSON lines of a --json run.
  static std::vector<Json> Lines(const std::string& out) {
    std::vector<Json> lines;
    std::istringstream in(out);
    for (std::string line; std::getline(in, line);) {
      if (!line.empty()) lines.push_back(Json::parse(line));
    }
    return lines;
  }
};

TEST_F(CliBackupTest, BacksUpEverythingListsVerifiesAndRestores) {
  CliResult created = Cli({"backup", "create"});
  ASSERT_EQ(created.exit_code, 0) << created.err;
  EXPECT_NE(created.out.find("backed up knowledge/_/docs: 30 records"), std::string::npos)
      << created.out;
  EXPECT_NE(created.out.find("backed up runtime/acme/orders: 1 records"), std::string::npos)
      << created.out;
  EXPECT_NE(created.err.find("note: logs skipped: logs keep no backups"), std::string::npos)
      << created.err;

  CliResult listed = Cli({"backup", "list", "--json"});
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  Json list = Json::parse(listed.out);
  ASSERT_EQ(list.size(), 2u) << listed.out;
  for (const Json& backup : list) EXPECT_TRUE(backup["daySnapshot"].get<bool>()) << backup;

  CliResult verified = Cli({"backup", "verify", "knowledge", "_", "docs"});
  EXPECT_EQ(verified.exit_code, 0) << verified.out << verified.err;
  EXPECT_NE(verified.out.find("1 parts, 30 records, 0 problems"), std::string::npos)
      << verified.out;

  ASSERT_EQ(SendJson("PUT", "/v1/knowledge/_/docs/d100", {{"n", -1}}).status, 200);
  ASSERT_EQ(Send("DELETE", "/v1/knowledge/_/docs/d101").status, 200);
  CliResult dry = Cli({"backup", "restore", "knowledge", "_", "docs", "--dry-run"});
  ASSERT_EQ(dry.exit_code, 0) << dry.err;
  EXPECT_NE(dry.out.find("would restore"), std::string::npos) << dry.out;
  EXPECT_NE(dry.out.find("1 created, 1 replaced, 28 unchanged"), std::string::npos) << dry.out;
  EXPECT_EQ(Get("/v1/knowledge/_/docs/d100").body["data"]["n"], -1) << "a dry run wrote";
  CliResult restored = Cli({"backup", "restore", "knowledge", "_", "docs"});
  ASSERT_EQ(restored.exit_code, 0) << restored.err;
  EXPECT_EQ(Get("/v1/knowledge/_/docs/d100").body["data"]["n"], 0);
  EXPECT_EQ(Get("/v1/knowledge/_/docs/d101").status, 200);

  CliResult copied = Cli({"backup", "restore", "runtime", "acme", "orders", "--into-collection",
                          "orders_copy", "--reason", "audit copy", "--json"});
  ASSERT_EQ(copied.exit_code, 0) << copied.err;
  std::vector<Json> events = Lines(copied.out);
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(events.back()["event"], "restore");
  EXPECT_EQ(events.back()["restore"]["created"], 1);
  Reply copy = Get("/v1/runtime/acme/orders_copy/o1");
  ASSERT_EQ(copy.status, 200) << copy.raw;
  EXPECT_EQ(copy.body["data"]["status"], "new");
  EXPECT_EQ(copy.body["actor"], "xronox-restore");
  EXPECT_NE(copy.body["reason"].get<std::string>().find("of runtime/acme/orders: audit copy"),
            std::string::npos)
      << copy.raw;
}

TEST_F(CliBackupTest, JsonProgressLogsRefusalAndADamagedPart) {
  CliResult created = Cli({"backup", "create", "--collection", "docs", "--json"});
  ASSERT_EQ(created.exit_code, 0) << created.err;
  std::vector<Json> events = Lines(created.out);
  ASSERT_GE(events.size(), 2u) << created.out;
  EXPECT_EQ(events.front()["event"], "progress");
  EXPECT_EQ(events.front()["totalRecords"], 30);
  EXPECT_EQ(events.back()["event"], "backup");
  EXPECT_EQ(events.back()["backup"]["records"], 30);

  CliResult logs = Cli({"backup", "create", "--db", "logs"});
  EXPECT_EQ(logs.exit_code, 1);
  EXPECT_NE(logs.err.find("logs keep no backups"), std::string::npos) << logs.err;

  std::string part;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(DataDir())) {
    if (entry.path().filename() == "part-000001.ndjson.zst") part = entry.path();
  }
  ASSERT_FALSE(part.empty());
  std::ofstream(part, std::ios::binary | std::ios::trunc) << "damaged";
  CliResult verified = Cli({"backup", "verify", "knowledge", "_", "docs"});
  EXPECT_EQ(verified.exit_code, 2) << verified.out << verified.err;
  EXPECT_NE(verified.out.find("problem: part part-000001.ndjson.zst"), std::string::npos)
      << verified.out;
  CliResult restored = Cli({"backup", "restore", "knowledge", "_", "docs"});
  EXPECT_EQ(restored.exit_code, 1);
  EXPECT_NE(restored.err.find("nothing was restored"), std::string::npos) << restored.err;
  CliResult bad = Cli({"backup", "verify", "knowledge", "_", "docs", "../../etc"});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.err.find("is not 'latest'"), std::string::npos) << bad.err;
}

}  // namespace
}  // namespace xronox::testing
