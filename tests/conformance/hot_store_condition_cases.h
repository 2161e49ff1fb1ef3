// Test data of the ScanHeads conformance tests: heads whose indexed values mix classes, and
// conditions with the ids each must return under the reference semantics (MatchesCondition).
// Thread-safety: test code.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "conformance/hot_store_test_util.h"
#include "store/hot/hot_store.h"

namespace xronox::store::testing {

// Heads whose indexed values mix classes, so a backend that confuses true with 1, "10" with
// 10, a nested object with a dotted key, or absent with present is caught.
inline void WriteConditionFixture(HotStore& store, const CollectionRef& ref) {
  const std::vector<std::pair<std::string, std::string>> heads = {
      {"r01", R"({"status":"open","score":10,"active":true,"address.city":"Paris","extra":"x"})"},
      {"r02", R"({"status":"closed","score":20.5,"active":false,"address.city":"Berlin"})"},
      {"r03", R"({"status":"open","score":30,"active":true,"address.city":"paris"})"},
      {"r04", R"({"status":"10","score":true,"active":1})"},
      {"r05", R"({})"},
      {"r06", R"({"status":null,"score":-5,"active":"true"})"},
      {"r07", R"({"status":"open","score":10.0,"active":false,"address.city":"Paris"})"},
      {"r08", R"({"status":["open"],"score":{"n":1}})"},
      {"r09", R"({"score":1,"active":true})"},
      {"r10", R"({"score":"10"})"},
      {"r11", R"({"address":{"city":"Paris"}})"},
  };
  for (const auto& [id, indexed] : heads) {
    ASSERT_TRUE(store.WriteHead(ref, MakeHead(id, 0, indexed), std::nullopt).ok()) << id;
  }
  ASSERT_TRUE(
      store.WriteHead(ref, MakeHead("r12", 3, R"({"status":"open"})", true), std::nullopt).ok());
}

struct ConditionCase {
  std::string name;
  std::vector<Condition> conditions;
  std::vector<std::string> expected;
};

inline Condition Cond(std::string path, Condition::Op op, Json value) {
  return Condition{std::move(path), op, std::move(value)};
}

inline std::vector<ConditionCase> ConditionCases() {
  using Op = Condition::Op;
  return {
      {"string eq", {Cond("status", Op::kEq, "open")}, {"r01", "r03", "r07"}},
      {"string ne (absent matches)",
       {Cond("status", Op::kNe, "open")},
       {"r02", "r04", "r05", "r06", "r08", "r09", "r10", "r11"}},
      {"string lt", {Cond("status", Op::kLt, "open")}, {"r02", "r04"}},
      {"string gte", {Cond("status", Op::kGte, "open")}, {"r01", "r03", "r07"}},
      {"eq null (absent or null)",
       {Cond("status", Op::kEq, nullptr)},
       {"r05", "r06", "r09", "r10", "r11"}},
      {"ne null", {Cond("status", Op::kNe, nullptr)}, {"r01", "r02", "r03", "r04", "r07", "r08"}},
      {"number eq (10 == 10.0, not true, not \"10\")",
       {Cond("score", Op::kEq, 10)},
       {"r01", "r07"}},
      {"float eq", {Cond("score", Op::kEq, 20.5)}, {"r02"}},
      {"number ne",
       {Cond("score", Op::kNe, 10)},
       {"r02", "r03", "r04", "r05", "r06", "r08", "r09", "r10", "r11"}},
      {"number gt", {Cond("score", Op::kGt, 10)}, {"r02", "r03"}},
      {"number gte", {Cond("score", Op::kGte, 10)}, {"r01", "r02", "r03", "r07"}},
      {"number lt", {Cond("score", Op::kLt, 10)}, {"r06", "r09"}},
      {"number lte float", {Cond("score", Op::kLte, 1.0)}, {"r06", "r09"}},
      {"bool eq true (not 1, not \"true\")",
       {Cond("active", Op::kEq, true)},
       {"r01", "r03", "r09"}},
      {"bool eq false", {Cond("active", Op::kEq, false)}, {"r02", "r07"}},
      {"bool ne true",
       {Cond("active", Op::kNe, true)},
       {"r02", "r04", "r05", "r06", "r07", "r08", "r10", "r11"}},
      {"bool gt false", {Cond("active", Op::kGt, false)}, {"r01", "r03", "r09"}},
      {"bool lte false", {Cond("active", Op::kLte, false)}, {"r02", "r07"}},
      {"number 1 is not true", {Cond("active", Op::kEq, 1)}, {"r04"}},
      {"dotted name is a flat key", {Cond("address.city", Op::kEq, "Paris")}, {"r01", "r07"}},
      {"dotted range",
       {Cond("address.city", Op::kGte, "P"), Cond("address.city", Op::kLt, "Q")},
       {"r01", "r07"}},
      {"in strings", {Cond("address.city", Op::kIn, {"Berlin", "paris"})}, {"r02", "r03"}},
      {"in mixed classes", {Cond("score", Op::kIn, {10, 30, "10"})}, {"r01", "r03", "r07", "r10"}},
      {"in with null",
       {Cond("status", Op::kIn, {nullptr, "closed"})},
       {"r02", "r05", "r06", "r09", "r10", "r11"}},
      {"in bool and number", {Cond("active", Op::kIn, {true, 1})}, {"r01", "r03", "r04", "r09"}},
      {"in empty", {Cond("score", Op::kIn, Json::array())}, {}},
      {"two conditions", {Cond("status", Op::kEq, "open"), Cond("score", Op::kGt, 10)}, {"r03"}},
      {"property not declared indexed", {Cond("extra", Op::kEq, "x")}, {"r01"}},
  };
}

}  // namespace xronox::store::testing
