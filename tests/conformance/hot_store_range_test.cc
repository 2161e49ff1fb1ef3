// The HotStore conformance suite, ScanHeads over an id range in either order: the ids strictly
// between the bounds, the largest first when descending, pages that follow on from the last id
// in both directions, conditions and deleted heads treated as in an ascending scan, on every
// backend.
#include "conformance/hot_store_backends.h"
#include "conformance/hot_store_condition_cases.h"

namespace xronox::store {
namespace {

using testing::IdsOf;
using Ids = std::vector<std::string>;
using HotStoreRangeTest = HotStoreConformanceTest;

// r00..r19; every fifth deleted.
void WriteTwentyHeads(HotStore& store, const CollectionRef& ref) {
  for (int i = 0; i < 20; ++i) {
    char id[8];
    snprintf(id, sizeof(id), "r%02d", i);
    ASSERT_TRUE(
        store.WriteHead(ref, MakeHead(id, 0, "{}", /*deleted=*/i % 5 == 0), std::nullopt).ok());
  }
}

IdRange Range(std::string after, std::string before, Order order) {
  IdRange range(std::move(after));
  range.before_id = std::move(before);
  range.order = order;
  return range;
}

TEST_P(HotStoreRangeTest, DescendingScansPageFromTheLargestId) {
  WriteTwentyHeads(*store_, ref_);
  Ids seen;
  IdRange range = Range("", "", Order::kDescending);
  for (int pages = 0; pages < 10; ++pages) {
    HOT_ASSERT_OK_AND_ASSIGN(std::vector<HeadRow> rows,
                             store_->ScanHeads(ref_, range, 6, {}, false));
    if (rows.empty()) break;
    EXPECT_LE(rows.size(), 6u);
    for (const HeadRow& row : rows) seen.push_back(row.id);
    range.before_id = rows.back().id;
  }
  ASSERT_EQ(seen.size(), 16u);
  EXPECT_TRUE(std::is_sorted(seen.rbegin(), seen.rend()));
  EXPECT_EQ(seen.front(), "r19");
  EXPECT_EQ(seen.back(), "r01");
  HOT_ASSERT_OK_AND_ASSIGN(std::vector<HeadRow> with_deleted,
                           store_->ScanHeads(ref_, Range("", "", Order::kDescending), 3, {}, true));
  EXPECT_EQ(IdsOf(with_deleted), (Ids{"r19", "r18", "r17"}));
}

TEST_P(HotStoreRangeTest, BothBoundsAreExclusiveInEitherOrder) {
  WriteTwentyHeads(*store_, ref_);
  HOT_ASSERT_OK_AND_ASSIGN(
      std::vector<HeadRow> up,
      store_->ScanHeads(ref_, Range("r03", "r08", Order::kAscending), 100, {}, true));
  EXPECT_EQ(IdsOf(up), (Ids{"r04", "r05", "r06", "r07"}));
  HOT_ASSERT_OK_AND_ASSIGN(
      std::vector<HeadRow> down,
      store_->ScanHeads(ref_, Range("r03", "r08", Order::kDescending), 100, {}, false));
  EXPECT_EQ(IdsOf(down), (Ids{"r07", "r06", "r04"}));
  // A bound need not be an id that exists: "r1" sorts before r10, "r1~" after r19.
  HOT_ASSERT_OK_AND_ASSIGN(
      std::vector<HeadRow> tens,
      store_->ScanHeads(ref_, Range("r1", "r1~", Order::kDescending), 3, {}, false));
  EXPECT_EQ(IdsOf(tens), (Ids{"r19", "r18", "r17"}));
  HOT_ASSERT_OK_AND_ASSIGN(
      std::vector<HeadRow> upper_only,
      store_->ScanHeads(ref_, Range("", "r02", Order::kAscending), 100, {}, true));
  EXPECT_EQ(IdsOf(upper_only), (Ids{"r00", "r01"}));
  for (Order order : {Order::kAscending, Order::kDescending}) {
    for (const auto& [after, before] : std::vector<std::pair<std::string, std::string>>{
             {"r08", "r03"}, {"r05", "r05"}, {"r05", "r06"}}) {
      HOT_ASSERT_OK_AND_ASSIGN(std::vector<HeadRow> none,
                               store_->ScanHeads(ref_, Range(after, before, order), 100, {}, true));
      EXPECT_TRUE(none.empty()) << after << ".." << before << ": " << IdsOf(none).size();
    }
  }
}

TEST_P(HotStoreRangeTest, DescendingScansMatchConditionsUpToTheLimit) {
  testing::WriteConditionFixture(*store_, ref_);
  std::vector<Condition> open = {testing::Cond("status", Condition::Op::kEq, "open")};
  HOT_ASSERT_OK_AND_ASSIGN(
      std::vector<HeadRow> rows,
      store_->ScanHeads(ref_, Range("", "", Order::kDescending), 2, open, false));
  EXPECT_EQ(IdsOf(rows), (Ids{"r07", "r03"}));
  HOT_ASSERT_OK_AND_ASSIGN(
      std::vector<HeadRow> deleted_too,
      store_->ScanHeads(ref_, Range("", "", Order::kDescending), 2, open, true));
  EXPECT_EQ(IdsOf(deleted_too), (Ids{"r12", "r07"}));
  HOT_ASSERT_OK_AND_ASSIGN(
      std::vector<HeadRow> before_r07,
      store_->ScanHeads(ref_, Range("", "r07", Order::kDescending), 5, open, false));
  EXPECT_EQ(IdsOf(before_r07), (Ids{"r03", "r01"}));
}

INSTANTIATE_TEST_SUITE_P(Backends, HotStoreRangeTest, ::testing::ValuesIn(HotBackends()),
                         [](const ::testing::TestParamInfo<HotBackend>& info) {
                           return info.param.name;
                         });

}  // namespace
}  // namespace xronox::store
