// Idempotency keys: one key space per actor, replays, refusals, a writer that died holding a
// key, and claims of the earlier shared key space ("idem:{key}"), over every backend pair.
#include "engine/engine_fixture.h"
#include "engine/engine_intents.h"

namespace xronox::testing {
namespace {

using Kind = WriteIntent::Kind;

class IdempotencyTest : public EngineTest {
 protected:
  void SetUp() override {
    EngineTest::SetUp();
    b_ = Bind(DatabaseType::kRuntime, "orders");
  }

  Result<WriteResult> Put(const std::string& key, Json data, WriteOptions o = By()) {
    clock_.Advance(1000);
    o.idempotency_key = key;
    return engine_.Write(b_, "o1", MakeIntent(Kind::kPut, std::move(data)), o);
  }

  std::vector<store::ClaimRow> Claims(const std::string& prefix) {
    auto claims = hot_->ListClaims(b_.ref, prefix);
    EXPECT_TRUE(claims.ok()) << claims.status().ToString();
    return claims.ok() ? *claims : std::vector<store::ClaimRow>{};
  }

  // The claim a write with `key` left in its actor's key space.
  store::ClaimRow ClaimOf(const std::string& key) {
    for (auto& claim : Claims("idk:")) {
      if (claim.key.ends_with(":" + key)) return claim;
    }
    ADD_FAILURE() << "no claim for key " << key;
    return {};
  }

  std::vector<VersionInfo> Versions() {
    auto history = engine_.History(b_, "o1", {});
    EXPECT_TRUE(history.ok()) << history.status().ToString();
    return history.ok() ? history->versions : std::vector<VersionInfo>{};
  }

  Binding b_;
};

TEST_P(IdempotencyTest, EachActorHasItsOwnKeySpace) {
  auto first = Put("k", {{"n", 1}}, By("svc-a"));
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  auto other_actor = Put("k", {{"n", 2}}, By("svc-b"));
  ASSERT_TRUE(other_actor.ok()) << other_actor.status().ToString();
  EXPECT_EQ(other_actor->version, 1);  // Its own request, not refused as svc-a's key.
  EXPECT_EQ(Put("k", {{"n", 1}}, By("svc-a"))->version, 0);
  EXPECT_EQ(Put("k", {{"n", 2}}, By("svc-b"))->version, 1);
  auto versions = Versions();
  ASSERT_EQ(versions.size(), 2u);
  EXPECT_EQ(versions[0].actor, "svc-b");  // Newest first.
  EXPECT_EQ(versions[1].actor, "svc-a");
  EXPECT_EQ(Claims("idk:").size(), 2u);
  // Within one actor's space, another reason or on-behalf-of is another request.
  auto other_reason = Put("k", {{"n", 1}}, By("svc-a", "another reason"));
  EXPECT_EQ(other_reason.status().reason(), "idempotency_mismatch");
  WriteOptions on_behalf = By("svc-a");
  on_behalf.on_behalf_of = "user-9";
  EXPECT_EQ(Put("k", {{"n", 1}}, on_behalf).status().reason(), "idempotency_mismatch");
  EXPECT_EQ(Versions().size(), 2u);
}

TEST_P(IdempotencyTest, AKeyInProgressIsRefusedUntilItsLeaseEnds) {
  ASSERT_TRUE(Put("done", {{"n", 1}}).ok());
  store::ClaimRow done = ClaimOf("done");
  // The record moves on, so that the retry below is a change, not a no-op.
  clock_.Advance(1000);
  ASSERT_TRUE(engine_.Write(b_, "o1", MakeIntent(Kind::kPut, {{"n", 2}}), By()).ok());
  // A writer holding key "k2" for the same request, still within its lease.
  Json body = Json::parse(done.body);
  body["state"] = "pending";
  store::ClaimRow pending{done.key.substr(0, done.key.size() - 4) + "k2", "other-owner",
                          clock_.NowMicros(), body.dump()};
  ASSERT_TRUE(hot_->InsertClaim(b_.ref, pending).ok());
  auto busy = Put("k2", {{"n", 1}});
  EXPECT_EQ(busy.status().reason(), "idempotency_in_progress") << busy.status().ToString();
  // Its writer died before writing: the retry after the lease takes the key over and writes.
  clock_.Advance(options_.claim_lease_seconds * 1'000'000 + 1);
  auto retried = Put("k2", {{"n", 1}});
  ASSERT_TRUE(retried.ok()) << retried.status().ToString();
  EXPECT_EQ(retried->version, 2);
  EXPECT_EQ(Json::parse(ClaimOf("k2").body)["state"], "done");
  EXPECT_EQ(Versions().size(), 3u);
}

TEST_P(IdempotencyTest, AWriterThatDiedAfterCommittingIsAnsweredWithItsVersion) {
  ASSERT_TRUE(Put("k", {{"n", 1}}).ok());
  // The writer committed version 0 but died before recording the result.
  store::ClaimRow claim = ClaimOf("k");
  ASSERT_TRUE(hot_->DeleteClaim(b_.ref, claim.key, claim.owner).ok());
  Json body = Json::parse(claim.body);
  body = Json{{"request", body["request"]}, {"state", "pending"}, {"id", "o1"}};
  ASSERT_TRUE(hot_->InsertClaim(b_.ref, {claim.key, "dead", clock_.NowMicros(), body.dump()}).ok());
  clock_.Advance(options_.claim_lease_seconds * 1'000'000 + 1);
  auto retried = Put("k", {{"n", 1}});
  ASSERT_TRUE(retried.ok()) << retried.status().ToString();
  EXPECT_EQ(retried->version, 0);
  ASSERT_TRUE(retried->record.has_value());
  EXPECT_EQ(retried->record->data, (Json{{"n", 1}}));
  EXPECT_EQ(Versions().size(), 1u);
}

// Claims written before keys had one space per actor are still honoured: a matching retry gets
// the stored result and moves the claim into its actor's space; any other request is refused.
TEST_P(IdempotencyTest, AClaimOfTheSharedKeySpaceIsHonouredAndMoved) {
  ASSERT_TRUE(Put("k", {{"n", 1}}).ok());
  store::ClaimRow claim = ClaimOf("k");
  ASSERT_TRUE(hot_->DeleteClaim(b_.ref, claim.key, claim.owner).ok());
  ASSERT_TRUE(hot_->InsertClaim(b_.ref, {"idem:k", "legacy", claim.at, claim.body}).ok());

  auto other_body = Put("k", {{"n", 2}});
  EXPECT_EQ(other_body.status().reason(), "idempotency_mismatch");
  auto other_actor = Put("k", {{"n", 1}}, By("svc-b"));
  EXPECT_EQ(other_actor.status().reason(), "idempotency_mismatch");
  EXPECT_TRUE(Claims("idk:").empty());  // Refused attempts leave no claim behind.

  auto replay = Put("k", {{"n", 1}});
  ASSERT_TRUE(replay.ok()) << replay.status().ToString();
  EXPECT_EQ(replay->version, 0);
  EXPECT_TRUE(Claims("idem:").empty());
  EXPECT_EQ(ClaimOf("k").body, claim.body);
  EXPECT_EQ(Put("k", {{"n", 1}})->version, 0);
  EXPECT_EQ(Versions().size(), 1u);
}

XRONOX_INSTANTIATE_ENGINE_SUITE(IdempotencyTest);

}  // namespace
}  // namespace xronox::testing
