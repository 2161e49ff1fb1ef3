// The bounded JSON Patch diff (engine/json_diff.h): the same patches as nlohmann's json::diff
// within the budget, and a clear refusal past it.
#include "engine/json_diff.h"

#include <gtest/gtest.h>

#include <vector>

namespace xronox {
namespace {

TEST(JsonDiffTest, MatchesTheLibrarysDiffAndApplies) {
  std::vector<std::pair<Json, Json>> cases = {
      {Json::object(), Json::object()},
      {{{"a", 1}}, {{"a", 2}}},
      {{{"a", 1}, {"b", {1, 2, 3}}}, {{"b", {1, 5}}, {"c", "new"}}},
      {{{"a", {1, 2}}}, {{"a", {1, 2, 3, 4}}}},
      {{{"a", {1, 2, 3, 4}}}, {{"a", {9}}}},
      {{{"x/y~z", {{"k", true}}}}, {{"x/y~z", {{"k", false}, {"n", nullptr}}}}},
      {{{"t", "text"}}, {{"t", {{"now", "object"}}}}},
      {{{"deep", {{"a", {{"b", {{"c", {1, {{"d", 1}}}}}}}}}}},
       {{"deep", {{"a", {{"b", {{"c", {1, {{"d", 2}}, 3}}}}}}}}}},
  };
  for (const auto& [before, after] : cases) {
    Result<Json> patch = DiffJson(before, after);
    ASSERT_TRUE(patch.ok()) << patch.status().ToString();
    EXPECT_EQ(*patch, Json::diff(before, after)) << before.dump() << " -> " << after.dump();
    EXPECT_EQ(before.patch(*patch), after) << patch->dump();
  }
}

TEST(JsonDiffTest, ADiffPastItsBudgetIsRefused) {
  Json before = {{"a", Json::array()}};
  Json after = {{"a", Json::array()}};
  for (int i = 0; i < 200; ++i) {
    before["a"].push_back(1);
    after["a"].push_back(2);
  }
  DiffBudget small{.max_operations = 100, .max_value_nodes = 1000};
  Result<Json> refused = DiffJson(before, after, small);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(refused.status().reason(), "diff_too_large");
  EXPECT_TRUE(DiffJson(before, after, {.max_operations = 200, .max_value_nodes = 1000}).ok());
  // One operation whose value is too large counts too.
  Json big = {{"b", Json::array()}};
  for (int i = 0; i < 2000; ++i) big["b"].push_back(i);
  EXPECT_EQ(DiffJson(Json::object(), big, small).status().reason(), "diff_too_large");
}

}  // namespace
}  // namespace xronox
