// Query filters: parsing, evaluation on record data, and pushdown to the hot store.
#include "engine/filter.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "engine/version_object.h"
#include "store/hot/hot_store_rules.h"

namespace xronox {
namespace {

using ::testing::HasSubstr;
using Op = store::Condition::Op;

Filter MustParse(const char* text) {
  Result<Filter> filter = ParseFilter(Json::parse(text));
  EXPECT_TRUE(filter.ok()) << text << ": " << filter.status().message();
  return filter.ok() ? *filter : Filter{};
}

// True when the filter `filter_text` matches the record data `data_text`.
bool Match(const char* filter_text, const char* data_text) {
  return Matches(MustParse(filter_text), Json::parse(data_text));
}

// Parses `filter`, expecting InvalidArgument; returns the message.
std::string Refusal(const Json& filter) {
  Result<Filter> parsed = ParseFilter(filter);
  EXPECT_FALSE(parsed.ok()) << "accepted " << filter.dump();
  if (parsed.ok()) return "";
  EXPECT_EQ(parsed.status().code(), StatusCode::kInvalidArgument);
  return parsed.status().message();
}

std::string Refusal(const char* text) { return Refusal(Json::parse(text)); }

// ---- Parsing ----

TEST(FilterTest, ParsesFieldsAndOperators) {
  Filter filter = MustParse(R"({"a": 1, "b.c": {"$gt": 1, "$lt": 5}, "d": {"$in": [1, 2]}})");
  ASSERT_EQ(filter.fields.size(), 3u);
  EXPECT_EQ(filter.fields[0].path, "a");
  ASSERT_EQ(filter.fields[0].ops.size(), 1u);
  EXPECT_EQ(filter.fields[0].ops[0].first, Op::kEq);
  EXPECT_EQ(filter.fields[0].ops[0].second, 1);
  EXPECT_EQ(filter.fields[1].path, "b.c");
  ASSERT_EQ(filter.fields[1].ops.size(), 2u);
  EXPECT_EQ(filter.fields[2].ops[0].first, Op::kIn);
}

TEST(FilterTest, ParsesEveryOperator) {
  const std::pair<const char*, Op> ops[] = {{"$eq", Op::kEq}, {"$ne", Op::kNe},
                                            {"$gt", Op::kGt}, {"$gte", Op::kGte},
                                            {"$lt", Op::kLt}, {"$lte", Op::kLte}};
  for (const auto& [name, op] : ops) {
    Result<Filter> filter = ParseFilter(Json{{"n", {{name, 3}}}});
    ASSERT_TRUE(filter.ok()) << name << ": " << filter.status().message();
    ASSERT_EQ(filter->fields.size(), 1u);
    ASSERT_EQ(filter->fields[0].ops.size(), 1u);
    EXPECT_EQ(filter->fields[0].ops[0].first, op) << name;
    EXPECT_EQ(filter->fields[0].ops[0].second, 3) << name;
  }
}

TEST(FilterTest, EmptyFilterMatchesEverything) {
  EXPECT_TRUE(MustParse("{}").fields.empty());
  EXPECT_TRUE(Match("{}", "{}"));
  EXPECT_TRUE(Match("{}", R"({"a": 1})"));
}

TEST(FilterTest, RefusesNonObjectFilters) {
  for (const char* text : {"[]", "1", "\"a\"", "null", "true"}) {
    EXPECT_THAT(Refusal(text), HasSubstr("must be a JSON object")) << text;
  }
}

TEST(FilterTest, RefusesUnknownOperators) {
  for (const char* op : {"$regex", "$exists", "$where", "$nin", "$not", "$", "$EQ"}) {
    EXPECT_THAT(Refusal(Json{{"a", {{op, 1}}}}), HasSubstr("unsupported operator")) << op;
  }
}

TEST(FilterTest, RefusesTopLevelOperators) {
  EXPECT_THAT(Refusal(R"({"$or": [{"a": 1}, {"b": 2}]})"), HasSubstr("top-level operator"));
  EXPECT_THAT(Refusal(R"({"$and": [{"a": 1}]})"), HasSubstr("'$and'"));
  EXPECT_THAT(Refusal(R"({"a": 1, "$where": "x"})"), HasSubstr("top-level operator"));
}

TEST(FilterTest, RefusesMalformedOperands) {
  for (const char* op : {"$gt", "$gte", "$lt", "$lte"}) {
    for (const char* operand : {"null", "true", "[1]", "{}", R"({"x": 1})"}) {
      EXPECT_THAT(Refusal(Json{{"a", {{op, Json::parse(operand)}}}}),
                  HasSubstr("range operators take a number or string"))
          << op << " " << operand;
    }
  }
  for (const char* operand : {"1", "\"a\"", "null", "{}"}) {
    EXPECT_THAT(Refusal(Json{{"a", {{"$in", Json::parse(operand)}}}}),
                HasSubstr("$in takes an array"))
        << operand;
  }
}

TEST(FilterTest, RefusesInvalidPaths) {
  for (const char* path : {"", ".", "a.", ".a", "a..b", "a.$b"}) {
    Refusal(Json{{path, 1}});
  }
}

TEST(FilterTest, RefusesObjectsMixingOperatorsAndFields) {
  // Whatever the key order, an object holding an operator must hold only operators.
  for (const char* text : {R"({"a": {"$gt": 1, "b": 2}})", R"({"a": {"z": 2, "$lt": 1}})",
                           R"({"a": {"!": 2, "$gt": 1}})", R"({"a": {" b": 2, "$eq": 1}})"}) {
    Refusal(text);
  }
}

TEST(FilterTest, ErrorsNameThePath) {
  EXPECT_THAT(Refusal(R"({"a.b": {"$regex": "x"}})"), HasSubstr("'a.b'"));
  EXPECT_THAT(Refusal(R"({"a.b": {"$regex": "x"}})"), HasSubstr("'$regex'"));
  EXPECT_THAT(Refusal(R"({"size": {"$in": 3}})"), HasSubstr("'size'"));
}

// ---- Equality ----

TEST(FilterTest, EqualityOnScalars) {
  EXPECT_TRUE(Match(R"({"s": "open"})", R"({"s": "open", "x": 1})"));
  EXPECT_FALSE(Match(R"({"s": "open"})", R"({"s": "closed"})"));
  EXPECT_FALSE(Match(R"({"s": "open"})", R"({})"));
  EXPECT_FALSE(Match(R"({"s": "1"})", R"({"s": 1})"));
  EXPECT_FALSE(Match(R"({"b": true})", R"({"b": 1})"));
  EXPECT_TRUE(Match(R"({"b": false})", R"({"b": false})"));
  EXPECT_TRUE(Match(R"({"n": null})", R"({"n": null})"));
  EXPECT_FALSE(Match(R"({"n": null})", R"({})"));  // Missing is not null.
  EXPECT_TRUE(Match(R"({"n": {"$eq": 2}})", R"({"n": 2})"));
}

TEST(FilterTest, NumbersCompareByValue) {
  EXPECT_TRUE(Match(R"({"n": 1})", R"({"n": 1.0})"));
  EXPECT_TRUE(Match(R"({"n": -0.0})", R"({"n": 0})"));
  EXPECT_TRUE(Match(R"({"n": -3})", R"({"n": -3.0})"));
  EXPECT_FALSE(Match(R"({"n": 1})", R"({"n": 1.5})"));
}

TEST(FilterTest, NumbersCompareExactlyBeyondDoublePrecision) {
  // 2^64-1 must not equal -1 and 2^53+1 must not equal 2^53 (as a double).
  EXPECT_FALSE(Match(R"({"n": -1})", R"({"n": 18446744073709551615})"));
  EXPECT_TRUE(Match(R"({"n": {"$ne": -1}})", R"({"n": 18446744073709551615})"));
  EXPECT_TRUE(Match(R"({"n": {"$gt": -1}})", R"({"n": 18446744073709551615})"));
  EXPECT_FALSE(Match(R"({"n": {"$lte": -1}})", R"({"n": 18446744073709551615})"));
  EXPECT_FALSE(Match(R"({"n": {"$in": [-1]}})", R"({"n": 18446744073709551615})"));
  EXPECT_FALSE(Match(R"({"n": 9007199254740992.0})", R"({"n": 9007199254740993})"));
  EXPECT_TRUE(Match(R"({"n": {"$gt": 9007199254740992.0}})", R"({"n": 9007199254740993})"));
  EXPECT_TRUE(Match(R"({"n": 9007199254740992.0})", R"({"n": 9007199254740992})"));
  EXPECT_TRUE(Match(R"({"n": {"$lt": -9223372036854775807}})", R"({"n": -9223372036854775808})"));
}

TEST(FilterTest, EqualityOnObjectsAndArraysIsExact) {
  EXPECT_TRUE(Match(R"({"a": {"b": 1, "c": [1, 2]}})", R"({"a": {"c": [1, 2], "b": 1}})"));
  EXPECT_FALSE(Match(R"({"a": {"b": 1}})", R"({"a": {"b": 1, "c": 2}})"));
  EXPECT_FALSE(Match(R"({"a": {"b": 1, "c": 2}})", R"({"a": {"b": 1}})"));
  EXPECT_TRUE(Match(R"({"t": [1, "x"]})", R"({"t": [1, "x"]})"));
  EXPECT_FALSE(Match(R"({"t": [1, "x"]})", R"({"t": ["x", 1]})"));
  EXPECT_FALSE(Match(R"({"t": [1]})", R"({"t": 1})"));
  EXPECT_FALSE(Match(R"({"t": 1})", R"({"t": [1]})"));  // No element matching.
  EXPECT_TRUE(Match(R"({"a": {}})", R"({"a": {}})"));   // Empty object is a value.
  EXPECT_FALSE(Match(R"({"a": {}})", R"({"a": []})"));
}

TEST(FilterTest, DottedPathsReachNestedFields) {
  EXPECT_TRUE(Match(R"({"a.b.c": 1})", R"({"a": {"b": {"c": 1}}})"));
  EXPECT_FALSE(Match(R"({"a.b.c": 1})", R"({"a": {"b": {"c": 2}}})"));
  EXPECT_FALSE(Match(R"({"a.b": 1})", R"({"a.b": 1})"));         // A dotted key is not a path.
  EXPECT_FALSE(Match(R"({"a.b": 1})", R"({"a": [{"b": 1}]})"));  // No descent into arrays.
  EXPECT_FALSE(Match(R"({"a.b": 1})", R"({"a": 1})"));
  EXPECT_TRUE(Match(R"({"a.b": {"$gt": 0}})", R"({"a": {"b": 1}})"));
}

TEST(FilterTest, AllFieldsMustMatch) {
  const char* filter = R"({"a": 1, "b": {"$gt": 2, "$lt": 5}})";
  EXPECT_TRUE(Match(filter, R"({"a": 1, "b": 3})"));
  EXPECT_FALSE(Match(filter, R"({"a": 2, "b": 3})"));
  EXPECT_FALSE(Match(filter, R"({"a": 1, "b": 5})"));
  EXPECT_FALSE(Match(filter, R"({"a": 1, "b": 2})"));
  EXPECT_FALSE(Match(filter, R"({"a": 1})"));
}

// ---- $ne ----

TEST(FilterTest, NotEqualMatchesMissingAndDifferentValues) {
  EXPECT_TRUE(Match(R"({"s": {"$ne": "x"}})", R"({"s": "y"})"));
  EXPECT_TRUE(Match(R"({"s": {"$ne": "x"}})", R"({})"));
  EXPECT_TRUE(Match(R"({"s": {"$ne": "x"}})", R"({"s": null})"));
  EXPECT_TRUE(Match(R"({"s": {"$ne": "1"}})", R"({"s": 1})"));
  EXPECT_FALSE(Match(R"({"s": {"$ne": "x"}})", R"({"s": "x"})"));
  EXPECT_FALSE(Match(R"({"n": {"$ne": 1}})", R"({"n": 1.0})"));
  EXPECT_TRUE(Match(R"({"n": {"$ne": null}})", R"({})"));
  EXPECT_FALSE(Match(R"({"n": {"$ne": null}})", R"({"n": null})"));
  EXPECT_TRUE(Match(R"({"o": {"$ne": {"a": 1}}})", R"({"o": {"a": 2}})"));
  EXPECT_FALSE(Match(R"({"o": {"$ne": {"a": 1}}})", R"({"o": {"a": 1}})"));
}

// ---- Ranges ----

TEST(FilterTest, RangeOperatorsOnNumbers) {
  const char* data = R"({"n": 5})";
  EXPECT_TRUE(Match(R"({"n": {"$gt": 4}})", data));
  EXPECT_FALSE(Match(R"({"n": {"$gt": 5}})", data));
  EXPECT_TRUE(Match(R"({"n": {"$gte": 5}})", data));
  EXPECT_FALSE(Match(R"({"n": {"$gte": 5.5}})", data));
  EXPECT_TRUE(Match(R"({"n": {"$lt": 5.5}})", data));
  EXPECT_FALSE(Match(R"({"n": {"$lt": 5}})", data));
  EXPECT_TRUE(Match(R"({"n": {"$lte": 5.0}})", data));
  EXPECT_FALSE(Match(R"({"n": {"$lte": 4}})", data));
  EXPECT_TRUE(Match(R"({"n": {"$gt": -10}})", R"({"n": -2.5})"));
}

TEST(FilterTest, RangeOperatorsOnStringsAreBytewise) {
  EXPECT_TRUE(Match(R"({"s": {"$gt": "apple"}})", R"({"s": "banana"})"));
  EXPECT_FALSE(Match(R"({"s": {"$gt": "banana"}})", R"({"s": "apple"})"));
  EXPECT_TRUE(Match(R"({"s": {"$gte": "b", "$lt": "c"}})", R"({"s": "bz"})"));
  EXPECT_TRUE(Match(R"({"s": {"$lt": "a"}})", R"({"s": "Z"})"));  // 'Z' < 'a'.
  EXPECT_TRUE(Match(R"({"s": {"$lt": "10"}})", R"({"s": "1"})"));
  EXPECT_TRUE(Match(R"({"s": {"$gt": "z"}})", "{\"s\": \"\xc3\xa9\"}"));  // Unsigned bytes.
  EXPECT_TRUE(Match(R"({"t": {"$gte": "2024-01-01", "$lt": "2024-02-01"}})",
                    R"({"t": "2024-01-15T10:00:00Z"})"));
}

TEST(FilterTest, RangeOperatorsNeverCompareAcrossTypes) {
  for (const char* op : {"$gt", "$gte", "$lt", "$lte"}) {
    Json number_filter = {{"v", {{op, 5}}}};
    Json string_filter = {{"v", {{op, "m"}}}};
    for (const char* data : {R"({"v": "10"})", R"({"v": "5"})", R"({"v": true})", R"({"v": null})",
                             R"({"v": [5]})", R"({"v": {"x": 5}})", R"({})"}) {
      EXPECT_FALSE(Matches(*ParseFilter(number_filter), Json::parse(data))) << op << data;
    }
    for (const char* data :
         {R"({"v": 5})", R"({"v": false})", R"({"v": null})", R"({"v": ["m"]})", R"({})"}) {
      EXPECT_FALSE(Matches(*ParseFilter(string_filter), Json::parse(data))) << op << data;
    }
  }
}

// ---- $in ----

TEST(FilterTest, InMatchesAnyListedValue) {
  const char* filter = R"({"s": {"$in": ["a", "b", 3]}})";
  EXPECT_TRUE(Match(filter, R"({"s": "a"})"));
  EXPECT_TRUE(Match(filter, R"({"s": "b"})"));
  EXPECT_TRUE(Match(filter, R"({"s": 3.0})"));
  EXPECT_FALSE(Match(filter, R"({"s": "c"})"));
  EXPECT_FALSE(Match(filter, R"({"s": "3"})"));
  EXPECT_FALSE(Match(filter, R"({})"));
  EXPECT_FALSE(Match(filter, R"({"s": ["a"]})"));
  EXPECT_FALSE(Match(R"({"s": {"$in": []}})", R"({"s": "a"})"));
  EXPECT_TRUE(Match(R"({"s": {"$in": [null]}})", R"({"s": null})"));
  EXPECT_FALSE(Match(R"({"s": {"$in": [null]}})", R"({})"));
  EXPECT_TRUE(Match(R"({"o": {"$in": [{"a": 1}, [2]]}})", R"({"o": [2]})"));
}

// ---- Pushdown ----

TEST(FilterTest, PushdownKeepsOnlyIndexedProperties) {
  Filter filter = MustParse(R"({"status": "open", "other": 1, "a.b": {"$gte": 2}})");
  std::vector<store::Condition> conditions = PushdownConditions(filter, {"status", "a.b"});
  ASSERT_EQ(conditions.size(), 2u);
  EXPECT_EQ(conditions[0].path, "a.b");
  EXPECT_EQ(conditions[0].op, Op::kGte);
  EXPECT_EQ(conditions[0].value, 2);
  EXPECT_EQ(conditions[1].path, "status");
  EXPECT_EQ(conditions[1].op, Op::kEq);
  EXPECT_EQ(conditions[1].value, "open");
  EXPECT_TRUE(PushdownConditions(filter, {}).empty());
  EXPECT_TRUE(PushdownConditions(filter, {"a", "b", "Status"}).empty());
}

TEST(FilterTest, PushdownNeverIncludesNotEqual) {
  Filter filter = MustParse(R"({"n": {"$ne": 3, "$gt": 1}, "s": {"$ne": "x"}})");
  std::vector<store::Condition> conditions = PushdownConditions(filter, {"n", "s"});
  ASSERT_EQ(conditions.size(), 1u);
  EXPECT_EQ(conditions[0].path, "n");
  EXPECT_EQ(conditions[0].op, Op::kGt);
}

TEST(FilterTest, PushdownSkipsNonScalarOperands) {
  Filter filter = MustParse(R"({"a": {"x": 1}, "b": [1], "c": null,
                                "d": {"$in": [1, {"x": 1}]}, "e": {"$in": [1, null]},
                                "f": {"$eq": [1]}, "g": {"$in": ["x", 2, true]}})");
  std::vector<store::Condition> conditions =
      PushdownConditions(filter, {"a", "b", "c", "d", "e", "f", "g"});
  ASSERT_EQ(conditions.size(), 1u);
  EXPECT_EQ(conditions[0].path, "g");
  EXPECT_EQ(conditions[0].op, Op::kIn);
  EXPECT_EQ(conditions[0].value, Json::parse(R"(["x", 2, true])"));
}

TEST(FilterTest, PushedConditionsAreValidAndNeverDropAMatch) {
  // The hot store may return more than the engine keeps, never less.
  const std::vector<std::string> indexed = {"n", "s", "a.b", "flag"};
  const char* filters[] = {
      R"({"n": 5})",
      R"({"n": {"$gt": 1, "$lte": 5}})",
      R"({"n": {"$gte": -1}})",
      R"({"n": {"$lt": 9007199254740992.0}})",
      R"({"n": {"$in": [1, 5.0, "5"]}})",
      R"({"s": {"$gte": "b", "$lt": "c"}})",
      R"({"s": {"$in": ["x", "bz"]}})",
      R"({"a.b": {"$ne": 1}, "flag": true})",
      R"({"flag": true, "n": {"$lte": -1}})",
      R"({"n": 9007199254740992.0})",
  };
  const char* records[] = {
      R"({"n": 5, "s": "bz", "a": {"b": 1}, "flag": true})",
      R"({"n": 5.0, "s": "x", "flag": false})",
      R"({"n": -1, "s": "b"})",
      R"({"n": 18446744073709551615, "a": {"b": "1"}, "flag": true})",
      R"({"n": 9007199254740993, "flag": false})",
      R"({"n": "5", "s": 3, "a": {"b": [1]}})",
      R"({"n": null, "a": null})",
      R"({})",
  };
  for (const char* filter_text : filters) {
    Filter filter = MustParse(filter_text);
    std::vector<store::Condition> conditions = PushdownConditions(filter, indexed);
    EXPECT_TRUE(store::ValidateConditions(conditions).ok()) << filter_text;
    for (const char* record_text : records) {
      Json data = Json::parse(record_text);
      if (!Matches(filter, data)) continue;
      EXPECT_TRUE(store::MatchesConditions(conditions, ExtractIndexed(data, indexed)))
          << filter_text << " dropped " << record_text;
    }
  }
}

}  // namespace
}  // namespace xronox
