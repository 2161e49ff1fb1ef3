// Pure logic on property paths: which paths overlap, which JSON Pointers a hidden field covers,
// removing hidden fields from data, and the claim key of natural-key values.
#include <gtest/gtest.h>

#include "common/names.h"
#include "engine/natural_keys.h"
#include "engine/projection.h"
#include "store/hot/hot_store_rules.h"

namespace xronox {
namespace {

TEST(FieldPathsTest, PathsOverlapOnlyAtWholeSegments) {
  EXPECT_TRUE(PropertyPathsOverlap("a", "a"));
  EXPECT_TRUE(PropertyPathsOverlap("a", "a.b"));
  EXPECT_TRUE(PropertyPathsOverlap("a.b.c", "a.b"));
  EXPECT_FALSE(PropertyPathsOverlap("a.b", "a.bc"));
  EXPECT_FALSE(PropertyPathsOverlap("ab", "a"));
}

TEST(FieldPathsTest, HiddenPointersAreThoseAtOrInsideAHiddenField) {
  const std::vector<std::string> hidden = {"ssn", "bank.iban", "a/b"};
  EXPECT_TRUE(IsHiddenPointer("/ssn", hidden));
  EXPECT_TRUE(IsHiddenPointer("ssn", hidden)) << "a top-level name of an older version";
  EXPECT_TRUE(IsHiddenPointer("/bank/iban", hidden));
  EXPECT_TRUE(IsHiddenPointer("/bank/iban/check", hidden));
  EXPECT_TRUE(IsHiddenPointer("/a~1b", hidden)) << "~1 is a slash inside a name";
  EXPECT_FALSE(IsHiddenPointer("/bank", hidden)) << "the parent of a hidden field shows";
  EXPECT_FALSE(IsHiddenPointer("/ssn2", hidden));
  EXPECT_FALSE(IsHiddenPointer("/name", {}));
}

TEST(FieldPathsTest, HideFieldsRemovesWhatIsThereAndLeavesTheRest) {
  Json data = {{"ssn", 1}, {"bank", {{"iban", "x"}, {"name", "y"}}}, {"list", {1, 2}}};
  HideFields(data, {"ssn", "bank.iban", "list.0", "missing.path"});
  EXPECT_EQ(data, (Json{{"bank", {{"name", "y"}}}, {"list", {1, 2}}}));
  Json scalar = 5;
  HideFields(scalar, {"a"});
  EXPECT_EQ(scalar, 5);
}

TEST(FieldPathsTest, FiltersNamingAHiddenFieldAreRefused) {
  EXPECT_TRUE(CheckFilterNotHidden({"name", "bank.name"}, {"bank.iban"}).ok());
  EXPECT_EQ(CheckFilterNotHidden({"bank"}, {"bank.iban"}).reason(), "hidden_field");
  EXPECT_EQ(CheckFilterNotHidden({"ssn.last4"}, {"ssn"}).reason(), "hidden_field");
}

TEST(FieldPathsTest, NaturalKeyClaimKeysCompareValuesNotSpellings) {
  auto one = NaturalKeyClaimKey({"n", "s"}, {{"n", 1}, {"s", "x"}});
  auto one_float = NaturalKeyClaimKey({"n", "s"}, {{"s", "x"}, {"n", 1.0}});
  auto other_order = NaturalKeyClaimKey({"s", "n"}, {{"n", 1}, {"s", "x"}});
  ASSERT_TRUE(one.ok() && one_float.ok() && other_order.ok());
  EXPECT_EQ(*one, *one_float);
  EXPECT_NE(*one, *other_order) << "the configured order is part of the key";
  EXPECT_EQ(one->rfind(kNaturalKeyClaimPrefix, 0), 0u);
  EXPECT_NE(*NaturalKeyClaimKey({"n"}, {{"n", 1.5}}), *NaturalKeyClaimKey({"n"}, {{"n", 1}}));
  EXPECT_NE(*NaturalKeyClaimKey({"n"}, {{"n", "1"}}), *NaturalKeyClaimKey({"n"}, {{"n", 1}}));
  EXPECT_EQ(NaturalKeyClaimKey({"a.b"}, {{"a", {{"b", true}}}}).ok(), true);
  for (const Json& data : {Json{{"n", nullptr}}, Json{{"n", Json::array()}}, Json::object()}) {
    EXPECT_EQ(NaturalKeyClaimKey({"n"}, data).status().reason(), "invalid_natural_key");
  }
  EXPECT_EQ(NaturalKeyHolderId(NaturalKeyClaimBody("r-1")), "r-1");
  EXPECT_EQ(NaturalKeyHolderId("not json"), "");
}

TEST(FieldPathsTest, VersionsAreIndexedUnderEachChangedFieldAndThoseAroundIt) {
  using Keys = std::vector<std::string>;
  EXPECT_EQ(store::VersionFieldKeys(R"(["/a/b/c","/d"])"),
            (Keys{"/a", "/a/b", "/a/b/c", "/d", "=/a/b/c", "=/d"}));
  EXPECT_EQ(store::VersionFieldKeys(R"(["name","a/b"])"),
            (Keys{"/a~1b", "/name", "=/a~1b", "=/name"}))
      << "top-level names of older versions become pointers";
  EXPECT_TRUE(store::VersionFieldKeys("not json").empty());
  EXPECT_TRUE(store::VersionFieldKeys("[]").empty());
  std::string many = "[";
  for (int i = 0; i < 300; ++i) many += (i ? ",\"/f" : "\"/f") + std::to_string(i) + "\"";
  EXPECT_EQ(store::VersionFieldKeys(many + "]").size(), store::kMaxVersionFieldKeys);
  EXPECT_EQ(store::FieldQueryKeys("/a/b/c"), (Keys{"/a/b/c", "=/a", "=/a/b"}));
  EXPECT_EQ(store::FieldQueryKeys("/a"), (Keys{"/a"}));
}

}  // namespace
}  // namespace xronox
