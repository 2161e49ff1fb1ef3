// Legal holds over every backend pair: a hold on a database, a collection or a record blocks
// every delete it covers (record deletes on runtime and the other types, the deletes of an exact
// restore and of a restore to an instant, backup prune) and nothing else; lifting it lets them
// through; placing and lifting are logged with actor and reason, and each needs both.
#include "backup/backup_service.h"
#include "engine/engine_fixture.h"
#include "engine/engine_intents.h"
#include "retention/hold_service.h"

namespace xronox::testing {
namespace {

using Kind = WriteIntent::Kind;

class HoldTest : public EngineTest {
 protected:
  Status Write(const Binding& b, const std::string& id, Kind kind, Json body = nullptr) {
    clock_.Advance(1000);
    return engine_.Write(b, id, MakeIntent(kind, std::move(body)), By()).status();
  }
  Status Delete(const Binding& b, const std::string& id) { return Write(b, id, Kind::kDelete); }
  LegalHold MustPlace(const Binding& b, HoldScope scope, const std::string& id = "") {
    clock_.Advance(1000);
    auto hold = holds_.Place(b, scope, id, By("counsel", "litigation 42"));
    EXPECT_TRUE(hold.ok()) << hold.status().ToString();
    return hold.ok() ? *hold : LegalHold{};
  }
  void MustLift(const Binding& b, HoldScope scope, const std::string& id = "") {
    clock_.Advance(1000);
    auto lifted = holds_.Lift(b, scope, id, By("counsel", "settled"));
    EXPECT_TRUE(lifted.ok()) << lifted.status().ToString();
  }
  static void ExpectHeld(const Status& status) {
    EXPECT_EQ(status.code(), StatusCode::kConflict) << status.ToString();
    EXPECT_EQ(status.reason(), "legal_hold") << status.ToString();
  }

  HoldService holds_{engine_};
};

TEST_P(HoldTest, ARecordHoldBlocksDeletingThatRecordOnly) {
  for (DatabaseType type : {DatabaseType::kRuntime, DatabaseType::kKnowledge}) {
    Binding b = Bind(type, "orders");
    ASSERT_TRUE(Write(b, "held", Kind::kPut, {{"n", 1}}).ok());
    ASSERT_TRUE(Write(b, "free", Kind::kPut, {{"n", 2}}).ok());
    LegalHold hold = MustPlace(b, HoldScope::kRecord, "held");
    EXPECT_EQ(hold.collection, "orders");
    EXPECT_EQ(hold.id, "held");
    EXPECT_EQ(hold.actor, "counsel");
    ExpectHeld(Delete(b, "held"));
    EXPECT_TRUE(Write(b, "held", Kind::kMerge, {{"n", 3}}).ok()) << "a hold blocks deletes only";
    EXPECT_TRUE(Delete(b, "free").ok());
    MustLift(b, HoldScope::kRecord, "held");
    EXPECT_TRUE(Delete(b, "held").ok());
  }
}

TEST_P(HoldTest, CollectionAndDatabaseHoldsCoverEveryRecordUnderThem) {
  Binding orders = Bind(DatabaseType::kRuntime, "orders");
  Binding invoices = Bind(DatabaseType::kRuntime, "invoices");
  for (const Binding* b : {&orders, &invoices})
    ASSERT_TRUE(Write(*b, "a", Kind::kPut, Json::object()).ok());
  MustPlace(orders, HoldScope::kCollection);
  ExpectHeld(Delete(orders, "a"));
  EXPECT_TRUE(Write(invoices, "b", Kind::kPut, Json::object()).ok());
  EXPECT_TRUE(Delete(invoices, "b").ok()) << "another collection is not held";
  MustPlace(invoices, HoldScope::kDatabase);
  ExpectHeld(Delete(invoices, "a"));
  MustLift(orders, HoldScope::kCollection);
  ExpectHeld(Delete(orders, "a"));  // The database hold still covers it.
  MustLift(orders, HoldScope::kDatabase);
  EXPECT_TRUE(Delete(orders, "a").ok());

  auto listed = holds_.List(orders);
  ASSERT_TRUE(listed.ok());
  EXPECT_TRUE(listed->empty());
  auto log = holds_.Log(orders);
  ASSERT_TRUE(log.ok()) << log.status().ToString();
  ASSERT_EQ(log->size(), 4u);
  EXPECT_TRUE((*log)[0].placed);
  EXPECT_EQ((*log)[0].hold.scope, HoldScope::kCollection);
  EXPECT_EQ((*log)[0].reason, "litigation 42");
  EXPECT_TRUE((*log)[1].placed);
  EXPECT_EQ((*log)[1].hold.scope, HoldScope::kDatabase);
  EXPECT_FALSE((*log)[2].placed);
  EXPECT_EQ((*log)[2].reason, "settled");
  EXPECT_EQ((*log)[2].hold.reason, "litigation 42") << "a lift names the hold it lifts";
  EXPECT_FALSE((*log)[3].placed);
  for (size_t i = 1; i < log->size(); ++i) EXPECT_GT((*log)[i].at, (*log)[i - 1].at);
}

TEST_P(HoldTest, RestoresAndPruneDeleteNothingUnderAHold) {
  Binding orders = Bind(DatabaseType::kRuntime, "orders");
  UseBucket(orders.database.buckets.backups);
  ASSERT_TRUE(Write(orders, "a", Kind::kPut, {{"n", 1}}).ok());
  const TimestampMicros before_b = clock_.NowMicros();
  ASSERT_TRUE(Write(orders, "b", Kind::kPut, {{"n", 2}}).ok());
  MustPlace(orders, HoldScope::kRecord, "b");
  AsOfRestoreOptions as_of;
  as_of.as_of = before_b;
  as_of.write = By();
  clock_.Advance(1000);
  ExpectHeld(engine_.RestoreAsOf(orders, as_of).status());
  EXPECT_TRUE(engine_.Get(orders, "b", {}).ok());

  BackupService backups(engine_);
  clock_.Advance(1000);
  ASSERT_TRUE(backups.Create(orders, {}).ok());
  MustPlace(orders, HoldScope::kCollection);
  PruneOptions prune;
  prune.keep_daily = 0;
  prune.keep_monthly = 0;
  ExpectHeld(backups.Prune(orders, prune).status());
  MustLift(orders, HoldScope::kCollection);
  EXPECT_TRUE(backups.Prune(orders, prune).ok());
}

TEST_P(HoldTest, PlacingAndLiftingAreAuditedAndChecked) {
  Binding b = Bind(DatabaseType::kKnowledge, "facts");
  auto unaudited = holds_.Place(b, HoldScope::kCollection, "", By("counsel", ""));
  EXPECT_EQ(unaudited.status().reason(), "audit_required");
  auto id_on_collection = holds_.Place(b, HoldScope::kCollection, "x", By());
  EXPECT_EQ(id_on_collection.status().code(), StatusCode::kInvalidArgument);
  auto bad_id = holds_.Place(b, HoldScope::kRecord, "a/b", By());
  EXPECT_EQ(bad_id.status().code(), StatusCode::kInvalidArgument);
  auto none = holds_.Lift(b, HoldScope::kCollection, "", By());
  EXPECT_EQ(none.status().reason(), "no_hold");
  MustPlace(b, HoldScope::kCollection);
  auto twice = holds_.Place(b, HoldScope::kCollection, "", By());
  EXPECT_EQ(twice.status().reason(), "hold_exists");
  auto log = holds_.Log(b);
  ASSERT_TRUE(log.ok());
  EXPECT_EQ(log->size(), 1u) << "refused attempts are not logged";
  auto listed = holds_.List(b);
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ((*listed)[0].scope, HoldScope::kCollection);
}

XRONOX_INSTANTIATE_ENGINE_SUITE(HoldTest);

}  // namespace
}  // namespace xronox::testing
