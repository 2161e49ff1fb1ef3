// The README's library example, compiled and run as written (only the path differs).
#include <gtest/gtest.h>

#include "support/temp_dir.h"
#include "xronox/xronox.h"

namespace xronox::testing {
namespace {

TEST(ReadmeExampleTest, LibraryExampleWorksAsDocumented) {
  TempDir dir;
  auto config = xronox::CreateEmbeddedConfig(dir.path() + "/data");
  auto store = xronox::Xronox::Open(*config);  // Result<unique_ptr<Xronox>>
  auto orders =
      (*store)->With({xronox::DatabaseType::kRuntime, xronox::Tier::kTenant, "acme", "orders"});
  xronox::WriteOptions audit{.actor = "user-123", .reason = "checkout"};
  auto created = orders->Create({{"status", "new"}}, audit);  // id + version 0
  auto record = orders->Get(created->id);

  ASSERT_TRUE(created.ok()) << created.status().ToString();
  EXPECT_EQ(created->version, 0);
  ASSERT_TRUE(record.ok()) << record.status().ToString();
  EXPECT_EQ(record->data, (Json{{"status", "new"}}));
  EXPECT_EQ(record->actor, "user-123");
}

}  // namespace
}  // namespace xronox::testing
