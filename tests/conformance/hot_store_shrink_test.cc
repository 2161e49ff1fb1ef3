// The HotStore conformance suite, ShrinkHeads: the conditional replace of heads by much smaller
// ones (offloaded records') behaves as WriteHead with an expected version for each, on every
// backend: the new head in full, Conflict at another version, NotFound when absent, one head's
// refusal leaving the others of its batch to be written.
#include "conformance/hot_store_backends.h"

namespace xronox::store {
namespace {

using testing::ExpectHeadEq;

using HotStoreShrinkTest = HotStoreConformanceTest;

TEST_P(HotStoreShrinkTest, ShrinkHeadsReplacesEachHeadOnlyAtItsVersion) {
  HeadRow big = MakeHead("r1", 0, R"({"status":"open"})");
  big.data = R"({"text":")" + std::string(5000, 'x') + R"("})";
  HOT_ASSERT_OK(store_->WriteHead(ref_, big, std::nullopt));
  HOT_ASSERT_OK(store_->WriteHead(ref_, MakeHead("r2", 0), std::nullopt));
  HeadRow small;
  small.id = "r1";
  small.version = 0;
  small.payload_key = ".offload/2024-01-01/abc#0+10";
  small.created_at = big.created_at;
  small.updated_at = big.updated_at;
  small.indexed = big.indexed;
  small.tally = {1, 0, 0};

  HeadRow stale = small;
  stale.version = 1;
  HOT_ASSERT_OK_AND_ASSIGN(auto refused, store_->ShrinkHeads(ref_, {stale}));
  ASSERT_EQ(refused.size(), 1u);
  EXPECT_EQ(refused[0].code(), StatusCode::kConflict) << refused[0].ToString();
  EXPECT_EQ(refused[0].current_version(), std::optional<int64_t>(0));
  ExpectHeadEq(*Head("r1"), big);

  HeadRow absent = small;
  absent.id = "absent";
  HOT_ASSERT_OK_AND_ASSIGN(auto results, store_->ShrinkHeads(ref_, {absent, small}));
  ASSERT_EQ(results.size(), 2u);
  EXPECT_EQ(results[0].code(), StatusCode::kNotFound) << results[0].ToString();
  EXPECT_TRUE(results[1].ok()) << results[1].ToString();
  EXPECT_FALSE(Head("absent").has_value());
  ExpectHeadEq(*Head("r1"), small);
  ExpectHeadEq(*Head("r2"), MakeHead("r2", 0));
  // Still found by its indexed value, in id order with the others.
  std::vector<Condition> open = {{"status", Condition::Op::kEq, "open"}};
  HOT_ASSERT_OK_AND_ASSIGN(auto matched, store_->ScanHeads(ref_, "", 10, open, false));
  ASSERT_EQ(matched.size(), 1u);
  EXPECT_EQ(matched[0].id, "r1");
  HOT_ASSERT_OK_AND_ASSIGN(auto all, store_->ScanHeads(ref_, "", 10, {}, false));
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].id, "r1");
}

INSTANTIATE_TEST_SUITE_P(Backends, HotStoreShrinkTest, ::testing::ValuesIn(HotBackends()),
                         [](const ::testing::TestParamInfo<HotBackend>& info) {
                           return info.param.name;
                         });

}  // namespace
}  // namespace xronox::store
