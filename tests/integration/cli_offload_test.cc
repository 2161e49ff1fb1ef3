// xronox offload run and POST {collection}:offload against the store a running xronoxd serves:
// records move to the object store and every read, query and write over HTTP answers as before;
// collections without a policy are left unless an age is named; runtime is refused; and a run
// killed (SIGKILL) at each of its steps loses and duplicates nothing, leaves verify clean, and
// the next run (once the dead run's lease has expired) finishes the work.
#include <fstream>
#include <sstream>
#include <thread>

#include "common/fault_point.h"
#include "integration/cli_support.h"
#include "xronox/config.h"

namespace xronox::testing {
namespace {

class CliOffloadTest : public CliTest {
 protected:
  void PutDocs(const std::string& collection, int count) {
    for (int i = 0; i < count; ++i) {
      Json data = {{"n", i}, {"text", std::string(300, static_cast<char>('a' + i % 26))}};
      ASSERT_EQ(SendJson("PUT", Path(collection, i), data).status, 201);
    }
  }
  static std::string Path(const std::string& collection, int i) {
    return "/v1/knowledge/_/" + collection + "/d" + std::to_string(100 + i);
  }
  // Every record's answer and a query's, over HTTP.
  Json Observe(const std::string& collection, int count) {
    Json seen;
    for (int i = 0; i < count; ++i) seen["get"].push_back(Get(Path(collection, i)).body);
    // where={"n":{"$gte":2}}
    seen["query"] =
        Get("/v1/knowledge/_/" + collection + "?where=%7B%22n%22%3A%7B%22%24gte%22%3A2%7D%7D").body;
    return seen;
  }
  // A config of the served store whose claims and leases run out after 1 s.
  std::string ShortLeaseConfig() {
    auto config = CreateEmbeddedConfig(DataDir());
    EXPECT_TRUE(config.ok()) << config.status().ToString();
    config->engine.claim_lease_seconds = 1;
    const std::string path = dir_.path() + "/store.json";
    std::ofstream(path) << ConfigToJson(*config).dump(2);
    return path;
  }
  static Json LastLine(const std::string& out) {
    std::istringstream in(out);
    std::string line, last;
    while (std::getline(in, line)) {
      if (!line.empty()) last = line;
    }
    return Json::parse(last, nullptr, false);
  }
};

TEST_F(CliOffloadTest, RecordsMoveAndAnswerOverHttpAsBefore) {
  PutDocs("docs", 12);
  const Json before = Observe("docs", 12);
  CliResult none = Cli({"offload", "run"});
  ASSERT_EQ(none.exit_code, 0) << none.err;
  EXPECT_NE(none.out.find("offload: 0 collections"), std::string::npos) << none.out;

  CliResult dry = Cli({"offload", "run", "--older-than", "0", "--dry-run"});
  ASSERT_EQ(dry.exit_code, 0) << dry.err;
  EXPECT_NE(dry.out.find("offload knowledge/_/docs: would move 12 of 12 records"),
            std::string::npos)
      << dry.out;
  CliResult run = Cli({"offload", "run", "--collection", "docs", "--older-than", "0", "--json"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  Json report = LastLine(run.out);
  EXPECT_EQ(report["offload"]["offloaded"], 12) << run.out;
  EXPECT_EQ(report["offload"]["partsWritten"], 1) << run.out;
  EXPECT_EQ(Observe("docs", 12), before);
  CliResult verified = Cli({"verify"});
  EXPECT_EQ(verified.exit_code, 0) << verified.out << verified.err;

  // A write brings the record back; the others stay where they are.
  ASSERT_EQ(SendJson("PATCH", Path("docs", 3), {{"n", 33}}).status, 200);
  EXPECT_EQ(Get(Path("docs", 3)).body["data"]["n"], 33);
  EXPECT_EQ(Get(Path("docs", 3)).body["data"]["text"], before["get"][3]["data"]["text"]);

  // Over HTTP: record 3, written just now, moves again with an age of 0; the rest stay moved.
  Reply http = SendJson("POST", "/v1/knowledge/_/docs:offload",
                        {{"olderThanDays", 0}, {"maxRecordsPerSecond", 0}});
  ASSERT_EQ(http.status, 200) << http.raw;
  EXPECT_EQ(http.body["offloaded"], 1) << http.raw;
  EXPECT_EQ(http.body["alreadyOffloaded"], 11) << http.raw;
  EXPECT_NE(server_->Stderr().find("requested offload knowledge/_/docs"), std::string::npos)
      << server_->Stderr();
  Reply no_policy = SendJson("POST", "/v1/knowledge/_/docs:offload", Json::object());
  EXPECT_EQ(no_policy.status, 412) << no_policy.raw;
  Reply bad = SendJson("POST", "/v1/knowledge/_/docs:offload", {{"olderThanDays", -1}});
  EXPECT_EQ(bad.status, 400) << bad.raw;
  ASSERT_EQ(SendJson("PUT", "/v1/runtime/acme/orders/o1", {{"s", 1}}, Audit()).status, 201);
  CliResult runtime =
      Cli({"offload", "run", "--db", "runtime", "--collection", "orders", "--older-than", "0"});
  EXPECT_NE(runtime.exit_code, 0);
  EXPECT_NE(runtime.err.find("version objects already"), std::string::npos) << runtime.err;
}

TEST_F(CliOffloadTest, ARunKilledAtAnyStepLosesNothing) {
  if (!FaultPointsEnabled()) GTEST_SKIP() << "this build compiles fault points out";
  const std::string config = ShortLeaseConfig();
  int n = 0;
  for (std::string_view point : kOffloadFaultPoints) {
    const std::string c = "killed" + std::to_string(n++);
    PutDocs(c, 6);
    const Json before = Observe(c, 6);
    const std::vector<std::string> run = {
        "--config", config, "offload", "run", "--collection", c, "--older-than", "0", "--json"};
    // The head step is killed after its third record (its batch of heads is committed by then).
    const std::string stop =
        std::string(point) + (point == std::string_view("offload_head_moved") ? ":3" : "");
    ::setenv("XRONOX_FAULT_STOP", stop.c_str(), 1);
    CliResult killed = CliWith(run);
    ::unsetenv("XRONOX_FAULT_STOP");
    EXPECT_NE(killed.exit_code, 0) << point << " did not stop the run: " << killed.out;
    // First, while the killed run's lease (1 s) surely holds.
    CliResult early = CliWith(run);
    EXPECT_NE(early.err.find("is running elsewhere"), std::string::npos) << point << early.err;
    EXPECT_EQ(Observe(c, 6), before) << point;
    CliResult after_kill = Cli({"verify"});
    EXPECT_EQ(after_kill.exit_code, 0) << point << ": " << after_kill.out << after_kill.err;
    std::this_thread::sleep_for(std::chrono::milliseconds(1100));
    CliResult rerun = CliWith(run);
    ASSERT_EQ(rerun.exit_code, 0) << point << ": " << rerun.err;
    Json report = LastLine(rerun.out)["offload"];
    EXPECT_EQ(report["offloaded"].get<int>() + report["alreadyOffloaded"].get<int>(), 6)
        << point << ": " << rerun.out;
    // The killed run's part, if no head points into it, is gone.
    EXPECT_EQ(report["partsRemoved"], point == std::string_view("offload_head_moved") ? 0 : 1)
        << point << ": " << rerun.out;
    EXPECT_EQ(Observe(c, 6), before) << point;
    CliResult verified = CliWith({"--config", config, "verify"});
    EXPECT_EQ(verified.exit_code, 0) << point << ": " << verified.out << verified.err;
    EXPECT_EQ(verified.out.find("offload part"), std::string::npos) << verified.out;
  }
}

}  // namespace
}  // namespace xronox::testing
