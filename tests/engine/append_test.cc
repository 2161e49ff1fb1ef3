// Append and time-ordered reads over every backend pair: a batch of entries becomes records
// whose ids follow the entries' order and the clock, counted once each; an invalid entry fails
// the batch before anything is written; large entries take the object path inside a batch;
// runtime, empty and oversized batches and idempotency keys are refused; a query pages newest
// first as well as oldest first, and on logs selects a time range by the ids' milliseconds.
#include "common/ids.h"
#include "engine/engine_fixture.h"
#include "engine/engine_intents.h"

namespace xronox::testing {
namespace {

class AppendTest : public EngineTest {
 protected:
  void SetUp() override {
    EngineTest::SetUp();
    logs_ = Bind(DatabaseType::kLogs, "events");
  }
  std::vector<std::string> MustAppend(const Binding& b, std::vector<Json> entries) {
    auto appended = engine_.Append(b, entries, By());
    EXPECT_TRUE(appended.ok()) << appended.status().ToString();
    if (!appended.ok()) return {};
    EXPECT_TRUE(appended->warning.empty()) << appended->warning;
    return appended->ids;
  }
  std::vector<std::string> Ids(const Binding& b, const QueryOptions& options) {
    std::vector<std::string> ids;
    QueryOptions paging = options;
    for (int pages = 0; pages < 100; ++pages) {
      auto page = engine_.Query(b, Json::object(), paging);
      EXPECT_TRUE(page.ok()) << page.status().ToString();
      if (!page.ok()) break;
      for (const Record& record : page->records) ids.push_back(record.id);
      if (!page->next) break;
      paging.cursor = *page->next;
    }
    return ids;
  }
  Binding logs_;
};

std::vector<Json> Entries(int count, int from = 0) {
  std::vector<Json> entries;
  for (int i = from; i < from + count; ++i) entries.push_back({{"n", i}, {"level", "info"}});
  return entries;
}

TEST_P(AppendTest, EntriesBecomeRecordsInTheirOrderCountedOnce) {
  std::vector<std::string> ids = MustAppend(logs_, Entries(50));
  ASSERT_EQ(ids.size(), 50u);
  EXPECT_TRUE(std::is_sorted(ids.begin(), ids.end()));
  EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()).size(), 50u);
  for (int i : {0, 17, 49}) {
    auto record = engine_.Get(logs_, ids[i], {});
    ASSERT_TRUE(record.ok()) << record.status().ToString();
    EXPECT_EQ(record->data["n"], i);
    EXPECT_EQ(record->version, 0);
    EXPECT_EQ(record->actor, "user-1");
    EXPECT_EQ(record->created_at, kStartTime);
  }
  auto counts = hot_->GetCounts(logs_.ref);
  ASSERT_TRUE(counts.ok()) << counts.status().ToString();
  if (hot_->CountsCommitWithHead()) {
    EXPECT_EQ(counts->created, 50);
    EXPECT_EQ(counts->live, 50);
  } else {
    EXPECT_EQ(counts->created, 50) << "the batch's counts are added once after it";
  }
  // A later batch sorts after this one.
  clock_.Advance(1000);
  std::vector<std::string> later = MustAppend(logs_, Entries(3, 50));
  ASSERT_EQ(later.size(), 3u);
  EXPECT_LT(ids.back(), later.front());
  auto verified = engine_.Verify(logs_, false);
  ASSERT_TRUE(verified.ok()) << verified.status().ToString();
  EXPECT_TRUE(verified->problems.empty()) << verified->problems.front();
}

TEST_P(AppendTest, AnInvalidEntryFailsTheBatchBeforeAnythingIsWritten) {
  std::vector<Json> entries = Entries(5);
  entries[3] = Json::array({1, 2});
  auto refused = engine_.Append(logs_, entries, By());
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(refused.status().message().find("entry 3"), std::string::npos)
      << refused.status().ToString();
  EXPECT_TRUE(Ids(logs_, {}).empty());
  std::vector<Json> bad_content = Entries(2);
  bad_content[1]["scan"] = {{"$content", "sha256:00"}};
  auto forged = engine_.Append(logs_, bad_content, By());
  ASSERT_FALSE(forged.ok());
  EXPECT_NE(forged.status().message().find("entry 1"), std::string::npos)
      << forged.status().ToString();
  EXPECT_TRUE(Ids(logs_, {}).empty());
}

TEST_P(AppendTest, LargeEntriesTakeTheObjectPathInsideABatch) {
  std::vector<Json> entries = Entries(4);
  entries[1]["text"] = std::string(options_.inline_max_bytes + 100, 'x');
  std::vector<std::string> ids = MustAppend(logs_, entries);
  ASSERT_EQ(ids.size(), 4u);
  EXPECT_TRUE(std::is_sorted(ids.begin(), ids.end()));
  auto large = engine_.Get(logs_, ids[1], {});
  ASSERT_TRUE(large.ok()) << large.status().ToString();
  EXPECT_EQ(large->data["text"].get<std::string>().size(), options_.inline_max_bytes + 100);
  auto head = hot_->GetHead(logs_.ref, ids[1]);
  ASSERT_TRUE(head.ok() && head->has_value());
  EXPECT_FALSE((*head)->payload_key.empty()) << "the payload is an object";
  EXPECT_EQ(Ids(logs_, {}), ids);
}

TEST_P(AppendTest, RefusesRuntimeEmptyOversizedAndIdempotentBatches) {
  Binding runtime = Bind(DatabaseType::kRuntime, "orders");
  std::vector<Json> one = Entries(1);
  auto versioned = engine_.Append(runtime, one, By());
  EXPECT_EQ(versioned.status().code(), StatusCode::kNotSupported);
  EXPECT_EQ(versioned.status().reason(), "not_appendable");
  std::vector<Json> none;
  EXPECT_EQ(engine_.Append(logs_, none, By()).status().code(), StatusCode::kInvalidArgument);
  std::vector<Json> too_many = Entries(kMaxAppendEntries + 1);
  EXPECT_EQ(engine_.Append(logs_, too_many, By()).status().code(), StatusCode::kInvalidArgument);
  WriteOptions keyed = By();
  keyed.idempotency_key = "k1";
  std::vector<Json> again = Entries(1);
  EXPECT_EQ(engine_.Append(logs_, again, keyed).status().code(), StatusCode::kInvalidArgument);
  // Knowledge appends too (any unversioned type).
  Binding knowledge = Bind(DatabaseType::kKnowledge, "facts");
  EXPECT_EQ(MustAppend(knowledge, Entries(2)).size(), 2u);
}

TEST_P(AppendTest, QueriesPageNewestFirstAndSelectATimeRangeOnLogs) {
  std::vector<std::string> all;
  for (int batch = 0; batch < 5; ++batch) {
    for (const std::string& id : MustAppend(logs_, Entries(7, batch * 7))) all.push_back(id);
    clock_.Advance(10'000);  // 10 ms between batches.
  }
  QueryOptions newest;
  newest.newest_first = true;
  newest.limit = 4;
  std::vector<std::string> reversed(all.rbegin(), all.rend());
  EXPECT_EQ(Ids(logs_, newest), reversed);
  QueryOptions oldest;
  oldest.limit = 6;
  EXPECT_EQ(Ids(logs_, oldest), all);
  // Batches 1 to 3: from the start of batch 1, to the start of batch 4 (exclusive).
  QueryOptions range;
  range.from = kStartTime + 10'000;
  range.to = kStartTime + 40'000;
  range.limit = 5;
  EXPECT_EQ(Ids(logs_, range), std::vector<std::string>(all.begin() + 7, all.begin() + 28));
  range.newest_first = true;
  EXPECT_EQ(Ids(logs_, range),
            std::vector<std::string>(reversed.begin() + 7, reversed.begin() + 28));
  // With a filter on the data.
  auto filtered = engine_.Query(logs_, {{"n", 30}}, range);
  ASSERT_TRUE(filtered.ok()) << filtered.status().ToString();
  EXPECT_TRUE(filtered->records.empty()) << "30 is in batch 4, after the range";
  QueryOptions bad = range;
  bad.from = kStartTime + 50'000;
  EXPECT_EQ(engine_.Query(logs_, Json::object(), bad).status().reason(), "invalid_query");
  Binding knowledge = Bind(DatabaseType::kKnowledge, "facts");
  QueryOptions timed;
  timed.from = kStartTime;
  EXPECT_EQ(engine_.Query(knowledge, Json::object(), timed).status().reason(), "invalid_query");
}

TEST_P(AppendTest, NewestFirstWorksOnAnyCollection) {
  Binding items = Bind(DatabaseType::kKnowledge, "items");
  for (const char* id : {"b", "a", "d", "c"}) {
    auto written =
        engine_.Write(items, id, MakeIntent(WriteIntent::Kind::kPut, {{"id", id}}), By());
    ASSERT_TRUE(written.ok()) << written.status().ToString();
  }
  QueryOptions newest;
  newest.newest_first = true;
  newest.limit = 3;
  EXPECT_EQ(Ids(items, newest), (std::vector<std::string>{"d", "c", "b", "a"}));
}

XRONOX_INSTANTIATE_ENGINE_SUITE(AppendTest);

}  // namespace
}  // namespace xronox::testing
