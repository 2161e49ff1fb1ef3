// Retention of log records by age over every backend pair: a run deletes outright the records
// written before its cutoff (heads, payload objects), keeps what a legal hold covers, counts the
// same on a dry run without deleting, leaves the counters equal to a recount (verify clean), and
// removes nothing more when run again; only logs are retained by age.
#include "engine/engine_fixture.h"
#include "engine/engine_intents.h"
#include "retention/hold_service.h"
#include "retention/retention_service.h"
#include "xronox/xronox.h"

namespace xronox::testing {
namespace {

using Kind = WriteIntent::Kind;
constexpr TimestampMicros kDay = 86'400'000'000;

class RetentionTest : public EngineTest {
 protected:
  void SetUp() override {
    EngineTest::SetUp();
    options_.inline_max_bytes = 200;  // Some payloads live in the object store.
    engine_ = Engine(options_, &clock_);
    logs_ = Bind(DatabaseType::kLogs, "events");
    logs_.retention = RetentionPolicy{30, 0};
  }
  void Log(const std::string& id, int n) {
    clock_.Advance(1000);
    Json event = {{"n", n}, {"text", std::string(n % 3 == 0 ? 300 : 3, 'e')}};
    auto written = engine_.Write(logs_, id, MakeIntent(Kind::kCreate, std::move(event)), {});
    ASSERT_TRUE(written.ok()) << written.status().ToString();
  }
  RetentionReport MustRun(bool dry_run) {
    RetentionOptions options;
    options.dry_run = dry_run;
    auto report = retention_.Run(logs_, options);
    EXPECT_TRUE(report.ok()) << report.status().ToString();
    return report.ok() ? *report : RetentionReport{};
  }
  int64_t Live() {
    auto heads = hot_->ScanHeads(logs_.ref, "", 10000, {}, true);
    EXPECT_TRUE(heads.ok());
    return heads.ok() ? static_cast<int64_t>(heads->size()) : -1;
  }

  Binding logs_;
  RetentionService retention_{engine_};
  HoldService holds_{engine_};
};

TEST_P(RetentionTest, RecordsOlderThanThePolicyAreDeletedOutright) {
  const int old_count = GetParam() == "memory" || GetParam() == "embedded" ? 300 : 40;
  for (int i = 0; i < old_count; ++i) Log("old-" + std::to_string(i), i);
  auto old_head = hot_->GetHead(logs_.ref, "old-0");
  ASSERT_TRUE(old_head.ok() && old_head->has_value());
  const std::string old_object = (*old_head)->payload_key;
  ASSERT_FALSE(old_object.empty()) << "old-0 has a payload object";
  clock_.Advance(31 * kDay);
  for (int i = 0; i < 5; ++i) Log("new-" + std::to_string(i), i);

  RetentionReport dry = MustRun(/*dry_run=*/true);
  EXPECT_TRUE(dry.dry_run);
  EXPECT_EQ(dry.days, 30);
  EXPECT_EQ(dry.examined, old_count + 5);
  EXPECT_EQ(dry.removed, old_count);
  EXPECT_EQ(Live(), old_count + 5) << "a dry run deletes nothing";

  RetentionReport done = MustRun(/*dry_run=*/false);
  EXPECT_EQ(done.removed, old_count);
  EXPECT_EQ(done.cutoff, clock_.NowMicros() - 30 * kDay);
  EXPECT_EQ(Live(), 5);
  EXPECT_EQ(engine_.Get(logs_, "old-1", {}).status().code(), StatusCode::kNotFound);
  EXPECT_TRUE(engine_.Get(logs_, "new-1", {}).ok());
  auto object = objects_->Stat(logs_.database.buckets.records, old_object);
  ASSERT_TRUE(object.ok());
  EXPECT_FALSE(object->has_value()) << "the payload object went with the record";
  auto verified = engine_.Verify(logs_, false);
  ASSERT_TRUE(verified.ok());
  EXPECT_TRUE(verified->ok()) << (verified->problems.empty() ? "counters" : verified->problems[0]);
  auto counts = hot_->GetCounts(logs_.ref);
  ASSERT_TRUE(counts.ok());
  EXPECT_EQ(counts->live, 5);

  EXPECT_EQ(MustRun(false).removed, 0) << "nothing more to remove";
}

TEST_P(RetentionTest, LegalHoldsKeepWhatTheyCover) {
  Log("kept", 1);
  Log("gone", 2);
  clock_.Advance(31 * kDay);
  ASSERT_TRUE(holds_.Place(logs_, HoldScope::kRecord, "kept", By()).ok());
  RetentionReport report = MustRun(false);
  EXPECT_EQ(report.removed, 1);
  EXPECT_EQ(report.held, 1);
  EXPECT_TRUE(engine_.Get(logs_, "kept", {}).ok());

  ASSERT_TRUE(holds_.Place(logs_, HoldScope::kCollection, "", By()).ok());
  RetentionReport whole = MustRun(false);
  EXPECT_TRUE(whole.collection_held);
  EXPECT_EQ(whole.removed, 0);
  EXPECT_TRUE(engine_.Get(logs_, "kept", {}).ok());
}

TEST_P(RetentionTest, OnlyCollectionsWithAPolicyOnLogsAreRetained) {
  Binding none = Bind(DatabaseType::kLogs, "audit");
  auto unset = retention_.Run(none, {});
  EXPECT_EQ(unset.status().reason(), "no_retention");
  Binding facts = Bind(DatabaseType::kKnowledge, "facts");
  facts.retention = RetentionPolicy{30, 0};
  auto knowledge = retention_.Run(facts, {});
  EXPECT_EQ(knowledge.status().code(), StatusCode::kNotSupported);
  EXPECT_EQ(knowledge.status().reason(), "no_retention");
}

XRONOX_INSTANTIATE_ENGINE_SUITE(RetentionTest);

// Through the public API: the policy comes from the config, and each run that is not a dry run
// is counted in the store's service metrics (xronoxd renders them on /metrics).
TEST(RetentionApiTest, RunsFollowTheConfigAndAreCounted) {
  TempDir dir;
  auto config = CreateEmbeddedConfig(dir.path());
  ASSERT_TRUE(config.ok());
  for (DatabaseConfig& db : config->databases) {
    if (db.type == DatabaseType::kLogs) db.retention = RetentionPolicy{7, 0};
  }
  ASSERT_TRUE(config->runtime_tenant_template.has_value());
  config->runtime_tenant_template->retention = RetentionPolicy{0, 1};
  auto store = Xronox::Open(*config);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  auto events = (*store)->With({DatabaseType::kLogs, Tier::kGeneric, "", "events"});
  ASSERT_TRUE(events.ok());
  ASSERT_TRUE(events->Create({{"m", "x"}}, {}).ok());
  RetentionOptions dry;
  dry.dry_run = true;
  auto would = events->ApplyRetention(dry);
  ASSERT_TRUE(would.ok()) << would.status().ToString();
  EXPECT_EQ(would->days, 7);
  EXPECT_EQ(would->examined, 1);
  EXPECT_EQ((*store)->BackendMetrics().services.retention_runs, 0u) << "dry runs are not counted";
  auto done = events->ApplyRetention();
  ASSERT_TRUE(done.ok());
  EXPECT_EQ(done->removed, 0) << "written just now";
  EXPECT_EQ((*store)->BackendMetrics().services.retention_runs, 1u);
  auto facts = (*store)->With({DatabaseType::kKnowledge, Tier::kGeneric, "", "facts"});
  ASSERT_TRUE(facts.ok());
  EXPECT_EQ(facts->ApplyRetention().status().reason(), "no_retention");

  auto orders = (*store)->With({DatabaseType::kRuntime, Tier::kTenant, "acme", "orders"});
  ASSERT_TRUE(orders.ok());
  WriteOptions audit;
  audit.actor = "svc";
  audit.reason = "test";
  for (int n = 0; n < 3; ++n) ASSERT_TRUE(orders->Put("o1", {{"n", n}}, audit).ok());
  auto aged = orders->ApplyRetention();
  ASSERT_TRUE(aged.ok()) << aged.status().ToString();
  EXPECT_EQ(aged->max_per_item, 1);
  EXPECT_EQ(aged->versions_removed, 2);
  EXPECT_EQ((*store)->BackendMetrics().services.retention_versions_removed, 2u);
}

}  // namespace
}  // namespace xronox::testing
