// The HotStore conformance suite, CreateHeads: a batch of new heads is inserted create-only, on
// every backend: each head in full, AlreadyExists for an id already taken (in the store or
// earlier in the same batch) without keeping the others from being written, the counters of the
// heads written added with them where the backend has transactions, and an empty batch.
#include "conformance/hot_store_backends.h"

namespace xronox::store {
namespace {

using testing::ExpectHeadEq;
using HotStoreCreateBatchTest = HotStoreConformanceTest;

HeadRow Created(const std::string& id) {
  HeadRow head = MakeHead(id, 0, R"({"status":"open"})");
  head.tally = {1, 0, 0};
  head.counts_delta = {1, 0, 0, 1};
  return head;
}

TEST_P(HotStoreCreateBatchTest, EachHeadIsCreatedUnlessItsIdIsTaken) {
  HeadRow taken = Created("r02");
  taken.data = R"({"kept":true})";
  HOT_ASSERT_OK(store_->WriteHead(ref_, taken, std::nullopt));
  HOT_ASSERT_OK_AND_ASSIGN(CollectionCounts before, store_->GetCounts(ref_));
  std::vector<HeadRow> batch;
  for (const char* id : {"r01", "r02", "r03", "r01", "r04"}) batch.push_back(Created(id));
  batch[3].data = R"({"second":true})";
  HOT_ASSERT_OK_AND_ASSIGN(std::vector<Status> results, store_->CreateHeads(ref_, batch));
  ASSERT_EQ(results.size(), 5u);
  for (size_t i : {0u, 2u, 4u}) EXPECT_TRUE(results[i].ok()) << i << ": " << results[i].ToString();
  for (size_t i : {1u, 3u}) {
    EXPECT_EQ(results[i].code(), StatusCode::kAlreadyExists) << i << ": " << results[i].ToString();
  }
  ExpectHeadEq(*Head("r01"), batch[0]);
  ExpectHeadEq(*Head("r02"), taken);
  ExpectHeadEq(*Head("r03"), batch[2]);
  ExpectHeadEq(*Head("r04"), batch[4]);
  HOT_ASSERT_OK_AND_ASSIGN(CollectionCounts after, store_->GetCounts(ref_));
  CollectionCounts expected = before;
  if (store_->CountsCommitWithHead()) expected += CollectionCounts{3, 0, 0, 3};
  EXPECT_EQ(CountsToJson(after).dump(), CountsToJson(expected).dump());
  HOT_ASSERT_OK_AND_ASSIGN(std::vector<HeadRow> scanned, store_->ScanHeads(ref_, "", 10, {}, true));
  EXPECT_EQ(scanned.size(), 4u);
}

TEST_P(HotStoreCreateBatchTest, AnEmptyBatchWritesNothingAndAMissingCollectionIsNotFound) {
  HOT_ASSERT_OK_AND_ASSIGN(std::vector<Status> none, store_->CreateHeads(ref_, {}));
  EXPECT_TRUE(none.empty());
  CollectionRef missing{ref_.db, "missing", false};
  HOT_EXPECT_CODE(store_->CreateHeads(missing, {Created("r1")}), StatusCode::kNotFound);
}

TEST_P(HotStoreCreateBatchTest, AThousandHeadsGoInOneCall) {
  std::vector<HeadRow> batch;
  for (int i = 0; i < 1000; ++i) {
    char id[8];
    snprintf(id, sizeof(id), "e%04d", i);
    batch.push_back(Created(id));
  }
  HOT_ASSERT_OK_AND_ASSIGN(std::vector<Status> results, store_->CreateHeads(ref_, batch));
  ASSERT_EQ(results.size(), 1000u);
  EXPECT_TRUE(std::all_of(results.begin(), results.end(), [](const Status& s) { return s.ok(); }));
  HOT_ASSERT_OK_AND_ASSIGN(std::vector<HeadRow> last,
                           store_->ScanHeads(ref_, "e0997", 10, {}, false));
  ASSERT_EQ(last.size(), 2u);
  ExpectHeadEq(last[1], batch[999]);
}

INSTANTIATE_TEST_SUITE_P(Backends, HotStoreCreateBatchTest, ::testing::ValuesIn(HotBackends()),
                         [](const ::testing::TestParamInfo<HotBackend>& info) {
                           return info.param.name;
                         });

}  // namespace
}  // namespace xronox::store
