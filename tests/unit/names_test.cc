// Validators of outside names: record and tenant ids, collection, database, bucket names,
// property paths.
#include "common/names.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace xronox {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using namespace std::string_literals;

using Validator = Status (*)(const std::string&);

void ExpectAccepted(Validator validate, const std::vector<std::string>& names) {
  for (const std::string& name : names) {
    Status status = validate(name);
    EXPECT_TRUE(status.ok()) << "'" << name << "': " << status.message();
  }
}

void ExpectRefused(Validator validate, const std::vector<std::string>& names) {
  for (const std::string& name : names) {
    Status status = validate(name);
    EXPECT_EQ(status.code(), StatusCode::kInvalidArgument) << "accepted '" << name << "'";
  }
}

// Inputs every validator refuses: empty, separators, '$', NUL, control and non-ASCII bytes.
// (Property paths differ and are tested separately.)
const std::vector<std::string> kAlwaysRefused = {
    "",   "a/b", "a\\b", "$x",  "a b",  "a\0b"s, "\0"s, "a\nb", "caf\xc3\xa9", "\xe4\xb8\xad",
    "a*", "a?",  "a\"b", "a'b", "a%2e",
};

TEST(NamesTest, RecordIds) {
  ExpectAccepted(ValidateRecordId, {"a", "Z", "0", "rec-1", "a_b", "a.b", "a..b", "a.", "urn:x:1",
                                    "01hq3k8z9x0000000000000000", std::string(128, 'a')});
  ExpectRefused(ValidateRecordId, kAlwaysRefused);
  ExpectRefused(ValidateRecordId, {".", "..", ".hidden", "../x", std::string(129, 'a')});
}

TEST(NamesTest, TenantIds) {
  ExpectAccepted(ValidateTenantId, {"acme", "ACME", "t-1_x", "0", "-", std::string(128, 't')});
  ExpectRefused(ValidateTenantId, kAlwaysRefused);
  ExpectRefused(ValidateTenantId, {".", "..", "a.b", "a:b", std::string(129, 't')});
}

TEST(NamesTest, CollectionNames) {
  ExpectAccepted(ValidateCollectionName,
                 {"users", "Users", "_private", "9lives", "a-b", "a_", std::string(128, 'c')});
  ExpectRefused(ValidateCollectionName, kAlwaysRefused);
  ExpectRefused(ValidateCollectionName,
                {"-a", "-", ".", "..", "a.b", "a:b", std::string(129, 'c')});
}

TEST(NamesTest, DatabaseNames) {
  ExpectAccepted(ValidateDatabaseName, {"xronox", "db-1_X", "-", std::string(200, 'd')});
  ExpectRefused(ValidateDatabaseName, kAlwaysRefused);
  ExpectRefused(ValidateDatabaseName, {".", "..", "a.b", std::string(201, 'd')});
}

TEST(NamesTest, S3BucketNames) {
  ExpectAccepted(ValidateBucketName,
                 {"abc", "my-bucket", "my.bucket.1", "123", std::string(63, 'b')});
  ExpectRefused(ValidateBucketName, kAlwaysRefused);
  ExpectRefused(ValidateBucketName, {"ab", "a", ".", "..", "...", "-abc", "abc-", ".abc", "abc.",
                                     "a_b", std::string(64, 'b')});
}

TEST(NamesTest, S3BucketNamesMustBeLowercase) {
  Status status = ValidateBucketName("MyBucket");
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("lowercase"));
}

TEST(NamesTest, FolderBucketNames) {
  ExpectAccepted(ValidateFolderBucketName,
                 {"a", "Records", "a.b_c-d", "x..y", "-", std::string(255, 'f')});
  ExpectRefused(ValidateFolderBucketName, kAlwaysRefused);
  ExpectRefused(ValidateFolderBucketName, {".", "..", ".hidden", "a:b", std::string(256, 'f')});
}

TEST(NamesTest, PropertyPathsAccepted) {
  ExpectAccepted(ValidatePropertyPath,
                 {"a", "a.b.c", "status", "a$", "a.b$", "a-b", "a b", "a/b", "a:b",
                  "caf\xc3\xa9.\xe4\xb8\xad",  // Non-ASCII names are fine.
                  std::string(128, 'p'), std::string(128, 'p') + "." + std::string(128, 'q')});
}

TEST(NamesTest, PropertyPathsRefused) {
  ExpectRefused(ValidatePropertyPath,
                {"", ".", "..", "a.", ".a", "a..b", "$x", "$", "a.$x", "a.b.$in", "a\0b"s, "a\nb",
                 "a\x1f", "\0"s, std::string(129, 'p'), "a." + std::string(129, 'p')});
}

TEST(NamesTest, LengthLimitIsInBytesNotCharacters) {
  // 64 two-byte characters are 128 bytes: accepted; one more byte is too long.
  std::string two_byte_chars;
  for (int i = 0; i < 64; ++i) two_byte_chars += "\xc3\xa9";
  ASSERT_EQ(two_byte_chars.size(), kMaxNameBytes);
  EXPECT_TRUE(ValidatePropertyPath(two_byte_chars).ok());
  EXPECT_FALSE(ValidatePropertyPath(two_byte_chars + "x").ok());
}

TEST(NamesTest, MessagesNameTheProblem) {
  EXPECT_THAT(ValidateRecordId("").message(), HasSubstr("must not be empty"));
  EXPECT_THAT(ValidateRecordId(std::string(129, 'a')).message(),
              HasSubstr("longer than 128 bytes"));
  EXPECT_THAT(ValidateRecordId("a/b").message(), HasSubstr("'a/b'"));
  EXPECT_THAT(ValidateRecordId(".x").message(), HasSubstr("must not start with '.'"));
  EXPECT_THAT(ValidateCollectionName("-x").message(), HasSubstr("must not start with '-'"));
  EXPECT_THAT(ValidatePropertyPath("a\x01").message(), HasSubstr("control byte"));
}

TEST(NamesTest, MessagesDoNotEchoControlOrNonAsciiBytes) {
  std::string message = ValidateRecordId("a\0\n\x7f\xc3\xa9z"s).message();
  EXPECT_THAT(message, HasSubstr("'a?????z'"));
  for (char c : message) {
    unsigned char u = static_cast<unsigned char>(c);
    EXPECT_TRUE(u >= 0x20 && u < 0x7f) << "byte " << static_cast<int>(u);
  }
}

TEST(NamesTest, MessagesTruncateLongNames) {
  std::string name = std::string(64, 'a') + "/" + std::string(50, 'z');
  std::string message = ValidateRecordId(name).message();
  EXPECT_THAT(message, HasSubstr("'" + std::string(64, 'a') + "...'"));
  EXPECT_THAT(message, Not(HasSubstr("zz")));
}

TEST(NamesTest, CaseCollisionsGroupNamesEqualButForCase) {
  EXPECT_TRUE(CaseCollisions({"acme", "globex", "acme2"}).empty());
  auto groups = CaseCollisions({"acme", "Globex", "ACME", "globex", "Acme", "other"});
  ASSERT_EQ(groups.size(), 2u);
  EXPECT_EQ(groups[0], (std::vector<std::string>{"ACME", "Acme", "acme"}));
  EXPECT_EQ(groups[1], (std::vector<std::string>{"Globex", "globex"}));
  EXPECT_TRUE(EqualsIgnoringAsciiCase("Race_1", "rACE_1"));
  EXPECT_FALSE(EqualsIgnoringAsciiCase("race", "races"));
  EXPECT_FALSE(EqualsIgnoringAsciiCase("\xc3\xa9", "\xc3\x89"));  // Only ASCII letters fold.
}

}  // namespace
}  // namespace xronox
