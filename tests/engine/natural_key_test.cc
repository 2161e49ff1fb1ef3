// Natural keys over every backend pair: upsert creates a record or merges into the one with the
// same natural-key values; 8 concurrent upserts of one key make one record; plain creates, puts
// and updates refuse values another live record holds, and values are free again once their
// record moves on or is deleted; a claim left by a writer that died is waited for, then taken
// over once its lease ends.
#include <thread>

#include "engine/engine_fixture.h"
#include "engine/engine_intents.h"
#include "engine/keys.h"
#include "engine/natural_keys.h"

namespace xronox::testing {
namespace {

using Kind = WriteIntent::Kind;

class NaturalKeyTest : public EngineTest {
 protected:
  Binding BindKeyed(DatabaseType type, std::vector<std::string> keys = {"email"}) {
    Binding b = Bind(type, "people");
    b.natural_keys = std::move(keys);
    return b;
  }
  Result<WriteResult> Upsert(const Binding& b, const Json& data) {
    return engine_.Upsert(b, data, By("user-1", "sync"));
  }
  Result<WriteResult> Write(const Binding& b, const std::string& id, Kind kind, Json body) {
    clock_.Advance(1000);
    return engine_.Write(b, id, MakeIntent(kind, std::move(body)), By());
  }
  // The live records of `b`, by id.
  std::map<std::string, Json> LiveRecords(const Binding& b) {
    std::map<std::string, Json> records;
    auto page = engine_.ScanRecords(b, "", 1000, std::nullopt);
    EXPECT_TRUE(page.ok()) << page.status().ToString();
    if (page.ok()) {
      for (const Record& record : page->records) records[record.id] = record.data;
    }
    return records;
  }
};

TEST_P(NaturalKeyTest, UpsertCreatesThenMergesIntoTheRecordWithTheSameValues) {
  for (DatabaseType type : {DatabaseType::kKnowledge, DatabaseType::kRuntime}) {
    SCOPED_TRACE(DatabaseTypeName(type));
    Binding b = BindKeyed(type);
    auto created = Upsert(
        b, {{"email", "ada@example.com"}, {"profile", {{"name", "Ada"}, {"tags", {"a", "b"}}}}});
    ASSERT_TRUE(created.ok()) << created.status().ToString();
    EXPECT_TRUE(created->created);
    clock_.Advance(1000);
    auto merged = Upsert(
        b, {{"email", "ada@example.com"}, {"profile", {{"city", "London"}, {"tags", {"c"}}}}});
    ASSERT_TRUE(merged.ok()) << merged.status().ToString();
    EXPECT_FALSE(merged->created);
    EXPECT_EQ(merged->id, created->id);
    EXPECT_EQ(merged->version, 1);
    // Objects merge at every depth; arrays are replaced.
    EXPECT_EQ(engine_.Get(b, created->id, {})->data,
              (Json{{"email", "ada@example.com"},
                    {"profile", {{"name", "Ada"}, {"city", "London"}, {"tags", {"c"}}}}}));
    // The same upsert again changes nothing.
    auto again = Upsert(b, {{"email", "ada@example.com"}, {"profile", {{"city", "London"}}}});
    ASSERT_TRUE(again.ok()) << again.status().ToString();
    EXPECT_TRUE(again->unchanged);
    auto other = Upsert(b, {{"email", "bob@example.com"}});
    ASSERT_TRUE(other.ok()) << other.status().ToString();
    EXPECT_TRUE(other->created);
    EXPECT_EQ(LiveRecords(b).size(), 2u);
    if (type == DatabaseType::kRuntime) {
      auto history = engine_.History(b, created->id, {});
      ASSERT_TRUE(history.ok()) << history.status().ToString();
      ASSERT_EQ(history->versions.size(), 2u);
      EXPECT_EQ(history->versions[0].op, Operation::kUpdate);
      EXPECT_EQ(history->versions[0].reason, "sync");
    }
  }
}

TEST_P(NaturalKeyTest, EightConcurrentUpsertsOfOneKeyMakeOneRecord) {
  for (DatabaseType type : {DatabaseType::kKnowledge, DatabaseType::kRuntime}) {
    SCOPED_TRACE(DatabaseTypeName(type));
    Binding b = BindKeyed(type, {"sku", "site"});
    constexpr int kUpserters = 8;
    std::vector<std::optional<Result<WriteResult>>> results(kUpserters);
    std::vector<std::thread> threads;
    for (int i = 0; i < kUpserters; ++i) {
      threads.emplace_back([&, i] {
        results[i] =
            Upsert(b, {{"sku", "A-1"}, {"site", 7}, {"seen", {{"by" + std::to_string(i), i}}}});
      });
    }
    for (std::thread& thread : threads) thread.join();
    int created = 0;
    for (const auto& result : results) {
      ASSERT_TRUE(result->ok()) << result->status().ToString();
      created += (*result)->created ? 1 : 0;
      EXPECT_EQ((*result)->id, (*results[0])->id);
    }
    EXPECT_EQ(created, 1);
    auto records = LiveRecords(b);
    ASSERT_EQ(records.size(), 1u);
    // Every upsert's data is in the one record.
    EXPECT_EQ(records.begin()->second["seen"].size(), static_cast<size_t>(kUpserters));
  }
}

TEST_P(NaturalKeyTest, WritesRefuseValuesThatAnotherLiveRecordHolds) {
  for (DatabaseType type : {DatabaseType::kMetadata, DatabaseType::kRuntime}) {
    SCOPED_TRACE(DatabaseTypeName(type));
    Binding b = BindKeyed(type, {"code"});
    ASSERT_TRUE(Write(b, "r1", Kind::kPut, {{"code", 1}}).ok());
    // 1.0 is the value 1.
    auto taken = Write(b, "r2", Kind::kCreate, {{"code", 1.0}});
    EXPECT_EQ(taken.status().code(), StatusCode::kConflict);
    EXPECT_EQ(taken.status().reason(), kNaturalKeyTaken);
    EXPECT_NE(taken.status().message().find("'r1'"), std::string::npos);
    ASSERT_TRUE(Write(b, "r2", Kind::kPut, {{"code", 2}}).ok());
    EXPECT_EQ(Write(b, "r2", Kind::kMerge, {{"code", 1}}).status().reason(), kNaturalKeyTaken);
    // r1 moves to 3: 1 is free, 3 is not.
    ASSERT_TRUE(Write(b, "r1", Kind::kMerge, {{"code", 3}}).ok());
    EXPECT_TRUE(Write(b, "r3", Kind::kPut, {{"code", 1}}).ok());
    EXPECT_EQ(Write(b, "r4", Kind::kPut, {{"code", 3}}).status().reason(), kNaturalKeyTaken);
    // A deleted record's values are free.
    ASSERT_TRUE(Write(b, "r1", Kind::kDelete, nullptr).ok());
    EXPECT_TRUE(Write(b, "r4", Kind::kPut, {{"code", 3}}).ok());
    // An update that keeps the values needs no claim and is not refused.
    EXPECT_TRUE(Write(b, "r4", Kind::kMerge, {{"note", "kept"}}).ok());
    EXPECT_EQ(LiveRecords(b).size(), 3u);
  }
}

TEST_P(NaturalKeyTest, RefusesMissingValuesAndCollectionsWithoutKeys) {
  Binding b = BindKeyed(DatabaseType::kKnowledge, {"email"});
  for (const Json& data : {Json{{"name", "x"}}, Json{{"email", nullptr}},
                           Json{{"email", {{"a", 1}}}}, Json{{"email", {"a"}}}}) {
    SCOPED_TRACE(data.dump());
    EXPECT_EQ(Write(b, "p1", Kind::kPut, data).status().reason(), "invalid_natural_key");
    EXPECT_EQ(Upsert(b, data).status().reason(), "invalid_natural_key");
  }
  Binding plain = Bind(DatabaseType::kKnowledge, "plain");
  EXPECT_EQ(Upsert(plain, {{"email", "a"}}).status().reason(), "no_natural_keys");
  Binding logs = Bind(DatabaseType::kLogs, "events");
  logs.natural_keys = {"eventId"};
  EXPECT_EQ(Upsert(logs, {{"eventId", "e1"}}).status().reason(), "append_only");
  EXPECT_EQ(Engine::CheckAppend(logs, 1, By()).reason(), "not_appendable");
  WriteOptions with_key = By();
  with_key.idempotency_key = "k1";
  EXPECT_EQ(engine_.Upsert(b, {{"email", "a"}}, with_key).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_TRUE(LiveRecords(b).empty());
}

TEST_P(NaturalKeyTest, AClaimLeftByADeadWriterIsWaitedForThenTakenOver) {
  Binding b = BindKeyed(DatabaseType::kKnowledge, {"email"});
  auto key = NaturalKeyClaimKey(b.natural_keys, Json{{"email", "ada@example.com"}});
  ASSERT_TRUE(key.ok());
  // A writer claimed the values for record "ghost" and died before writing it.
  store::ClaimRow left{*key, "dead-writer", clock_.NowMicros(), NaturalKeyClaimBody("ghost")};
  ASSERT_TRUE(hot_->InsertClaim(b.ref, left).ok());
  auto busy = Write(b, "p1", Kind::kPut, {{"email", "ada@example.com"}});
  EXPECT_EQ(busy.status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(busy.status().reason(), "natural_key_busy");
  // Once the claim's lease has passed, the next writer takes the values over.
  clock_.Advance((options_.claim_lease_seconds + 1) * 1'000'000);
  auto upserted = Upsert(b, {{"email", "ada@example.com"}, {"n", 1}});
  ASSERT_TRUE(upserted.ok()) << upserted.status().ToString();
  EXPECT_TRUE(upserted->created);
  auto claim = hot_->GetClaim(b.ref, *key);
  ASSERT_TRUE(claim.ok() && *claim);
  EXPECT_EQ(NaturalKeyHolderId((*claim)->body), upserted->id);
}

XRONOX_INSTANTIATE_ENGINE_SUITE(NaturalKeyTest);

}  // namespace
}  // namespace xronox::testing
