// MigrateLegacyConfig: the seed's v2.4.x raw config (Migration Guide) into the current format.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "config/resolve.h"
#include "xronox/config.h"

namespace xronox {
namespace {

using ::testing::HasSubstr;

constexpr char kConnections[] = R"({"connections": {
  "mongo": {"mongo-primary": {"uri": "mongodb://localhost:27017"}},
  "s3": {"s3-primary": {"endpoint": "https://s3.amazonaws.com", "region": "us-east-1"}}}})";

// The seed's "Before (v2.4.x)" runtime, with the generic databases in the old shape.
constexpr char kSeedBefore[] = R"({
  "knowledge": {"genericDatabase": {"dbConnRef": "mongo-primary", "spaceConnRef": "s3-primary",
    "recordsBucket": "xronox-knowledge-records", "contentBucket": "xronox-knowledge-content",
    "backupsBucket": "xronox-knowledge-backups", "dbName": "athenix_knowledge"}},
  "metadata": {"genericDatabase": {"dbConnRef": "mongo-primary", "dbName": "athenix_metadata"}},
  "runtime": {"tenantDatabases": [{
    "tenantId": "tenant-a", "dbConnRef": "mongo-primary",
    "dbName": "athenix_runtime_tenant_a", "analyticsDbName": "athenix_analytics_tenant_a"}]},
  "messaging": {"dbConnRef": "mongo-primary", "spaceConnRef": "s3-primary",
    "recordsBucket": "xronox-messaging-records", "contentBucket": "xronox-messaging-content",
    "backupsBucket": "xronox-messaging-backups", "dbName": "athenix_messaging"},
  "identities": {"dbConnRef": "mongo-primary", "spaceConnRef": "s3-primary",
    "recordsBucket": "xronox-identities-records", "contentBucket": "xronox-identities-content",
    "backupsBucket": "xronox-identities-backups", "dbName": "athenix_identities"},
  "logs": {"dbConnRef": "mongo-primary", "dbName": "athenix_logs"}
})";

// The seed's "After (v2.6.0)" runtime tenant, still in the raw (dbConnRef) shape.
constexpr char kSeedAfterRuntime[] = R"({
  "runtime": {"tenantDatabases": [{
    "tenantId": "tenant-a", "dbConnRef": "mongo-primary", "spaceConnRef": "s3-primary",
    "recordsBucket": "xronox-runtime-records", "versionsBucket": "xronox-runtime-versions",
    "contentBucket": "xronox-runtime-content", "backupsBucket": "xronox-runtime-backups",
    "dbName": "athenix_runtime_tenant_a", "analyticsDbName": "athenix_analytics_tenant_a"}]}
})";

const DatabaseConfig* FindType(const Config& config, DatabaseType type) {
  for (const DatabaseConfig& db : config.databases) {
    if (db.type == type) return &db;
  }
  return nullptr;
}

TEST(ConfigMigrateTest, SeedBeforeMigratesWithConnectionsFile) {
  Result<MigrationResult> result = MigrateLegacyConfig(kSeedBefore, kConnections);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  const Config& config = result->config;
  EXPECT_TRUE(ValidateConfig(config).ok());
  EXPECT_EQ(config.databases.size(), 6u);
  const DatabaseConfig* knowledge = FindType(config, DatabaseType::kKnowledge);
  ASSERT_NE(knowledge, nullptr);
  EXPECT_EQ(knowledge->mongo_ref, "mongo-primary");
  EXPECT_EQ(knowledge->s3_ref, "s3-primary");
  EXPECT_EQ(knowledge->buckets.records, "xronox-knowledge-records");
  EXPECT_EQ(knowledge->db_name, "athenix_knowledge");
  const DatabaseConfig* metadata = FindType(config, DatabaseType::kMetadata);
  ASSERT_NE(metadata, nullptr);
  EXPECT_FALSE(HasObjectStore(*metadata));
  const DatabaseConfig* runtime = FindType(config, DatabaseType::kRuntime);
  ASSERT_NE(runtime, nullptr);
  EXPECT_EQ(runtime->tenant_id, "tenant-a");
  EXPECT_EQ(runtime->tier, Tier::kTenant);
  EXPECT_EQ(runtime->analytics_db_name, "athenix_analytics_tenant_a");
  EXPECT_EQ(runtime->enable_versioning, std::optional<bool>(true));
  EXPECT_FALSE(HasObjectStore(*runtime));
  ASSERT_EQ(result->warnings.size(), 1u);
  EXPECT_THAT(result->warnings[0], HasSubstr("tenant-a"));
  EXPECT_THAT(result->warnings[0], HasSubstr("hot store only"));
  // The output is a valid new-form config.
  Result<Config> reparsed = ParseConfigJson(ConfigToJson(config).dump());
  EXPECT_TRUE(reparsed.ok()) << reparsed.status().ToString();
}

TEST(ConfigMigrateTest, MissingConnectionDefinitionsListTheRefs) {
  Result<MigrationResult> result = MigrateLegacyConfig(kSeedBefore);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(result.status().message(), HasSubstr("'mongo-primary'"));
  EXPECT_THAT(result.status().message(), HasSubstr("'s3-primary'"));
  EXPECT_THAT(result.status().message(), HasSubstr("runtime.tenantDatabases[0].dbConnRef"));
  EXPECT_THAT(result.status().message(), HasSubstr("knowledge.genericDatabase.spaceConnRef"));
}

TEST(ConfigMigrateTest, ConnectionsInsideTheConfigAreUsed) {
  std::string text = kSeedAfterRuntime;
  text.insert(text.find('{') + 1, std::string(R"("connections": )") +
                                      R"({"mongo": {"mongo-primary": {"uri": "mongodb://h"}},
      "s3": {"s3-primary": {"endpoint": "https://s3.amazonaws.com"}}}, )");
  Result<MigrationResult> result = MigrateLegacyConfig(text);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  const DatabaseConfig* runtime = FindType(result->config, DatabaseType::kRuntime);
  ASSERT_NE(runtime, nullptr);
  EXPECT_EQ(runtime->s3_ref, "s3-primary");
  EXPECT_EQ(runtime->buckets.versions, "xronox-runtime-versions");
  EXPECT_TRUE(result->warnings.empty());
  // Defined twice: an error.
  EXPECT_FALSE(MigrateLegacyConfig(text, kConnections).ok());
}

TEST(ConfigMigrateTest, RuntimeWithObjectStoreGetsAVersionsBucket) {
  std::string text = kSeedAfterRuntime;
  const std::string versions = R"("versionsBucket": "xronox-runtime-versions",)";
  text.erase(text.find(versions), versions.size());
  Result<MigrationResult> result = MigrateLegacyConfig(text, kConnections);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  const DatabaseConfig* runtime = FindType(result->config, DatabaseType::kRuntime);
  ASSERT_NE(runtime, nullptr);
  EXPECT_EQ(runtime->buckets.versions, "xronox-runtime-versions");
  ASSERT_EQ(result->warnings.size(), 1u);
  EXPECT_THAT(result->warnings[0], HasSubstr("added versionsBucket 'xronox-runtime-versions'"));
}

TEST(ConfigMigrateTest, UnknownKeysAreNamed) {
  std::string text = kSeedBefore;
  text.insert(text.find('{') + 1, R"("oldSetting": 1, )");
  const std::string logs = R"("logs": {"dbConnRef")";
  text.replace(text.find(logs), logs.size(), R"("logs": {"retention": 3, "dbConnRef")");
  Result<MigrationResult> result = MigrateLegacyConfig(text, kConnections);
  ASSERT_FALSE(result.ok());
  EXPECT_THAT(result.status().message(), HasSubstr("unknown key 'oldSetting'"));
  EXPECT_THAT(result.status().message(), HasSubstr("logs.retention"));
}

TEST(ConfigMigrateTest, RulesOfTheMatrixStillApply) {
  // Two tenants with one hot-store database name are refused.
  std::string text = kSeedAfterRuntime;
  const size_t start = text.find("[{") + 1;
  const size_t end = text.find("}]") + 1;
  std::string tenant_b = text.substr(start, end - start);
  tenant_b.replace(tenant_b.find("tenant-a"), 8, "tenant-b");
  tenant_b.replace(tenant_b.find("athenix_analytics_tenant_a"), 26, "athenix_analytics_tenant_b");
  text.insert(end, ", " + tenant_b);
  Result<MigrationResult> result = MigrateLegacyConfig(text, kConnections);
  ASSERT_FALSE(result.ok());
  EXPECT_THAT(result.status().message(), HasSubstr("migrated config is invalid"));
  EXPECT_THAT(result.status().message(), HasSubstr("'athenix_runtime_tenant_a' is already used"));
}

TEST(ConfigMigrateTest, BadInputIsRefused) {
  EXPECT_FALSE(MigrateLegacyConfig("not json").ok());
  EXPECT_FALSE(MigrateLegacyConfig("{}", kConnections).ok());
  EXPECT_FALSE(MigrateLegacyConfig(kSeedBefore, R"({"connections": {}, "databases": {}})").ok());
  Result<MigrationResult> result =
      MigrateLegacyConfig(R"({"knowledge": {"dbConnRef": "mongo-primary"}})", kConnections);
  ASSERT_FALSE(result.ok());
  EXPECT_THAT(result.status().message(), HasSubstr("knowledge.genericDatabase"));
}

}  // namespace
}  // namespace xronox
