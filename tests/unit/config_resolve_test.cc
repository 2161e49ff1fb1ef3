// Config: presets and resolving a database (listed, from the tenant template, or refused).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "config/resolve.h"
#include "unit/config_test_util.h"
#include "xronox/config.h"

namespace xronox {
namespace {

using config_test::Find;
using config_test::Knowledge;
using config_test::Messaging;
using config_test::RuntimeTemplate;
using config_test::SeedBuilder;
using config_test::Template;
using ::testing::HasSubstr;

// ---- Presets. ----

TEST(ConfigPresetTest, EmbeddedConfigIsValidAndComplete) {
  Result<Config> config = CreateEmbeddedConfig("/srv/xronox");
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_TRUE(ValidateConfig(*config).ok());
  EXPECT_EQ(config->sqlite_connections.at("embedded").path, "/srv/xronox/hot.sqlite");
  EXPECT_EQ(config->folder_connections.at("embedded").path, "/srv/xronox/objects");
  EXPECT_TRUE(config->mongo_connections.empty());
  EXPECT_TRUE(config->s3_connections.empty());
  ASSERT_EQ(config->databases.size(), 5u);
  for (DatabaseType type :
       {DatabaseType::kKnowledge, DatabaseType::kMetadata, DatabaseType::kMessaging,
        DatabaseType::kIdentities, DatabaseType::kLogs}) {
    const DatabaseConfig* db = Find(*config, type);
    ASSERT_NE(db, nullptr) << DatabaseTypeName(type);
    const std::string name = DatabaseTypeName(type);
    EXPECT_EQ(db->tier, Tier::kGeneric);
    EXPECT_EQ(db->db_name, "xronox_" + name);
    EXPECT_EQ(db->buckets.records, "xronox-" + name + "-records");
    EXPECT_EQ(db->buckets.content, "xronox-" + name + "-content");
    EXPECT_EQ(db->buckets.backups,
              type == DatabaseType::kLogs ? "" : "xronox-" + name + "-backups");
    EXPECT_EQ(db->buckets.versions, "");
  }
  ASSERT_TRUE(config->runtime_tenant_template.has_value());
  const DatabaseConfig& tmpl = *config->runtime_tenant_template;
  EXPECT_EQ(tmpl.db_name, "xronox_runtime_{tenant}");
  EXPECT_EQ(tmpl.buckets.versions, "xronox-runtime-{tenant}-versions");
}

TEST(ConfigPresetTest, EmbeddedConfigServesAnyValidTenant) {
  Result<Config> config = CreateEmbeddedConfig("/tmp/x/");
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_EQ(config->sqlite_connections.at("embedded").path, "/tmp/x/hot.sqlite");
  Result<DatabaseConfig> acme =
      ResolveDatabase(*config, DatabaseType::kRuntime, Tier::kTenant, "Acme_Corp-1");
  ASSERT_TRUE(acme.ok()) << acme.status().ToString();
  EXPECT_EQ(acme->db_name, "xronox_runtime_Acme_Corp-1");
  EXPECT_EQ(acme->buckets.records, "xronox-runtime-Acme_Corp-1-records");
  EXPECT_EQ(acme->folder_ref, "embedded");
  EXPECT_TRUE(ParseConfigJson(ConfigToJson(*config).dump()).ok());
}

TEST(ConfigPresetTest, EmbeddedConfigNeedsABasePath) {
  EXPECT_EQ(CreateEmbeddedConfig("").status().code(), StatusCode::kInvalidArgument);
}

// ---- Resolution. ----

class ConfigResolveTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<Config> config = SeedBuilder().AddRuntimeDatabase(RuntimeTemplate()).Build();
    ASSERT_TRUE(config.ok()) << config.status().ToString();
    config_ = *config;
  }
  Config config_;
};

TEST_F(ConfigResolveTest, ListedGenericDatabase) {
  Knowledge(config_).buckets.backups = "";  // Falls back to the connection's default.
  Result<DatabaseConfig> db =
      ResolveDatabase(config_, DatabaseType::kKnowledge, Tier::kGeneric, "");
  ASSERT_TRUE(db.ok()) << db.status().ToString();
  EXPECT_EQ(db->db_name, "athenix_knowledge");
  EXPECT_EQ(BucketFor(*db, BucketKind::kRecords), "xronox-knowledge-records");
  EXPECT_EQ(BucketFor(*db, BucketKind::kBackups), "xronox-backups");
  EXPECT_EQ(BucketFor(*db, BucketKind::kVersions), "");  // Knowledge keeps no versions.
}

TEST_F(ConfigResolveTest, LogsGetNoBackupsBucketFromTheConnection) {
  Result<DatabaseConfig> db = ResolveDatabase(config_, DatabaseType::kLogs, Tier::kGeneric, "");
  ASSERT_TRUE(db.ok()) << db.status().ToString();
  EXPECT_EQ(BucketFor(*db, BucketKind::kBackups), "");
  EXPECT_EQ(BucketFor(*db, BucketKind::kContent), "xronox-logs-content");
}

TEST_F(ConfigResolveTest, ListedTenantWinsOverTemplate) {
  Result<DatabaseConfig> db =
      ResolveDatabase(config_, DatabaseType::kRuntime, Tier::kTenant, "acme-corp");
  ASSERT_TRUE(db.ok()) << db.status().ToString();
  EXPECT_EQ(db->db_name, "athenix_runtime_acme");
  EXPECT_EQ(db->analytics_db_name, "athenix_analytics_acme");
  EXPECT_EQ(BucketFor(*db, BucketKind::kVersions), "xronox-runtime-versions");
}

TEST_F(ConfigResolveTest, UnlistedTenantUsesTheTemplate) {
  Template(config_).analytics_db_name = "an_{tenant}_{tenant}";
  Result<DatabaseConfig> db =
      ResolveDatabase(config_, DatabaseType::kRuntime, Tier::kTenant, "globex");
  ASSERT_TRUE(db.ok()) << db.status().ToString();
  EXPECT_EQ(db->type, DatabaseType::kRuntime);
  EXPECT_EQ(db->tier, Tier::kTenant);
  EXPECT_EQ(db->tenant_id, "globex");
  EXPECT_EQ(db->db_name, "athenix_runtime_globex");
  EXPECT_EQ(db->analytics_db_name, "an_globex_globex");
  EXPECT_EQ(BucketFor(*db, BucketKind::kRecords), "rt-globex-records");
  EXPECT_EQ(BucketFor(*db, BucketKind::kVersions), "rt-globex-versions");
  EXPECT_EQ(BucketFor(*db, BucketKind::kContent), "rt-globex-content");
  EXPECT_EQ(BucketFor(*db, BucketKind::kBackups), "rt-globex-backups");
  EXPECT_EQ(db->mongo_ref, "primary");
  // The template itself is unchanged.
  EXPECT_EQ(config_.runtime_tenant_template->db_name, "athenix_runtime_{tenant}");
}

TEST_F(ConfigResolveTest, InvalidTenantIds) {
  for (const std::string& tenant :
       std::vector<std::string>{"", "a/b", "../x", "{tenant}", std::string(129, 'a')}) {
    Result<DatabaseConfig> db =
        ResolveDatabase(config_, DatabaseType::kRuntime, Tier::kTenant, tenant);
    EXPECT_EQ(db.status().code(), StatusCode::kInvalidArgument) << tenant;
  }
  // Valid as a tenant id but not inside an S3 bucket name.
  Result<DatabaseConfig> upper =
      ResolveDatabase(config_, DatabaseType::kRuntime, Tier::kTenant, "Globex");
  EXPECT_EQ(upper.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(upper.status().message(), HasSubstr("must be lowercase"));
}

TEST_F(ConfigResolveTest, TemplateMayNotHandOutAListedDatabase) {
  // Tenant "knowledge" would map to the knowledge database's name under this template.
  Template(config_).db_name = "athenix_{tenant}";
  ASSERT_TRUE(ValidateConfig(config_).ok());
  Result<DatabaseConfig> db =
      ResolveDatabase(config_, DatabaseType::kRuntime, Tier::kTenant, "knowledge");
  EXPECT_EQ(db.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(db.status().message(), HasSubstr("athenix_knowledge"));
  EXPECT_TRUE(ResolveDatabase(config_, DatabaseType::kRuntime, Tier::kTenant, "globex").ok());
}

TEST_F(ConfigResolveTest, NotConfigured) {
  config_.runtime_tenant_template.reset();
  EXPECT_EQ(
      ResolveDatabase(config_, DatabaseType::kRuntime, Tier::kTenant, "globex").status().code(),
      StatusCode::kNotFound);
  EXPECT_EQ(ResolveDatabase(config_, DatabaseType::kMessaging, Tier::kTenant, "acme-corp")
                .status()
                .code(),
            StatusCode::kNotFound);
  EXPECT_EQ(ResolveDatabase(config_, DatabaseType::kRuntime, Tier::kGeneric, "").status().code(),
            StatusCode::kNotFound);
  Config empty;
  EXPECT_EQ(ResolveDatabase(empty, DatabaseType::kKnowledge, Tier::kGeneric, "").status().code(),
            StatusCode::kNotFound);
  // A generic database takes no tenant id.
  EXPECT_EQ(ResolveDatabase(config_, DatabaseType::kKnowledge, Tier::kGeneric, "acme-corp")
                .status()
                .code(),
            StatusCode::kInvalidArgument);
}

TEST_F(ConfigResolveTest, TenantTierMessaging) {
  Messaging(config_).tier = Tier::kTenant;
  Messaging(config_).tenant_id = "acme-corp";
  ASSERT_TRUE(ValidateConfig(config_).ok());
  Result<DatabaseConfig> db =
      ResolveDatabase(config_, DatabaseType::kMessaging, Tier::kTenant, "acme-corp");
  ASSERT_TRUE(db.ok()) << db.status().ToString();
  EXPECT_EQ(db->db_name, "athenix_messaging");
  EXPECT_EQ(
      ResolveDatabase(config_, DatabaseType::kMessaging, Tier::kTenant, "globex").status().code(),
      StatusCode::kNotFound);
  EXPECT_EQ(ResolveDatabase(config_, DatabaseType::kMessaging, Tier::kGeneric, "").status().code(),
            StatusCode::kNotFound);
}

TEST(ConfigResolveHelpersTest, BucketKindsAndSubstitution) {
  EXPECT_TRUE(UsesBucketKind(DatabaseType::kRuntime, BucketKind::kVersions));
  EXPECT_FALSE(UsesBucketKind(DatabaseType::kKnowledge, BucketKind::kVersions));
  EXPECT_FALSE(UsesBucketKind(DatabaseType::kLogs, BucketKind::kBackups));
  EXPECT_TRUE(UsesBucketKind(DatabaseType::kMessaging, BucketKind::kBackups));
  EXPECT_STREQ(BucketKindName(BucketKind::kContent), "content");
  EXPECT_EQ(SubstituteTenant("a-{tenant}-b-{tenant}", "t"), "a-t-b-t");
  EXPECT_EQ(SubstituteTenant("plain", "t"), "plain");
  EXPECT_EQ(SubstituteTenant("{tenant", "t"), "{tenant");
}

}  // namespace
}  // namespace xronox
