// The HotStore conformance suite, record counters: the tallies a head keeps, the counts a head
// write adds (with the head where the backend has transactions), AddCounts against concurrent
// adders, SetCounts, and counters kept in another database (a runtime tenant's analytics
// database). Every backend runs every test.
#include "conformance/hot_store_backends.h"

namespace xronox::store {
namespace {

using testing::ExpectHeadEq;

class HotStoreCountsTest : public HotStoreConformanceTest {
 protected:
  CollectionCounts Counts(const CollectionRef& ref) {
    Result<CollectionCounts> counts = store_->GetCounts(ref);
    EXPECT_TRUE(counts.ok()) << counts.status().ToString();
    return counts.ok() ? *counts : CollectionCounts{-1, -1, -1, -1};
  }
  // The counts a head write leaves: its delta where the backend adds it with the head, none
  // where the caller adds it afterwards.
  CollectionCounts AfterHeadWrite(const CollectionCounts& delta) {
    return store_->CountsCommitWithHead() ? delta : CollectionCounts{};
  }
};

std::string Text(const CollectionCounts& c) { return CountsToJson(c).dump(); }

TEST_P(HotStoreCountsTest, HeadsKeepTheirTallies) {
  HeadRow head = MakeHead("r1", 0, R"({"status":"open"})");
  head.tally = {2, 7, 1};
  HOT_ASSERT_OK(store_->WriteHead(ref_, head, std::nullopt));
  ExpectHeadEq(*Head("r1"), head);
  head.version = 1;
  head.tally = {2, 8, 1};
  HOT_ASSERT_OK(store_->CommitVersion(ref_, MakeVersion("r1", 1, 200), head, 0));
  ExpectHeadEq(*Head("r1"), head);
  HOT_ASSERT_OK_AND_ASSIGN(auto scanned, store_->ScanHeads(ref_, "", 10, {}, true));
  ASSERT_EQ(scanned.size(), 1u);
  ExpectHeadEq(scanned[0], head);
}

TEST_P(HotStoreCountsTest, AHeadWriteAddsItsCountsOnlyWhenItIsWritten) {
  EXPECT_EQ(Counts(ref_), CollectionCounts{}) << "no counters before any write";
  HeadRow head = MakeHead("r1", 0);
  head.counts_delta = {1, 0, 0, 1};
  HOT_ASSERT_OK(store_->WriteHead(ref_, head, std::nullopt));
  EXPECT_EQ(Counts(ref_), AfterHeadWrite({1, 0, 0, 1}));
  // Refused writes add nothing: an insert of an existing head, a replace at a stale version,
  // a commit of an existing version.
  HOT_EXPECT_CODE(store_->WriteHead(ref_, head, std::nullopt), StatusCode::kAlreadyExists);
  head.version = 1;
  head.counts_delta = {0, 1, 0, 0};
  HOT_EXPECT_CODE(store_->WriteHead(ref_, head, 5), StatusCode::kConflict);
  EXPECT_EQ(Counts(ref_), AfterHeadWrite({1, 0, 0, 1}));
  HOT_ASSERT_OK(store_->CommitVersion(ref_, MakeVersion("r1", 1, 200), head, 0));
  EXPECT_EQ(Counts(ref_), AfterHeadWrite({1, 1, 0, 1}));
  head.version = 2;
  head.counts_delta = {0, 0, 1, -1};
  HOT_EXPECT_CODE(store_->CommitVersion(ref_, MakeVersion("r1", 1, 300), head, 1),
                  StatusCode::kAlreadyExists);
  EXPECT_EQ(Counts(ref_), AfterHeadWrite({1, 1, 0, 1}));
  HOT_ASSERT_OK(store_->CommitVersion(ref_, MakeVersion("r1", 2, 300), head, 1));
  EXPECT_EQ(Counts(ref_), AfterHeadWrite({1, 1, 1, 0}));
}

TEST_P(HotStoreCountsTest, AddAndSetCounts) {
  HOT_ASSERT_OK(store_->AddCounts(ref_, {3, 2, 1, 2}));
  HOT_ASSERT_OK(store_->AddCounts(ref_, {0, 0, 1, -1}));
  EXPECT_EQ(Text(Counts(ref_)), Text({3, 2, 2, 1}));
  HOT_ASSERT_OK(store_->SetCounts(ref_, {10, 20, 30, 0}));
  EXPECT_EQ(Text(Counts(ref_)), Text({10, 20, 30, 0}));
  HOT_ASSERT_OK(store_->AddCounts(ref_, {}));
  EXPECT_EQ(Text(Counts(ref_)), Text({10, 20, 30, 0}));
  // A sum past 64 bits is refused (by the add, or where the backend sums: the read), never
  // wrapped.
  HOT_ASSERT_OK(store_->SetCounts(ref_, {std::numeric_limits<int64_t>::max(), 0, 0, 0}));
  Status added = store_->AddCounts(ref_, {1, 0, 0, 0});
  Result<CollectionCounts> read = store_->GetCounts(ref_);
  if (added.ok()) {
    EXPECT_EQ(read.status().code(), StatusCode::kResourceExhausted) << read.status().ToString();
  } else {
    EXPECT_EQ(added.code(), StatusCode::kResourceExhausted) << added.ToString();
    EXPECT_EQ(Counts(ref_).created, std::numeric_limits<int64_t>::max());
  }
  HOT_EXPECT_CODE(store_->GetCounts({"appdb", "missing"}), StatusCode::kNotFound);
  HOT_EXPECT_CODE(store_->AddCounts({"appdb", "missing"}, {1, 0, 0, 1}), StatusCode::kNotFound);
}

// MongoDB keeps the counts as a base and delta documents that adders fold every so often; 300
// adds cross several folds.
TEST_P(HotStoreCountsTest, ManyAddsInARowStayExact) {
  for (int i = 0; i < 300; ++i) HOT_ASSERT_OK(store_->AddCounts(ref_, {1, i % 2, 0, 1}));
  EXPECT_EQ(Text(Counts(ref_)), Text({300, 150, 0, 300}));
}

TEST_P(HotStoreCountsTest, ConcurrentAddsAreNotLost) {
  constexpr int kThreads = 8;
  constexpr int kPerThread = 25;
  EXPECT_EQ(FailedConcurrentCalls(kThreads, kPerThread,
                                  [&] {
                                    return store_->AddCounts(ref_, {1, 2, 0, 1});
                                  }),
            0);
  constexpr int64_t kAdds = kThreads * kPerThread;
  EXPECT_EQ(Text(Counts(ref_)), Text({kAdds, 2 * kAdds, 0, kAdds}));
}

TEST_P(HotStoreCountsTest, CountersMayLiveInAnotherDatabase) {
  CollectionRef tenant{"rt_acme", "orders", true, "analytics_acme"};
  CollectionRef same_db{"rt_acme", "orders", true};
  HOT_ASSERT_OK(store_->EnsureCollection(tenant, {}));
  EXPECT_EQ(Counts(tenant), CollectionCounts{});
  HOT_ASSERT_OK(store_->AddCounts(tenant, {4, 3, 2, 2}));
  HeadRow head = MakeHead("o1", 0);
  head.counts_delta = {1, 0, 0, 1};
  HOT_ASSERT_OK(store_->WriteHead(tenant, head, std::nullopt));
  CollectionCounts expected{4, 3, 2, 2};
  if (store_->CountsCommitWithHead()) expected = {5, 3, 2, 3};
  EXPECT_EQ(Text(Counts(tenant)), Text(expected));
  EXPECT_EQ(Counts(same_db), CollectionCounts{}) << "nothing is counted in the tenant's own db";
  // Another tenant's collection of the same name in its own analytics database.
  CollectionRef other{"rt_globex", "orders", true, "analytics_globex"};
  HOT_ASSERT_OK(store_->EnsureCollection(other, {}));
  EXPECT_EQ(Counts(other), CollectionCounts{});
}

TEST_P(HotStoreCountsTest, ReadsOfAnAnalyticsDatabaseCreateNothing) {
  CollectionRef plain{"rt_acme", "orders", true};
  HOT_ASSERT_OK(store_->EnsureCollection(plain, {}));
  // The same collection read with counters elsewhere before any write made them there.
  CollectionRef analytics{"rt_acme", "orders", true, "analytics_acme"};
  EXPECT_EQ(Counts(analytics), CollectionCounts{});
  HOT_ASSERT_OK_AND_ASSIGN(std::vector<std::string> databases, store_->ListDatabases());
  for (const std::string& db : databases) EXPECT_EQ(db.find("analytics"), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Backends, HotStoreCountsTest, ::testing::ValuesIn(HotBackends()),
                         [](const ::testing::TestParamInfo<HotBackend>& info) {
                           return info.param.name;
                         });

}  // namespace
}  // namespace xronox::store
