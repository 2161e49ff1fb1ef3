// Retention of runtime history over every backend pair: the payloads of versions past the
// collection's policy (older than each record's newest maxPerItem, or superseded more than days
// ago) leave every bucket, while each version's audit entry stays (history lists it, marked) and
// a skeleton object keeps the chain checkable, so verify stays clean; reads of those versions
// answer payload_removed; dry runs count the same and remove nothing; legal holds keep what they
// cover; a second run removes nothing more; a run left half done is finished by the next; one run
// at a time works on a collection.
#include <set>

#include "engine/engine_fixture.h"
#include "engine/engine_intents.h"
#include "engine/keys.h"
#include "jobs/job_lease.h"
#include "retention/hold_service.h"
#include "retention/retention_service.h"

namespace xronox::testing {
namespace {

using Kind = WriteIntent::Kind;
constexpr TimestampMicros kDay = 86'400'000'000;

class HistoryRetentionTest : public EngineTest {
 protected:
  void SetUp() override {
    EngineTest::SetUp();
    options_.inline_max_bytes = 200;  // Some payloads are in version objects only.
    engine_ = Engine(options_, &clock_);
    orders_ = Bind(DatabaseType::kRuntime, "orders");
  }
  // Versions 0..count-1 of `id`; every third payload is large (not inline in the head).
  void Versions(const std::string& id, int count) {
    for (int n = 0; n < count; ++n) {
      clock_.Advance(1000);
      Json data = {{"n", n}, {"note", std::string(n % 3 == 0 ? 300 : 3, 'x')}};
      auto written = engine_.Write(orders_, id, MakeIntent(Kind::kPut, std::move(data)), By());
      ASSERT_TRUE(written.ok()) << written.status().ToString();
    }
  }
  RetentionReport MustRun(RetentionPolicy policy, bool dry_run = false) {
    orders_.retention = policy;
    RetentionOptions options;
    options.dry_run = dry_run;
    auto report = retention_.Run(orders_, options);
    EXPECT_TRUE(report.ok()) << report.status().ToString();
    return report.ok() ? *report : RetentionReport{};
  }
  // Which versions of `id` the history marks as having lost their payloads, and how many it lists.
  std::pair<std::set<int64_t>, size_t> Marked(const std::string& id) {
    HistoryOptions all;
    all.limit = 1000;
    all.newest_first = false;
    auto page = engine_.History(orders_, id, all);
    EXPECT_TRUE(page.ok()) << page.status().ToString();
    std::set<int64_t> marked;
    if (!page.ok()) return {marked, 0};
    for (const VersionInfo& info : page->versions) {
      if (info.payload_removed) marked.insert(info.version);
      EXPECT_EQ(info.actor, "user-1") << "the audit entry stays whole";
    }
    return {marked, page->versions.size()};
  }
  Status ReadVersion(const std::string& id, int64_t version) {
    GetOptions options;
    options.version = version;
    return engine_.Get(orders_, id, options).status();
  }
  // The object keys under the record's versions folder, relative to it.
  std::set<std::string> StoredObjects(const std::string& id) {
    const std::string prefix = VersionsPrefix(orders_) + id + "/";
    auto page = objects_->List(orders_.database.buckets.versions, prefix, "", 1000);
    EXPECT_TRUE(page.ok());
    std::set<std::string> keys;
    for (const auto& object : page.ok() ? page->objects : std::vector<store::ObjectInfo>{}) {
      keys.insert(object.key.substr(prefix.size()));
    }
    return keys;
  }
  void ExpectVerifyClean() {
    auto verified = engine_.Verify(orders_, false);
    ASSERT_TRUE(verified.ok()) << verified.status().ToString();
    EXPECT_TRUE(verified->problems.empty()) << verified->problems[0];
    EXPECT_TRUE(verified->garbage.empty()) << verified->garbage[0];
  }

  Binding orders_;
  RetentionService retention_{engine_};
  HoldService holds_{engine_};
};

TEST_P(HistoryRetentionTest, PayloadsPastTheNewestMaxPerItemLeaveEveryBucket) {
  Versions("o1", 10);
  Versions("o2", 2);
  RetentionReport dry = MustRun({0, 3}, /*dry_run=*/true);
  EXPECT_EQ(dry.examined, 2);
  EXPECT_EQ(dry.versions_removed, 7);
  EXPECT_TRUE(ReadVersion("o1", 0).ok()) << "a dry run removes nothing";

  RetentionReport done = MustRun({0, 3});
  EXPECT_EQ(done.versions_removed, 7);
  EXPECT_EQ(done.max_per_item, 3);
  EXPECT_EQ(done.cutoff, 0) << "no bound by age";
  auto [marked, listed] = Marked("o1");
  EXPECT_EQ(listed, 10u) << "history keeps every version";
  EXPECT_EQ(marked, (std::set<int64_t>{0, 1, 2, 3, 4, 5, 6}));
  EXPECT_TRUE(Marked("o2").first.empty());
  Status gone = ReadVersion("o1", 3);
  EXPECT_EQ(gone.code(), StatusCode::kNotFound);
  EXPECT_EQ(gone.reason(), kPayloadRemoved) << gone.ToString();
  EXPECT_TRUE(ReadVersion("o1", 7).ok());
  auto current = engine_.Get(orders_, "o1", {});
  ASSERT_TRUE(current.ok());
  EXPECT_EQ(current->data["n"], 9);
  EXPECT_EQ(engine_.Diff(orders_, "o1", 0, 9).status().reason(), kPayloadRemoved);
  EXPECT_TRUE(engine_.Diff(orders_, "o1", 7, 9).ok());
  auto restore = engine_.Write(orders_, "o1", MakeIntent(Kind::kRestore, nullptr, 2), By());
  EXPECT_EQ(restore.status().reason(), kPayloadRemoved);

  std::set<std::string> expected;
  for (int v = 0; v < 7; ++v) expected.insert("v" + std::to_string(v) + kSkeletonSuffix);
  for (int v = 7; v < 10; ++v) expected.insert("v" + std::to_string(v) + ".json");
  EXPECT_EQ(StoredObjects("o1"), expected) << "payloads gone, skeletons in their place";
  ExpectVerifyClean();

  EXPECT_EQ(MustRun({0, 3}).versions_removed, 0) << "nothing more to remove";
  Versions("o1", 2);
  EXPECT_EQ(MustRun({0, 3}).versions_removed, 2) << "two newer versions push two out";
  EXPECT_EQ(Marked("o1").first.size(), 9u);
  ExpectVerifyClean();
}

TEST_P(HistoryRetentionTest, VersionsSupersededBeforeTheCutoffLoseTheirPayloads) {
  Versions("old", 3);  // v0, v1 superseded now; v2 is current until much later.
  const TimestampMicros early = clock_.NowMicros();
  clock_.Advance(40 * kDay);
  Versions("fresh", 4);  // Every version written within the window.
  auto later = engine_.Write(orders_, "old", MakeIntent(Kind::kMerge, {{"late", true}}), By());
  ASSERT_TRUE(later.ok());
  clock_.Advance(kDay);

  RetentionReport report = MustRun({30, 0});
  EXPECT_EQ(report.days, 30);
  EXPECT_EQ(report.cutoff, clock_.NowMicros() - 30 * kDay);
  EXPECT_EQ(report.versions_removed, 2) << "v0 and v1 of old; v2 was live until 40 days later";
  EXPECT_EQ(Marked("old").first, (std::set<int64_t>{0, 1}));
  EXPECT_TRUE(Marked("fresh").first.empty());
  GetOptions then;
  then.as_of = early;
  auto at_early = engine_.Get(orders_, "old", then);
  ASSERT_TRUE(at_early.ok()) << "v2 was live then and keeps its payload";
  EXPECT_EQ(at_early->version, 2);
  then.as_of = early - 1500;
  EXPECT_EQ(engine_.Get(orders_, "old", then).status().reason(), kPayloadRemoved);
  ExpectVerifyClean();
}

TEST_P(HistoryRetentionTest, LegalHoldsKeepTheHistoryTheyCover) {
  Versions("kept", 5);
  Versions("aged", 5);
  ASSERT_TRUE(holds_.Place(orders_, HoldScope::kRecord, "kept", By()).ok());
  RetentionReport report = MustRun({0, 1});
  EXPECT_EQ(report.held, 1);
  EXPECT_EQ(report.versions_removed, 4);
  EXPECT_TRUE(ReadVersion("kept", 0).ok());
  EXPECT_EQ(ReadVersion("aged", 0).reason(), kPayloadRemoved);

  ASSERT_TRUE(holds_.Place(orders_, HoldScope::kCollection, "", By()).ok());
  Versions("aged", 1);
  RetentionReport whole = MustRun({0, 1});
  EXPECT_TRUE(whole.collection_held);
  EXPECT_EQ(whole.versions_removed, 0);
  EXPECT_TRUE(ReadVersion("aged", 4).ok());
}

// A run killed after marking a step but before deleting its objects (the kill tests do it with
// SIGKILL through the CLI): the versions still read, verify names the leftovers, and the next run
// deletes them.
TEST_P(HistoryRetentionTest, AStepLeftHalfDoneIsFinishedByTheNextRun) {
  Versions("o1", 6);
  ASSERT_EQ(MustRun({0, 2}).versions_removed, 4);
  // Put objects back at v2 and v3 as a killed run leaves them, its mark saying the step is in
  // progress (their bytes do not matter: nothing reads a payload past retention).
  for (int64_t v : {2, 3}) {
    ASSERT_TRUE(objects_
                    ->Put(orders_.database.buckets.versions, VersionKey(orders_, "o1", v), "{}",
                          store::PutMode::kOverwrite)
                    .ok());
  }
  ASSERT_TRUE(WriteAgedMark(orders_, "o1", {3, 2, /*removing=*/true, /*stored=*/true}).ok());
  auto verified = engine_.Verify(orders_, false);
  ASSERT_TRUE(verified.ok());
  EXPECT_TRUE(verified->problems.empty()) << verified->problems[0];
  EXPECT_EQ(verified->garbage.size(), 2u) << "two payloads past retention still stored";

  RetentionReport next = MustRun({0, 2});
  EXPECT_EQ(next.versions_removed, 0) << "the step was already counted";
  EXPECT_EQ(StoredObjects("o1").count("v2.json"), 0u);
  ExpectVerifyClean();
}

TEST_P(HistoryRetentionTest, ATamperedSkeletonIsReported) {
  Versions("o1", 4);
  ASSERT_EQ(MustRun({0, 1}).versions_removed, 3);
  const std::string key = SkeletonKey(orders_, "o1", 1);
  auto bytes = objects_->Get(orders_.database.buckets.versions, key);
  ASSERT_TRUE(bytes.ok());
  auto skeleton = DecodeSkeleton(*bytes);
  ASSERT_TRUE(skeleton.ok());
  skeleton->object.actor = "someone-else";
  auto tampered = EncodeSkeleton(*skeleton);
  ASSERT_TRUE(tampered.ok());
  ASSERT_TRUE(
      objects_->Put(orders_.database.buckets.versions, key, *tampered, store::PutMode::kOverwrite)
          .ok());
  auto verified = engine_.Verify(orders_, false);
  ASSERT_TRUE(verified.ok());
  ASSERT_EQ(verified->problems.size(), 1u);
  EXPECT_NE(verified->problems[0].find("v1: index entry differs"), std::string::npos)
      << verified->problems[0];
}

TEST_P(HistoryRetentionTest, OneRunAtATimeWorksOnACollection) {
  Versions("o1", 3);
  auto other = JobLease::Acquire(hot_.get(), orders_.ref, "retention", &clock_,
                                 options_.claim_lease_seconds * 1'000'000);
  ASSERT_TRUE(other.ok()) << other.status().ToString();
  orders_.retention = RetentionPolicy{0, 1};
  auto refused = retention_.Run(orders_, {});
  EXPECT_EQ(refused.status().code(), StatusCode::kConflict);
  EXPECT_EQ(refused.status().reason(), kJobRunning) << refused.status().ToString();
  EXPECT_EQ(MustRun({0, 1}, /*dry_run=*/true).versions_removed, 2) << "dry runs take no lease";
  clock_.Advance((options_.claim_lease_seconds + 1) * 1'000'000);  // The other run died.
  EXPECT_EQ(MustRun({0, 1}).versions_removed, 2) << "its lease expired and was taken over";
  EXPECT_EQ((*other)->Renew().reason(), kLeaseLost);
  ExpectVerifyClean();
}

// A run asked to stop (xronoxd shutting down) stops before its next record and gives its lease
// up; logs runs too.
TEST_P(HistoryRetentionTest, ARunAskedToStopStopsAndReleasesItsLease) {
  Versions("o1", 3);
  std::atomic<bool> stop{true};
  RetentionOptions stopping;
  stopping.stop = &stop;
  orders_.retention = RetentionPolicy{0, 1};
  auto stopped = retention_.Run(orders_, stopping);
  EXPECT_EQ(stopped.status().reason(), "cancelled") << stopped.status().ToString();
  EXPECT_TRUE(ReadVersion("o1", 0).ok()) << "it removed nothing";
  EXPECT_EQ(MustRun({0, 1}).versions_removed, 2) << "the lease was released";
  Binding logs = Bind(DatabaseType::kLogs, "events");
  logs.retention = RetentionPolicy{1, 0};
  ASSERT_TRUE(engine_.Write(logs, "e1", MakeIntent(Kind::kCreate, {{"m", 1}}), {}).ok());
  EXPECT_EQ(retention_.Run(logs, stopping).status().reason(), "cancelled");
}

TEST_P(HistoryRetentionTest, OnlyRuntimeKeepsHistoryToRetain) {
  Binding facts = Bind(DatabaseType::kKnowledge, "facts");
  facts.retention = RetentionPolicy{0, 3};
  EXPECT_EQ(retention_.Run(facts, {}).status().reason(), "no_retention");
  HistoryAgeOptions options;
  options.max_per_item = 1;
  EXPECT_EQ(engine_.AgeHistory(facts, options).status().reason(), "not_versioned");
}

XRONOX_INSTANTIATE_ENGINE_SUITE(HistoryRetentionTest);

}  // namespace
}  // namespace xronox::testing
