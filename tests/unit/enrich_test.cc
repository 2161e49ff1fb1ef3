// Enrich's merge (engine/enrich.h): objects merge at every depth, arrays gain only the elements
// they lack by JSON value equality (numbers by value, key order aside), other values are
// replaced, and a patch with a null anywhere is refused.
#include "engine/enrich.h"

#include <gtest/gtest.h>

namespace xronox {
namespace {

Json Enriched(Json target, const Json& patch) {
  EXPECT_TRUE(CheckEnrichPatch(patch).ok()) << patch.dump();
  EnrichInto(target, patch);
  return target;
}

TEST(EnrichTest, ObjectsMergeAtEveryDepthAndScalarsAreReplaced) {
  Json target = {{"name", "Ada"}, {"address", {{"city", "Oslo"}, {"zip", "0150"}}}, {"n", 1}};
  Json patch = {{"address", {{"city", "Bergen"}, {"geo", {{"lat", 60.4}}}}}, {"n", 2}, {"x", true}};
  EXPECT_EQ(Enriched(target, patch),
            (Json{{"name", "Ada"},
                  {"address", {{"city", "Bergen"}, {"zip", "0150"}, {"geo", {{"lat", 60.4}}}}},
                  {"n", 2},
                  {"x", true}}));
  // A value of another kind is replaced whole: an object by an array, a scalar by an object.
  EXPECT_EQ(Enriched({{"a", {{"b", 1}}}, {"c", 1}}, {{"a", {1}}, {"c", {{"d", 2}}}}),
            (Json{{"a", {1}}, {"c", {{"d", 2}}}}));
}

TEST(EnrichTest, ArraysGainOnlyTheElementsTheyLack) {
  Json target = {{"tags", {"a", "b"}}, {"scores", {1, 2.5}}, {"items", {{{"k", 1}, {"v", "x"}}}}};
  Json patch = {{"tags", {"b", "c", "c"}},
                {"scores", {1.0, 2.5, 3}},
                {"items", {{{"v", "x"}, {"k", 1}}, {{"k", 2}}}}};
  EXPECT_EQ(Enriched(target, patch), (Json{{"tags", {"a", "b", "c"}},
                                           {"scores", {1, 2.5, 3}},
                                           {"items", {{{"k", 1}, {"v", "x"}}, {{"k", 2}}}}}));
  // Duplicates already in the record stay; only the patch's new elements are added.
  EXPECT_EQ(Enriched({{"t", {"a", "a"}}}, {{"t", {"a", "b"}}}), (Json{{"t", {"a", "a", "b"}}}));
  // Large arrays unite in O((n + m) log n).
  Json big = Json::array(), more = Json::array();
  for (int i = 0; i < 20000; ++i) big.push_back(i);
  for (int i = 10000; i < 30000; ++i) more.push_back(i);
  Json united = Enriched({{"n", big}}, {{"n", more}});
  EXPECT_EQ(united["n"].size(), 30000u);
}

TEST(EnrichTest, APatchWithANullAnywhereOrNotAnObjectIsRefused) {
  EXPECT_FALSE(CheckEnrichPatch({{"a", nullptr}}).ok());
  EXPECT_FALSE(CheckEnrichPatch({{"a", {{"b", {1, nullptr}}}}}).ok());
  EXPECT_FALSE(CheckEnrichPatch(Json::array({1})).ok());
  EXPECT_FALSE(CheckEnrichPatch("text").ok());
  EXPECT_TRUE(CheckEnrichPatch(Json::object()).ok());
}

}  // namespace
}  // namespace xronox
