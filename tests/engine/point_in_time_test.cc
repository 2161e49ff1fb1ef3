// A runtime collection at an instant, over every backend pair: queries as of a time return the
// records live then, as they were then, with filters and paging; a restore to an instant makes
// every record as it was then with one audited version per record that differs, counts the
// same on a dry run (which writes nothing), and is a no-op when run again.
#include <map>

#include "engine/engine_fixture.h"
#include "engine/engine_intents.h"

namespace xronox::testing {
namespace {

using Kind = WriteIntent::Kind;

std::string Id(int i) {
  std::string n = std::to_string(i);
  return "n" + std::string(4 - n.size(), '0') + n;
}

Json Order(int n, const std::string& status) {
  return {{"n", n}, {"status", status}, {"note", std::string(n % 5 == 0 ? 300 : 4, 'x')}};
}

class PointInTimeTest : public EngineTest {
 protected:
  void SetUp() override {
    EngineTest::SetUp();
    options_.inline_max_bytes = 200;  // Some payloads live in the object store.
    engine_ = Engine(options_, &clock_);
    b_ = Bind(DatabaseType::kRuntime, "orders", {"status"});
  }
  void MustWrite(const std::string& id, Kind kind, Json body = nullptr, int64_t version = 0) {
    clock_.Advance(1000);
    auto written = engine_.Write(b_, id, MakeIntent(kind, std::move(body), version), By());
    ASSERT_TRUE(written.ok()) << id << ": " << written.status().ToString();
  }
  // Every record live at `as_of` (now when unset) by id, through queries of `page` records.
  std::map<std::string, Json> Query(std::optional<TimestampMicros> as_of, const Json& filter = {},
                                    int page = 1000) {
    std::map<std::string, Json> out;
    QueryOptions options;
    options.limit = page;
    options.as_of = as_of;
    std::string last;
    while (true) {
      auto result = engine_.Query(b_, filter.is_null() ? Json::object() : filter, options);
      EXPECT_TRUE(result.ok()) << result.status().ToString();
      if (!result.ok()) return out;
      for (const Record& r : result->records) {
        EXPECT_GT(r.id, last) << "ids in order, each once";
        last = r.id;
        out[r.id] = r.data;
      }
      if (!result->next) return out;
      options.cursor = *result->next;
    }
  }
  int64_t Versions(const std::string& id) {
    auto head = hot_->GetHead(b_.ref, id);
    EXPECT_TRUE(head.ok() && head->has_value());
    return head.ok() && head->has_value() ? (*head)->version : -1;
  }
  Result<AsOfRestoreReport> RestoreTo(TimestampMicros as_of, bool dry_run) {
    clock_.Advance(1000);
    AsOfRestoreOptions options;
    options.as_of = as_of;
    options.write = By("operator", "bad import");
    options.dry_run = dry_run;
    return engine_.RestoreAsOf(b_, options);
  }
  // Writes before and after an instant T covering every case; returns T.
  TimestampMicros WriteAroundAnInstant(int bulk) {
    MustWrite("keep", Kind::kPut, Order(1, "open"));
    MustWrite("changed", Kind::kPut, Order(2, "open"));
    MustWrite("deleted-since", Kind::kPut, Order(3, "open"));
    MustWrite("changed-back", Kind::kPut, Order(4, "open"));
    MustWrite("gone-before", Kind::kPut, Order(5, "open"));
    MustWrite("gone-before", Kind::kDelete);
    MustWrite("revived-since", Kind::kPut, Order(6, "open"));
    MustWrite("revived-since", Kind::kDelete);
    for (int i = 0; i < bulk; ++i) MustWrite(Id(i), Kind::kPut, Order(1000 + i, "open"));
    const TimestampMicros t_instant = clock_.NowMicros();
    MustWrite("changed", Kind::kMerge, {{"status", "closed"}});
    MustWrite("changed", Kind::kMerge, {{"n", 20}});
    MustWrite("deleted-since", Kind::kDelete);
    MustWrite("changed-back", Kind::kMerge, {{"status", "closed"}});
    MustWrite("changed-back", Kind::kMerge, {{"status", "open"}});
    MustWrite("revived-since", Kind::kRestore, nullptr, 0);
    MustWrite("created-since", Kind::kPut, Order(7, "new"));
    MustWrite("created-and-gone", Kind::kPut, Order(8, "new"));
    MustWrite("created-and-gone", Kind::kDelete);
    for (int i = 0; i < bulk; i += 3) MustWrite(Id(i), Kind::kMerge, {{"status", "closed"}});
    return t_instant;
  }
  int Bulk() const { return GetParam() == "memory" || GetParam() == "embedded" ? 300 : 60; }

  Binding b_;
};

TEST_P(PointInTimeTest, AQueryAsOfAnInstantReturnsTheRecordsAsTheyWereThen) {
  const TimestampMicros t = WriteAroundAnInstant(Bulk());
  std::map<std::string, Json> then = Query(t);
  EXPECT_EQ(then.size(), static_cast<size_t>(Bulk()) + 4);  // keep, changed, deleted-since, back.
  EXPECT_EQ(then.count("gone-before"), 0u);
  EXPECT_EQ(then.count("revived-since"), 0u);
  EXPECT_EQ(then.count("created-since"), 0u);
  EXPECT_EQ(then["changed"], Order(2, "open"));
  EXPECT_EQ(then[Id(0)], Order(1000, "open"));
  // Every record equals its own read as of the instant.
  for (const auto& [id, data] : then) {
    GetOptions at;
    at.as_of = t;
    auto record = engine_.Get(b_, id, at);
    ASSERT_TRUE(record.ok()) << id;
    EXPECT_EQ(record->data, data) << id;
  }
  // A filter on an indexed property matches the values of then, not of now, on every page size.
  const Json open = {{"status", "open"}};
  EXPECT_EQ(Query(t, open), then);
  EXPECT_EQ(Query(t, open, 7), then);
  EXPECT_EQ(Query(t, {{"status", "closed"}}).size(), 0u);
  std::map<std::string, Json> open_now = Query(std::nullopt, open);
  EXPECT_LT(open_now.size(), then.size());
  EXPECT_EQ(open_now.count("changed"), 0u);
  EXPECT_EQ(Query(t, {{"n", {{"$gte", 2}, {"$lte", 3}}}}).size(), 2u);
  // Before anything was written: nothing.
  EXPECT_TRUE(Query(kStartTime - 1).empty());
}

TEST_P(PointInTimeTest, OnlyRuntimeCollectionsAnswerAsOfAnInstant) {
  Binding plain = Bind(DatabaseType::kKnowledge, "facts");
  QueryOptions options;
  options.as_of = clock_.NowMicros();
  auto page = engine_.Query(plain, Json::object(), options);
  ASSERT_FALSE(page.ok());
  EXPECT_EQ(page.status().reason(), "not_versioned");
  AsOfRestoreOptions restore;
  restore.as_of = clock_.NowMicros();
  restore.write = By();
  auto restored = engine_.RestoreAsOf(plain, restore);
  ASSERT_FALSE(restored.ok());
  EXPECT_EQ(restored.status().reason(), "not_versioned");
}

TEST_P(PointInTimeTest, ARestoreMakesEveryRecordAsItWasWithOneAuditedVersionEach) {
  const TimestampMicros t = WriteAroundAnInstant(Bulk());
  const std::map<std::string, Json> then = Query(t);
  const std::map<std::string, Json> now = Query(std::nullopt);
  const int64_t changed_versions = Versions("changed");

  auto dry = RestoreTo(t, /*dry_run=*/true);
  ASSERT_TRUE(dry.ok()) << dry.status().ToString();
  const int64_t bulk_changed = (Bulk() + 2) / 3;
  EXPECT_EQ(dry->examined, Bulk() + 8);
  EXPECT_EQ(dry->reverted, 1 + bulk_changed);  // changed; changed-back is equal again.
  EXPECT_EQ(dry->revived, 1);                  // deleted-since.
  EXPECT_EQ(dry->deleted, 2);                  // revived-since, created-since.
  EXPECT_EQ(dry->unchanged, dry->examined - dry->reverted - dry->revived - dry->deleted);
  EXPECT_TRUE(dry->dry_run);
  EXPECT_EQ(Query(std::nullopt), now) << "a dry run writes nothing";
  EXPECT_EQ(Versions("changed"), changed_versions);

  auto done = RestoreTo(t, /*dry_run=*/false);
  ASSERT_TRUE(done.ok()) << done.status().ToString();
  EXPECT_EQ(done->reverted, dry->reverted);
  EXPECT_EQ(done->revived, dry->revived);
  EXPECT_EQ(done->deleted, dry->deleted);
  EXPECT_EQ(done->unchanged, dry->unchanged);
  EXPECT_EQ(Query(std::nullopt), then);

  // One version per record that differed, naming who, why and the instant; history only grows.
  EXPECT_EQ(Versions("changed"), changed_versions + 1);
  EXPECT_EQ(Versions("keep"), 0);
  auto history = engine_.History(b_, "changed", {});
  ASSERT_TRUE(history.ok());
  const VersionInfo& last = history->versions.front();
  EXPECT_EQ(last.op, Operation::kRestore);
  EXPECT_EQ(last.actor, "operator");
  EXPECT_EQ(last.reason, "restore of the collection to " + FormatRfc3339(t) + ": bad import");
  auto created_since = engine_.History(b_, "created-since", {});
  ASSERT_TRUE(created_since.ok());
  EXPECT_EQ(created_since->versions.front().op, Operation::kDelete);
  auto revived = engine_.Get(b_, "deleted-since", {});
  ASSERT_TRUE(revived.ok());
  EXPECT_EQ(revived->data, Order(3, "open"));
  auto report = engine_.Verify(b_, false);
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->ok()) << (report->problems.empty() ? "counters" : report->problems.front());

  // Run again: nothing left to do.
  auto again = RestoreTo(t, /*dry_run=*/false);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->unchanged, again->examined);
  EXPECT_EQ(Versions("changed"), changed_versions + 1);
}

TEST_P(PointInTimeTest, ARestoreNeedsAnAuditedPastInstant) {
  MustWrite("a", Kind::kPut, Order(1, "open"));
  AsOfRestoreOptions options;
  options.as_of = clock_.NowMicros() + 1'000'000;
  options.write = By();
  auto future = engine_.RestoreAsOf(b_, options);
  ASSERT_FALSE(future.ok());
  EXPECT_EQ(future.status().reason(), "as_of_future");
  options.as_of = clock_.NowMicros();
  options.write.reason.clear();
  auto unaudited = engine_.RestoreAsOf(b_, options);
  ASSERT_FALSE(unaudited.ok());
  EXPECT_EQ(unaudited.status().reason(), "audit_required");
  EXPECT_EQ(Versions("a"), 0);
}

XRONOX_INSTANTIATE_ENGINE_SUITE(PointInTimeTest);

}  // namespace
}  // namespace xronox::testing
