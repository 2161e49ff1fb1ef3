// The HotStore conformance suite, ShrinkHead: the conditional replace of a head by a much smaller
// one (an offloaded record's) behaves as WriteHead with an expected version on every backend:
// the new head in full, Conflict at another version, NotFound when absent, the counts added.
#include "conformance/hot_store_backends.h"

namespace xronox::store {
namespace {

using testing::ExpectHeadEq;

using HotStoreShrinkTest = HotStoreConformanceTest;

TEST_P(HotStoreShrinkTest, ShrinkHeadReplacesTheHeadOnlyAtItsVersion) {
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
  Status conflict = store_->ShrinkHead(ref_, stale, 1);
  EXPECT_EQ(conflict.code(), StatusCode::kConflict) << conflict.ToString();
  EXPECT_EQ(conflict.current_version(), std::optional<int64_t>(0));
  ExpectHeadEq(*Head("r1"), big);
  HOT_EXPECT_CODE(store_->ShrinkHead(
                      ref_,
                      [&] {
                        HeadRow absent = small;
                        absent.id = "absent";
                        return absent;
                      }(),
                      0),
                  StatusCode::kNotFound);
  EXPECT_FALSE(Head("absent").has_value());

  HOT_ASSERT_OK(store_->ShrinkHead(ref_, small, 0));
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
