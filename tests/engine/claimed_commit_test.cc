// The claimed commit path (engine/version_claims.cc): runtime writes on object stores whose
// create-only Put is not atomic. Runs over memory and the embedded pair, each behind
// WeakCreateObjectStore, which gives create-only the check-then-put behaviour of versitygw.
#include <atomic>
#include <thread>

#include "common/hash.h"
#include "engine/engine_fixture.h"
#include "engine/engine_intents.h"
#include "engine/engine_internal.h"
#include "engine/keys.h"
#include "engine/version_object.h"
#include "support/weak_object_store.h"

namespace xronox::testing {
namespace {

using Kind = WriteIntent::Kind;

class ClaimedCommitTest : public EngineTest {
 protected:
  void SetUp() override {
    EngineTest::SetUp();
    weak_ = new WeakCreateObjectStore(std::move(objects_));
    objects_.reset(weak_);
    b_ = Bind(DatabaseType::kRuntime, "orders");
  }
  Result<WriteResult> Put(const std::string& id, Json data, WriteOptions options = By()) {
    clock_.Advance(1000);
    return engine_.Write(b_, id, MakeIntent(Kind::kPut, std::move(data)), options);
  }
  // The claim a writer of the next version leaves when it dies right after claiming.
  std::string ClaimNextVersion(const std::string& id, Json data) {
    auto head = hot_->GetHead(b_.ref, id);
    EXPECT_TRUE(head.ok() && *head);
    VersionObject o = NextVersionObject(b_, **head, std::move(data), "died after claiming");
    std::string bytes = EncodeVersionObject(o).value();
    store::ClaimRow claim{VersionClaimKey(id, o.version), "ghost-owner", clock_.NowMicros(), bytes};
    EXPECT_TRUE(hot_->InsertClaim(b_.ref, claim).ok());
    return bytes;
  }
  size_t ClaimCount() { return hot_->ListClaims(b_.ref, "ver:").value().size(); }

  WeakCreateObjectStore* weak_ = nullptr;
  Binding b_;
};

TEST_P(ClaimedCommitTest, WritesCommitThroughAClaimAndReleaseIt) {
  ASSERT_TRUE(Put("a", {{"n", 1}}).ok());
  ASSERT_TRUE(Put("a", {{"n", 2}}).ok());
  EXPECT_EQ(ClaimCount(), 0u);
  auto bytes = objects_->Get(b_.database.buckets.versions, VersionKey(b_, "a", 1));
  ASSERT_TRUE(bytes.ok());
  auto row = hot_->GetVersion(b_.ref, "a", 1);
  ASSERT_TRUE(row.ok() && *row);
  EXPECT_EQ((*row)->entry_hash, Sha256Hex(*bytes));
}

TEST_P(ClaimedCommitTest, NextWriterFinishesTheVersionOfAWriterThatDiedAfterClaiming) {
  ASSERT_TRUE(Put("a", {{"n", 1}}).ok());
  std::string claimed = ClaimNextVersion("a", {{"n", 2}});
  auto before = engine_.Get(b_, "a", {});
  ASSERT_TRUE(before.ok());
  EXPECT_EQ(before->version, 0) << "a claimed version is invisible until finished";
  auto next = Put("a", {{"n", 3}});
  ASSERT_TRUE(next.ok()) << next.status().ToString();
  EXPECT_EQ(next->version, 2);
  GetOptions v1;
  v1.version = 1;
  auto rolled = engine_.Get(b_, "a", v1);
  ASSERT_TRUE(rolled.ok()) << rolled.status().ToString();
  EXPECT_EQ(rolled->data, Json({{"n", 2}}));
  EXPECT_EQ(rolled->actor, "ghost");
  EXPECT_EQ(objects_->Get(b_.database.buckets.versions, VersionKey(b_, "a", 1)).value(), claimed);
  EXPECT_EQ(ClaimCount(), 0u);
}

TEST_P(ClaimedCommitTest, ExpectedVersionSeesTheClaimedVersionAsCurrent) {
  ASSERT_TRUE(Put("a", {{"n", 1}}).ok());
  ClaimNextVersion("a", {{"n", 2}});
  auto stale = Put("a", {{"n", 3}}, Expecting(0));
  ASSERT_FALSE(stale.ok());
  EXPECT_EQ(stale.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(stale.status().current_version(), 1);
}

TEST_P(ClaimedCommitTest, ObjectStoreDownFailsTheWriteAndTheNextWriteFinishesIt) {
  ASSERT_TRUE(Put("a", {{"n", 1}}).ok());
  weak_->SetPutsFail(true);
  auto failed = Put("a", {{"n", 2}});
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.status().code(), StatusCode::kUnavailable) << failed.status().ToString();
  EXPECT_NE(failed.status().message().find("may still complete"), std::string::npos);
  EXPECT_EQ(engine_.Get(b_, "a", {})->version, 0) << "nothing partial is visible";
  auto history = engine_.History(b_, "a", {});
  ASSERT_TRUE(history.ok());
  EXPECT_EQ(history->versions.size(), 1u);
  weak_->SetPutsFail(false);
  auto next = Put("a", {{"n", 3}});
  ASSERT_TRUE(next.ok()) << next.status().ToString();
  EXPECT_EQ(next->version, 2);
  auto report = engine_.Verify(b_, false);
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->problems.empty()) << report->problems.front();
  EXPECT_TRUE(report->garbage.empty()) << report->garbage.front();
}

TEST_P(ClaimedCommitTest, VerifyReportsAnOldClaimAndRepairFinishesIt) {
  ASSERT_TRUE(Put("a", {{"n", 1}}).ok());
  ClaimNextVersion("a", {{"n", 2}});
  clock_.Advance((options_.claim_lease_seconds + 1) * 1'000'000);
  auto report = engine_.Verify(b_, false);
  ASSERT_TRUE(report.ok());
  ASSERT_EQ(report->garbage.size(), 1u);
  EXPECT_NE(report->garbage[0].find("unfinished version claim"), std::string::npos);
  auto repaired = engine_.Verify(b_, true);
  ASSERT_TRUE(repaired.ok());
  EXPECT_EQ(repaired->garbage_removed, 1);
  EXPECT_EQ(engine_.Get(b_, "a", {})->version, 1);
  EXPECT_EQ(ClaimCount(), 0u);
  auto clean = engine_.Verify(b_, false);
  ASSERT_TRUE(clean.ok());
  EXPECT_TRUE(clean->garbage.empty() && clean->problems.empty());
}

TEST_P(ClaimedCommitTest, AClaimTakenAgainForAnIndexedVersionNeverReplacesItsObject) {
  ASSERT_TRUE(Put("a", {{"n", 1}}).ok());
  ASSERT_TRUE(Put("a", {{"n", 2}}).ok());
  std::string committed =
      objects_->Get(b_.database.buckets.versions, VersionKey(b_, "a", 1)).value();
  // A writer that planned version 1 from a stale head claims it after its release.
  VersionObject other = DecodeVersionObject(committed).value();
  other.data = {{"n", "stale"}};
  other.actor = "stale";
  store::ClaimRow stale{VersionClaimKey("a", 1), "stale", clock_.NowMicros(),
                        EncodeVersionObject(other).value()};
  ASSERT_TRUE(hot_->InsertClaim(b_.ref, stale).ok());
  ASSERT_TRUE(Put("a", {{"n", 3}}).ok());
  EXPECT_EQ(objects_->Get(b_.database.buckets.versions, VersionKey(b_, "a", 1)).value(), committed);
  clock_.Advance((options_.claim_lease_seconds + 1) * 1'000'000);
  auto repaired = engine_.Verify(b_, true);
  ASSERT_TRUE(repaired.ok());
  EXPECT_TRUE(repaired->problems.empty());
  EXPECT_EQ(ClaimCount(), 0u);
}

TEST_P(ClaimedCommitTest, RacingWritersGetOneWinnerPerVersion) {
  ASSERT_TRUE(Put("hot", {{"n", 0}}).ok());
  constexpr int kThreads = 8;
  constexpr int kRounds = 10;
  std::atomic<int> wins{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < kRounds; ++round) {
        auto head = engine_.Get(b_, "hot", {});
        if (!head.ok()) continue;
        // Each write changes the record (a no-op would make no version).
        auto result =
            engine_.Write(b_, "hot", MakeIntent(Kind::kMerge, {{"by", t}, {"round", round}}),
                          Expecting(head->version));
        if (result.ok()) {
          ++wins;
        } else {
          EXPECT_EQ(result.status().code(), StatusCode::kFailedPrecondition)
              << result.status().ToString();
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  auto record = engine_.Get(b_, "hot", {});
  ASSERT_TRUE(record.ok());
  EXPECT_EQ(record->version, wins.load());
  auto report = engine_.Verify(b_, false);
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->problems.empty()) << report->problems.front();
  EXPECT_EQ(ClaimCount(), 0u);
}

INSTANTIATE_TEST_SUITE_P(Backends, ClaimedCommitTest, ::testing::Values("memory", "embedded"),
                         BackendName);

}  // namespace
}  // namespace xronox::testing
