// Helpers of the HotStore tests: a temporary directory, row builders, status assertions.
// Thread-safety: test code; TempDir is used by one thread.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <string>
#include <vector>

#include "store/hot/hot_store.h"
#include "xronox/status.h"

namespace xronox::store::testing {

/// A fresh directory under the system temp directory, removed with its contents on
/// destruction.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "xronox-hot-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) ADD_FAILURE() << "mkdtemp failed for " << pattern;
    path_ = pattern;
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

inline const Status& StatusOf(const Status& status) { return status; }
template <typename T>
const Status& StatusOf(const Result<T>& result) {
  return result.status();
}

/// A head with every field set from `id` and `version`.
inline HeadRow MakeHead(const std::string& id, int64_t version, std::string indexed = "{}",
                        bool deleted = false) {
  HeadRow head;
  head.id = id;
  head.version = version;
  head.deleted = deleted;
  head.data = R"({"id":")" + id + R"(","v":)" + std::to_string(version) + "}";
  head.payload_key = "records/items/" + id + "/current.json";
  head.payload_hash = "ph-" + id + "-" + std::to_string(version);
  head.entry_hash = "eh-" + id + "-" + std::to_string(version);
  head.created_at = 1000;
  head.updated_at = 1000 + version;
  head.actor = "actor-" + std::to_string(version);
  head.reason = "reason-" + std::to_string(version);
  head.on_behalf_of = "user-" + std::to_string(version);
  head.indexed = std::move(indexed);
  return head;
}

/// A version row with every field set from `id`, `version` and `at`.
inline VersionRow MakeVersion(const std::string& id, int64_t version, TimestampMicros at) {
  VersionRow row;
  row.id = id;
  row.version = version;
  row.op = version == 0 ? "create" : "update";
  row.actor = "actor-" + std::to_string(version);
  row.reason = "reason-" + std::to_string(version);
  row.on_behalf_of = "user-" + std::to_string(version);
  row.at = at;
  row.changed_fields = R"(["name"])";
  row.payload_key = "versions/items/" + id + "/v" + std::to_string(version) + ".json";
  row.entry_hash = "eh-" + id + "-" + std::to_string(version);
  row.prev_hash = version == 0 ? "" : "eh-" + id + "-" + std::to_string(version - 1);
  row.deleted = false;
  row.idempotency_key = "idem-" + id + "-" + std::to_string(version);
  return row;
}

inline void ExpectHeadEq(const HeadRow& actual, const HeadRow& expected) {
  EXPECT_EQ(actual.id, expected.id);
  EXPECT_EQ(actual.version, expected.version);
  EXPECT_EQ(actual.deleted, expected.deleted);
  EXPECT_EQ(actual.data, expected.data);
  EXPECT_EQ(actual.payload_key, expected.payload_key);
  EXPECT_EQ(actual.payload_hash, expected.payload_hash);
  EXPECT_EQ(actual.entry_hash, expected.entry_hash);
  EXPECT_EQ(actual.created_at, expected.created_at);
  EXPECT_EQ(actual.updated_at, expected.updated_at);
  EXPECT_EQ(actual.actor, expected.actor);
  EXPECT_EQ(actual.reason, expected.reason);
  EXPECT_EQ(actual.on_behalf_of, expected.on_behalf_of);
  EXPECT_EQ(actual.indexed, expected.indexed);
  EXPECT_EQ(actual.tally.created, expected.tally.created);
  EXPECT_EQ(actual.tally.updated, expected.tally.updated);
  EXPECT_EQ(actual.tally.deleted, expected.tally.deleted);
}

inline void ExpectVersionEq(const VersionRow& actual, const VersionRow& expected) {
  EXPECT_EQ(actual.id, expected.id);
  EXPECT_EQ(actual.version, expected.version);
  EXPECT_EQ(actual.op, expected.op);
  EXPECT_EQ(actual.actor, expected.actor);
  EXPECT_EQ(actual.reason, expected.reason);
  EXPECT_EQ(actual.on_behalf_of, expected.on_behalf_of);
  EXPECT_EQ(actual.at, expected.at);
  EXPECT_EQ(actual.changed_fields, expected.changed_fields);
  EXPECT_EQ(actual.payload_key, expected.payload_key);
  EXPECT_EQ(actual.entry_hash, expected.entry_hash);
  EXPECT_EQ(actual.prev_hash, expected.prev_hash);
  EXPECT_EQ(actual.deleted, expected.deleted);
  EXPECT_EQ(actual.idempotency_key, expected.idempotency_key);
}

template <typename Row>
std::vector<std::string> IdsOf(const std::vector<Row>& rows) {
  std::vector<std::string> ids;
  for (const Row& row : rows) ids.push_back(row.id);
  return ids;
}

inline std::vector<int64_t> VersionsOf(const std::vector<VersionRow>& rows) {
  std::vector<int64_t> versions;
  for (const VersionRow& row : rows) versions.push_back(row.version);
  return versions;
}

}  // namespace xronox::store::testing

/// Fail the test (fatally) unless the Status or Result `expr` is ok.
#define HOT_ASSERT_OK(expr)                                            \
  do {                                                                 \
    const auto& hot_result_ = (expr);                                  \
    ASSERT_TRUE(::xronox::store::testing::StatusOf(hot_result_).ok())  \
        << ::xronox::store::testing::StatusOf(hot_result_).ToString(); \
  } while (0)

/// Fail the test (fatally) unless the Result `expr` is ok; move its value into `lhs`.
#define HOT_ASSERT_OK_AND_ASSIGN(lhs, expr) \
  HOT_ASSERT_OK_AND_ASSIGN_IMPL(XRONOX_CONCAT(hot_result_, __LINE__), lhs, expr)
#define HOT_ASSERT_OK_AND_ASSIGN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                                  \
  ASSERT_TRUE(tmp.ok()) << tmp.status().ToString();   \
  lhs = std::move(tmp).value()

/// Expect the Status or Result `expr` to fail with StatusCode `expected_code`.
#define HOT_EXPECT_CODE(expr, expected_code)                                         \
  do {                                                                               \
    const auto& hot_result_ = (expr);                                                \
    EXPECT_EQ(::xronox::store::testing::StatusOf(hot_result_).code(), expected_code) \
        << ::xronox::store::testing::StatusOf(hot_result_).ToString();               \
  } while (0)
