// retention: {"days", "maxPerItem"} on databases and collection maps: read, written back,
// refused where it cannot apply.
#include <gtest/gtest.h>

#include "xronox/config.h"

namespace xronox {
namespace {

Config Embedded() {
  auto config = CreateEmbeddedConfig("/tmp/unused");
  EXPECT_TRUE(config.ok()) << config.status().ToString();
  return config.ok() ? *config : Config{};
}

DatabaseConfig& Database(Config& config, DatabaseType type) {
  for (DatabaseConfig& db : config.databases) {
    if (db.type == type) return db;
  }
  return *config.runtime_tenant_template;  // Runtime: the tenant template.
}

TEST(ConfigRetentionTest, ReadsAndWritesBackTheDatabaseAndCollectionPolicies) {
  Config config = Embedded();
  Database(config, DatabaseType::kLogs).retention = RetentionPolicy{30, 0};
  config.collection_maps["audit"].retention = RetentionPolicy{365, 0};
  Json json = ConfigToJson(config);
  EXPECT_EQ(json["databases"]["logs"]["retention"], Json({{"days", 30}}));
  EXPECT_EQ(json["collectionMaps"]["audit"]["retention"], Json({{"days", 365}}));
  auto read = ParseConfigJson(json.dump());
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  ASSERT_TRUE(Database(*read, DatabaseType::kLogs).retention.has_value());
  EXPECT_EQ(Database(*read, DatabaseType::kLogs).retention->days, 30);
  EXPECT_EQ(read->collection_maps["audit"].retention->days, 365);
  EXPECT_TRUE(ConfigFieldsNotActedOn(*read).empty());
}

TEST(ConfigRetentionTest, RefusesPoliciesThatCannotApply) {
  auto problem = [](Config config) { return ValidateConfig(config).message(); };
  Config knowledge = Embedded();
  Database(knowledge, DatabaseType::kKnowledge).retention = RetentionPolicy{30, 0};
  EXPECT_NE(problem(knowledge).find("databases.knowledge.retention: retention deletes log "
                                    "records and bounds runtime history"),
            std::string::npos)
      << problem(knowledge);
  Config versions = Embedded();
  Database(versions, DatabaseType::kLogs).retention = RetentionPolicy{30, 5};
  EXPECT_NE(problem(versions).find("databases.logs.retention.maxPerItem: logs keep no versions"),
            std::string::npos)
      << problem(versions);
  Config empty = Embedded();
  empty.collection_maps["audit"].retention = RetentionPolicy{0, 0};
  EXPECT_NE(problem(empty).find("collectionMaps.audit.retention: needs days or maxPerItem"),
            std::string::npos)
      << problem(empty);
  Config negative = Embedded();
  negative.collection_maps["audit"].retention = RetentionPolicy{-1, 3};
  EXPECT_NE(problem(negative).find("collectionMaps.audit.retention.days: must not be negative"),
            std::string::npos)
      << problem(negative);
}

// Runtime history retention is acted on (history_retention_test.cc): nothing is named at start-up.
TEST(ConfigRetentionTest, RuntimeHistoryRetentionIsValidAndActedOn) {
  Config config = Embedded();
  Database(config, DatabaseType::kRuntime).retention = RetentionPolicy{90, 10};
  config.collection_maps["orders"].retention = RetentionPolicy{0, 10};
  ASSERT_TRUE(ValidateConfig(config).ok()) << ValidateConfig(config).ToString();
  EXPECT_TRUE(ConfigFieldsNotActedOn(config).empty());
}

}  // namespace
}  // namespace xronox
