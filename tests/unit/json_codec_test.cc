// Strict JSON parsing and serialization: round trips, number fidelity, depth, UTF-8.
#include "common/json_codec.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

namespace xronox {
namespace {

using ::testing::HasSubstr;
using namespace std::string_literals;

// Parses `text`, expecting InvalidArgument; returns the message for further checks.
std::string Refusal(std::string_view text) {
  Result<Json> parsed = ParseJsonStrict(text);
  EXPECT_FALSE(parsed.ok()) << "accepted: " << text;
  if (parsed.ok()) return "";
  EXPECT_EQ(parsed.status().code(), StatusCode::kInvalidArgument) << text;
  return parsed.status().message();
}

// Parses `text`, expecting success, and returns the value (null on failure).
Json Accepted(std::string_view text) {
  Result<Json> parsed = ParseJsonStrict(text);
  EXPECT_TRUE(parsed.ok()) << text << ": " << parsed.status().message();
  return parsed.ok() ? *parsed : Json();
}

// `depth` nested arrays around a 1, e.g. depth 2 -> [[1]].
std::string NestedArrays(int depth) {
  return std::string(depth, '[') + "1" + std::string(depth, ']');
}

// `depth` nested objects, e.g. depth 2 -> {"k":{"k":1}}.
std::string NestedObjects(int depth) {
  std::string text;
  for (int i = 0; i < depth; ++i) text += R"({"k":)";
  return text + "1" + std::string(depth, '}');
}

// ---- Round trips ----

TEST(JsonCodecTest, CompactCanonicalTextRoundTripsByteForByte) {
  const std::string texts[] = {
      R"({})",
      R"([])",
      R"({"a":[1,-2,3.5,true,false,null,"x"],"b":{"c":{}},"d":""})",
      R"({"$set":{"a.b":1},"$where":"x",".":".","a.b.c":[{"$in":[]}]})",
      R"("just a string")",
      R"(null)",
  };
  for (const std::string& text : texts) {
    Json value = Accepted(text);
    Result<std::string> dumped = DumpJson(value);
    ASSERT_TRUE(dumped.ok()) << dumped.status().message();
    EXPECT_EQ(*dumped, text);
  }
}

TEST(JsonCodecTest, KeysWithDollarAndDotAreOrdinaryKeys) {
  Json value = Accepted(R"({"$x": 1, "a.b": 2, "$": 3, "..": 4})");
  ASSERT_TRUE(value.is_object());
  EXPECT_EQ(value.size(), 4u);
  EXPECT_EQ(value["$x"], 1);
  EXPECT_EQ(value["a.b"], 2);
  EXPECT_EQ(value["$"], 3);
  EXPECT_EQ(value[".."], 4);
  EXPECT_FALSE(value.contains("a"));  // "a.b" is one key, not a path.
}

TEST(JsonCodecTest, WhitespaceAroundValueIsAccepted) {
  EXPECT_EQ(Accepted(" \t\r\n{ \"a\" : [ 1 , 2 ] } \n"), Json::parse(R"({"a":[1,2]})"));
}

// ---- Unicode ----

TEST(JsonCodecTest, EscapedAndRawUnicodeDecodeToTheSameUtf8) {
  Json escaped = Accepted(R"({"k":"caf\u00e9 \u4e2d"})");
  Json raw = Accepted("{\"k\":\"caf\xc3\xa9 \xe4\xb8\xad\"}");
  EXPECT_EQ(escaped["k"], "caf\xc3\xa9 \xe4\xb8\xad");
  EXPECT_EQ(escaped, raw);
  // Dump writes raw UTF-8, not escapes.
  EXPECT_EQ(*DumpJson(escaped), "{\"k\":\"caf\xc3\xa9 \xe4\xb8\xad\"}");
}

TEST(JsonCodecTest, SurrogatePairEscapeDecodesToFourByteUtf8) {
  Json value = Accepted(R"("\ud83d\ude00")");
  EXPECT_EQ(value, "\xf0\x9f\x98\x80");  // U+1F600.
  EXPECT_EQ(Accepted("\"\xf0\x9f\x98\x80\""), value);
}

TEST(JsonCodecTest, UnicodeKeysRoundTrip) {
  std::string text = "{\"\xc3\xa9t\xc3\xa9\":1}";
  EXPECT_EQ(*DumpJson(Accepted(text)), text);
}

TEST(JsonCodecTest, InvalidUtf8InStringsIsRefused) {
  const std::string inputs[] = {
      "\"\xff\"",              // Never valid in UTF-8.
      "\"\xc3\"",              // Truncated two-byte sequence.
      "\"\xe4\xb8\"",          // Truncated three-byte sequence.
      "\"\xf0\x9f\x98\"",      // Truncated four-byte sequence.
      "\"\xc0\xaf\"",          // Overlong '/'.
      "\"\xe0\x80\xaf\"",      // Overlong three-byte '/'.
      "\"\xed\xa0\x80\"",      // UTF-8-encoded surrogate U+D800.
      "\"\xf4\x90\x80\x80\"",  // Beyond U+10FFFF.
      "{\"\xff\":1}",          // In a key.
  };
  for (const std::string& input : inputs) {
    EXPECT_THAT(Refusal(input), HasSubstr("ill-formed UTF-8")) << input;
  }
}

TEST(JsonCodecTest, LoneSurrogateEscapesAreRefused) {
  EXPECT_THAT(Refusal(R"("\ud800")"), HasSubstr("surrogate"));
  EXPECT_THAT(Refusal(R"("\udc00")"), HasSubstr("surrogate"));
  EXPECT_THAT(Refusal(R"("\ud800\u0041")"), HasSubstr("surrogate"));
  EXPECT_THAT(Refusal(R"("\ude00\ud83d")"), HasSubstr("surrogate"));  // Reversed pair.
}

TEST(JsonCodecTest, UnescapedControlCharactersInStringsAreRefused) {
  Refusal("\"a\nb\"");
  Refusal("\"a\0b\""s);
  EXPECT_EQ(Accepted(R"("a\u0000b")"), "a\0b"s);  // Escaped NUL is fine.
}

TEST(JsonCodecTest, DumpRefusesStringsHoldingInvalidUtf8) {
  Result<std::string> dumped = DumpJson(Json{{"k", "ok \xff"}});
  ASSERT_FALSE(dumped.ok());
  EXPECT_EQ(dumped.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(dumped.status().message(), HasSubstr("UTF-8"));
  EXPECT_FALSE(DumpJson(Json("\xc3")).ok());
}

// ---- Integers ----

TEST(JsonCodecTest, Int64AndUint64LimitsSurvive) {
  constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  constexpr uint64_t kUMax = std::numeric_limits<uint64_t>::max();

  Json min = Accepted("-9223372036854775808");
  ASSERT_TRUE(min.is_number_integer());
  EXPECT_EQ(min.get<int64_t>(), kMin);
  EXPECT_EQ(*DumpJson(min), "-9223372036854775808");

  Json max = Accepted("9223372036854775807");
  ASSERT_TRUE(max.is_number_integer());
  EXPECT_EQ(max.get<int64_t>(), kMax);
  EXPECT_EQ(*DumpJson(max), "9223372036854775807");

  Json umax = Accepted("18446744073709551615");
  ASSERT_TRUE(umax.is_number_unsigned());
  EXPECT_EQ(umax.get<uint64_t>(), kUMax);
  EXPECT_EQ(*DumpJson(umax), "18446744073709551615");
}

TEST(JsonCodecTest, IntegersBeyond64BitsAreRefused) {
  const char* inputs[] = {
      "18446744073709551616",            // uint64 max + 1 (2^64).
      "123456789012345678901234567890",  //
      "-9223372036854775809",            // int64 min - 1.
      R"({"n":[1,2,99999999999999999999]})",
  };
  for (const char* input : inputs) {
    EXPECT_THAT(Refusal(input), HasSubstr("cannot be stored without changing its value")) << input;
  }
}

// ---- Floats ----

TEST(JsonCodecTest, RepresentableFloatsAreAcceptedAndReadBackEqual) {
  const std::pair<const char*, double> cases[] = {
      {"0.1", 0.1},       {"1.5", 1.5},
      {"1e300", 1e300},   {"-2.5e-10", -2.5e-10},
      {"1.0", 1.0},       {"1E2", 100.0},
      {"0.10", 0.1},      {"-0.0", 0.0},
      {"5e-324", 5e-324}, {"1.7976931348623157e308", std::numeric_limits<double>::max()},
  };
  for (const auto& [text, expected] : cases) {
    Json value = Accepted(text);
    ASSERT_TRUE(value.is_number_float()) << text;
    EXPECT_EQ(value.get<double>(), expected) << text;
    // The dumped form parses back to the same double.
    EXPECT_EQ(Accepted(*DumpJson(value)).get<double>(), expected) << text;
  }
}

TEST(JsonCodecTest, FloatsThatWouldChangeAreRefused) {
  const char* inputs[] = {
      "1e400",                      // Overflows to infinity.
      "-1e400",                     //
      "1e-400",                     // Underflows to zero.
      "0.1000000000000000000001",   // More digits than a double holds.
      "3.14159265358979323846264",  //
      "1.00000000000000001",        // Rounds to 1.0.
      R"({"pi":3.14159265358979323846264})",
  };
  for (const char* input : inputs) Refusal(input);
  EXPECT_THAT(Refusal("0.1000000000000000000001"), HasSubstr("cannot be stored"));
}

TEST(JsonCodecTest, HugeExponentsAreRefusedWithoutOverflow) {
  // Exponents at the limits of `long`: the value is zero or infinite, the text is not.
  Refusal("0.01e-9223372036854775808");
  Refusal("1e-99999999999999999999999");
  Refusal("1e99999999999999999999999");
  // A zero stays zero whatever its exponent.
  EXPECT_EQ(Accepted("0.0e-9223372036854775808").get<double>(), 0.0);
}

TEST(JsonCodecTest, NumberTextMatchesComparesDecimalValues) {
  EXPECT_TRUE(NumberTextMatches("0.1", 0.1));
  EXPECT_TRUE(NumberTextMatches("0.100", 0.1));
  EXPECT_TRUE(NumberTextMatches("1e-1", 0.1));
  EXPECT_TRUE(NumberTextMatches("100", 100.0));
  EXPECT_TRUE(NumberTextMatches("1E+2", 100.0));
  EXPECT_TRUE(NumberTextMatches("-2.5e-10", -2.5e-10));
  EXPECT_TRUE(NumberTextMatches("0", 0.0));
  EXPECT_TRUE(NumberTextMatches("-0.000", 0.0));

  EXPECT_FALSE(NumberTextMatches("0.1000000000000000000001", 0.1));
  EXPECT_FALSE(NumberTextMatches("1.5", 2.5));
  EXPECT_FALSE(NumberTextMatches("-1.5", 1.5));
  EXPECT_FALSE(NumberTextMatches("15", 1.5));
  EXPECT_FALSE(NumberTextMatches("1e-400", 0.0));
}

// ---- Depth ----

TEST(JsonCodecTest, NestingOfExactlyMaxDepthIsAccepted) {
  ASSERT_EQ(kMaxJsonDepth, 100);
  Json arrays = Accepted(NestedArrays(100));
  Json objects = Accepted(NestedObjects(100));
  EXPECT_FALSE(ExceedsDepth(arrays, 100));
  EXPECT_TRUE(ExceedsDepth(arrays, 99));
  EXPECT_FALSE(ExceedsDepth(objects, 100));
  EXPECT_TRUE(ExceedsDepth(objects, 99));
}

TEST(JsonCodecTest, NestingBeyondMaxDepthIsRefused) {
  EXPECT_THAT(Refusal(NestedArrays(101)), HasSubstr("deeper than 100"));
  EXPECT_THAT(Refusal(NestedObjects(101)), HasSubstr("deeper than 100"));
  EXPECT_THAT(Refusal(NestedArrays(100000)), HasSubstr("deeper than 100"));
  // Mixed: 50 objects around 51 arrays.
  std::string mixed;
  for (int i = 0; i < 50; ++i) mixed += R"({"k":)";
  mixed += NestedArrays(51) + std::string(50, '}');
  EXPECT_THAT(Refusal(mixed), HasSubstr("deeper than 100"));
}

TEST(JsonCodecTest, DepthCountsNestingNotSiblings) {
  // 200 sibling arrays at depth 2 are fine; leaving a level frees it.
  std::string siblings = "[";
  for (int i = 0; i < 200; ++i) siblings += (i ? ",[]" : "[]");
  siblings += "]";
  EXPECT_EQ(Accepted(siblings).size(), 200u);
  Accepted("[" + NestedArrays(99) + "," + NestedArrays(99) + "]");
}

TEST(JsonCodecTest, ExceedsDepthCountsStructuredLevels) {
  EXPECT_FALSE(ExceedsDepth(Json(1), 0));
  EXPECT_FALSE(ExceedsDepth(Json("s"), 0));
  EXPECT_TRUE(ExceedsDepth(Json::array(), 0));
  EXPECT_FALSE(ExceedsDepth(Json::array(), 1));
  EXPECT_TRUE(ExceedsDepth(Json::parse(R"({"a":[1]})"), 1));
  EXPECT_FALSE(ExceedsDepth(Json::parse(R"({"a":[1]})"), 2));
  EXPECT_TRUE(ExceedsDepth(Json::parse(R"([1,2,{"x":{}}])"), 2));
}

// ---- Malformed input ----

TEST(JsonCodecTest, EmptyInputIsRefused) {
  Refusal("");
  Refusal("   \n");
  Refusal("\0"s);
}

TEST(JsonCodecTest, TrailingGarbageIsRefused) {
  Refusal("{} x");
  Refusal("{}}");
  Refusal("{}{}");
  Refusal("1 2");
  Refusal("[1],");
  Refusal("null null");
}

TEST(JsonCodecTest, NulBytesAfterAValueAreRefused) {
  // nlohmann stops at a NUL byte as if the input ended; the rest must not be dropped.
  EXPECT_THAT(Refusal("{}\0{\"admin\":true}"s), HasSubstr("NUL"));
  Refusal("{\"a\":1}\0"s);
  Refusal("[1,\0 2]"s);
}

TEST(JsonCodecTest, NonStandardSyntaxIsRefused) {
  const char* inputs[] = {
      "{'a':1}", "{a:1}", R"({"a":1,})", "[1,]", "/* c */{}",      "NaN",        "Infinity", "01",
      "+1",      ".5",    "1.",          "0x10", "\"unterminated", R"({"a" 1})", "tru",
  };
  for (const char* input : inputs) Refusal(input);
}

TEST(JsonCodecTest, DuplicateKeysAreRefusedWithTheirPaths) {
  Result<Json> parsed = ParseJsonStrict(R"({"a":{"b":1,"b":2},"c":[{"d":1,"d":1}],"a":3})");
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(parsed.status().message(), HasSubstr("'b' at a.b"));
  EXPECT_THAT(parsed.status().message(), HasSubstr("'d' at c[].d"));
  EXPECT_THAT(parsed.status().message(), HasSubstr("'a' at a"));
  EXPECT_TRUE(ParseJsonStrict(R"({"a":{"b":1},"c":{"b":2},"b":[{"b":1},{"b":2}]})").ok());
}

// The shape that once made a 999 MB error message: duplicate keys under a deep path of long
// keys. The message names three, counts the rest and quotes at most 64 bytes of each name.
TEST(JsonCodecTest, DuplicateKeyMessagesAreBounded) {
  std::string inner = "{";
  for (int i = 0; i < 1000; ++i) inner += std::string(i == 0 ? "" : ",") + "\"k\":1";
  inner += "}";
  std::string doc = inner;
  for (int i = 0; i < 50; ++i) doc = "{\"" + std::string(20000, 'p') + "\":" + doc + "}";
  ASSERT_GT(doc.size(), 1'000'000u);
  Result<Json> parsed = ParseJsonStrict(doc);
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.status().code(), StatusCode::kInvalidArgument);
  EXPECT_LT(parsed.status().message().size(), 1024u) << parsed.status().message().substr(0, 2000);
  EXPECT_THAT(parsed.status().message(), HasSubstr("and 996 more"));
}

TEST(JsonCodecTest, ParseErrorMessagesAreBounded) {
  std::string doc = "{\"a\":\"" + std::string(1'000'000, 'x') + "\\u00zz\"}";
  Result<Json> parsed = ParseJsonStrict(doc);
  ASSERT_FALSE(parsed.ok());
  EXPECT_LT(parsed.status().message().size(), 300u) << parsed.status().message().substr(0, 400);
  Result<Json> number = ParseJsonStrict("[1e" + std::string(100000, '9') + "]");
  ASSERT_FALSE(number.ok());
  EXPECT_LT(number.status().message().size(), 300u);
}

// Small values take many times their text once parsed: the parse stops at the memory budget.
TEST(JsonCodecTest, DocumentsOverTheMemoryBudgetAreRefusedAsTooLarge) {
  std::string numbers = "[";
  for (int i = 0; i < 200000; ++i) numbers += i == 0 ? "1" : ",1";
  numbers += "]";
  Result<Json> refused = ParseJsonStrict(numbers, size_t{1} << 20);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(refused.status().reason(), "json_too_large");
  EXPECT_TRUE(ParseJsonStrict(numbers, size_t{8} << 20).ok()) << "200,000 numbers fit in 8 MiB";
  std::string members = "{";
  for (int i = 0; i < 20000; ++i) members += (i ? ",\"" : "\"") + std::to_string(i) + "\":1";
  members += "}";
  EXPECT_EQ(ParseJsonStrict(members, size_t{1} << 20).status().reason(), "json_too_large");
  EXPECT_TRUE(ParseJsonStrict(members, size_t{4} << 20).ok());
  // A long string costs about its length.
  std::string text = "{\"s\":\"" + std::string(3 << 20, 'x') + "\"}";
  EXPECT_TRUE(ParseJsonStrict(text, size_t{4} << 20).ok());
  EXPECT_FALSE(ParseJsonStrict(text, size_t{2} << 20).ok());
}

// ---- ParseJsonObject ----

TEST(JsonCodecTest, ParseJsonObjectAcceptsObjects) {
  Result<Json> parsed = ParseJsonObject(R"({"a":1})", "record data");
  ASSERT_TRUE(parsed.ok()) << parsed.status().message();
  EXPECT_EQ((*parsed)["a"], 1);
  EXPECT_TRUE(ParseJsonObject("{}", "record data").ok());
}

TEST(JsonCodecTest, ParseJsonObjectRefusesOtherTopLevelValues) {
  for (const char* input : {"[]", "[{}]", "1", "\"{}\"", "null", "true"}) {
    Result<Json> parsed = ParseJsonObject(input, "record data");
    ASSERT_FALSE(parsed.ok()) << input;
    EXPECT_EQ(parsed.status().code(), StatusCode::kInvalidArgument);
    EXPECT_THAT(parsed.status().message(), HasSubstr("record data must be a JSON object"));
  }
}

TEST(JsonCodecTest, ParseJsonObjectPassesOnParseErrors) {
  Result<Json> parsed = ParseJsonObject(R"({"n":1e400})", "body");
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(parsed.status().message(), HasSubstr("invalid JSON"));
}

}  // namespace
}  // namespace xronox
