// Record ids (time-ordered Crockford base32) and random hex tokens.
#include "common/ids.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "common/names.h"

namespace xronox {
namespace {

constexpr std::string_view kCrockford = "0123456789abcdefghjkmnpqrstvwxyz";
constexpr int64_t kMilli = 1000;
constexpr int64_t k2024Jan1 = 1'704'067'200'000'000;  // Microseconds.

// Decodes the 10-character time prefix back to milliseconds.
uint64_t PrefixMillis(const std::string& id) {
  uint64_t millis = 0;
  for (int i = 0; i < 10; ++i) millis = millis * 32 + kCrockford.find(id[i]);
  return millis;
}

TEST(IdsTest, RecordIdIs26CrockfordCharactersAndAValidRecordId) {
  for (int i = 0; i < 100; ++i) {
    std::string id = NewRecordId(k2024Jan1 + i);
    ASSERT_EQ(id.size(), 26u) << id;
    for (char c : id) EXPECT_NE(kCrockford.find(c), std::string_view::npos) << id;
    EXPECT_TRUE(ValidateRecordId(id).ok()) << id;
  }
}

TEST(IdsTest, PrefixEncodesMilliseconds) {
  EXPECT_EQ(NewRecordId(0).substr(0, 10), "0000000000");
  EXPECT_EQ(NewRecordId(999).substr(0, 10), "0000000000");  // Sub-millisecond dropped.
  EXPECT_EQ(NewRecordId(1 * kMilli).substr(0, 10), "0000000001");
  EXPECT_EQ(NewRecordId(31 * kMilli).substr(0, 10), "000000000z");
  EXPECT_EQ(NewRecordId(32 * kMilli).substr(0, 10), "0000000010");
  EXPECT_EQ(PrefixMillis(NewRecordId(k2024Jan1)), 1'704'067'200'000u);
  EXPECT_EQ(PrefixMillis(NewRecordId(k2024Jan1 + 123'456)), 1'704'067'200'123u);
}

TEST(IdsTest, IdsSortInTimeOrder) {
  const int64_t times[] = {0,
                           kMilli,
                           2 * kMilli,
                           32 * kMilli,
                           k2024Jan1,
                           k2024Jan1 + kMilli,
                           k2024Jan1 + 1'000 * kMilli,
                           k2024Jan1 + 86'400'000 * kMilli,
                           4'102'444'800'000'000};  // 2100-01-01.
  std::string previous;
  for (int64_t t : times) {
    std::string id = NewRecordId(t);
    EXPECT_LT(previous, id) << "at " << t;
    previous = id;
  }
}

TEST(IdsTest, IdsOfConsecutiveMillisecondsSortInOrder) {
  std::string previous = NewRecordId(k2024Jan1);
  for (int i = 1; i <= 5'000; ++i) {
    std::string id = NewRecordId(k2024Jan1 + i * kMilli);
    ASSERT_LT(previous, id) << "millisecond " << i;
    previous = id;
  }
}

TEST(IdsTest, TenThousandIdsInOneMillisecondAreUnique) {
  std::set<std::string> ids;
  for (int i = 0; i < 10'000; ++i) ids.insert(NewRecordId(k2024Jan1));
  EXPECT_EQ(ids.size(), 10'000u);
}

TEST(IdsTest, EveryRandomPositionUsesTheWholeAlphabet) {
  // 80 random bits fill the 16 trailing characters exactly; a bit-packing slip would leave
  // some position short of symbols. Missing one of 32 symbols in 10,000 draws has
  // probability below 1e-130.
  std::vector<std::set<char>> seen(26);
  for (int i = 0; i < 10'000; ++i) {
    std::string id = NewRecordId(k2024Jan1);
    for (int p = 0; p < 26; ++p) seen[p].insert(id[p]);
  }
  for (int p = 0; p < 10; ++p) EXPECT_EQ(seen[p].size(), 1u) << "time position " << p;
  for (int p = 10; p < 26; ++p) EXPECT_EQ(seen[p].size(), 32u) << "random position " << p;
}

TEST(IdsTest, RandomHexHasTwoLowercaseHexDigitsPerByte) {
  for (int bytes : {0, 1, 16, 32}) {
    std::string hex = RandomHex(bytes);
    EXPECT_EQ(hex.size(), static_cast<size_t>(2 * bytes));
    for (char c : hex) {
      EXPECT_TRUE((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')) << hex;
    }
  }
}

TEST(IdsTest, RandomHexTokensDiffer) {
  std::set<std::string> tokens;
  std::set<char> digits;
  for (int i = 0; i < 1'000; ++i) {
    std::string token = RandomHex(16);
    tokens.insert(token);
    digits.insert(token.begin(), token.end());
  }
  EXPECT_EQ(tokens.size(), 1'000u);
  EXPECT_EQ(digits.size(), 16u);
}

// The time prefix is the first 10 characters of every id of its millisecond, sorts before
// them and after every id of an earlier millisecond: what a time range of log ids relies on.
TEST(IdsTest, TimePrefixBoundsTheIdsOfItsMillisecond) {
  const int64_t at = k2024Jan1 + 5 * kMilli + 300;
  std::string prefix = RecordIdTimePrefix(at);
  ASSERT_EQ(prefix.size(), 10u);
  EXPECT_EQ(PrefixMillis(prefix + std::string(16, '0')), static_cast<uint64_t>(at / kMilli));
  for (int i = 0; i < 50; ++i) {
    std::string same = NewRecordId(at - 300 + i * 10);  // The same millisecond.
    EXPECT_EQ(same.substr(0, 10), prefix);
    EXPECT_LT(prefix, same);
    EXPECT_LT(NewRecordId(at - kMilli), prefix);
    EXPECT_GT(NewRecordId(at + kMilli), prefix + std::string(16, 'z'));
  }
  EXPECT_EQ(RecordIdTimePrefix(-5), std::string(10, '0')) << "before 1970: the smallest";
}

}  // namespace
}  // namespace xronox
