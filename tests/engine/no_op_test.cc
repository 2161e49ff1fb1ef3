// No-op writes: a put or merge patch whose result equals the record's data makes no version
// and changes nothing, on every database type, over every backend pair.
#include "engine/engine_fixture.h"
#include "engine/engine_intents.h"

namespace xronox::testing {
namespace {

using Kind = WriteIntent::Kind;

class NoOpTest : public EngineTest {
 protected:
  Result<WriteResult> Write(const Binding& b, Kind kind, Json body, WriteOptions o = By()) {
    clock_.Advance(1000);
    return engine_.Write(b, "o1", MakeIntent(kind, std::move(body)), o);
  }
  int64_t HistorySize(const Binding& b) {
    auto history = engine_.History(b, "o1", {});
    EXPECT_TRUE(history.ok()) << history.status().ToString();
    return history.ok() ? static_cast<int64_t>(history->versions.size()) : -1;
  }
};

TEST_P(NoOpTest, RuntimeMakesNoVersionForDataEqualToTheCurrent) {
  Binding b = Bind(DatabaseType::kRuntime, "orders");
  Json stored = {{"a", 1}, {"b", {{"c", 2}, {"d", "x"}}}};
  ASSERT_TRUE(Write(b, Kind::kPut, stored).ok());
  // The same value: other key order, 1.0 for 1.
  auto same = Write(b, Kind::kPut, {{"b", {{"d", "x"}, {"c", 2}}}, {"a", 1.0}}, By("other"));
  ASSERT_TRUE(same.ok()) << same.status().ToString();
  EXPECT_TRUE(same->unchanged);
  EXPECT_FALSE(same->created);
  EXPECT_EQ(same->version, 0);
  ASSERT_TRUE(same->record.has_value());
  EXPECT_EQ(same->record->data.dump(), stored.dump()) << "answers the stored data";
  EXPECT_EQ(same->record->actor, "user-1") << "the audit entry is the current version's";
  auto merged = Write(b, Kind::kMerge, {{"b", {{"c", 2}}}});
  ASSERT_TRUE(merged.ok()) << merged.status().ToString();
  EXPECT_TRUE(merged->unchanged);
  EXPECT_EQ(HistorySize(b), 1);
  // A stale expected version is still refused first; the current one is a no-op.
  EXPECT_EQ(Write(b, Kind::kPut, stored, Expecting(3)).status().code(),
            StatusCode::kFailedPrecondition);
  EXPECT_TRUE(Write(b, Kind::kPut, stored, Expecting(0))->unchanged);
  // A real change gets the next version number.
  auto changed = Write(b, Kind::kMerge, {{"a", 2}});
  ASSERT_TRUE(changed.ok()) << changed.status().ToString();
  EXPECT_FALSE(changed->unchanged);
  EXPECT_EQ(changed->version, 1);
  EXPECT_EQ(HistorySize(b), 2);
  auto removed = Write(b, Kind::kMerge, {{"a", nullptr}});
  ASSERT_TRUE(removed.ok());
  EXPECT_EQ(removed->version, 2) << "removing a property is a change";
}

TEST_P(NoOpTest, PlainTypesKeepTheirVersionAndTimes) {
  for (DatabaseType type : {DatabaseType::kKnowledge, DatabaseType::kMetadata}) {
    Binding b = Bind(type, "facts");
    ASSERT_TRUE(Write(b, Kind::kPut, {{"text", "a"}}).ok());
    auto before = engine_.Get(b, "o1", {});
    ASSERT_TRUE(before.ok());
    auto same = Write(b, Kind::kPut, {{"text", "a"}});
    ASSERT_TRUE(same.ok()) << same.status().ToString();
    EXPECT_TRUE(same->unchanged);
    EXPECT_EQ(same->version, 0);
    auto after = engine_.Get(b, "o1", {});
    ASSERT_TRUE(after.ok());
    EXPECT_EQ(after->version, 0);
    EXPECT_EQ(after->updated_at, before->updated_at) << "nothing was written";
    EXPECT_EQ(Write(b, Kind::kMerge, {{"text", "b"}})->version, 1);
  }
}

TEST_P(NoOpTest, AnIdempotentRetryOfANoOpSaysUnchangedAgain) {
  Binding b = Bind(DatabaseType::kRuntime, "orders");
  ASSERT_TRUE(Write(b, Kind::kPut, {{"a", 1}}).ok());
  WriteOptions keyed = By();
  keyed.idempotency_key = "k";
  auto first = Write(b, Kind::kPut, {{"a", 1}}, keyed);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_TRUE(first->unchanged);
  auto retry = Write(b, Kind::kPut, {{"a", 1}}, keyed);
  ASSERT_TRUE(retry.ok()) << retry.status().ToString();
  EXPECT_TRUE(retry->unchanged);
  EXPECT_EQ(retry->version, 0);
}

XRONOX_INSTANTIATE_ENGINE_SUITE(NoOpTest);

}  // namespace
}  // namespace xronox::testing
