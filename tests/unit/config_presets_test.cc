// Config presets: CreateDevConfig, CreateProductionConfig, CreateMinimalConfig validate, follow
// their naming schemes and refuse bad input.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "config/resolve.h"
#include "xronox/config.h"

namespace xronox {
namespace {

using ::testing::HasSubstr;

const DatabaseConfig* FindType(const Config& config, DatabaseType type,
                               const std::string& tenant = "") {
  for (const DatabaseConfig& db : config.databases) {
    if (db.type == type && db.tenant_id == tenant) return &db;
  }
  return nullptr;
}

constexpr DatabaseType kGenericTypes[] = {DatabaseType::kKnowledge, DatabaseType::kMetadata,
                                          DatabaseType::kMessaging, DatabaseType::kIdentities,
                                          DatabaseType::kLogs};

TEST(ConfigPresetsTest, DevConfigValidatesAndDerivesNames) {
  Result<Config> config =
      CreateDevConfig({"mongodb://localhost:27017", "/tmp/xronox-data", "myapp_dev"});
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_TRUE(ValidateConfig(*config).ok());
  EXPECT_EQ(config->mongo_connections.at("primary").uri, "mongodb://localhost:27017");
  EXPECT_EQ(config->folder_connections.at("local").path, "/tmp/xronox-data/objects");
  for (DatabaseType type : kGenericTypes) {
    const DatabaseConfig* db = FindType(*config, type);
    ASSERT_NE(db, nullptr) << DatabaseTypeName(type);
    EXPECT_EQ(db->db_name, std::string("myapp_dev_") + DatabaseTypeName(type));
    EXPECT_EQ(db->mongo_ref, "primary");
    EXPECT_EQ(db->folder_ref, "local");
  }
  ASSERT_TRUE(config->runtime_tenant_template.has_value());
  EXPECT_EQ(config->runtime_tenant_template->db_name, "myapp_dev_runtime_{tenant}");
  EXPECT_FALSE(config->runtime_tenant_template->buckets.versions.empty());

  Result<DatabaseConfig> acme =
      ResolveDatabase(*config, DatabaseType::kRuntime, Tier::kTenant, "acme-corp");
  ASSERT_TRUE(acme.ok()) << acme.status().ToString();
  EXPECT_EQ(acme->db_name, "myapp_dev_runtime_acme-corp");
}

TEST(ConfigPresetsTest, DevConfigRefusesEmptyFields) {
  Result<Config> config = CreateDevConfig({"", "", ""});
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(config.status().message(), HasSubstr("mongo_uri"));
  EXPECT_THAT(config.status().message(), HasSubstr("base_path"));
  EXPECT_THAT(config.status().message(), HasSubstr("db_name"));
  EXPECT_FALSE(CreateDevConfig({"mongodb://x", "/tmp/d", "bad name!"}).ok());
}

ProductionConfigOptions SeedProduction() {
  ProductionConfigOptions options;
  options.mongo_uri = "mongodb://db:27017";
  options.s3_endpoint = "https://s3.amazonaws.com";
  options.s3_region = "us-east-1";
  options.s3_access_key = "AKIDEXAMPLE";
  options.s3_secret_key = "secret";
  options.tenants = {"acme-corp", "globex-inc", "initech"};
  options.bucket_prefix = "myapp";
  return options;
}

TEST(ConfigPresetsTest, ProductionConfigUsesStrategyC) {
  Result<Config> config = CreateProductionConfig(SeedProduction());
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_TRUE(ValidateConfig(*config).ok());
  const S3Connection& s3 = config->s3_connections.at("primary");
  EXPECT_EQ(s3.endpoint, "https://s3.amazonaws.com");
  EXPECT_EQ(s3.access_key, "AKIDEXAMPLE");
  const DatabaseConfig* knowledge = FindType(*config, DatabaseType::kKnowledge);
  ASSERT_NE(knowledge, nullptr);
  EXPECT_EQ(knowledge->db_name, "myapp_knowledge");
  EXPECT_EQ(knowledge->buckets.records, "myapp-knowledge-records");
  EXPECT_EQ(knowledge->buckets.content, "myapp-knowledge-content");
  EXPECT_EQ(knowledge->buckets.backups, "myapp-knowledge-backups");
  EXPECT_TRUE(knowledge->buckets.versions.empty());
  const DatabaseConfig* logs = FindType(*config, DatabaseType::kLogs);
  ASSERT_NE(logs, nullptr);
  EXPECT_TRUE(logs->buckets.backups.empty());
  for (const std::string tenant : {"acme-corp", "globex-inc", "initech"}) {
    const DatabaseConfig* runtime = FindType(*config, DatabaseType::kRuntime, tenant);
    ASSERT_NE(runtime, nullptr) << tenant;
    EXPECT_EQ(runtime->tier, Tier::kTenant);
    EXPECT_EQ(runtime->db_name, "myapp_runtime_" + tenant);
    EXPECT_EQ(runtime->analytics_db_name, "myapp_analytics_" + tenant);
    EXPECT_EQ(runtime->buckets.records, "myapp-runtime-" + tenant + "-records");
    EXPECT_EQ(runtime->buckets.versions, "myapp-runtime-" + tenant + "-versions");
    EXPECT_EQ(runtime->buckets.content, "myapp-runtime-" + tenant + "-content");
    EXPECT_EQ(runtime->buckets.backups, "myapp-runtime-" + tenant + "-backups");
  }
  EXPECT_FALSE(config->runtime_tenant_template.has_value());
}

TEST(ConfigPresetsTest, ProductionConfigRefusesTenantsWithoutValidBucketNames) {
  ProductionConfigOptions options = SeedProduction();
  options.tenants = {"acme-corp", "Globex_Inc",
                     "a-very-long-tenant-name-that-makes-buckets-too-long"};
  Result<Config> config = CreateProductionConfig(options);
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(config.status().message(), HasSubstr("tenant 'Globex_Inc'"));
  EXPECT_THAT(config.status().message(), HasSubstr("valid S3 bucket name"));
  EXPECT_THAT(config.status().message(),
              HasSubstr("tenant 'a-very-long-tenant-name-that-makes-buckets-too-long'"));
  EXPECT_THAT(config.status().message(), ::testing::Not(HasSubstr("'acme-corp'")));
}

TEST(ConfigPresetsTest, ProductionConfigRefusesBadPrefixAndMissingFields) {
  ProductionConfigOptions options = SeedProduction();
  options.bucket_prefix = "MyApp";
  Result<Config> config = CreateProductionConfig(options);
  ASSERT_FALSE(config.ok());
  EXPECT_THAT(config.status().message(), HasSubstr("bucket prefix 'MyApp'"));

  options = SeedProduction();
  options.tenants.clear();
  options.mongo_uri.clear();
  options.s3_endpoint.clear();
  config = CreateProductionConfig(options);
  ASSERT_FALSE(config.ok());
  EXPECT_THAT(config.status().message(), HasSubstr("at least one runtime tenant"));
  EXPECT_THAT(config.status().message(), HasSubstr("mongo_uri"));
  EXPECT_THAT(config.status().message(), HasSubstr("s3_endpoint"));

  options = SeedProduction();
  options.tenants = {"acme-corp", "acme-corp"};
  EXPECT_FALSE(CreateProductionConfig(options).ok());
}

TEST(ConfigPresetsTest, MinimalConfigIsMongoOnly) {
  Result<Config> config = CreateMinimalConfig("mongodb://localhost:27017");
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_TRUE(ValidateConfig(*config).ok());
  EXPECT_TRUE(config->s3_connections.empty());
  EXPECT_TRUE(config->folder_connections.empty());
  EXPECT_TRUE(config->sqlite_connections.empty());
  EXPECT_EQ(config->databases.size(), 5u);
  for (const DatabaseConfig& db : config->databases) {
    EXPECT_FALSE(HasObjectStore(db));
    EXPECT_EQ(db.db_name, std::string("xronox_") + DatabaseTypeName(db.type));
  }
  ASSERT_TRUE(config->runtime_tenant_template.has_value());
  EXPECT_EQ(config->runtime_tenant_template->db_name, "xronox_runtime_{tenant}");
  EXPECT_FALSE(HasObjectStore(*config->runtime_tenant_template));
  EXPECT_FALSE(CreateMinimalConfig("").ok());
}

TEST(ConfigPresetsTest, PresetsRoundTripThroughJson) {
  for (Result<Config> config :
       {CreateDevConfig({"mongodb://localhost", "/tmp/x", "dev"}),
        CreateProductionConfig(SeedProduction()), CreateMinimalConfig("mongodb://localhost")}) {
    ASSERT_TRUE(config.ok()) << config.status().ToString();
    Result<Config> parsed = ParseConfigJson(ConfigToJson(*config).dump());
    EXPECT_TRUE(parsed.ok()) << parsed.status().ToString();
  }
}

}  // namespace
}  // namespace xronox
