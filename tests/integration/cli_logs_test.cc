// Logs over HTTP and the CLI: entries appended in bulk (POST :append, `xronox append` from JSON
// lines in batches of 1,000) read back newest first or oldest first with paging, and by time
// range; bad input is refused with the entry or line that is wrong, and runtime appends nothing.
#include <fstream>

#include "integration/cli_support.h"

namespace xronox::testing {
namespace {

using CliLogsTest = CliTest;

constexpr char kEvents[] = "/v1/logs/_/events";

std::vector<int> Numbers(const Json& records) {
  std::vector<int> numbers;
  for (const Json& record : records) numbers.push_back(record["data"]["n"].get<int>());
  return numbers;
}

TEST_F(CliLogsTest, AppendedEntriesReadNewestFirstAndByTimeOverHttp) {
  Reply appended = SendJson("POST", std::string(kEvents) + ":append",
                            {{"entries", {{{"n", 0}}, {{"n", 1}}, {{"n", 2}}}}});
  ASSERT_EQ(appended.status, 201) << appended.raw;
  std::vector<std::string> ids = appended.body["ids"].get<std::vector<std::string>>();
  ASSERT_EQ(ids.size(), 3u);
  EXPECT_TRUE(std::is_sorted(ids.begin(), ids.end()));
  EXPECT_EQ(Get(std::string(kEvents) + "/" + ids[1]).body["data"]["n"], 1);
  // Projection, on a record and on a page.
  ASSERT_EQ(SendJson("POST", std::string(kEvents) + ":append",
                     {{"entries", {{{"n", 3}, {"ctx", {{"user", "u1"}, {"ip", "10.0.0.1"}}}}}}})
                .status,
            201);
  Reply projected = Get(std::string(kEvents) + "?order=newest&limit=1&fields=ctx.user,absent");
  ASSERT_EQ(projected.status, 200) << projected.raw;
  EXPECT_EQ(projected.body["records"][0]["data"], (Json{{"ctx", {{"user", "u1"}}}}))
      << projected.raw;
  EXPECT_EQ(Get(std::string(kEvents) + "/" + ids[0] + "?fields=n").body["data"], (Json{{"n", 0}}));
  EXPECT_EQ(Get(std::string(kEvents) + "?fields=a..b").status, 400);
  ASSERT_EQ(Get(std::string(kEvents) + "?order=newest&limit=1").body["records"][0]["data"]["n"], 3);

  Reply newest = Get(std::string(kEvents) + "?order=newest&limit=2");
  ASSERT_EQ(newest.status, 200) << newest.raw;
  EXPECT_EQ(Numbers(newest.body["records"]), (std::vector<int>{3, 2}));
  ASSERT_TRUE(newest.body["next"].is_string()) << newest.raw;
  Reply rest = Get(std::string(kEvents) + "?order=newest&limit=2&cursor=" +
                   UrlEncode(newest.body["next"].get<std::string>()));
  EXPECT_EQ(Numbers(rest.body["records"]), (std::vector<int>{1, 0}));
  EXPECT_TRUE(rest.body["next"].is_null()) << rest.raw;

  EXPECT_EQ(Get(std::string(kEvents) + "?from=2000-01-01T00:00:00Z").body["records"].size(), 4u);
  EXPECT_TRUE(Get(std::string(kEvents) + "?from=2999-01-01T00:00:00Z").body["records"].empty());
  EXPECT_TRUE(Get(std::string(kEvents) + "?to=2000-01-01T00:00:00Z").body["records"].empty());
  Reply backwards =
      Get(std::string(kEvents) + "?from=2030-01-01T00:00:00Z&to=2020-01-01T00:00:00Z");
  EXPECT_EQ(backwards.status, 400) << backwards.raw;
  EXPECT_EQ(backwards.ErrorCode(), "invalid_query") << backwards.raw;
  Reply not_logs = Get("/v1/knowledge/_/facts?from=2020-01-01T00:00:00Z");
  EXPECT_EQ(not_logs.status, 400) << not_logs.raw;
  EXPECT_EQ(Get(std::string(kEvents) + "?from=yesterday").status, 400);
}

TEST_F(CliLogsTest, BadAppendsAreRefusedWithTheEntryThatIsWrong) {
  const std::string append = std::string(kEvents) + ":append";
  Reply not_array = SendJson("POST", append, {{"entries", {{"n", 1}}}});
  EXPECT_EQ(not_array.status, 400) << not_array.raw;
  EXPECT_EQ(not_array.ErrorCode(), "invalid_body") << not_array.raw;
  Reply unknown = SendJson("POST", append, {{"entries", Json::array({Json::object()})}, {"x", 1}});
  EXPECT_EQ(unknown.status, 400) << unknown.raw;
  Reply scalar = SendJson("POST", append, {{"entries", {{{"n", 0}}, 7}}});
  EXPECT_EQ(scalar.status, 400) << scalar.raw;
  EXPECT_NE(scalar.raw.find("entry 1"), std::string::npos) << scalar.raw;
  Json many = Json::array();
  for (int i = 0; i <= kMaxAppendEntries; ++i) many.push_back({{"n", i}});
  EXPECT_EQ(SendJson("POST", append, {{"entries", many}}).status, 400);
  EXPECT_TRUE(Get(kEvents).body["records"].empty()) << "nothing of a refused batch is written";
  Reply keyed = SendJson("POST", append, {{"entries", {{{"n", 0}}}}}, {{"Idempotency-Key", "k-1"}});
  EXPECT_EQ(keyed.status, 400) << keyed.raw;
  Reply runtime =
      SendJson("POST", "/v1/runtime/acme/orders:append", {{"entries", {{{"n", 0}}}}}, Audit());
  EXPECT_EQ(runtime.status, 405) << runtime.raw;
  EXPECT_NE(runtime.raw.find("unversioned"), std::string::npos) << runtime.raw;
}

TEST_F(CliLogsTest, TheCliAppendsJsonLinesInBatchesAndListsNewestFirst) {
  std::string path = dir_.path() + "/events.jsonl";
  {
    std::ofstream out(path);
    for (int i = 0; i < 2500; ++i) {
      out << Json{{"n", i}}.dump() << "\n";
      if (i == 10) out << "\n";  // Blank lines are skipped.
    }
  }
  CliResult run = Cli({"append", "logs", "_", "events", "--file", path});
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  Json summary = Json::parse(run.out, nullptr, false);
  EXPECT_EQ(summary["appended"], 2500) << run.out;
  EXPECT_NE(run.err.find("appended 2000 entries"), std::string::npos) << run.err;
  EXPECT_LT(summary["first"].get<std::string>(), summary["last"].get<std::string>());
  CliResult listed = Cli({"ls", "logs", "_", "events", "--newest-first", "--limit", "3"});
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  Json page = Json::parse(listed.out, nullptr, false);
  EXPECT_EQ(Numbers(page["records"]), (std::vector<int>{2499, 2498, 2497})) << listed.out;
  CliResult narrow =
      Cli({"ls", "logs", "_", "events", "--newest-first", "--limit", "1", "--fields", "n,none"});
  ASSERT_EQ(narrow.exit_code, 0) << narrow.err;
  EXPECT_EQ(Json::parse(narrow.out, nullptr, false)["records"][0]["data"], (Json{{"n", 2499}}))
      << narrow.out;
  CliResult future = Cli({"ls", "logs", "_", "events", "--from", "2999-01-01T00:00:00Z"});
  ASSERT_EQ(future.exit_code, 0) << future.err;
  EXPECT_TRUE(Json::parse(future.out, nullptr, false)["records"].empty()) << future.out;
  EXPECT_NE(Cli({"ls", "logs", "_", "events", "--to", "soon"}).exit_code, 0);

  std::string bad = dir_.path() + "/bad.jsonl";
  std::ofstream(bad) << "{\"n\":1}\n{\"n\":2}\n[3]\n";
  CliResult refused = Cli({"append", "logs", "_", "bad", "--file", bad});
  EXPECT_NE(refused.exit_code, 0);
  EXPECT_NE(refused.err.find("line 3"), std::string::npos) << refused.err;
  EXPECT_EQ(Json::parse(refused.out, nullptr, false)["appended"], 0) << refused.out;
  CliResult runtime = Cli({"append", "runtime", "acme", "orders", "--file", path});
  EXPECT_NE(runtime.exit_code, 0);
  EXPECT_NE(runtime.err.find("unversioned"), std::string::npos) << runtime.err;
}

}  // namespace
}  // namespace xronox::testing
