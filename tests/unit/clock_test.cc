// RFC 3339 formatting and parsing, date formatting, and the manual clock.
#include "common/clock.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <string>

namespace xronox {
namespace {

constexpr int64_t kSecond = 1'000'000;
constexpr int64_t kMinute = 60 * kSecond;
constexpr int64_t kHour = 60 * kMinute;
constexpr int64_t kDay = 24 * kHour;

// 2024-01-01T10:00:00Z.
constexpr int64_t k2024Jan1Ten = 1'704'103'200 * kSecond;

// ---- FormatRfc3339 ----

TEST(ClockTest, FormatsEpochWithMicrosecondsAndZ) {
  EXPECT_EQ(FormatRfc3339(0), "1970-01-01T00:00:00.000000Z");
  EXPECT_EQ(FormatRfc3339(1), "1970-01-01T00:00:00.000001Z");
  EXPECT_EQ(FormatRfc3339(kSecond - 1), "1970-01-01T00:00:00.999999Z");
}

TEST(ClockTest, FormatsKnownInstants) {
  EXPECT_EQ(FormatRfc3339(k2024Jan1Ten), "2024-01-01T10:00:00.000000Z");
  EXPECT_EQ(FormatRfc3339(k2024Jan1Ten + 123'456), "2024-01-01T10:00:00.123456Z");
  EXPECT_EQ(FormatRfc3339(k2024Jan1Ten + kHour * 13 + kMinute * 59 + kSecond * 59),
            "2024-01-01T23:59:59.000000Z");
}

TEST(ClockTest, FormatsTimesBefore1970) {
  EXPECT_EQ(FormatRfc3339(-1), "1969-12-31T23:59:59.999999Z");
  EXPECT_EQ(FormatRfc3339(-kSecond), "1969-12-31T23:59:59.000000Z");
  EXPECT_EQ(FormatRfc3339(-kSecond - 500'000), "1969-12-31T23:59:58.500000Z");
  EXPECT_EQ(FormatRfc3339(-kDay), "1969-12-31T00:00:00.000000Z");
  // 1900-01-01T00:00:00Z is -2208988800 seconds.
  EXPECT_EQ(FormatRfc3339(-2'208'988'800 * kSecond), "1900-01-01T00:00:00.000000Z");
}

TEST(ClockTest, FormatDateIsTheUtcDay) {
  EXPECT_EQ(FormatDate(0), "1970-01-01");
  EXPECT_EQ(FormatDate(k2024Jan1Ten), "2024-01-01");
  EXPECT_EQ(FormatDate(k2024Jan1Ten + 14 * kHour - 1), "2024-01-01");
  EXPECT_EQ(FormatDate(k2024Jan1Ten + 14 * kHour), "2024-01-02");
  EXPECT_EQ(FormatDate(-1), "1969-12-31");
  EXPECT_EQ(FormatDate(-kDay), "1969-12-31");
  EXPECT_EQ(FormatDate(-kDay - 1), "1969-12-30");
}

// ---- ParseRfc3339 ----

TEST(ClockTest, ParsesWhatFormatWrites) {
  const int64_t instants[] = {0,
                              1,
                              -1,
                              k2024Jan1Ten,
                              k2024Jan1Ten + 987'654,
                              -kDay - 1,
                              -2'208'988'800 * kSecond,
                              253'402'300'799 * kSecond};
  for (int64_t micros : instants) {
    std::optional<int64_t> parsed = ParseRfc3339(FormatRfc3339(micros));
    ASSERT_TRUE(parsed.has_value()) << FormatRfc3339(micros);
    EXPECT_EQ(*parsed, micros) << FormatRfc3339(micros);
  }
}

TEST(ClockTest, ParsesWithoutFraction) {
  EXPECT_EQ(ParseRfc3339("2024-01-01T10:00:00Z"), k2024Jan1Ten);
  EXPECT_EQ(ParseRfc3339("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(ParseRfc3339("1969-12-31T23:59:59Z"), -kSecond);
}

TEST(ClockTest, ParsesShortAndLongFractions) {
  EXPECT_EQ(ParseRfc3339("2024-01-01T10:00:00.5Z"), k2024Jan1Ten + 500'000);
  EXPECT_EQ(ParseRfc3339("2024-01-01T10:00:00.012Z"), k2024Jan1Ten + 12'000);
  // Digits beyond microseconds are truncated, not rounded.
  EXPECT_EQ(ParseRfc3339("2024-01-01T10:00:00.123456789Z"), k2024Jan1Ten + 123'456);
  EXPECT_EQ(ParseRfc3339("2024-01-01T10:00:00.9999999Z"), k2024Jan1Ten + 999'999);
  EXPECT_EQ(ParseRfc3339("1969-12-31T23:59:59.999999999Z"), -1);
}

TEST(ClockTest, ParsesOffsets) {
  EXPECT_EQ(ParseRfc3339("2024-01-01T12:00:00+02:00"), k2024Jan1Ten);
  EXPECT_EQ(ParseRfc3339("2024-01-01T04:30:00-05:30"), k2024Jan1Ten);
  EXPECT_EQ(ParseRfc3339("2024-01-01T10:00:00+00:00"), k2024Jan1Ten);
  EXPECT_EQ(ParseRfc3339("2024-01-01T10:00:00-00:00"), k2024Jan1Ten);
  // The offset can move the instant across a day.
  EXPECT_EQ(ParseRfc3339("2023-12-31T23:00:00-11:00"), k2024Jan1Ten);
  EXPECT_EQ(ParseRfc3339("2024-01-01T10:00:00.25+01:00"), k2024Jan1Ten - kHour + 250'000);
}

TEST(ClockTest, ParsesLowercaseTAndZ) {
  EXPECT_EQ(ParseRfc3339("2024-01-01t10:00:00z"), k2024Jan1Ten);
  EXPECT_EQ(ParseRfc3339("2024-01-01t10:00:00.000001Z"), k2024Jan1Ten + 1);
  // RFC 3339 section 5.6 allows a space instead of the 'T'.
  EXPECT_EQ(ParseRfc3339("2024-01-01 10:00:00Z"), k2024Jan1Ten);
}

TEST(ClockTest, ParsesLeapDays) {
  // 2024-02-29T00:00:00Z.
  EXPECT_EQ(ParseRfc3339("2024-02-29T00:00:00Z"), k2024Jan1Ten - 10 * kHour + 59 * kDay);
  EXPECT_EQ(FormatRfc3339(*ParseRfc3339("2024-02-29T12:34:56.000007Z")),
            "2024-02-29T12:34:56.000007Z");
  EXPECT_TRUE(ParseRfc3339("2000-02-29T00:00:00Z").has_value());   // Divisible by 400.
  EXPECT_FALSE(ParseRfc3339("1900-02-29T00:00:00Z").has_value());  // Divisible by 100.
  EXPECT_FALSE(ParseRfc3339("2023-02-29T00:00:00Z").has_value());
}

TEST(ClockTest, RefusesImpossibleDatesAndTimes) {
  const char* inputs[] = {
      "2024-02-30T00:00:00Z",      "2024-04-31T00:00:00Z",      "2024-13-01T00:00:00Z",
      "2024-00-01T00:00:00Z",      "2024-01-00T00:00:00Z",      "2024-01-32T00:00:00Z",
      "2024-01-01T24:00:00Z",      "2024-01-01T10:60:00Z",      "2024-01-01T10:00:61Z",
      "2024-01-01T10:00:00+24:00", "2024-01-01T10:00:00+01:60",
  };
  for (const char* input : inputs) EXPECT_EQ(ParseRfc3339(input), std::nullopt) << input;
}

TEST(ClockTest, RefusesMalformedText) {
  const char* inputs[] = {
      "",
      "garbage",
      "2024-01-01T10:00:00",              // No zone.
      "2024-01-01",                       // Date only.
      "2024-01-01T10:00Z",                // No seconds.
      "2024-01-01T10:00:00ZZ",            // Trailing characters.
      "2024-01-01T10:00:00Z ",            //
      "2024-01-01T10:00:00+02:00x",       //
      "2024-01-01T10:00:00.Z",            // Empty fraction.
      "2024-01-01T10:00:00.1234567890Z",  // Ten fraction digits.
      "2024-01-01T10:00:00+0200",         // Offset without colon.
      "2024-01-01T10:00:00+2:00",         //
      "2024-01-01T10:00:00 UTC",          //
      "2024-1-01T10:00:00Z",              // One-digit month.
      "24-01-01T10:00:00Z",               //
      "2024/01/01T10:00:00Z",             //
      "2024-01-01X10:00:00Z",             //
      "+2024-01-01T10:00:00Z",            //
      "2024-01-01T1a:00:00Z",             //
  };
  for (const char* input : inputs) EXPECT_EQ(ParseRfc3339(input), std::nullopt) << input;
}

TEST(ClockTest, RefusesEmbeddedNul) {
  std::string text = "2024-01-01T10:00:00Z";
  text.push_back('\0');
  EXPECT_EQ(ParseRfc3339(text), std::nullopt);
}

// ---- Clocks ----

TEST(ClockTest, ManualClockMovesOnlyWhenTold) {
  ManualClock clock(k2024Jan1Ten);
  EXPECT_EQ(clock.NowMicros(), k2024Jan1Ten);
  EXPECT_EQ(clock.NowMicros(), k2024Jan1Ten);
  clock.Advance(kSecond);
  EXPECT_EQ(clock.NowMicros(), k2024Jan1Ten + kSecond);
  clock.Set(-5);
  EXPECT_EQ(clock.NowMicros(), -5);
}

TEST(ClockTest, SystemClockIsAfter2024AndNonDecreasing) {
  Clock* clock = SystemClock::Default();
  ASSERT_EQ(clock, SystemClock::Default());
  int64_t first = clock->NowMicros();
  int64_t second = clock->NowMicros();
  EXPECT_GT(first, k2024Jan1Ten);
  EXPECT_GE(second, first);
}

}  // namespace
}  // namespace xronox
