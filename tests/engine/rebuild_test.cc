// Rebuilding the hot store from the object store (drill b: hot store lost, buckets intact), over
// every backend pair: a runtime collection's heads, version index and counters come back from
// its version objects alone, equal to what they were, verify is clean and a second rebuild
// indexes nothing; a broken version chain is reported, not papered over; on the types without
// history the records whose payload objects remain are named as needing a backup.
#include <map>

#include "engine/engine_fixture.h"
#include "engine/engine_intents.h"
#include "engine/keys.h"

namespace xronox::testing {
namespace {

using Kind = WriteIntent::Kind;

class RebuildTest : public EngineTest {
 protected:
  void SetUp() override {
    EngineTest::SetUp();
    options_.inline_max_bytes = 200;  // Some payloads live only in version objects.
    engine_ = Engine(options_, &clock_);
  }
  void MustWrite(const Binding& b, const std::string& id, Kind kind, Json body = nullptr) {
    clock_.Advance(1000);
    auto written = engine_.Write(b, id, MakeIntent(kind, std::move(body)), By());
    ASSERT_TRUE(written.ok()) << id << ": " << written.status().ToString();
  }
  // Every record's head (as a read returns it, deleted ones too) and history, by id.
  std::map<std::string, Json> State(const Binding& b) {
    std::map<std::string, Json> out;
    auto heads = hot_->ScanHeads(b.ref, "", 10000, {}, true);
    EXPECT_TRUE(heads.ok());
    if (!heads.ok()) return out;
    for (const store::HeadRow& head : *heads) {
      GetOptions at;
      at.version = head.version;
      auto record = engine_.Get(b, head.id, at);
      EXPECT_TRUE(record.ok()) << head.id;
      HistoryOptions all;
      all.limit = 1000;
      auto history = engine_.History(b, head.id, all);
      EXPECT_TRUE(history.ok()) << head.id;
      if (!record.ok() || !history.ok()) continue;
      Json versions = Json::array();
      for (const VersionInfo& info : history->versions) versions.push_back(VersionInfoToJson(info));
      out[head.id] = {{"record", RecordToJson(*record)}, {"history", versions}};
    }
    return out;
  }
  // The hot store is lost: this binding now points at a new, empty one.
  Binding OnAFreshHotStore(const Binding& old) {
    lost_hot_ = std::move(hot_);
    hot_ = FreshHotStore();
    Binding b = old;
    b.hot = hot_.get();
    EXPECT_TRUE(hot_->EnsureCollection(b.ref, b.indexed_props).ok());
    return b;
  }
  void TearDown() override {
    if (lost_hot_ != nullptr) {
      DropFreshHotStore();
      hot_ = std::move(lost_hot_);
    }
    EngineTest::TearDown();
  }

  std::unique_ptr<store::HotStore> lost_hot_;
};

// A collection whose history retention removed payloads: the aged versions come back from their
// skeletons, still marked, still unreadable, and verify is clean.
TEST_P(RebuildTest, AgedHistoryComesBackFromItsSkeletons) {
  Binding orders = Bind(DatabaseType::kRuntime, "orders");
  for (int i = 0; i < 6; ++i) {
    MustWrite(orders, "o1", Kind::kPut, {{"n", i}, {"note", std::string(i % 2 ? 300 : 3, 'x')}});
  }
  MustWrite(orders, "o2", Kind::kPut, {{"n", 0}});
  HistoryAgeOptions age;
  age.max_per_item = 2;
  auto aged = engine_.AgeHistory(orders, age);
  ASSERT_TRUE(aged.ok()) << aged.status().ToString();
  ASSERT_EQ(aged->versions_removed, 4);
  std::map<std::string, Json> before = State(orders);

  Binding rebuilt = OnAFreshHotStore(orders);
  auto report = engine_.Rebuild(rebuilt);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_TRUE(report->problems.empty()) << report->problems[0];
  EXPECT_EQ(report->records, 2);
  EXPECT_EQ(report->versions, 7);
  EXPECT_EQ(State(rebuilt), before) << "history marks the same four versions";
  GetOptions v1;
  v1.version = 1;
  EXPECT_EQ(engine_.Get(rebuilt, "o1", v1).status().reason(), kPayloadRemoved);
  auto verified = engine_.Verify(rebuilt, false);
  ASSERT_TRUE(verified.ok());
  EXPECT_TRUE(verified->ok()) << (verified->problems.empty() ? "counters" : verified->problems[0]);
  EXPECT_TRUE(verified->garbage.empty()) << verified->garbage[0];
}

TEST_P(RebuildTest, ARuntimeCollectionComesBackFromItsVersionObjectsAlone) {
  Binding orders = Bind(DatabaseType::kRuntime, "orders");
  const int n = GetParam() == "memory" || GetParam() == "embedded" ? 120 : 30;
  for (int i = 0; i < n; ++i) {
    std::string id = "o" + std::to_string(i);
    MustWrite(orders, id, Kind::kPut, {{"n", i}, {"note", std::string(i % 4 == 0 ? 300 : 3, 'x')}});
    if (i % 3 == 0) MustWrite(orders, id, Kind::kMerge, {{"state", "paid"}});
    if (i % 5 == 0) MustWrite(orders, id, Kind::kDelete);
    if (i % 10 == 0) MustWrite(orders, id, Kind::kRestore, nullptr);
  }
  const std::map<std::string, Json> before = State(orders);
  auto counted = hot_->GetCounts(orders.ref);
  ASSERT_TRUE(counted.ok());
  const CollectionCounts counts_before = *counted;

  Binding b = OnAFreshHotStore(orders);
  ASSERT_TRUE(State(b).empty());
  auto rebuilt = engine_.Rebuild(b);
  ASSERT_TRUE(rebuilt.ok()) << rebuilt.status().ToString();
  EXPECT_TRUE(rebuilt->versioned);
  EXPECT_EQ(rebuilt->records, n);
  int64_t versions = 0;
  for (const auto& [id, state] : before) versions += state["history"].size();
  EXPECT_EQ(rebuilt->versions, versions);
  EXPECT_TRUE(rebuilt->problems.empty()) << rebuilt->problems.front();
  EXPECT_TRUE(State(b) == before);
  auto counts = hot_->GetCounts(b.ref);
  ASSERT_TRUE(counts.ok());
  EXPECT_EQ(*counts, counts_before);
  auto verified = engine_.Verify(b, false);
  ASSERT_TRUE(verified.ok());
  EXPECT_TRUE(verified->ok()) << (verified->problems.empty() ? "counters" : verified->problems[0]);

  // Idempotent, and writes go on from the rebuilt heads.
  auto again = engine_.Rebuild(b);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->records, n);
  EXPECT_EQ(again->versions, 0);
  MustWrite(b, "o1", Kind::kMerge, {{"after", true}});
  EXPECT_EQ(engine_.Get(b, "o1", {})->version, before.at("o1")["record"]["version"].get<int>() + 1);
}

// Natural-key claims live in the hot store: a rebuild claims the values of every live record
// again, so a create of a live record's values is refused afterwards and a deleted one's is not.
TEST_P(RebuildTest, NaturalKeysAreClaimedAgain) {
  Binding people = Bind(DatabaseType::kRuntime, "people");
  people.natural_keys = {"email"};
  MustWrite(people, "p1", Kind::kPut, {{"email", "ada@example.com"}});
  MustWrite(people, "p2", Kind::kPut, {{"email", "bob@example.com"}});
  MustWrite(people, "p2", Kind::kDelete);
  Binding b = OnAFreshHotStore(people);
  auto rebuilt = engine_.Rebuild(b);
  ASSERT_TRUE(rebuilt.ok()) << rebuilt.status().ToString();
  EXPECT_TRUE(rebuilt->problems.empty()) << rebuilt->problems.front();
  auto taken = engine_.Write(b, "p3", MakeIntent(Kind::kPut, {{"email", "ada@example.com"}}), By());
  EXPECT_EQ(taken.status().reason(), "natural_key_taken") << taken.status().ToString();
  auto freed = engine_.Write(b, "p4", MakeIntent(Kind::kPut, {{"email", "bob@example.com"}}), By());
  EXPECT_TRUE(freed.ok()) << freed.status().ToString();
}

TEST_P(RebuildTest, ABrokenChainIsReportedAndTheRestRebuilt) {
  Binding orders = Bind(DatabaseType::kRuntime, "orders");
  for (int v = 0; v < 3; ++v) MustWrite(orders, "broken", Kind::kPut, {{"v", v}});
  MustWrite(orders, "whole", Kind::kPut, {{"v", 0}});
  // Version 1 of "broken" is gone: version 2 no longer continues the chain.
  ASSERT_TRUE(
      objects_->Delete(orders.database.buckets.versions, VersionKey(orders, "broken", 1)).ok());
  Binding b = OnAFreshHotStore(orders);
  auto rebuilt = engine_.Rebuild(b);
  ASSERT_TRUE(rebuilt.ok()) << rebuilt.status().ToString();
  EXPECT_EQ(rebuilt->records, 2);
  ASSERT_EQ(rebuilt->problems.size(), 1u);
  EXPECT_EQ(rebuilt->problems[0],
            "record 'broken' has version objects up to v2 but its chain stops at v0 (v1 is "
            "missing); rebuilt up to the break");
  EXPECT_EQ(engine_.Get(b, "broken", {})->version, 0);
  EXPECT_EQ(engine_.Get(b, "whole", {})->data, Json({{"v", 0}}));
}

TEST_P(RebuildTest, RecordsWithoutHistoryAreNamedAsNeedingABackup) {
  Binding facts = Bind(DatabaseType::kKnowledge, "facts");
  MustWrite(facts, "small", Kind::kPut, {{"n", 1}});
  MustWrite(facts, "large", Kind::kPut, {{"text", std::string(500, 'y')}});
  Binding b = OnAFreshHotStore(facts);
  auto rebuilt = engine_.Rebuild(b);
  ASSERT_TRUE(rebuilt.ok()) << rebuilt.status().ToString();
  EXPECT_FALSE(rebuilt->versioned);
  EXPECT_EQ(rebuilt->records, 0);
  EXPECT_EQ(rebuilt->unrecoverable, 1);
  EXPECT_EQ(rebuilt->unrecoverable_ids, std::vector<std::string>{"large"});
}

XRONOX_INSTANTIATE_ENGINE_SUITE(RebuildTest);

}  // namespace
}  // namespace xronox::testing
