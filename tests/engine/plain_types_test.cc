// Non-versioned database types keep only the current record; logs are append-only.
#include "engine/engine_fixture.h"
#include "engine/engine_intents.h"

namespace xronox::testing {
namespace {

using Kind = WriteIntent::Kind;

class PlainTypesTest : public EngineTest {
 protected:
  Result<WriteResult> Write(const Binding& b, const std::string& id, WriteIntent intent,
                            WriteOptions o = {}) {
    clock_.Advance(1000);
    return engine_.Write(b, id, std::move(intent), o);
  }
};

TEST_P(PlainTypesTest, KnowledgeKeepsOnlyTheCurrentRecord) {
  Binding b = Bind(DatabaseType::kKnowledge, "facts");
  ASSERT_TRUE(Write(b, "f1", MakeIntent(Kind::kPut, {{"text", "a"}})).ok());
  auto updated = Write(b, "f1", MakeIntent(Kind::kMerge, {{"source", "b"}}));
  ASSERT_TRUE(updated.ok());
  EXPECT_EQ(updated->version, 1);
  auto record = engine_.Get(b, "f1", {});
  ASSERT_TRUE(record.ok());
  EXPECT_EQ(record->data, (Json{{"text", "a"}, {"source", "b"}}));
  EXPECT_EQ(engine_.History(b, "f1", {}).status().code(), StatusCode::kInvalidArgument);
  GetOptions v0;
  v0.version = 0;
  EXPECT_EQ(engine_.Get(b, "f1", v0).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(engine_.Diff(b, "f1", 0, 1).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(Write(b, "f1", MakeIntent(Kind::kRestore, nullptr, 0)).status().code(),
            StatusCode::kInvalidArgument);
  auto versions = hot_->ListVersions(b.ref, "f1", std::nullopt, 10, store::Order::kAscending);
  ASSERT_TRUE(versions.ok());
  EXPECT_TRUE(versions->empty());
  auto listing = objects_->List(b.database.buckets.versions, "", "", 10);
  ASSERT_TRUE(listing.ok());
  EXPECT_TRUE(listing->objects.empty());
}

TEST_P(PlainTypesTest, KnowledgeDeleteThenPutRecreates) {
  Binding b = Bind(DatabaseType::kMetadata, "flags");
  ASSERT_TRUE(Write(b, "x", MakeIntent(Kind::kPut, {{"on", true}})).ok());
  ASSERT_TRUE(Write(b, "x", MakeIntent(Kind::kDelete)).ok());
  EXPECT_EQ(engine_.Get(b, "x", {}).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(Write(b, "x", MakeIntent(Kind::kMerge, {{"on", false}})).status().code(),
            StatusCode::kNotFound);
  EXPECT_EQ(Write(b, "x", MakeIntent(Kind::kDelete)).status().code(), StatusCode::kNotFound);
  auto again = Write(b, "x", MakeIntent(Kind::kPut, {{"on", false}}));
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->created);
  EXPECT_EQ(engine_.Get(b, "x", {})->data, (Json{{"on", false}}));
}

// As in VersioningTest: a generated id that collides is refused by the head insert.
TEST_P(PlainTypesTest, CreateWithAGeneratedIdThatExistsIsRefused) {
  Binding b = Bind(DatabaseType::kKnowledge);
  auto first = engine_.Write(b, "taken", MakeIntent(WriteIntent::Kind::kPut, {{"n", 1}}), By());
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  WriteIntent create = MakeIntent(WriteIntent::Kind::kCreate, {{"n", "intruder"}});
  create.generated_id = true;
  auto collided = engine_.Write(b, "taken", create, By());
  ASSERT_FALSE(collided.ok());
  EXPECT_EQ(collided.status().code(), StatusCode::kAlreadyExists) << collided.status().ToString();
  auto record = engine_.Get(b, "taken", {});
  ASSERT_TRUE(record.ok());
  EXPECT_EQ(record->data, Json({{"n", 1}}));
}

TEST_P(PlainTypesTest, LogsAreAppendOnly) {
  Binding b = Bind(DatabaseType::kLogs, "activity_logs");
  ASSERT_TRUE(Write(b, "e1", MakeIntent(Kind::kCreate, {{"action", "login"}})).ok());
  for (Kind kind : {Kind::kPut, Kind::kMerge, Kind::kDelete}) {
    auto refused = Write(b, "e1", MakeIntent(kind, {{"action", "logout"}}));
    EXPECT_EQ(refused.status().code(), StatusCode::kNotSupported);
  }
  EXPECT_EQ(engine_.Get(b, "e1", {})->data, (Json{{"action", "login"}}));
}

TEST_P(PlainTypesTest, LargePlainPayloadsRoundTripAndShrinkBackInline) {
  options_.inline_max_bytes = 64;
  Engine small_inline(options_, &clock_);
  Binding b = Bind(DatabaseType::kKnowledge, "docs");
  std::string big(5000, 'y');
  clock_.Advance(1000);
  ASSERT_TRUE(small_inline.Write(b, "d", MakeIntent(Kind::kPut, {{"body", big}}), {}).ok());
  EXPECT_EQ(small_inline.Get(b, "d", {})->data["body"], big);
  auto stored = objects_->Get(b.database.buckets.records, "records/docs/d/current.json");
  ASSERT_TRUE(stored.ok()) << stored.status().ToString();
  clock_.Advance(1000);
  ASSERT_TRUE(small_inline.Write(b, "d", MakeIntent(Kind::kPut, {{"body", "small"}}), {}).ok());
  EXPECT_EQ(small_inline.Get(b, "d", {})->data, (Json{{"body", "small"}}));
  EXPECT_EQ(
      objects_->Get(b.database.buckets.records, "records/docs/d/current.json").status().code(),
      StatusCode::kNotFound);
  auto report = small_inline.Verify(b, false);
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->problems.empty());
}

TEST_P(PlainTypesTest, VerifyReportsUnreferencedRecordObjectsOnceOldAndRepairRemovesThem) {
  Binding b = Bind(DatabaseType::kKnowledge, "docs");
  ASSERT_TRUE(Write(b, "kept", MakeIntent(Kind::kPut, {{"a", 1}})).ok());
  const std::string key = "records/docs/ghost/current.json";
  ASSERT_TRUE(
      objects_->Put(b.database.buckets.records, key, R"({"x":1})", store::PutMode::kOverwrite)
          .ok());
  auto fresh = engine_.Verify(b, false);
  ASSERT_TRUE(fresh.ok());
  EXPECT_TRUE(fresh->garbage.empty()) << "a young object may belong to a write in flight";
  clock_.Set(SystemClock().NowMicros() + 3600LL * 1'000'000);
  auto old = engine_.Verify(b, true);
  ASSERT_TRUE(old.ok());
  ASSERT_EQ(old->garbage.size(), 1u);
  EXPECT_EQ(old->garbage_removed, 1);
  EXPECT_TRUE(old->problems.empty());
  EXPECT_EQ(objects_->Get(b.database.buckets.records, key).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(engine_.Get(b, "kept", {})->data, (Json{{"a", 1}}));
}

XRONOX_INSTANTIATE_ENGINE_SUITE(PlainTypesTest);

}  // namespace
}  // namespace xronox::testing
