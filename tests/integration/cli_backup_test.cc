// xronox backup create | list | verify | restore against the store a running xronoxd serves:
// everything configured is backed up (logs skipped with a note), listed, verified, restored in
// place, restored into another collection as new runtime versions that name the backup, and a
// damaged part makes verify exit 2 and restore refuse.
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <thread>

#include "common/fault_point.h"
#include "integration/cli_support.h"
#include "xronox/config.h"

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

  CliResult again = Cli({"backup", "create", "--collection", "docs"});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  CliResult would = Cli({"backup", "prune", "--collection", "docs", "--dry-run"});
  ASSERT_EQ(would.exit_code, 0) << would.err;
  EXPECT_NE(would.out.find("would remove 1 backups"), std::string::npos) << would.out;
  CliResult pruned = Cli({"backup", "prune", "--collection", "docs", "--keep-daily", "1"});
  ASSERT_EQ(pruned.exit_code, 0) << pruned.err;
  EXPECT_NE(pruned.out.find("removed 1 backups"), std::string::npos) << pruned.out;
  CliResult negative = Cli({"backup", "prune", "--keep-daily", "-1"});
  EXPECT_NE(negative.exit_code, 0);

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

// The drill of total loss but backups, through the CLI on the embedded store: the SQLite file
// and every bucket folder but the backups ones are deleted; `backup restore` from the backups
// alone (runtime tenants named, since the hot store that knew them is gone) brings every record
// back as it was (content too: the backup was made with it), `verify` is clean, and a new
// server serves them.
TEST_F(CliBackupTest, AfterLosingEverythingButBackupsTheCliRestoresEveryRecord) {
  ASSERT_EQ(SendJson("PUT", "/v1/runtime/acme/orders/o1", {{"status", "paid"}}, Audit()).status,
            200);
  ASSERT_EQ(SendJson("PUT", "/v1/metadata/_/tags/t1", {{"color", "red"}}).status, 201);
  ASSERT_EQ(
      Send("PUT", "/v1/knowledge/_/docs/d100/content/scan", "%PDF-1.7 page", {}, "application/pdf")
          .status,
      200);
  CliResult created = Cli({"backup", "create", "--with-content"});
  ASSERT_EQ(created.exit_code, 0) << created.err;
  std::map<std::string, Json> before;
  for (const std::string path :
       {"/v1/knowledge/_/docs", "/v1/runtime/acme/orders", "/v1/metadata/_/tags"}) {
    Reply page = Get(path + "?limit=1000");
    ASSERT_EQ(page.status, 200) << page.raw;
    for (const Json& record : page.body["records"]) {
      before[path + "/" + record["id"].get<std::string>()] = record["data"];
    }
  }
  ASSERT_EQ(before.size(), 32u);
  client_.reset();
  ASSERT_EQ(server_->Stop(), std::optional<int>(0));
  server_.reset();

  namespace fs = std::filesystem;
  int lost = 0;
  for (const auto& entry : fs::directory_iterator(DataDir())) {
    if (entry.path().filename().string().rfind("hot.sqlite", 0) == 0) lost += fs::remove(entry);
  }
  for (const auto& bucket : fs::directory_iterator(DataDir() + "/objects")) {
    std::string name = bucket.path().filename();
    if (name.size() < 8 || name.substr(name.size() - 8) != "-backups") {
      lost += static_cast<int>(fs::remove_all(bucket.path()) > 0);
    }
  }
  ASSERT_GE(lost, 4) << "the drill destroyed nothing";

  CliResult generic = Cli({"backup", "restore"});
  ASSERT_EQ(generic.exit_code, 0) << generic.out << generic.err;
  EXPECT_NE(generic.out.find("restored 2 collections"), std::string::npos) << generic.out;
  CliResult runtime = Cli({"backup", "restore", "--db", "runtime", "--tenant", "acme"});
  ASSERT_EQ(runtime.exit_code, 0) << runtime.out << runtime.err;
  EXPECT_NE(runtime.out.find("into runtime/acme/orders: 1 records, 1 created"), std::string::npos)
      << runtime.out;
  CliResult verified = Cli({"verify"});
  EXPECT_EQ(verified.exit_code, 0) << verified.out << verified.err;

  server_ = std::make_unique<XronoxdProcess>(StoreFlags(), ServerEnv());
  ASSERT_GT(server_->port(), 0) << server_->Stderr();
  client_ = std::make_unique<httplib::Client>("127.0.0.1", server_->port());
  for (const auto& [path, data] : before) {
    Reply record = Get(path);
    ASSERT_EQ(record.status, 200) << path << ": " << record.raw;
    EXPECT_EQ(record.body["data"], data) << path;
  }
  Reply scan = Get("/v1/knowledge/_/docs/d100/content/scan");
  ASSERT_EQ(scan.status, 200) << scan.raw;
  EXPECT_EQ(scan.raw, "%PDF-1.7 page") << "the content came back";
}

// The drill of a lost hot store with the buckets intact, through the CLI on the embedded store:
// the SQLite file is deleted; `rebuild` re-creates the runtime collection from its version
// objects (records and histories as they were, verify clean, a new server serves them) and
// names the knowledge record that only a backup could bring back.
TEST_F(CliBackupTest, AfterLosingTheHotStoreRebuildRecreatesRuntimeFromItsVersionObjects) {
  const std::string orders = "/v1/runtime/acme/orders/";
  ASSERT_EQ(SendJson("PUT", orders + "o1", {{"status", "paid"}}, Audit()).status, 200);
  ASSERT_EQ(SendJson("PUT", orders + "big", {{"text", std::string(100000, 'b')}}, Audit()).status,
            201);
  ASSERT_EQ(Send("DELETE", orders + "big", "", Audit(), std::nullopt).status, 200);
  ASSERT_EQ(
      SendJson("PUT", "/v1/knowledge/_/docs/large", {{"text", std::string(100000, 'k')}}).status,
      201);
  const Json o1 = Get(orders + "o1").body, history = Get(orders + "o1/history").body;
  client_.reset();
  ASSERT_EQ(server_->Stop(), std::optional<int>(0));
  server_.reset();
  int lost = 0;
  for (const auto& entry : std::filesystem::directory_iterator(DataDir())) {
    if (entry.path().filename().string().rfind("hot.sqlite", 0) == 0) {
      lost += static_cast<int>(std::filesystem::remove(entry));
    }
  }
  ASSERT_GE(lost, 1) << "the drill destroyed nothing";

  CliResult runtime = Cli({"rebuild", "runtime", "acme"});
  ASSERT_EQ(runtime.exit_code, 0) << runtime.out << runtime.err;
  EXPECT_NE(runtime.out.find("rebuilt runtime/acme/orders: 2 records, 4 versions indexed, 0 "
                             "problems"),
            std::string::npos)
      << runtime.out;
  CliResult knowledge = Cli({"rebuild", "knowledge", "_"});
  EXPECT_EQ(knowledge.exit_code, 2) << knowledge.out << knowledge.err;
  EXPECT_NE(knowledge.out.find("knowledge/_/docs: 1 records have a payload object but no "
                               "hot-store row"),
            std::string::npos)
      << knowledge.out;
  EXPECT_NE(knowledge.out.find("restore them from a backup (large)"), std::string::npos)
      << knowledge.out;
  CliResult verified = Cli({"verify"});
  EXPECT_EQ(verified.exit_code, 0) << verified.out << verified.err;

  server_ = std::make_unique<XronoxdProcess>(StoreFlags(), ServerEnv());
  ASSERT_GT(server_->port(), 0) << server_->Stderr();
  client_ = std::make_unique<httplib::Client>("127.0.0.1", server_->port());
  EXPECT_EQ(Get(orders + "o1").body, o1);
  EXPECT_EQ(Get(orders + "o1/history").body, history);
  EXPECT_EQ(Get(orders + "big").status, 404) << "deleted before the loss, deleted after";
  Reply restored = SendJson("POST", orders + "big/restore", {{"version", 0}}, Audit());
  ASSERT_EQ(restored.status, 200) << restored.raw;
  EXPECT_EQ(restored.body["data"]["text"].get<std::string>().size(), 100000u);
}

// Legal holds through the CLI: a collection hold placed, a delete refused, listed, lifted and
// logged with who and why.
TEST_F(CliBackupTest, HoldsArePlacedListedLiftedAndLogged) {
  CliResult unaudited = Cli({"hold", "place", "knowledge", "_", "docs"});
  EXPECT_NE(unaudited.exit_code, 0);
  CliResult placed = Cli({"hold", "place", "knowledge", "_", "docs", "--actor", "counsel",
                          "--reason", "case 42", "--format", "json"});
  ASSERT_EQ(placed.exit_code, 0) << placed.err;
  EXPECT_EQ(Json::parse(placed.out)["scope"], "collection");
  Reply refused = Send("DELETE", "/v1/knowledge/_/docs/d100", "", {}, std::nullopt);
  EXPECT_EQ(refused.status, 409) << refused.raw;
  CliResult listed = Cli({"hold", "list", "knowledge", "_", "--format", "json"});
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  EXPECT_EQ(Json::parse(listed.out)["holds"].size(), 1u) << listed.out;
  CliResult lifted =
      Cli({"hold", "lift", "knowledge", "_", "docs", "--actor", "counsel", "--reason", "settled"});
  ASSERT_EQ(lifted.exit_code, 0) << lifted.err;
  CliResult again =
      Cli({"hold", "lift", "knowledge", "_", "docs", "--actor", "counsel", "--reason", "settled"});
  EXPECT_EQ(again.exit_code, 1);
  EXPECT_NE(again.err.find("no legal hold on collection knowledge/_/docs"), std::string::npos)
      << again.err;
  EXPECT_EQ(Send("DELETE", "/v1/knowledge/_/docs/d100", "", {}, std::nullopt).status, 200);
  CliResult log = Cli({"hold", "log", "knowledge", "_", "--format", "json"});
  ASSERT_EQ(log.exit_code, 0) << log.err;
  Json events = Json::parse(log.out)["events"];
  ASSERT_EQ(events.size(), 2u) << log.out;
  EXPECT_EQ(events[0]["reason"], "case 42");
  EXPECT_EQ(events[1]["action"], "lift");
}

// retention run over a config whose logs database keeps records 30 days: the new event is kept
// (the dry run and the run say so per collection), and a collection without a policy is refused
// when named. Deleting old records is tested with a clock that moves (retention_test.cc).
TEST_F(CliBackupTest, RetentionRunAppliesTheConfiguredPolicyToLogs) {
  auto config = CreateEmbeddedConfig(DataDir());
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  for (DatabaseConfig& db : config->databases) {
    if (db.type == DatabaseType::kLogs) db.retention = RetentionPolicy{30, 0};
  }
  const std::string path = dir_.path() + "/store.json";
  std::ofstream(path) << ConfigToJson(*config).dump(2);
  CliResult dry = CliWith({"--config", path, "retention", "run", "--dry-run"});
  ASSERT_EQ(dry.exit_code, 0) << dry.err;
  EXPECT_NE(dry.out.find("retention logs/_/events: would remove 0 of 1 records written before "),
            std::string::npos)
      << dry.out;
  EXPECT_NE(dry.out.find("(30 days; 0 kept by legal holds)"), std::string::npos) << dry.out;
  CliResult run = CliWith({"--config", path, "retention", "run", "--json"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  std::vector<Json> lines = Lines(run.out);
  ASSERT_EQ(lines.size(), 1u) << run.out;
  EXPECT_EQ(lines[0]["retention"]["removed"], 0);
  EXPECT_EQ(lines[0]["retention"]["examined"], 1);
  CliResult none = Cli({"retention", "run", "--collection", "events"});
  EXPECT_EQ(none.exit_code, 1);
  EXPECT_NE(none.err.find("has no retention policy"), std::string::npos) << none.err;
}

// retention run over a config that keeps one version payload per runtime order: o1's older
// versions lose their payloads (a dry run first), history still lists them, marked, reading one
// names payload_removed, and verify is clean.
TEST_F(CliBackupTest, RetentionRunRemovesRuntimePayloadsPastTheNewest) {
  for (const char* status : {"paid", "shipped"}) {
    ASSERT_EQ(SendJson("PUT", "/v1/runtime/acme/orders/o1", {{"status", status}}, Audit()).status,
              200);
  }
  auto config = CreateEmbeddedConfig(DataDir());
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  config->collection_maps["orders"].retention = RetentionPolicy{0, 1};
  const std::string path = dir_.path() + "/store.json";
  std::ofstream(path) << ConfigToJson(*config).dump(2);
  CliResult dry = CliWith({"--config", path, "retention", "run", "--db", "runtime", "--dry-run"});
  ASSERT_EQ(dry.exit_code, 0) << dry.err;
  EXPECT_NE(dry.out.find("retention runtime/acme/orders: would remove 2 version payloads of 1 "
                         "records (past the newest 1; 0 kept by legal holds)"),
            std::string::npos)
      << dry.out;
  CliResult run = CliWith({"--config", path, "retention", "run", "--db", "runtime", "--json"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  std::vector<Json> lines = Lines(run.out);
  ASSERT_EQ(lines.size(), 1u) << run.out;
  EXPECT_EQ(lines[0]["retention"]["versionsRemoved"], 2);

  CliResult history = Cli({"history", "runtime", "acme", "orders", "o1", "--format", "json"});
  ASSERT_EQ(history.exit_code, 0) << history.err;
  Json versions = Json::parse(history.out)["versions"];
  ASSERT_EQ(versions.size(), 3u) << history.out;
  EXPECT_FALSE(versions[0].contains("payloadRemoved")) << "the current version keeps its payload";
  EXPECT_EQ(versions[1]["payloadRemoved"], true);
  EXPECT_EQ(versions[2]["payloadRemoved"], true);
  EXPECT_EQ(versions[2]["actor"], versions[0]["actor"]) << "the audit entry stays";
  CliResult old = Cli({"get", "runtime", "acme", "orders", "o1", "--version", "0"});
  EXPECT_EQ(old.exit_code, 1);
  EXPECT_NE(old.err.find("payload was removed"), std::string::npos) << old.err;
  CliResult verified = Cli({"verify"});
  EXPECT_EQ(verified.exit_code, 0) << verified.out << verified.err;
}

// A retention run killed (SIGKILL) at each step of its work on a runtime collection: every
// version reads whole or answers 410 at once, verify finds no problem, and the next run finishes
// it with verify clean once the killed run's lease (1 second here) has expired.
TEST_F(CliBackupTest, ARetentionRunKilledAtAnyStepLosesNothing) {
  if (!FaultPointsEnabled()) GTEST_SKIP() << "this build compiles fault points out";
  auto config = CreateEmbeddedConfig(DataDir());
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  config->engine.claim_lease_seconds = 1;
  const std::string path = dir_.path() + "/store.json";
  int n = 0;
  for (std::string_view point : kHistoryRetentionFaultPoints) {
    const std::string c = "killed" + std::to_string(n++), record = "/v1/runtime/acme/" + c + "/x";
    for (int v = 0; v < 4; ++v) {
      ASSERT_LT(SendJson("PUT", record, {{"v", v}}, Audit()).status, 300);
    }
    config->collection_maps[c].retention = RetentionPolicy{0, 1};
    std::ofstream(path) << ConfigToJson(*config).dump(2);
    ::setenv("XRONOX_FAULT_STOP", std::string(point).c_str(), 1);
    CliResult killed =
        CliWith({"--config", path, "retention", "run", "--db", "runtime", "--collection", c});
    ::unsetenv("XRONOX_FAULT_STOP");
    EXPECT_NE(killed.exit_code, 0) << point << " did not stop the run: " << killed.out;
    // First, while the killed run's lease (1 s) surely holds.
    const std::vector<std::string> run = {"--config", path,      "retention",    "run",
                                          "--db",     "runtime", "--collection", c};
    CliResult early = CliWith(run);
    EXPECT_NE(early.err.find("is running elsewhere"), std::string::npos) << point << early.err;
    for (int v = 0; v < 4; ++v) {
      int status = Get(record + "?version=" + std::to_string(v)).status;
      EXPECT_TRUE(status == 200 || status == 410) << point << " v" << v << ": " << status;
    }
    CliResult after_kill = Cli({"verify"});
    EXPECT_EQ(after_kill.exit_code, 0) << point << ": " << after_kill.out << after_kill.err;
    std::this_thread::sleep_for(std::chrono::milliseconds(1100));
    CliResult rerun = CliWith(run);
    ASSERT_EQ(rerun.exit_code, 0) << point << ": " << rerun.err;
    for (int v = 0; v < 4; ++v) {
      EXPECT_EQ(Get(record + "?version=" + std::to_string(v)).status, v < 3 ? 410 : 200)
          << point << " v" << v;
    }
    CliResult verified = Cli({"verify"});
    EXPECT_EQ(verified.exit_code, 0) << point << ": " << verified.out << verified.err;
    EXPECT_EQ(verified.out.find("payload past retention"), std::string::npos) << verified.out;
  }
}

// restore-collection and ls --as-of: a runtime collection listed and put back as it was at an
// instant, a dry run first, and refused where no versions are kept.
TEST_F(CliBackupTest, RestoreCollectionPutsARuntimeCollectionBackToAnInstant) {
  const std::string t = Get("/v1/runtime/acme/orders/o1").body["updatedAt"];
  std::this_thread::sleep_for(std::chrono::milliseconds(2));
  ASSERT_EQ(SendJson("PUT", "/v1/runtime/acme/orders/o1", {{"status", "paid"}}, Audit()).status,
            200);
  ASSERT_EQ(SendJson("PUT", "/v1/runtime/acme/orders/o2", {{"status", "new"}}, Audit()).status,
            201);
  CliResult then = Cli({"ls", "runtime", "acme", "orders", "--as-of", t, "--format", "json"});
  ASSERT_EQ(then.exit_code, 0) << then.err;
  Json records = Json::parse(then.out)["records"];
  ASSERT_EQ(records.size(), 1u) << then.out;
  EXPECT_EQ(records[0]["data"], Json({{"status", "new"}}));

  const std::vector<std::string> restore{
      "restore-collection", "runtime",        "acme", "orders", "--as-of", t, "--actor", "ops",
      "--reason",           "undo the import"};
  std::vector<std::string> dry = restore;
  dry.push_back("--dry-run");
  CliResult would = Cli(dry);
  ASSERT_EQ(would.exit_code, 0) << would.err;
  EXPECT_NE(would.out.find("would restore runtime/acme/orders to " + t +
                           ": 2 records examined, 1 reverted, 0 revived, 1 deleted, 0 unchanged"),
            std::string::npos)
      << would.out;
  std::vector<std::string> json = restore;
  json.push_back("--json");
  CliResult done = Cli(json);
  ASSERT_EQ(done.exit_code, 0) << done.err;
  std::vector<Json> lines = Lines(done.out);
  ASSERT_FALSE(lines.empty());
  EXPECT_EQ(lines.back()["event"], "restore-collection");
  EXPECT_EQ(lines.back()["restore"]["reverted"], 1);
  EXPECT_EQ(lines.back()["restore"]["deleted"], 1);
  EXPECT_EQ(Get("/v1/runtime/acme/orders/o1").body["data"], Json({{"status", "new"}}));
  EXPECT_EQ(Get("/v1/runtime/acme/orders/o2").status, 404);

  CliResult plain = Cli({"restore-collection", "knowledge", "_", "docs", "--as-of", t, "--actor",
                         "ops", "--reason", "r"});
  EXPECT_EQ(plain.exit_code, 1);
  EXPECT_NE(plain.err.find("needs a versioned database type"), std::string::npos) << plain.err;
  CliResult unaudited = Cli({"restore-collection", "runtime", "acme", "orders", "--as-of", t});
  EXPECT_NE(unaudited.exit_code, 0);
}

}  // namespace
}  // namespace xronox::testing
