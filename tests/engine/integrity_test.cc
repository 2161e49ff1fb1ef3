// Integrity: concurrent writers, roll-forward of versions a dead writer left unindexed, and
// verify detecting tampering, over every backend pair.
#include <atomic>
#include <filesystem>
#include <fstream>
#include <thread>

#include "common/hash.h"
#include "engine/engine_fixture.h"
#include "engine/engine_intents.h"
#include "engine/keys.h"
#include "engine/version_object.h"

namespace xronox::testing {
namespace {

using Kind = WriteIntent::Kind;

class IntegrityTest : public EngineTest {
 protected:
  void SetUp() override {
    EngineTest::SetUp();
    b_ = Bind(DatabaseType::kRuntime, "orders");
  }
  void PutOk(const std::string& id, Json data) {
    clock_.Advance(1000);
    auto result = engine_.Write(b_, id, MakeIntent(Kind::kPut, std::move(data)), By());
    ASSERT_TRUE(result.ok()) << result.status().ToString();
  }
  // Writes the object of the next version exactly as a writer that then died would have.
  void WriteOrphanVersion(const std::string& id, Json data) {
    auto head = hot_->GetHead(b_.ref, id);
    ASSERT_TRUE(head.ok() && *head);
    VersionObject o = NextVersionObject(b_, **head, std::move(data), "crashed");
    auto bytes = EncodeVersionObject(o);
    ASSERT_TRUE(bytes.ok());
    ASSERT_TRUE(objects_
                    ->Put(b_.database.buckets.versions, VersionKey(b_, id, o.version), *bytes,
                          store::PutMode::kCreateOnly)
                    .ok());
    // Its writer is gone: past the lease, anyone may finish its version (on hot stores without
    // atomic conditional writes, nobody else may before).
    clock_.Advance((options_.claim_lease_seconds + 1) * 1'000'000);
  }
  Binding b_;
};

TEST_P(IntegrityTest, RacingWritersGetOneWinnerPerVersion) {
  PutOk("hot", {{"n", 0}});
  constexpr int kThreads = 8;
  constexpr int kRounds = 10;
  std::atomic<int> wins{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < kRounds; ++round) {
        auto head = engine_.Get(b_, "hot", {});
        if (!head.ok()) continue;
        WriteOptions o = Expecting(head->version);
        // Each write changes the record (a no-op would make no version).
        auto result =
            engine_.Write(b_, "hot", MakeIntent(Kind::kMerge, {{"by", t}, {"round", round}}), o);
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
  HistoryOptions all;
  all.limit = 1000;
  auto history = engine_.History(b_, "hot", all);
  ASSERT_TRUE(history.ok());
  EXPECT_EQ(static_cast<int>(history->versions.size()), wins.load() + 1);
  auto report = engine_.Verify(b_, false);
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->problems.empty()) << report->problems.front();
}

TEST_P(IntegrityTest, UnindexedVersionIsRolledForwardByTheNextWriter) {
  PutOk("o1", {{"a", 1}});
  WriteOrphanVersion("o1", {{"a", 2}});
  EXPECT_EQ(engine_.Get(b_, "o1", {})->version, 0);  // Not visible until committed.
  clock_.Advance(1000);
  auto stale = engine_.Write(b_, "o1", MakeIntent(Kind::kMerge, {{"b", 1}}), Expecting(0));
  EXPECT_EQ(stale.status().code(), StatusCode::kFailedPrecondition);
  auto record = engine_.Get(b_, "o1", {});
  ASSERT_TRUE(record.ok());
  EXPECT_EQ(record->version, 1);
  EXPECT_EQ(record->data, (Json{{"a", 2}}));
  EXPECT_EQ(record->actor, "ghost");
  auto report = engine_.Verify(b_, false);
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->problems.empty());
  EXPECT_TRUE(report->garbage.empty());
}

TEST_P(IntegrityTest, ConcurrentWritersRollTheSameOrphanForwardWithoutErrors) {
  // A writer died after writing v0 of a new record: no head, no index entry, only the object.
  VersionObject o;
  o.collection = b_.ref.collection;
  o.id = "fresh";
  o.op = Operation::kCreate;
  o.actor = "ghost";
  o.reason = "crashed";
  o.at = clock_.NowMicros();
  o.data = {{"n", 0}};
  auto bytes = EncodeVersionObject(o);
  ASSERT_TRUE(bytes.ok());
  ASSERT_TRUE(objects_
                  ->Put(b_.database.buckets.versions, VersionKey(b_, "fresh", 0), *bytes,
                        store::PutMode::kCreateOnly)
                  .ok());
  clock_.Advance((options_.claim_lease_seconds + 1) * 1'000'000);  // Its writer is gone.
  constexpr int kThreads = 8;
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      auto result = engine_.Write(b_, "fresh", MakeIntent(Kind::kPut, {{"n", t + 1}}), By());
      if (!result.ok()) {
        ++failures;
        ADD_FAILURE() << result.status().ToString();
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0);
  auto record = engine_.Get(b_, "fresh", {});
  ASSERT_TRUE(record.ok());
  EXPECT_EQ(record->version, kThreads);  // v0 rolled forward, then one version per writer.
  auto report = engine_.Verify(b_, false);
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->problems.empty());
}

TEST_P(IntegrityTest, VerifyReportsUnindexedVersionAsGarbageAndRepairCommitsIt) {
  PutOk("o1", {{"a", 1}});
  WriteOrphanVersion("o1", {{"a", 2}});
  auto report = engine_.Verify(b_, false);
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->problems.empty());
  ASSERT_EQ(report->garbage.size(), 1u);
  auto repaired = engine_.Verify(b_, true);
  ASSERT_TRUE(repaired.ok());
  EXPECT_EQ(repaired->garbage_removed, 1);
  auto clean = engine_.Verify(b_, false);
  EXPECT_TRUE(clean->garbage.empty());
  EXPECT_TRUE(clean->problems.empty());
  EXPECT_EQ(engine_.Get(b_, "o1", {})->version, 1);
}

TEST_P(IntegrityTest, VerifyDetectsATamperedVersionObject) {
  PutOk("o1", {{"amount", 10}});
  PutOk("o1", {{"amount", 20}});
  std::string key = VersionKey(b_, "o1", 0);
  auto bytes = objects_->Get(b_.database.buckets.versions, key);
  ASSERT_TRUE(bytes.ok());
  std::string forged = *bytes;
  forged.replace(forged.find("10"), 2, "99");
  ASSERT_TRUE(
      objects_->Put(b_.database.buckets.versions, key, forged, store::PutMode::kOverwrite).ok());
  auto report = engine_.Verify(b_, false);
  ASSERT_TRUE(report.ok());
  ASSERT_FALSE(report->problems.empty());
  EXPECT_NE(report->problems.front().find("v0"), std::string::npos) << report->problems.front();
  GetOptions v0;
  v0.version = 0;
  EXPECT_EQ(engine_.Get(b_, "o1", v0).status().code(), StatusCode::kCorruption);
}

TEST_P(IntegrityTest, VerifyDetectsADeletedVersionObject) {
  PutOk("o1", {{"a", 1}});
  PutOk("o1", {{"a", 2}});
  ASSERT_TRUE(objects_->Delete(b_.database.buckets.versions, VersionKey(b_, "o1", 1)).ok());
  auto report = engine_.Verify(b_, false);
  ASSERT_TRUE(report.ok());
  EXPECT_FALSE(report->problems.empty());
}

TEST_P(IntegrityTest, VerifyIsCleanAfterManyWrites) {
  for (int i = 0; i < 20; ++i) PutOk("r" + std::to_string(i % 4), {{"i", i}});
  auto report = engine_.Verify(b_, false);
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->records_checked, 4);
  EXPECT_EQ(report->versions_checked, 20);
  EXPECT_TRUE(report->problems.empty());
  EXPECT_TRUE(report->garbage.empty());
}

TEST_P(IntegrityTest, VerifyReportsAndRemovesTempFilesOfCrashedObjectWrites) {
  if (GetParam() != "embedded") GTEST_SKIP() << "only the folder store has temp files";
  PutOk("o1", {{"a", 1}});
  std::string dir =
      dir_.path() + "/objects/" + b_.database.buckets.versions + "/versions/orders/o1";
  std::ofstream(dir + "/.xronox-tmp-crashed") << "partial";
  clock_.Set(SystemClock().NowMicros() + 3600LL * 1'000'000);
  auto report = engine_.Verify(b_, false);
  ASSERT_TRUE(report.ok());
  ASSERT_EQ(report->garbage.size(), 1u);
  EXPECT_NE(report->garbage[0].find(".xronox-tmp-crashed"), std::string::npos);
  EXPECT_TRUE(report->problems.empty());
  ASSERT_TRUE(engine_.Verify(b_, true).ok());
  EXPECT_FALSE(std::filesystem::exists(dir + "/.xronox-tmp-crashed"));
  EXPECT_TRUE(std::filesystem::exists(dir + "/v0.json"));
  EXPECT_TRUE(engine_.Verify(b_, false)->garbage.empty());
}

XRONOX_INSTANTIATE_ENGINE_SUITE(IntegrityTest);

}  // namespace
}  // namespace xronox::testing
