// Collection counters (docs/formats/counters.md): every write keeps created, updated, deleted
// and live; a no-op or an idempotent replay changes none; concurrent writers lose nothing;
// verify recounts them from the heads, reports a difference and --repair sets the recount.
// Over every backend pair.
#include <atomic>
#include <thread>

#include "engine/engine_fixture.h"
#include "engine/engine_intents.h"
#include "store/hot/hot_store_wrapper.h"

namespace xronox::testing {
namespace {

using Kind = WriteIntent::Kind;

std::string Text(const CollectionCounts& c) { return CountsToJson(c).dump(); }

class CountersTest : public EngineTest {
 protected:
  Result<WriteResult> Write(const Binding& b, const std::string& id, Kind kind, Json body = nullptr,
                            WriteOptions o = By(), int64_t restore = 0) {
    clock_.Advance(1000);
    return engine_.Write(b, id, MakeIntent(kind, std::move(body), restore), o);
  }
  void MustWrite(const Binding& b, const std::string& id, Kind kind, Json body = nullptr,
                 int64_t restore = 0) {
    auto written = Write(b, id, kind, std::move(body), By(), restore);
    ASSERT_TRUE(written.ok()) << id << ": " << written.status().ToString();
    EXPECT_EQ(written->warning, "");
  }
  std::string Counts(const Binding& b) {
    auto counts = hot_->GetCounts(b.ref);
    EXPECT_TRUE(counts.ok()) << counts.status().ToString();
    return counts.ok() ? Text(*counts) : "";
  }
  // Verify must find the counters equal to their recount.
  void ExpectVerifiedCounts(const Binding& b) {
    auto report = engine_.Verify(b, false);
    ASSERT_TRUE(report.ok()) << report.status().ToString();
    EXPECT_TRUE(report->counters_checked);
    EXPECT_EQ(Text(report->counters_stored), Text(report->counters_recounted))
        << DatabaseTypeName(b.target.database_type);
    EXPECT_TRUE(report->ok());
    for (const std::string& problem : report->problems) ADD_FAILURE() << problem;
  }
};

TEST_P(CountersTest, RuntimeCountsEveryKindOfWrite) {
  Binding b = Bind(DatabaseType::kRuntime, "orders");
  MustWrite(b, "o1", Kind::kCreate, {{"n", 1}});
  MustWrite(b, "o1", Kind::kPut, {{"n", 2}});
  auto same = Write(b, "o1", Kind::kPut, {{"n", 2}});
  ASSERT_TRUE(same.ok() && same->unchanged);
  EXPECT_EQ(Counts(b), Text({1, 1, 0, 1})) << "a no-op counts nothing";
  MustWrite(b, "o1", Kind::kDelete);
  EXPECT_EQ(Counts(b), Text({1, 1, 1, 0}));
  MustWrite(b, "o1", Kind::kRestore, nullptr, 1);
  EXPECT_EQ(Counts(b), Text({1, 2, 1, 1})) << "a restore of a deleted record is live again";
  MustWrite(b, "o1", Kind::kRestore, nullptr, 0);
  EXPECT_EQ(Write(b, "o2", Kind::kMerge, {{"n", 1}}).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(Counts(b), Text({1, 3, 1, 1})) << "a refused write counts nothing";
  MustWrite(b, "o2", Kind::kCreate, {{"n", 1}});
  EXPECT_EQ(Counts(b), Text({2, 3, 1, 2}));
  ExpectVerifiedCounts(b);
}

TEST_P(CountersTest, PlainTypesCountRecreatedRecordsAndLargePayloads) {
  options_.inline_max_bytes = 64;
  engine_ = Engine(options_, &clock_);
  Binding b = Bind(DatabaseType::kKnowledge, "facts");
  std::string large(200, 'x');
  MustWrite(b, "f1", Kind::kPut, {{"text", "a"}});
  MustWrite(b, "f1", Kind::kPut, {{"text", large}});
  MustWrite(b, "f1", Kind::kMerge, {{"more", 1}});
  MustWrite(b, "f1", Kind::kDelete);
  MustWrite(b, "f1", Kind::kPut, {{"text", "again"}});
  EXPECT_EQ(Counts(b), Text({2, 2, 1, 1})) << "a put on a deleted record creates it again";
  WriteOptions keyed = By();
  keyed.idempotency_key = "k1";
  ASSERT_TRUE(Write(b, "f2", Kind::kPut, {{"text", large}}, keyed).ok());
  ASSERT_TRUE(Write(b, "f2", Kind::kPut, {{"text", large}}, keyed).ok());
  EXPECT_EQ(Counts(b), Text({3, 2, 1, 2})) << "an idempotent replay counts once";
  ExpectVerifiedCounts(b);
  Binding logs = Bind(DatabaseType::kLogs, "events");
  MustWrite(logs, "e1", Kind::kCreate, {{"m", "x"}});
  MustWrite(logs, "e2", Kind::kCreate, {{"m", "y"}});
  EXPECT_EQ(Counts(logs), Text({2, 0, 0, 2}));
}

TEST_P(CountersTest, ConcurrentWritersLoseNoCount) {
  for (DatabaseType type : {DatabaseType::kRuntime, DatabaseType::kMetadata}) {
    Binding b = Bind(type, "shared");
    constexpr int kThreads = 4;
    constexpr int kWrites = 12;
    std::atomic<int> created{0}, updated{0}, failed{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        for (int i = 0; i < kWrites; ++i) {
          std::string id = "r" + std::to_string(i % 3);
          auto written = engine_.Write(b, id, MakeIntent(Kind::kPut, {{"t", t}, {"i", i}}), By());
          if (!written.ok() || !written->warning.empty()) {
            ++failed;
          } else if (!written->unchanged) {
            ++(written->created ? created : updated);
          }
        }
      });
    }
    for (std::thread& thread : threads) thread.join();
    EXPECT_EQ(failed.load(), 0);
    // No acknowledged write is lost: each record's version counts all of its writes (a lost
    // update, two writers committing from one base, would leave one short).
    for (int i = 0; i < 3; ++i) {
      auto head = hot_->GetHead(b.ref, "r" + std::to_string(i));
      ASSERT_TRUE(head.ok() && head->has_value());
      EXPECT_EQ((*head)->version, kThreads * kWrites / 3 - 1) << "r" << i;
    }
    EXPECT_EQ(created.load(), 3);
    EXPECT_EQ(Counts(b), Text({created.load(), updated.load(), 0, 3}))
        << DatabaseTypeName(type) << ": the counts are the acknowledged writes";
    ExpectVerifiedCounts(b);
  }
}

TEST_P(CountersTest, VerifyReportsCountersOffAndRepairSetsTheRecount) {
  Binding b = Bind(DatabaseType::kMetadata, "schemas");
  MustWrite(b, "s1", Kind::kPut, {{"v", 1}});
  MustWrite(b, "s2", Kind::kPut, {{"v", 1}});
  MustWrite(b, "s2", Kind::kDelete);
  ASSERT_TRUE(hot_->SetCounts(b.ref, {9, 9, 9, 9}).ok());
  auto report = engine_.Verify(b, false);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_TRUE(report->CountersMismatch());
  EXPECT_FALSE(report->ok()) << "counters that differ from their recount fail verify";
  EXPECT_EQ(Text(report->counters_stored), Text({9, 9, 9, 9}));
  EXPECT_EQ(Text(report->counters_recounted), Text({2, 0, 1, 1}));
  EXPECT_EQ(Counts(b), Text({9, 9, 9, 9})) << "verify without repair changes nothing";
  auto repaired = engine_.Verify(b, true);
  ASSERT_TRUE(repaired.ok()) << repaired.status().ToString();
  EXPECT_TRUE(repaired->counters_repaired);
  EXPECT_TRUE(repaired->ok());
  EXPECT_EQ(Counts(b), Text({2, 0, 1, 1}));
  ExpectVerifiedCounts(b);
}

// Heads written before heads kept tallies: verify estimates them from the version (created
// once, deleted once when deleted, every other version an update).
TEST_P(CountersTest, HeadsWithoutTalliesAreEstimatedFromTheirVersion) {
  Binding b = Bind(DatabaseType::kKnowledge, "old");
  MustWrite(b, "a", Kind::kPut, {{"v", 1}});
  MustWrite(b, "a", Kind::kPut, {{"v", 2}});
  MustWrite(b, "a", Kind::kPut, {{"v", 3}});
  auto head = hot_->GetHead(b.ref, "a");
  ASSERT_TRUE(head.ok() && head->has_value());
  store::HeadRow legacy = **head;
  legacy.tally = {-1, 0, 0};
  legacy.version = 3;
  ASSERT_TRUE(hot_->WriteHead(b.ref, legacy, 2).ok());
  auto report = engine_.Verify(b, false);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(Text(report->counters_recounted), Text({1, 3, 0, 1}));
}

TEST_P(CountersTest, AnAnalyticsDatabaseHoldsTheTenantsCounters) {
  Binding b = Bind(DatabaseType::kRuntime, "orders");
  b.ref.counter_db = "xronox_analytics_acme";
  ASSERT_TRUE(hot_->EnsureCollection(b.ref, {}).ok());
  MustWrite(b, "o1", Kind::kCreate, {{"n", 1}});
  MustWrite(b, "o1", Kind::kPut, {{"n", 2}});
  EXPECT_EQ(Counts(b), Text({1, 1, 0, 1}));
  store::CollectionRef own_db = b.ref;
  own_db.counter_db.clear();
  auto in_own_db = hot_->GetCounts(own_db);
  ASSERT_TRUE(in_own_db.ok()) << in_own_db.status().ToString();
  EXPECT_EQ(Text(*in_own_db), Text({})) << "nothing is counted in the tenant's own database";
  ExpectVerifiedCounts(b);
}

// A hot store without transactions (head writes leave the counts to AddCounts) whose counter
// updates fail: writes are committed all the same.
class FailingCountsHotStore : public store::HotStoreWrapper {
 public:
  using HotStoreWrapper::HotStoreWrapper;
  bool CountsCommitWithHead() const override { return false; }
  Status WriteHead(const store::CollectionRef& ref, const store::HeadRow& head,
                   std::optional<int64_t> expected) override {
    return HotStoreWrapper::WriteHead(ref, Uncounted(head), expected);
  }
  Status CommitVersion(const store::CollectionRef& ref, const store::VersionRow& version,
                       const store::HeadRow& head, std::optional<int64_t> expected) override {
    return HotStoreWrapper::CommitVersion(ref, version, Uncounted(head), expected);
  }
  Status AddCounts(const store::CollectionRef&, const CollectionCounts&) override {
    return Unavailable("counter server gone");
  }

 private:
  static store::HeadRow Uncounted(store::HeadRow head) {
    head.counts_delta = {};
    return head;
  }
};

TEST_P(CountersTest, AWriteWhoseCountsFailIsCommittedWithAWarning) {
  if (GetParam() != "memory" && GetParam() != "embedded") GTEST_SKIP() << "one backend suffices";
  hot_ = std::make_unique<FailingCountsHotStore>(std::move(hot_));
  Binding b = Bind(DatabaseType::kRuntime, "orders");
  auto written = Write(b, "o1", Kind::kCreate, {{"n", 1}});
  ASSERT_TRUE(written.ok()) << written.status().ToString();
  EXPECT_NE(written->warning.find("record 'o1' is written at version 0, but its collection's "
                                  "counters could not be updated (counter server gone)"),
            std::string::npos)
      << written->warning;
  EXPECT_TRUE(engine_.Get(b, "o1", {}).ok()) << "the write is committed";
  auto report = engine_.Verify(b, false);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_TRUE(report->CountersMismatch());
  auto repaired = engine_.Verify(b, true);
  ASSERT_TRUE(repaired.ok() && repaired->counters_repaired);
  EXPECT_EQ(Counts(b), Text({1, 0, 0, 1}));
}

XRONOX_INSTANTIATE_ENGINE_SUITE(CountersTest);

}  // namespace
}  // namespace xronox::testing
