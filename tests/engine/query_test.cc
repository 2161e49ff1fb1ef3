// Query over indexed and unindexed fields, with paging; the same results whatever the
// pushdown did.
#include <atomic>
#include <cstdio>

#include "engine/engine_fixture.h"
#include "engine/engine_intents.h"

namespace xronox::testing {
namespace {

using Kind = WriteIntent::Kind;

class QueryTest : public EngineTest {
 protected:
  void SetUp() override {
    EngineTest::SetUp();
    b_ = Bind(DatabaseType::kKnowledge, "people", {"age", "address.city"});
    Json rows[] = {
        {{"name", "ann"}, {"age", 31}, {"address", {{"city", "Paris"}}}, {"tags", {"a"}}},
        {{"name", "bob"}, {"age", 25}, {"address", {{"city", "Oslo"}}}},
        {{"name", "cid"}, {"age", 40}, {"address", {{"city", "Paris"}}}},
        {{"name", "dee"}, {"age", "unknown"}},
        {{"name", "eve"}, {"age", 31.5}, {"vip", true}},
    };
    int i = 0;
    for (auto& row : rows) {
      clock_.Advance(10);
      std::string id = "p" + std::to_string(i++);
      ASSERT_TRUE(engine_.Write(b_, id, MakeIntent(Kind::kPut, row), {}).ok());
    }
    clock_.Advance(10);
    ASSERT_TRUE(engine_.Write(b_, "p2", MakeIntent(Kind::kDelete), {}).ok());
  }

  std::vector<std::string> Find(const Json& filter, int limit = 100) {
    std::vector<std::string> ids;
    QueryOptions options;
    options.limit = limit;
    while (true) {
      auto page = engine_.Query(b_, filter, options);
      EXPECT_TRUE(page.ok()) << page.status().ToString();
      if (!page.ok()) return ids;
      for (const auto& r : page->records) ids.push_back(r.id);
      if (!page->next) return ids;
      options.cursor = *page->next;
    }
  }

  Binding b_;
};

using Ids = std::vector<std::string>;

TEST_P(QueryTest, EqualityOnIndexedAndPlainFields) {
  EXPECT_EQ(Find({{"address.city", "Paris"}}), (Ids{"p0"}));  // p2 is deleted.
  EXPECT_EQ(Find({{"name", "bob"}}), (Ids{"p1"}));
  EXPECT_EQ(Find({{"vip", true}}), (Ids{"p4"}));
  EXPECT_EQ(Find({{"age", 31}}), (Ids{"p0"}));
  EXPECT_EQ(Find(Json::object()), (Ids{"p0", "p1", "p3", "p4"}));
}

TEST_P(QueryTest, RangeAndSetOperators) {
  EXPECT_EQ(Find({{"age", {{"$gt", 30}}}}), (Ids{"p0", "p4"}));
  EXPECT_EQ(Find({{"age", {{"$gte", 25}, {"$lt", 31.5}}}}), (Ids{"p0", "p1"}));
  EXPECT_EQ(Find({{"age", {{"$lte", 25}}}}), (Ids{"p1"}));
  EXPECT_EQ(Find({{"age", {{"$in", {25, "unknown"}}}}}), (Ids{"p1", "p3"}));
  EXPECT_EQ(Find({{"address.city", {{"$ne", "Paris"}}}}), (Ids{"p1", "p3", "p4"}));
  EXPECT_EQ(Find({{"name", {{"$gt", "bz"}}}}), (Ids{"p3", "p4"}));
}

TEST_P(QueryTest, PagesByCursorInIdOrder) {
  EXPECT_EQ(Find(Json::object(), 1), (Ids{"p0", "p1", "p3", "p4"}));
  EXPECT_EQ(Find({{"age", {{"$gte", 0}}}}, 2), (Ids{"p0", "p1", "p4"}));
}

TEST_P(QueryTest, RefusesUnsupportedOperatorsAndMalformedFilters) {
  for (const Json& bad : {Json{{"$where", "1"}}, Json{{"age", {{"$regex", "x"}}}},
                          Json{{"age", {{"$gt", Json::array()}}}}, Json{{"age", {{"$in", 3}}}},
                          Json::array(), Json{{"", 1}}}) {
    auto result = engine_.Query(b_, bad, {});
    EXPECT_EQ(result.status().code(), StatusCode::kInvalidArgument) << bad.dump();
  }
  QueryOptions bad_cursor;
  bad_cursor.cursor = "zz";
  EXPECT_EQ(engine_.Query(b_, Json::object(), bad_cursor).status().code(),
            StatusCode::kInvalidArgument);
}

// A filter that matches few records of a large collection: each page stops after
// kMaxExaminedPerPage records with a cursor, so no request reads the whole collection, and
// following the cursors finds every match exactly once.
TEST_P(QueryTest, APageExaminesABoundedNumberOfRecords) {
  const int total = kMaxExaminedPerPage + kMaxExaminedPerPage / 2;
  for (int i = 0; i < total; ++i) {
    char id[16];
    snprintf(id, sizeof(id), "q%05d", i);
    Json row = {{"name", i % 700 == 0 ? "needle" : "hay"}};
    ASSERT_TRUE(engine_.Write(b_, id, MakeIntent(Kind::kPut, row), {}).ok());
  }
  QueryOptions options;
  options.limit = 10;
  auto first = engine_.Query(b_, {{"name", "needle"}}, options);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  ASSERT_TRUE(first->next.has_value()) << "stopped before the end of the collection";
  EXPECT_EQ(first->records.size(), 2u);  // q00000 and q00700 lie in the first 1000 ids.
  auto none = engine_.Query(b_, {{"name", "nothing"}}, options);
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->records.empty());
  EXPECT_TRUE(none->next.has_value()) << "an empty page still says where to go on";
  EXPECT_EQ(Find({{"name", "needle"}}, 10), (Ids{"q00000", "q00700", "q01400"}));
  EXPECT_EQ(Find({{"name", "nothing"}}), Ids{});
}

// A clock that moves 100 ms on every reading: a page that reads it once per record runs out of
// its one second of scanning after about ten records.
class TickingClock final : public Clock {
 public:
  explicit TickingClock(TimestampMicros start) : now_(start) {}
  TimestampMicros NowMicros() override { return now_ += 100'000; }

 private:
  std::atomic<TimestampMicros> now_;
};

TEST_P(QueryTest, APageStopsAtItsTimeBudget) {
  for (int i = 0; i < 30; ++i) {
    char id[16];
    snprintf(id, sizeof(id), "t%03d", i);
    Json row = {{"name", i % 7 == 0 ? "seven" : "other"}};
    ASSERT_TRUE(engine_.Write(b_, id, MakeIntent(Kind::kPut, row), {}).ok());
  }
  TickingClock ticking(SystemClock::Default()->NowMicros());
  Engine slow(options_, &ticking);
  QueryOptions options;
  auto first = slow.Query(b_, {{"name", "nothing"}}, options);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_TRUE(first->records.empty());
  ASSERT_TRUE(first->next.has_value()) << "the page read all 34 records within its budget";
  std::vector<std::string> found;
  int pages = 0;
  options.cursor.clear();
  while (pages++ < 100) {
    auto page = slow.Query(b_, {{"name", "seven"}}, options);
    ASSERT_TRUE(page.ok()) << page.status().ToString();
    for (const Record& record : page->records) found.push_back(record.id);
    if (!page->next) break;
    options.cursor = *page->next;
  }
  EXPECT_GT(pages, 2);
  EXPECT_EQ(found, (Ids{"t000", "t007", "t014", "t021", "t028"}));
}

XRONOX_INSTANTIATE_ENGINE_SUITE(QueryTest);

}  // namespace
}  // namespace xronox::testing
