// Projection (engine/projection.h): each named field the data has is copied to its path, absent
// ones are left out, nested paths build their objects, raw text stays raw, and bad field lists
// are refused with invalid_query.
#include "engine/projection.h"

#include <gtest/gtest.h>

namespace xronox {
namespace {

const Json kData = {{"status", "paid"},
                    {"total", 40},
                    {"address", {{"city", "Oslo"}, {"zip", "0150"}}},
                    {"a.b", 1},
                    {"tags", {"x"}}};

TEST(ProjectionTest, KeepsTheNamedFieldsAtTheirPaths) {
  EXPECT_EQ(Project(kData, {"status", "address.city", "missing", "address.none"}),
            (Json{{"status", "paid"}, {"address", {{"city", "Oslo"}}}}));
  EXPECT_EQ(Project(kData, {"address", "address.city"}),
            (Json{{"address", {{"city", "Oslo"}, {"zip", "0150"}}}}));
  EXPECT_EQ(Project(kData, {"tags.0"}), Json::object()) << "paths go through objects only";
  EXPECT_EQ(Project(kData, {}), kData);
  EXPECT_EQ(Project(kData, {"nothing"}), Json::object());
}

TEST(ProjectionTest, ProjectsRawTextAndLeavesDeletedRecordsAlone) {
  Record raw;
  raw.id = "r";
  raw.data_text = kData.dump();
  ASSERT_TRUE(ProjectRecord(raw, {"total"}).ok());
  EXPECT_EQ(raw.data_text, R"({"total":40})");
  Record parsed;
  parsed.data = kData;
  ASSERT_TRUE(ProjectRecord(parsed, {"address.zip"}).ok());
  EXPECT_EQ(parsed.data, (Json{{"address", {{"zip", "0150"}}}}));
  Record deleted;
  deleted.deleted = true;
  EXPECT_TRUE(ProjectRecord(deleted, {"total"}).ok());
  EXPECT_TRUE(deleted.data.is_null());
}

TEST(ProjectionTest, RefusesEmptyNamesLongPathsAndTooManyFields) {
  for (const std::string& bad :
       std::vector<std::string>{"", ".a", "a.", "a..b", std::string(257, 'x')}) {
    Status refused = CheckProjection({"ok", bad});
    EXPECT_EQ(refused.reason(), "invalid_query") << "'" << bad << "'";
  }
  std::vector<std::string> many(kMaxProjectedFields + 1, "f");
  EXPECT_EQ(CheckProjection(many).reason(), "invalid_query");
  EXPECT_TRUE(CheckProjection(std::vector<std::string>(kMaxProjectedFields, "f")).ok());
}

}  // namespace
}  // namespace xronox
