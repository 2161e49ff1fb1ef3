// The xronox CLI against the store that a running xronoxd serves: reads what the server
// wrote, writes what the server then reads, and verify's exit codes.
#include <pty.h>
#include <sqlite3.h>

#include <filesystem>
#include <fstream>

#include "integration/cli_support.h"
#include "xronox/config.h"

namespace xronox::testing {
namespace {

// Settings that are valid but not acted on yet are named at start-up, never silently ignored.
TEST_F(CliTest, SettingsNotActedOnYetAreNamedAtStartUp) {
  auto config = CreateEmbeddedConfig(dir_.path() + "/other");
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  Json json = ConfigToJson(*config);
  json["collectionMaps"]["orders"] = {{"indexedProps", Json::array()},
                                      {"s3Offload", {{"enabled", true}, {"olderThan", 30}}}};
  json["databases"]["messaging"]["captureDeliveries"] = true;
  const std::string path = dir_.path() + "/unacted.json";
  std::ofstream(path) << json.dump(2);
  CliResult cli = CliWith({"--config", path, "verify"});
  EXPECT_EQ(cli.exit_code, 0) << cli.err;
  EXPECT_EQ(cli.err.find("s3Offload"), std::string::npos) << cli.err;  // Acted on: offload.
  EXPECT_NE(cli.err.find("databases.messaging.captureDeliveries is not acted on yet"),
            std::string::npos)
      << cli.err;
  XronoxdProcess server({"--config", path}, {});
  ASSERT_GT(server.port(), 0) << server.Stderr();
  EXPECT_EQ(server.Stop(), std::optional<int>(0));
  const std::string log = server.Stderr();
  EXPECT_EQ(log.find("s3Offload"), std::string::npos) << log;
  EXPECT_NE(log.find("databases.messaging.captureDeliveries is not acted on yet"),
            std::string::npos)
      << log;
  // The server's own --data config holds none of them: nothing is said.
  EXPECT_EQ(Cli({"verify"}).err.find("warning"), std::string::npos);
}

// --data and --config may come before or after the subcommand: every subcommand that opens a
// store, run both ways, answers the same.
TEST_F(CliTest, StoreOptionsMayFollowTheSubcommand) {
  const std::vector<std::string> data = {"--data", DataDir()};
  auto both = [&](const std::string& command, const std::vector<std::string>& rest) {
    std::vector<std::string> first = data, after = {command};
    first.push_back(command);
    first.insert(first.end(), rest.begin(), rest.end());
    after.insert(after.end(), data.begin(), data.end());
    after.insert(after.end(), rest.begin(), rest.end());
    CliResult a = CliWith(first), b = CliWith(after);
    EXPECT_EQ(a.exit_code, 0) << command << ": " << a.err;
    EXPECT_EQ(b.exit_code, 0) << command << " with the options after it: " << b.err;
    return std::make_pair(a.out, b.out);
  };
  const std::vector<std::string> audit = {"--actor", "ops", "--reason", "cli test"};
  auto [init_a, init_b] = both("init", {});
  EXPECT_EQ(init_a, init_b);
  std::vector<std::string> put = {"runtime", "acme", "orders", "o1", R"({"a":1})"};
  put.insert(put.end(), audit.begin(), audit.end());
  auto [put_a, put_b] = both("put", put);
  EXPECT_NE(put_a.find(R"("version":0)"), std::string::npos) << put_a;
  EXPECT_NE(put_b.find(R"("unchanged":true)"), std::string::npos) << put_b;
  std::vector<std::string> merge = {"runtime", "acme", "orders", "o1", R"({"b":2})", "--merge"};
  merge.insert(merge.end(), audit.begin(), audit.end());
  std::vector<std::string> merge_args = data;
  merge_args.push_back("put");
  merge_args.insert(merge_args.end(), merge.begin(), merge.end());
  ASSERT_EQ(CliWith(merge_args).exit_code, 0);
  for (const auto& [command, rest] : std::vector<std::pair<std::string, std::vector<std::string>>>{
           {"get", {"runtime", "acme", "orders", "o1"}},
           {"history", {"runtime", "acme", "orders", "o1"}},
           {"diff", {"runtime", "acme", "orders", "o1", "--from", "0", "--to", "1"}},
           {"blame", {"runtime", "acme", "orders", "o1"}},
           {"counters", {"runtime", "acme", "orders"}},
           {"verify", {}}}) {
    auto [a, b] = both(command, rest);
    EXPECT_EQ(a, b) << command;
    EXPECT_FALSE(a.empty()) << command;
  }
  std::vector<std::string> restore = {"runtime", "acme", "orders", "o1", "--version", "0"};
  restore.insert(restore.end(), audit.begin(), audit.end());
  auto [restore_a, restore_b] = both("restore", restore);
  EXPECT_NE(restore_a.find(R"("version": 2)"), std::string::npos) << restore_a;
  EXPECT_NE(restore_b.find(R"("version": 3)"), std::string::npos) << restore_b;
  CliResult counters =
      CliWith({"counters", "--data", DataDir(), "runtime", "acme", "orders", "--format", "json"});
  EXPECT_EQ(counters.exit_code, 0) << counters.err;
  EXPECT_EQ(Json::parse(counters.out, nullptr, false),
            (Json{{"created", 1}, {"updated", 3}, {"deleted", 0}, {"live", 1}}))
      << counters.out;
  // --config after the subcommand too.
  auto config = CreateEmbeddedConfig(DataDir());
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  const std::string path = dir_.path() + "/embedded.json";
  std::ofstream(path) << ConfigToJson(*config).dump(2);
  CliResult by_config = CliWith({"get", "--config", path, "runtime", "acme", "orders", "o1"});
  EXPECT_EQ(by_config.exit_code, 0) << by_config.err;
  EXPECT_EQ(by_config.out, Cli({"get", "runtime", "acme", "orders", "o1"}).out);
}

// ls at each level, as an operator looks around without knowing ids; piped, it prints JSON.
TEST_F(CliTest, LsListsDatabasesTenantsCollectionsAndRecords) {
  const std::vector<std::string> audit = {"--actor", "ops", "--reason", "ls test"};
  for (const auto& [tenant, id, status] :
       std::vector<std::tuple<std::string, std::string, std::string>>{{"acme", "o-1", "paid"},
                                                                      {"acme", "o-2", "new"},
                                                                      {"acme", "o-3", "paid"},
                                                                      {"globex", "o-1", "new"}}) {
    std::vector<std::string> put = {"put",    "runtime", tenant,
                                    "orders", id,        R"({"status":")" + status + R"("})"};
    put.insert(put.end(), audit.begin(), audit.end());
    ASSERT_EQ(Cli(put).exit_code, 0);
  }
  ASSERT_EQ(Cli({"put", "knowledge", "_", "facts", "f1", R"({"text":"hi"})"}).exit_code, 0);
  auto json_of = [&](const std::vector<std::string>& args) {
    CliResult r = Cli(args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return Json::parse(r.out, nullptr, false);
  };
  Json databases = json_of({"ls"})["databases"];
  EXPECT_NE(
      std::find(databases.begin(), databases.end(), Json{{"db", "runtime"}, {"tenant", "globex"}}),
      databases.end())
      << databases;
  EXPECT_NE(
      std::find(databases.begin(), databases.end(), Json{{"db", "knowledge"}, {"tenant", "_"}}),
      databases.end());
  EXPECT_EQ(
      json_of({"ls", "runtime"})["databases"],
      (Json{{{"db", "runtime"}, {"tenant", "acme"}}, {{"db", "runtime"}, {"tenant", "globex"}}}));
  EXPECT_EQ(json_of({"ls", "runtime", "acme"})["collections"], Json::array({"orders"}));
  EXPECT_EQ(json_of({"ls", "knowledge", "_"})["collections"], Json::array({"facts"}));
  // Records, a page at a time.
  Json first = json_of({"ls", "runtime", "acme", "orders", "--limit", "2"});
  ASSERT_EQ(first["records"].size(), 2u) << first;
  EXPECT_EQ(first["records"][0]["id"], "o-1");
  EXPECT_EQ(first["records"][1]["data"], (Json{{"status", "new"}}));
  ASSERT_TRUE(first["next"].is_string()) << first;
  Json second = json_of({"ls", "runtime", "acme", "orders", "--limit", "2", "--cursor",
                         first["next"].get<std::string>()});
  ASSERT_EQ(second["records"].size(), 1u) << second;
  EXPECT_EQ(second["records"][0]["id"], "o-3");
  EXPECT_TRUE(second["next"].is_null());
  Json paid = json_of({"ls", "runtime", "acme", "orders", "--where", R"({"status":"paid"})"});
  ASSERT_EQ(paid["records"].size(), 2u) << paid;
  EXPECT_EQ(paid["records"][1]["id"], "o-3");
  EXPECT_TRUE(json_of({"ls", "runtime", "nobody", "orders"})["records"].empty());
  // A table when asked.
  CliResult table = Cli({"ls", "runtime", "acme", "orders", "--limit", "2", "--format", "table"});
  EXPECT_EQ(table.exit_code, 0) << table.err;
  EXPECT_EQ(table.out.substr(0, table.out.find('\n')),
            "id   version  updatedAt" + std::string(20, ' ') + "data");
  EXPECT_NE(table.out.find("next page: --cursor "), std::string::npos) << table.out;
  // Bad input is a clear error.
  CliResult bad_filter = Cli({"ls", "runtime", "acme", "orders", "--where", "{\"status\":"});
  EXPECT_NE(bad_filter.exit_code, 0);
  EXPECT_NE(bad_filter.err.find("invalid JSON"), std::string::npos) << bad_filter.err;
  CliResult bad_limit = Cli({"ls", "runtime", "acme", "orders", "--limit", "0"});
  EXPECT_NE(bad_limit.exit_code, 0);
  EXPECT_NE(Cli({"ls", "nosuch"}).err.find("unknown database type"), std::string::npos);
  EXPECT_NE(Cli({"ls", "--format", "xml"}).exit_code, 0);
}

// blame gives each field the version, actor and reason that last set it; it refuses a bound
// out of range and a type without history.
TEST_F(CliTest, BlameNamesTheVersionThatLastSetEachField) {
  ASSERT_EQ(Cli({"put", "runtime", "acme", "orders", "o-1", R"({"a":1,"b":1})", "--actor", "alice",
                 "--reason", "opened"})
                .exit_code,
            0);
  ASSERT_EQ(Cli({"put", "runtime", "acme", "orders", "o-1", R"({"a":1,"b":2})", "--actor", "bob",
                 "--reason", "raised"})
                .exit_code,
            0);
  CliResult blamed = Cli({"blame", "runtime", "acme", "orders", "o-1", "--format", "json"});
  ASSERT_EQ(blamed.exit_code, 0) << blamed.err;
  Json report = Json::parse(blamed.out, nullptr, false);
  ASSERT_TRUE(report.is_object()) << blamed.out;
  ASSERT_EQ(report["fields"].size(), 2u) << blamed.out;
  EXPECT_EQ(report["fields"][0]["path"], "/a");
  EXPECT_EQ(report["fields"][0]["version"], 0);
  EXPECT_EQ(report["fields"][0]["actor"], "alice");
  EXPECT_EQ(report["fields"][1]["path"], "/b");
  EXPECT_EQ(report["fields"][1]["version"], 1);
  EXPECT_EQ(report["fields"][1]["reason"], "raised");
  EXPECT_EQ(report["versionsRead"], 2);
  CliResult unbounded = Cli({"blame", "runtime", "acme", "orders", "o-1", "--max-versions", "0"});
  EXPECT_NE(unbounded.exit_code, 0);
  ASSERT_EQ(Cli({"put", "knowledge", "_", "facts", "f-1", R"({"a":1})"}).exit_code, 0);
  CliResult plain = Cli({"blame", "knowledge", "_", "facts", "f-1"});
  EXPECT_NE(plain.exit_code, 0);
  EXPECT_NE(plain.err.find("runtime"), std::string::npos) << plain.err;
}

// Read commands print a table on a terminal and JSON when piped, unless --format says.
TEST_F(CliTest, ReadCommandsPrintATableOnATerminalAndJsonWhenPiped) {
  ASSERT_EQ(Cli({"put", "runtime", "acme", "orders", "o-1", R"({"a":1})", "--actor", "ops",
                 "--reason", "r"})
                .exit_code,
            0);
  ASSERT_EQ(Cli({"put", "runtime", "acme", "orders", "o-1", R"({"a":2})", "--actor", "ops",
                 "--reason", "r"})
                .exit_code,
            0);
  const std::vector<std::pair<std::vector<std::string>, std::string>> commands = {
      {{"get", "runtime", "acme", "orders", "o-1"}, "field"},
      {{"history", "runtime", "acme", "orders", "o-1"}, "version"},
      {{"diff", "runtime", "acme", "orders", "o-1", "--from", "0", "--to", "1"}, "op"},
      {{"blame", "runtime", "acme", "orders", "o-1"}, "path"},
      {{"ls", "runtime", "acme", "orders"}, "id"}};
  for (const auto& [args, header] : commands) {
    CliResult piped = Cli(args);
    EXPECT_EQ(piped.exit_code, 0) << piped.err;
    EXPECT_FALSE(Json::parse(piped.out, nullptr, false).is_discarded()) << piped.out;
    std::vector<std::string> as_table = args;
    as_table.insert(as_table.end(), {"--format", "table"});
    EXPECT_EQ(Cli(as_table).out.rfind(header + " ", 0), 0u) << args[0];
    // On a terminal (a pseudo-terminal here): the table.
    std::vector<std::string> argv = {XRONOX_CLI_BINARY, "--data", DataDir()};
    argv.insert(argv.end(), args.begin(), args.end());
    int master = -1;
    pid_t pid = forkpty(&master, nullptr, nullptr, nullptr);
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      std::vector<char*> raw;
      for (auto& arg : argv) raw.push_back(arg.data());
      raw.push_back(nullptr);
      execv(XRONOX_CLI_BINARY, raw.data());
      _exit(127);
    }
    std::string shown;
    char buffer[4096];
    for (ssize_t n; (n = read(master, buffer, sizeof(buffer))) > 0;) shown.append(buffer, n);
    close(master);
    EXPECT_EQ(WaitFor(pid, std::chrono::seconds(30)).value_or(-1), 0) << args[0];
    EXPECT_EQ(shown.rfind(header + " ", 0), 0u) << args[0] << ": " << shown;
  }
}

TEST_F(CliTest, ReadsWhatTheServerWroteWhileItRuns) {
  ASSERT_EQ(SendJson("PUT", "/v1/runtime/acme/orders/o1", {{"status", "new"}}, Audit()).status,
            201);
  ASSERT_EQ(Send("PATCH", "/v1/runtime/acme/orders/o1", R"({"status":"paid"})", Audit(),
                 "application/merge-patch+json")
                .status,
            200);
  CliResult get = Cli({"get", "runtime", "acme", "orders", "o1"});
  ASSERT_EQ(get.exit_code, 0) << get.err;
  Json record = Json::parse(get.out);
  EXPECT_EQ(record["version"], 1);
  EXPECT_EQ(record["data"]["status"], "paid");
  CliResult old = Cli({"get", "runtime", "acme", "orders", "o1", "--version", "0"});
  ASSERT_EQ(old.exit_code, 0) << old.err;
  EXPECT_EQ(Json::parse(old.out)["data"]["status"], "new");
  CliResult history = Cli({"history", "runtime", "acme", "orders", "o1"});
  ASSERT_EQ(history.exit_code, 0) << history.err;
  EXPECT_EQ(Json::parse(history.out)["versions"].size(), 2u);
  CliResult diff = Cli({"diff", "runtime", "acme", "orders", "o1", "--from", "0", "--to", "1"});
  ASSERT_EQ(diff.exit_code, 0) << diff.err;
  EXPECT_EQ(Json::parse(diff.out)["patch"][0]["op"], "replace");
}

TEST_F(CliTest, WritesThatTheServerThenServes) {
  CliResult put = Cli({"put", "runtime", "acme", "orders", "o2", R"({"n":1})", "--actor", "ops",
                       "--reason", "seed"});
  ASSERT_EQ(put.exit_code, 0) << put.err;
  CliResult restore = Cli({"restore", "runtime", "acme", "orders", "o2", "--version", "0",
                           "--actor", "ops", "--reason", "again"});
  ASSERT_EQ(restore.exit_code, 0) << restore.err;
  Reply read = Get("/v1/runtime/acme/orders/o2");
  ASSERT_EQ(read.status, 200);
  EXPECT_EQ(read.body["version"], 1);
  EXPECT_EQ(read.body["data"], (Json{{"n", 1}}));
  CliResult no_audit = Cli({"put", "runtime", "acme", "orders", "o3", R"({"n":1})"});
  EXPECT_NE(no_audit.exit_code, 0);
  EXPECT_NE(no_audit.err.find("actor"), std::string::npos) << no_audit.err;
  EXPECT_EQ(Get("/v1/runtime/acme/orders/o3").status, 404);
}

// put --enrich adds to a record (arrays united) as one version; over HTTP POST .../enrich does
// the same, and a null is refused.
TEST_F(CliTest, EnrichAddsWithoutRemovingFromTheCliAndOverHttp) {
  const std::vector<std::string> audit = {"--actor", "ops", "--reason", "enrich"};
  std::vector<std::string> put = {"put",    "runtime", "acme",
                                  "orders", "e1",      R"({"tags":["a"],"c":{"n":1}})"};
  put.insert(put.end(), audit.begin(), audit.end());
  ASSERT_EQ(Cli(put).exit_code, 0);
  std::vector<std::string> enrich = {
      "put", "runtime", "acme", "orders", "e1", R"({"tags":["a","b"],"c":{"m":2}})", "--enrich"};
  enrich.insert(enrich.end(), audit.begin(), audit.end());
  CliResult enriched = Cli(enrich);
  ASSERT_EQ(enriched.exit_code, 0) << enriched.err;
  EXPECT_NE(enriched.out.find(R"("version":1)"), std::string::npos) << enriched.out;
  EXPECT_EQ(Get("/v1/runtime/acme/orders/e1").body["data"],
            (Json{{"tags", {"a", "b"}}, {"c", {{"n", 1}, {"m", 2}}}}));
  std::vector<std::string> both = enrich;
  both.push_back("--merge");
  EXPECT_NE(Cli(both).exit_code, 0) << "--enrich and --merge exclude each other";
  Reply http = SendJson("POST", "/v1/runtime/acme/orders/e1/enrich", {{"tags", {"c"}}},
                        Audit({{"If-Match", "\"1\""}}));
  ASSERT_EQ(http.status, 200) << http.raw;
  EXPECT_EQ(http.body["data"]["tags"], (Json{"a", "b", "c"}));
  EXPECT_EQ(http.body["version"], 2);
  Reply with_null =
      SendJson("POST", "/v1/runtime/acme/orders/e1/enrich", {{"c", nullptr}}, Audit());
  EXPECT_EQ(with_null.status, 400) << with_null.raw;
}

TEST_F(CliTest, VerifyIsCleanThenFailsOnTamperingAndReportsGarbage) {
  for (int i = 0; i < 3; ++i) {
    ASSERT_EQ(SendJson("PUT", "/v1/runtime/acme/orders/o1", {{"i", i}}, Audit()).status,
              i == 0 ? 201 : 200);
  }
  ASSERT_EQ(SendJson("POST", "/v1/knowledge/_/facts", {{"text", "x"}}).status, 201);
  CliResult clean = Cli({"verify"});
  EXPECT_EQ(clean.exit_code, 0) << clean.out << clean.err;
  EXPECT_NE(clean.out.find("0 problems"), std::string::npos) << clean.out;

  // A version object whose writer died before indexing it: garbage, not a failure.
  std::string versions = DataDir() + "/objects/xronox-runtime-acme-versions/versions/orders/o9";
  std::filesystem::create_directories(versions);
  std::string bytes = R"({"actor":"a","at":"2026-01-01T00:00:00.000000Z","atMicros":1,)"
                      R"("changedFields":[],"collection":"orders","data":{},"deleted":false,)"
                      R"("format":"xronox.version/1","id":"o9","op":"create","prevHash":null,)"
                      R"("reason":"r","version":0})";
  { std::ofstream(versions + "/v0.json") << bytes; }
  CliResult garbage = Cli({"verify"});
  EXPECT_EQ(garbage.exit_code, 0) << garbage.out << garbage.err;
  EXPECT_NE(garbage.out.find("1 garbage"), std::string::npos) << garbage.out;
  CliResult repaired = Cli({"verify", "--repair"});
  EXPECT_EQ(repaired.exit_code, 0) << repaired.out << repaired.err;
  CliResult after = Cli({"verify"});
  EXPECT_NE(after.out.find("0 problems, 0 garbage"), std::string::npos) << after.out;

  // Tampering with a committed version is an inconsistency: non-zero exit.
  std::string v1 = DataDir() + "/objects/xronox-runtime-acme-versions/versions/orders/o1/v1.json";
  std::string text = ReadFile(v1);
  ASSERT_NE(text.find("\"i\":1"), std::string::npos);
  text.replace(text.find("\"i\":1"), 5, "\"i\":7");
  { std::ofstream(v1, std::ios::trunc) << text; }
  CliResult tampered = Cli({"verify"});
  EXPECT_EQ(tampered.exit_code, 2) << tampered.out << tampered.err;
  EXPECT_NE(tampered.out.find("problem: runtime/acme/orders"), std::string::npos) << tampered.out;
}

// Counters that differ from their recount are a problem for verify (exit 2), and --repair
// sets the recount.
TEST_F(CliTest, VerifyRecountsTheCountersAndRepairSetsThem) {
  for (const char* id : {"f1", "f2"}) {
    ASSERT_EQ(SendJson("PUT", std::string("/v1/knowledge/_/facts/") + id, {{"t", id}}).status, 201);
  }
  EXPECT_EQ(Cli({"verify"}).exit_code, 0);
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((DataDir() + "/hot.sqlite").c_str(), &db), SQLITE_OK);
  sqlite3_busy_timeout(db, 5000);
  char* error = nullptr;
  int rc = sqlite3_exec(db,
                        "UPDATE \"xronox_knowledge.facts_counter\" SET value = 7 "
                        "WHERE name = 'records.created'",
                        nullptr, nullptr, &error);
  EXPECT_EQ(rc, SQLITE_OK) << (error ? error : "");
  EXPECT_EQ(sqlite3_changes(db), 1);
  sqlite3_free(error);
  sqlite3_close(db);
  CliResult off = Cli({"verify"});
  EXPECT_EQ(off.exit_code, 2) << off.out << off.err;
  EXPECT_NE(off.out.find("problem: knowledge/_/facts: counters {\"created\":7,\"deleted\":0,"
                         "\"live\":2,\"updated\":0}, recounted {\"created\":2,"),
            std::string::npos)
      << off.out;
  CliResult repaired = Cli({"verify", "--repair"});
  EXPECT_EQ(repaired.exit_code, 0) << repaired.out << repaired.err;
  EXPECT_NE(repaired.out.find("repaired: knowledge/_/facts: counters"), std::string::npos)
      << repaired.out;
  EXPECT_EQ(Cli({"verify"}).exit_code, 0);
  CliResult counters = Cli({"counters", "knowledge", "_", "facts", "--format", "json"});
  EXPECT_EQ(Json::parse(counters.out, nullptr, false),
            (Json{{"created", 2}, {"updated", 0}, {"deleted", 0}, {"live", 2}}))
      << counters.out;
}

// What a tenant wrote through a name that differs only in case, before such names were
// refused, is found: here the versions bucket folder such a write made beside acme's.
TEST_F(CliTest, VerifyReportsStoredNamesThatDifferOnlyInCase) {
  ASSERT_EQ(SendJson("PUT", "/v1/runtime/acme/orders/o1", {{"i", 1}}, Audit()).status, 201);
  EXPECT_EQ(Cli({"verify"}).exit_code, 0);
  std::string stray = DataDir() + "/objects/xronox-runtime-ACME-versions/versions/orders/o1";
  std::filesystem::create_directories(stray);
  { std::ofstream(stray + "/v1.json") << "{}"; }
  CliResult found = Cli({"verify"});
  EXPECT_EQ(found.exit_code, 2) << found.out << found.err;
  EXPECT_NE(found.out.find("problem: folder:embedded: buckets 'xronox-runtime-ACME-versions', "
                           "'xronox-runtime-acme-versions' differ only in letter case"),
            std::string::npos)
      << found.out;
}

TEST_F(CliTest, ConfigMigrateTurnsALegacyConfigIntoOneThatLoads) {
  std::string legacy = dir_.path() + "/legacy.json";
  std::string connections = dir_.path() + "/connections.json";
  std::string migrated = dir_.path() + "/migrated.json";
  std::ofstream(legacy) << R"({"runtime": {"tenantDatabases": [{"tenantId": "tenant-a",
      "dbConnRef": "mongo-primary", "dbName": "athenix_runtime_tenant_a",
      "analyticsDbName": "athenix_analytics_tenant_a"}]},
    "logs": {"dbConnRef": "mongo-primary", "dbName": "athenix_logs"}})";
  std::ofstream(connections)
      << R"({"connections": {"mongo": {"mongo-primary": {"uri": "mongodb://db:27017"}}}})";

  CliResult missing = Cli({"config", "migrate", "--in", legacy});
  EXPECT_NE(missing.exit_code, 0);
  EXPECT_NE(missing.err.find("mongo-primary"), std::string::npos) << missing.err;

  CliResult done =
      Cli({"config", "migrate", "--in", legacy, "--connections", connections, "--out", migrated});
  ASSERT_EQ(done.exit_code, 0) << done.err;
  EXPECT_NE(done.err.find("tenant-a"), std::string::npos) << "hot-store-only warning";
  Result<Config> loaded = LoadConfigFile(migrated);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  ASSERT_EQ(loaded->databases.size(), 2u);
  EXPECT_EQ(loaded->mongo_connections.at("mongo-primary").uri, "mongodb://db:27017");
}

TEST_F(CliTest, EveryCommandHasHelpAndBadInputIsAClearError) {
  for (const char* command : {"init", "get", "put", "history", "diff", "restore", "verify", "ls"}) {
    CliResult help = Cli({command, "--help"});
    EXPECT_EQ(help.exit_code, 0) << command;
    EXPECT_NE(help.out.find("Usage"), std::string::npos) << command << ": " << help.out;
  }
  CliResult bad_type = Cli({"get", "nosuch", "_", "c", "id"});
  EXPECT_NE(bad_type.exit_code, 0);
  EXPECT_NE(bad_type.err.find("unknown database type"), std::string::npos) << bad_type.err;
  CliResult traversal = Cli({"get", "knowledge", "_", "facts", "../../etc"});
  EXPECT_NE(traversal.exit_code, 0);
  EXPECT_NE(traversal.err.find("record id"), std::string::npos) << traversal.err;
}

}  // namespace
}  // namespace xronox::testing
