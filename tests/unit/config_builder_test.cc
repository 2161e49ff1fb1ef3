// Config: the builder and validation against the database matrix (one error lists every
// problem; each rule is reported under its path).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <ostream>
#include <string>

#include "config/resolve.h"
#include "unit/config_test_util.h"
#include "xronox/config.h"

namespace xronox {
namespace {

using config_test::Db;
using config_test::Find;
using config_test::Knowledge;
using config_test::Messaging;
using config_test::Runtime;
using config_test::RuntimeTemplate;
using config_test::SeedBuilder;
using config_test::SeedConfig;
using config_test::SeedRuntime;
using config_test::SeedS3;
using config_test::Template;
using ::testing::HasSubstr;

// ---- Builder. ----

TEST(ConfigBuilderTest, SeedExampleBuilds) {
  Result<Config> config = SeedBuilder().Build();
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  ASSERT_EQ(config->databases.size(), 6u);
  EXPECT_FALSE(config->runtime_tenant_template.has_value());
  const DatabaseConfig* runtime = Find(*config, DatabaseType::kRuntime);
  ASSERT_NE(runtime, nullptr);
  EXPECT_EQ(runtime->tier, Tier::kTenant);  // The builder sets the runtime tier.
  EXPECT_EQ(runtime->tenant_id, "acme-corp");
  EXPECT_EQ(Find(*config, DatabaseType::kLogs)->tier, Tier::kGeneric);
  EXPECT_EQ(config->collection_maps.at("activity_logs").indexed_props.size(), 3u);
  EXPECT_EQ(config->mongo_connections.at("primary").uri, "mongodb://localhost:27017");
}

TEST(ConfigBuilderTest, TenantPlaceholderMakesTheTemplate) {
  Result<Config> config = SeedBuilder().AddRuntimeDatabase(RuntimeTemplate()).Build();
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  ASSERT_TRUE(config->runtime_tenant_template.has_value());
  EXPECT_EQ(config->runtime_tenant_template->type, DatabaseType::kRuntime);
  EXPECT_EQ(config->runtime_tenant_template->tier, Tier::kTenant);
  EXPECT_EQ(config->databases.size(), 6u);  // Not appended to the list.
}

TEST(ConfigBuilderTest, SecondTemplateIsReportedNotDropped) {
  DatabaseConfig second = RuntimeTemplate();
  second.db_name = "other_{tenant}";
  Result<Config> config =
      SeedBuilder().AddRuntimeDatabase(RuntimeTemplate()).AddRuntimeDatabase(second).Build();
  ASSERT_FALSE(config.ok());
  EXPECT_THAT(config.status().message(),
              HasSubstr("databases.runtime.tenantDatabases[1].tenantId: '{tenant}' belongs only "
                        "in databases.runtime.tenantTemplate"));
}

TEST(ConfigBuilderTest, SeedRuntimeTakesVersionsBucketFromConnection) {
  // The seed's "enableVersioning: true auto-configures versionsBucket": the connection's
  // buckets.versions serves a runtime database that names none.
  DatabaseConfig runtime = SeedRuntime();
  runtime.buckets = {};
  Result<Config> config = ConfigBuilder()
                              .AddMongoConnection("primary", "mongodb://db:27017")
                              .AddS3Connection("primary", SeedS3())
                              .AddRuntimeDatabase(runtime)
                              .Build();
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  Result<DatabaseConfig> db =
      ResolveDatabase(*config, DatabaseType::kRuntime, Tier::kTenant, "acme-corp");
  ASSERT_TRUE(db.ok()) << db.status().ToString();
  EXPECT_EQ(BucketFor(*db, BucketKind::kVersions), "xronox-versions");
  EXPECT_EQ(BucketFor(*db, BucketKind::kRecords), "xronox-records");
}

TEST(ConfigBuilderTest, MinimalMongoOnlyConfigIsValid) {
  DatabaseConfig db;
  db.mongo_ref = "primary";
  db.db_name = "app_runtime_acme";
  db.tenant_id = "acme";
  Result<Config> config = ConfigBuilder()
                              .AddMongoConnection("primary", "mongodb+srv://cluster.example")
                              .AddRuntimeDatabase(db)
                              .Build();
  ASSERT_TRUE(config.ok()) << config.status().ToString();
}

// ---- Validation: one error lists every problem. ----

TEST(ConfigValidateTest, OneErrorListsEveryViolation) {
  Config config = SeedConfig();
  Find(config, DatabaseType::kKnowledge)->buckets.versions = "xronox-knowledge-versions";
  Find(config, DatabaseType::kLogs)->buckets.backups = "xronox-logs-backups";
  Find(config, DatabaseType::kLogs)->mongo_ref = "nope";
  DatabaseConfig runtime = SeedRuntime();
  runtime.type = DatabaseType::kRuntime;
  runtime.tier = Tier::kTenant;
  runtime.tenant_id = "globex";
  runtime.db_name = "athenix_runtime_globex";
  runtime.analytics_db_name = "";
  runtime.buckets = {"rt-globex-records", "rt-globex-versions", "rt-globex-content",
                     "rt-globex-backups"};
  runtime.enable_versioning = false;
  config.databases.push_back(runtime);
  config.engine.claim_lease_seconds = 0;

  Status status = ValidateConfig(config);
  ASSERT_EQ(status.code(), StatusCode::kInvalidArgument);
  const std::string& m = status.message();
  EXPECT_THAT(m, HasSubstr("invalid config (5 problems):"));
  EXPECT_THAT(m, HasSubstr("databases.knowledge.versionsBucket: only runtime keeps versions"));
  EXPECT_THAT(m, HasSubstr("databases.runtime.tenantDatabases[1].enableVersioning: runtime is "
                           "always versioned"));
  EXPECT_THAT(m, HasSubstr("databases.logs.backupsBucket: logs keep no backups"));
  EXPECT_THAT(m, HasSubstr("databases.logs.mongoRef: no mongo connection named 'nope'"));
  EXPECT_THAT(m, HasSubstr("engine.claimLeaseSeconds: must be at least 1"));
  // One problem per line, after the header.
  EXPECT_EQ(std::count(m.begin(), m.end(), '\n'), 5);
}

// Each case breaks one rule of a valid seed config (with a tenant template) and expects the
// problem under its path.
struct RuleCase {
  const char* name;
  std::function<void(Config&)> mutate;
  const char* expected;
};

void PrintTo(const RuleCase& c, std::ostream* os) { *os << c.name; }

class ConfigRuleTest : public ::testing::TestWithParam<RuleCase> {};

TEST_P(ConfigRuleTest, IsReportedWithItsPath) {
  Result<Config> base = SeedBuilder().AddRuntimeDatabase(RuntimeTemplate()).Build();
  ASSERT_TRUE(base.ok()) << base.status().ToString();
  Config config = *base;
  GetParam().mutate(config);
  Status status = ValidateConfig(config);
  ASSERT_FALSE(status.ok()) << GetParam().name;
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr(GetParam().expected));
  EXPECT_THAT(status.message(), HasSubstr("(1 problem)")) << status.message();
}

const RuleCase kRuleCases[] = {
    // The matrix: versions only on runtime, runtime always versioned, no backups on logs.
    {"VersionsOnKnowledge",
     [](Config& c) { Knowledge(c).buckets.versions = "xronox-knowledge-versions"; },
     "databases.knowledge.versionsBucket: only runtime keeps versions"},
    {"VersionsOnMetadata",
     [](Config& c) { Db(c, DatabaseType::kMetadata).buckets.versions = "v-bucket"; },
     "databases.metadata.versionsBucket: only runtime keeps versions"},
    {"VersionsOnMessaging", [](Config& c) { Messaging(c).buckets.versions = "v-bucket"; },
     "databases.messaging.versionsBucket: only runtime keeps versions"},
    {"VersionsOnIdentities",
     [](Config& c) { Db(c, DatabaseType::kIdentities).buckets.versions = "v-bucket"; },
     "databases.identities.versionsBucket: only runtime keeps versions"},
    {"VersionsOnLogs", [](Config& c) { Db(c, DatabaseType::kLogs).buckets.versions = "v-b"; },
     "databases.logs.versionsBucket: only runtime keeps versions"},
    {"VersioningOffOnRuntime", [](Config& c) { Runtime(c).enable_versioning = false; },
     "databases.runtime.tenantDatabases[0].enableVersioning: runtime is always versioned"},
    {"VersioningOffOnTemplate", [](Config& c) { Template(c).enable_versioning = false; },
     "databases.runtime.tenantTemplate.enableVersioning: runtime is always versioned"},
    {"VersioningOnKnowledge", [](Config& c) { Knowledge(c).enable_versioning = true; },
     "databases.knowledge.enableVersioning: only runtime is versioned"},
    {"BackupsOnLogs",
     [](Config& c) { Db(c, DatabaseType::kLogs).buckets.backups = "xronox-logs-backups"; },
     "databases.logs.backupsBucket: logs keep no backups"},
    // Tiers.
    {"RuntimeOnGenericTier", [](Config& c) { Runtime(c).tier = Tier::kGeneric; },
     "databases.runtime.tenantDatabases[0]: runtime is tenant tier"},
    {"RuntimeWithoutTenant", [](Config& c) { Runtime(c).tenant_id = ""; },
     "databases.runtime.tenantDatabases[0].tenantId: tenant id must not be empty"},
    {"RuntimeInvalidTenant", [](Config& c) { Runtime(c).tenant_id = "acme/corp"; },
     "databases.runtime.tenantDatabases[0].tenantId: tenant id 'acme/corp' may only hold"},
    {"TemplateTenantIdNotPlaceholder", [](Config& c) { Template(c).tenant_id = "acme"; },
     "databases.runtime.tenantTemplate.tenantId: a tenant template's tenantId must be "
     "'{tenant}'"},
    {"TemplateNotRuntime",
     [](Config& c) {
       Template(c).type = DatabaseType::kKnowledge;
       Template(c).buckets.versions = "";
     },
     "databases.runtime.tenantTemplate: a tenant template must be a runtime database"},
    {"KnowledgeOnTenantTier",
     [](Config& c) {
       Knowledge(c).tier = Tier::kTenant;
       Knowledge(c).tenant_id = "acme";
     },
     "databases.knowledge.type: knowledge is generic tier"},
    {"LogsOnTenantTier", [](Config& c) { Db(c, DatabaseType::kLogs).tier = Tier::kTenant; },
     "databases.logs.type: logs is generic tier"},
    {"GenericWithTenantId", [](Config& c) { Knowledge(c).tenant_id = "acme"; },
     "databases.knowledge.tenantId: only a tenant-tier database names a tenant"},
    {"TenantMessagingWithoutTenant", [](Config& c) { Messaging(c).tier = Tier::kTenant; },
     "databases.messaging.tenantId: tenant id must not be empty"},
    {"GenericMessagingWithTenant", [](Config& c) { Messaging(c).tenant_id = "acme"; },
     "databases.messaging.tenantId: only a tenant-tier database names a tenant"},
    // Fields of one type only.
    {"CaptureDeliveriesOnKnowledge", [](Config& c) { Knowledge(c).capture_deliveries = true; },
     "databases.knowledge.captureDeliveries: only messaging captures deliveries"},
    {"AnalyticsOnKnowledge", [](Config& c) { Knowledge(c).analytics_db_name = "k_analytics"; },
     "databases.knowledge.analyticsDbName: only runtime has an analytics database"},
    // Stores.
    {"NoHotStore", [](Config& c) { Knowledge(c).mongo_ref = ""; },
     "databases.knowledge: needs a hot store: set mongoRef or sqliteRef"},
    {"TwoHotStores",
     [](Config& c) {
       c.sqlite_connections["hot"] = {"hot.sqlite"};
       Knowledge(c).sqlite_ref = "hot";
     },
     "databases.knowledge: names two hot stores"},
    {"UnknownMongoRef", [](Config& c) { Knowledge(c).mongo_ref = "secondary"; },
     "databases.knowledge.mongoRef: no mongo connection named 'secondary'"},
    {"UnknownSqliteRef",
     [](Config& c) {
       Knowledge(c).mongo_ref = "";
       Knowledge(c).sqlite_ref = "hot";
     },
     "databases.knowledge.sqliteRef: no sqlite connection named 'hot'"},
    {"TwoObjectStores",
     [](Config& c) {
       c.folder_connections["objects"].path = "objects";
       Knowledge(c).folder_ref = "objects";
     },
     "databases.knowledge: names two object stores"},
    {"UnknownS3Ref", [](Config& c) { Knowledge(c).s3_ref = "archive"; },
     "databases.knowledge.s3Ref: no s3 connection named 'archive'"},
    {"UnknownFolderRef",
     [](Config& c) {
       Knowledge(c).s3_ref = "";
       Knowledge(c).folder_ref = "objects";
     },
     "databases.knowledge.folderRef: no folder connection named 'objects'"},
    // Names.
    {"MissingDbName", [](Config& c) { Knowledge(c).db_name = ""; },
     "databases.knowledge.dbName: is required"},
    {"InvalidDbName", [](Config& c) { Knowledge(c).db_name = "athenix knowledge"; },
     "databases.knowledge.dbName: database name 'athenix knowledge' may only hold"},
    {"SharedDbName", [](Config& c) { Messaging(c).db_name = "athenix_knowledge"; },
     "databases.messaging.dbName: 'athenix_knowledge' is already used by "
     "databases.knowledge.dbName"},
    {"AnalyticsSharesDbName", [](Config& c) { Runtime(c).analytics_db_name = "athenix_metadata"; },
     "databases.runtime.tenantDatabases[0].analyticsDbName: 'athenix_metadata' is already used "
     "by databases.metadata.dbName"},
    {"DuplicateGenericType",
     [](Config& c) {
       DatabaseConfig second = Knowledge(c);
       second.db_name = "athenix_knowledge_2";
       second.buckets = {"knowledge-2-records", "", "knowledge-2-content", "knowledge-2-backups"};
       c.databases.push_back(second);
     },
     "databases.knowledge: more than one knowledge database"},
    {"DuplicateMessaging",
     [](Config& c) {
       DatabaseConfig second = Messaging(c);
       second.tier = Tier::kTenant;
       second.tenant_id = "acme";
       second.db_name = "athenix_messaging_acme";
       second.buckets = {"msg-acme-records", "", "msg-acme-content", "msg-acme-backups"};
       c.databases.push_back(second);
     },
     "databases.messaging: more than one messaging database"},
    {"DuplicateRuntimeTenant",
     [](Config& c) {
       DatabaseConfig second = Runtime(c);
       second.db_name = "athenix_runtime_acme_2";
       second.analytics_db_name = "";
       second.buckets = {"acme-2-records", "acme-2-versions", "acme-2-content", "acme-2-backups"};
       c.databases.push_back(second);
     },
     "databases.runtime.tenantDatabases[1].tenantId: tenant 'acme-corp' is already configured "
     "at databases.runtime.tenantDatabases[0]"},
    // Buckets.
    {"MissingBucket",
     [](Config& c) {
       c.s3_connections["primary"].buckets.content = "";
       Knowledge(c).buckets.content = "";
     },
     "databases.knowledge.contentBucket: no content bucket: set contentBucket or the s3 "
     "connection's buckets.content"},
    {"MissingRuntimeVersionsBucket",
     [](Config& c) {
       c.s3_connections["primary"].buckets.versions = "";
       Runtime(c).buckets.versions = "";
     },
     "databases.runtime.tenantDatabases[0].versionsBucket: no versions bucket"},
    {"MissingFolderBucket",
     [](Config& c) {
       c.folder_connections["objects"].path = "objects";
       Knowledge(c).s3_ref = "";
       Knowledge(c).folder_ref = "objects";
       Knowledge(c).buckets.backups = "";
     },
     "databases.knowledge.backupsBucket: no backups bucket: set backupsBucket"},
    {"InvalidS3Bucket", [](Config& c) { Knowledge(c).buckets.records = "Xronox_Records"; },
     "databases.knowledge.recordsBucket: bucket name 'Xronox_Records'"},
    {"InvalidFolderBucket",
     [](Config& c) {
       c.folder_connections["objects"].path = "objects";
       Knowledge(c).s3_ref = "";
       Knowledge(c).folder_ref = "objects";
       Knowledge(c).buckets.records = ".hidden";
     },
     "databases.knowledge.recordsBucket: bucket name '.hidden' must not start with '.'"},
    {"BucketWithoutObjectStore",
     [](Config& c) {
       Knowledge(c).s3_ref = "";
       Knowledge(c).buckets.content = "";
       Knowledge(c).buckets.backups = "";
     },
     "databases.knowledge.recordsBucket: set without an object store"},
    // Tenant isolation of the template.
    {"TemplateDbNameWithoutTenant", [](Config& c) { Template(c).db_name = "athenix_runtime"; },
     "databases.runtime.tenantTemplate.dbName: must contain '{tenant}', or every tenant would "
     "share database 'athenix_runtime' (tenant isolation)"},
    {"TemplateAnalyticsWithoutTenant",
     [](Config& c) { Template(c).analytics_db_name = "athenix_analytics"; },
     "databases.runtime.tenantTemplate.analyticsDbName: must contain '{tenant}'"},
    {"TemplateBucketInvalidAfterSubstitution",
     [](Config& c) { Template(c).buckets.records = "RT-{tenant}"; },
     "databases.runtime.tenantTemplate.recordsBucket: bucket name 'RT-tenant1' must be lowercase"},
    // Connections.
    {"MongoUriScheme", [](Config& c) { c.mongo_connections["primary"].uri = "localhost:27017"; },
     "connections.mongo.primary.uri: must start with mongodb:// or mongodb+srv://"},
    {"S3EndpointScheme", [](Config& c) { c.s3_connections["primary"].endpoint = "s3.aws.com"; },
     "connections.s3.primary.endpoint: must start with http:// or https://"},
    {"S3DefaultBucketInvalid", [](Config& c) { c.s3_connections["primary"].buckets.backups = "a"; },
     "connections.s3.primary.buckets.backups: bucket name 'a' must be 3-63 bytes"},
    {"S3KeyWithoutSecret", [](Config& c) { c.s3_connections["primary"].secret_key = ""; },
     "connections.s3.primary.secretKey: accessKey and secretKey are set together"},
    {"S3PrefixEscapes",
     [](Config& c) { c.s3_connections["primary"].folder_prefixes.content = "../content"; },
     "connections.s3.primary.folderPrefixes.content: folder prefix '../content'"},
    {"SqlitePathEmpty", [](Config& c) { c.sqlite_connections["hot"] = {""}; },
     "connections.sqlite.hot.path: must not be empty"},
    {"FolderPathEmpty", [](Config& c) { c.folder_connections["objects"] = {}; },
     "connections.folder.objects.path: must not be empty"},
    {"ConnectionNameEmpty", [](Config& c) { c.mongo_connections[""].uri = "mongodb://x"; },
     "connections.mongo.: connection name must be 1-128 bytes"},
    // Collection maps.
    {"CollectionNameInvalid", [](Config& c) { c.collection_maps["bad name"] = {}; },
     "collectionMaps.bad name: collection name 'bad name' may only hold"},
    {"IndexedPropInvalid",
     [](Config& c) {
       c.collection_maps["orders"].indexed_props = {"ok", "$where"};
     },
     "collectionMaps.orders.indexedProps[1]: property path '$where'"},
    {"IndexedPropTwice",
     [](Config& c) {
       c.collection_maps["orders"].indexed_props = {"address.city", "agentId", "address.city"};
     },
     "collectionMaps.orders.indexedProps[2]: 'address.city' is listed twice"},
    {"NaturalKeyTwice",
     [](Config& c) {
       c.collection_maps["people"].natural_keys = {"email", "email"};
     },
     "collectionMaps.people.naturalKeys[1]: 'email' is listed twice"},
    {"NaturalKeysTooMany",
     [](Config& c) {
       c.collection_maps["people"].natural_keys = {"a", "b", "c", "d", "e", "f", "g", "h", "i"};
     },
     "collectionMaps.people.naturalKeys: lists 9 paths; at most 8 are allowed"},
    {"HiddenFieldInvalid", [](Config& c) { c.collection_maps["people"].hidden_fields = {"a..b"}; },
     "collectionMaps.people.hiddenFields[0]: property path 'a..b'"},
    {"NaturalKeyHidden",
     [](Config& c) {
       c.collection_maps["people"].natural_keys = {"ids.ssn"};
       c.collection_maps["people"].hidden_fields = {"ids"};
     },
     "collectionMaps.people.naturalKeys[0]: 'ids.ssn' is a hidden field"},
    {"OlderThanZero",
     [](Config& c) { c.collection_maps["activity_logs"].s3_offload.older_than_days = 0; },
     "collectionMaps.activity_logs.s3Offload.olderThan: must be at least 1"},
    // Engine.
    {"InlineNegative", [](Config& c) { c.engine.inline_max_bytes = -1; },
     "engine.inlineMaxBytes: must be between 0 and 16777216"},
    {"InlineTooLarge", [](Config& c) { c.engine.inline_max_bytes = 16 * 1024 * 1024 + 1; },
     "engine.inlineMaxBytes: must be between 0 and 16777216"},
    {"LeaseZero", [](Config& c) { c.engine.claim_lease_seconds = 0; },
     "engine.claimLeaseSeconds: must be at least 1"},
};

INSTANTIATE_TEST_SUITE_P(Rules, ConfigRuleTest, ::testing::ValuesIn(kRuleCases),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(ConfigValidateTest, AcceptedVariants) {
  Config config = SeedConfig();
  Runtime(config).enable_versioning.reset();  // Unset means on.
  Messaging(config).tier = Tier::kTenant;     // Messaging may be per tenant.
  Messaging(config).tenant_id = "acme-corp";
  Messaging(config).capture_deliveries = true;
  Knowledge(config).enable_versioning = false;  // Explicitly off is consistent.
  config.engine.inline_max_bytes = 0;           // Never inline.
  config.engine.inline_max_bytes = 16 * 1024 * 1024;
  // Strategy B: one bucket for every kind, folder prefixes apart.
  config.s3_connections["primary"].buckets = {"xronox-data", "xronox-data", "xronox-data",
                                              "xronox-data"};
  Db(config, DatabaseType::kIdentities).buckets = {};
  EXPECT_TRUE(ValidateConfig(config).ok()) << ValidateConfig(config).ToString();
}

}  // namespace
}  // namespace xronox
