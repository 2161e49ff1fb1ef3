// Config: builder, validation against the database matrix, JSON files, presets, resolution.
#include "xronox/config.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <tuple>
#include <vector>

#include "config/resolve.h"

namespace xronox {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// ---- Equality of config values (config.h declares no operator==). ----

auto Tie(const BucketNames& b) { return std::tie(b.records, b.versions, b.content, b.backups); }
auto Tie(const FolderPrefixes& p) { return std::tie(p.records, p.versions, p.content, p.backups); }

bool Same(const S3Connection& a, const S3Connection& b) {
  return std::tie(a.endpoint, a.region, a.access_key, a.secret_key, a.force_path_style) ==
             std::tie(b.endpoint, b.region, b.access_key, b.secret_key, b.force_path_style) &&
         Tie(a.buckets) == Tie(b.buckets) && Tie(a.folder_prefixes) == Tie(b.folder_prefixes);
}
bool Same(const MongoConnection& a, const MongoConnection& b) { return a.uri == b.uri; }
bool Same(const SqliteConnection& a, const SqliteConnection& b) { return a.path == b.path; }
bool Same(const FolderConnection& a, const FolderConnection& b) {
  return a.path == b.path && Tie(a.folder_prefixes) == Tie(b.folder_prefixes);
}
bool Same(const DatabaseConfig& a, const DatabaseConfig& b) {
  return std::tie(a.type, a.tier, a.tenant_id, a.mongo_ref, a.sqlite_ref, a.s3_ref, a.folder_ref,
                  a.db_name, a.analytics_db_name, a.enable_versioning, a.capture_deliveries) ==
             std::tie(b.type, b.tier, b.tenant_id, b.mongo_ref, b.sqlite_ref, b.s3_ref,
                      b.folder_ref, b.db_name, b.analytics_db_name, b.enable_versioning,
                      b.capture_deliveries) &&
         Tie(a.buckets) == Tie(b.buckets);
}
bool Same(const CollectionMap& a, const CollectionMap& b) {
  return a.indexed_props == b.indexed_props && a.s3_offload.enabled == b.s3_offload.enabled &&
         a.s3_offload.older_than_days == b.s3_offload.older_than_days;
}

template <typename Map>
bool SameMap(const Map& a, const Map& b) {
  if (a.size() != b.size()) return false;
  for (auto ia = a.begin(), ib = b.begin(); ia != a.end(); ++ia, ++ib) {
    if (ia->first != ib->first || !Same(ia->second, ib->second)) return false;
  }
  return true;
}

bool Same(const Config& a, const Config& b) {
  if (a.databases.size() != b.databases.size()) return false;
  for (size_t i = 0; i < a.databases.size(); ++i) {
    if (!Same(a.databases[i], b.databases[i])) return false;
  }
  if (a.runtime_tenant_template.has_value() != b.runtime_tenant_template.has_value()) return false;
  if (a.runtime_tenant_template && !Same(*a.runtime_tenant_template, *b.runtime_tenant_template)) {
    return false;
  }
  return SameMap(a.mongo_connections, b.mongo_connections) &&
         SameMap(a.s3_connections, b.s3_connections) &&
         SameMap(a.sqlite_connections, b.sqlite_connections) &&
         SameMap(a.folder_connections, b.folder_connections) &&
         SameMap(a.collection_maps, b.collection_maps) &&
         a.engine.inline_max_bytes == b.engine.inline_max_bytes &&
         a.engine.claim_lease_seconds == b.engine.claim_lease_seconds;
}

// ---- Fixtures in the seed's example shape. ----

S3Connection SeedS3() {
  S3Connection s3;
  s3.endpoint = "https://s3.amazonaws.com";
  s3.region = "us-east-1";
  s3.access_key = "AKIDEXAMPLE";
  s3.secret_key = "secret";
  s3.buckets = {"xronox-records", "xronox-versions", "xronox-content", "xronox-backups"};
  return s3;
}

DatabaseConfig Generic(const std::string& name, bool backups = true) {
  DatabaseConfig db;
  db.mongo_ref = "primary";
  db.s3_ref = "primary";
  db.db_name = "athenix_" + name;
  db.buckets.records = "xronox-" + name + "-records";
  db.buckets.content = "xronox-" + name + "-content";
  if (backups) db.buckets.backups = "xronox-" + name + "-backups";
  return db;
}

DatabaseConfig SeedRuntime() {
  DatabaseConfig db;
  db.tenant_id = "acme-corp";
  db.mongo_ref = "primary";
  db.s3_ref = "primary";
  db.db_name = "athenix_runtime_acme";
  db.analytics_db_name = "athenix_analytics_acme";
  db.buckets = {"xronox-runtime-records", "xronox-runtime-versions", "xronox-runtime-content",
                "xronox-runtime-backups"};
  db.enable_versioning = true;
  return db;
}

DatabaseConfig RuntimeTemplate() {
  DatabaseConfig db;
  db.tenant_id = "{tenant}";
  db.mongo_ref = "primary";
  db.s3_ref = "primary";
  db.db_name = "athenix_runtime_{tenant}";
  db.buckets = {"rt-{tenant}-records", "rt-{tenant}-versions", "rt-{tenant}-content",
                "rt-{tenant}-backups"};
  return db;
}

ConfigBuilder SeedBuilder() {
  ConfigBuilder builder;
  builder.AddMongoConnection("primary", "mongodb://localhost:27017")
      .AddS3Connection("primary", SeedS3())
      .AddKnowledgeDatabase(Generic("knowledge"))
      .AddMetadataDatabase(Generic("metadata"))
      .AddRuntimeDatabase(SeedRuntime())
      .AddMessagingDatabase(Generic("messaging"))
      .AddIdentitiesDatabase(Generic("identities"))
      .AddLogsDatabase(Generic("logs", /*backups=*/false))
      .AddCollectionMap("activity_logs", {{"agentId", "timestamp", "action"}, {true, 30}});
  return builder;
}

Config SeedConfig() {
  Result<Config> config = SeedBuilder().Build();
  EXPECT_TRUE(config.ok()) << config.status().ToString();
  return config.ok() ? config.value() : Config{};
}

DatabaseConfig* Find(Config& config, DatabaseType type) {
  for (DatabaseConfig& db : config.databases) {
    if (db.type == type) return &db;
  }
  return nullptr;
}

// A scratch directory removed at the end of the test.
class TempDir {
 public:
  TempDir() {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    path_ = std::filesystem::temp_directory_path() /
            ("xronox_config_test_" + std::string(info->name()) + "_" + std::to_string(getpid()));
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  const std::filesystem::path& path() const { return path_; }
  std::string Write(const std::string& name, const std::string& text) const {
    std::filesystem::path file = path_ / name;
    std::filesystem::create_directories(file.parent_path());
    std::ofstream(file) << text;
    return file.string();
  }

 private:
  std::filesystem::path path_;
};

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

DatabaseConfig& Db(Config& c, DatabaseType type) { return *Find(c, type); }
DatabaseConfig& Knowledge(Config& c) { return Db(c, DatabaseType::kKnowledge); }
DatabaseConfig& Runtime(Config& c) { return Db(c, DatabaseType::kRuntime); }
DatabaseConfig& Messaging(Config& c) { return Db(c, DatabaseType::kMessaging); }
DatabaseConfig& Template(Config& c) { return *c.runtime_tenant_template; }

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
    {"TemplateBucketWithoutTenant",
     [](Config& c) { Template(c).buckets.versions = "xronox-runtime-versions"; },
     "databases.runtime.tenantTemplate.versionsBucket: must contain '{tenant}', or every tenant "
     "would share bucket 'xronox-runtime-versions' (tenant isolation)"},
    {"TemplateBucketFromConnectionDefault", [](Config& c) { Template(c).buckets.content = ""; },
     "databases.runtime.tenantTemplate.contentBucket: must contain '{tenant}', or every tenant "
     "would share bucket 'xronox-content'"},
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

// ---- JSON. ----

constexpr char kSeedJson[] = R"({
  "connections": {
    "mongo": {"primary": {"uri": "mongodb://localhost:27017"}},
    "s3": {"primary": {"endpoint": "https://s3.amazonaws.com", "region": "us-east-1",
                       "accessKey": "", "secretKey": "",
                       "buckets": {"records": "xronox-records", "versions": "xronox-versions",
                                   "content": "xronox-content", "backups": "xronox-backups"},
                       "forcePathStyle": false}}
  },
  "databases": {
    "knowledge": {"type": "generic", "mongoRef": "primary", "s3Ref": "primary",
                  "dbName": "athenix_knowledge", "recordsBucket": "xronox-knowledge-records",
                  "contentBucket": "xronox-knowledge-content",
                  "backupsBucket": "xronox-knowledge-backups"},
    "runtime": {
      "tenantDatabases": [{"tenantId": "acme-corp", "mongoRef": "primary", "s3Ref": "primary",
                           "dbName": "athenix_runtime_acme",
                           "analyticsDbName": "athenix_analytics_acme",
                           "enableVersioning": true}],
      "tenantTemplate": {"mongoRef": "primary", "s3Ref": "primary",
                         "dbName": "athenix_runtime_{tenant}",
                         "recordsBucket": "rt-{tenant}-records",
                         "versionsBucket": "rt-{tenant}-versions",
                         "contentBucket": "rt-{tenant}-content",
                         "backupsBucket": "rt-{tenant}-backups"}
    },
    "messaging": {"tier": "tenant", "tenantId": "acme-corp", "mongoRef": "primary",
                  "dbName": "athenix_messaging", "captureDeliveries": true},
    "logs": {"mongoRef": "primary", "s3Ref": "primary", "dbName": "athenix_logs",
             "recordsBucket": "xronox-logs-records", "contentBucket": "xronox-logs-content"}
  },
  "collectionMaps": {
    "activity_logs": {"indexedProps": ["agentId", "address.city"],
                      "s3Offload": {"enabled": true, "olderThan": 30}}
  },
  "engine": {"inlineMaxBytes": 4096, "claimLeaseSeconds": 10}
})";

TEST(ConfigJsonTest, ParsesTheSeedFormat) {
  Result<Config> config = ParseConfigJson(kSeedJson);
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  ASSERT_EQ(config->databases.size(), 4u);
  // Databases come in DatabaseType order whatever the key order.
  EXPECT_EQ(config->databases[0].type, DatabaseType::kKnowledge);
  EXPECT_EQ(config->databases[1].type, DatabaseType::kRuntime);
  EXPECT_EQ(config->databases[1].tenant_id, "acme-corp");
  EXPECT_EQ(config->databases[1].enable_versioning, std::optional<bool>(true));
  EXPECT_EQ(config->databases[2].tier, Tier::kTenant);
  EXPECT_TRUE(config->databases[2].capture_deliveries);
  ASSERT_TRUE(config->runtime_tenant_template.has_value());
  EXPECT_EQ(config->runtime_tenant_template->tenant_id, "{tenant}");
  EXPECT_FALSE(config->s3_connections.at("primary").force_path_style);
  EXPECT_EQ(config->s3_connections.at("primary").folder_prefixes.versions, "versions");
  EXPECT_EQ(config->collection_maps.at("activity_logs").indexed_props[1], "address.city");
  EXPECT_EQ(config->engine.inline_max_bytes, 4096);
  EXPECT_EQ(config->engine.claim_lease_seconds, 10);
}

TEST(ConfigJsonTest, UnknownKeysAreNamedWithTheirPath) {
  Json json = Json::parse(kSeedJson);
  json["databases"]["knowledge"]["versionBucket"] = "typo";
  json["connections"]["s3"]["primary"]["buckets"]["archive"] = "xronox-archive";
  json["databases"]["runtime"]["tenantDatabases"][0]["dbConnRef"] = "primary";
  json["telemetry"] = true;
  Result<Config> config = ParseConfigJson(json.dump());
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.status().code(), StatusCode::kInvalidArgument);
  const std::string& m = config.status().message();
  EXPECT_THAT(m, HasSubstr("databases.knowledge.versionBucket: unknown key 'versionBucket'"));
  EXPECT_THAT(m, HasSubstr("connections.s3.primary.buckets.archive: unknown key 'archive'"));
  EXPECT_THAT(m, HasSubstr("databases.runtime.tenantDatabases[0].dbConnRef: unknown key "
                           "'dbConnRef' (replaced by mongoRef or sqliteRef)"));
  EXPECT_THAT(m, HasSubstr("telemetry: unknown key 'telemetry'"));
  EXPECT_THAT(m, HasSubstr("(4 problems)"));
}

TEST(ConfigJsonTest, TierKeyOnRuntimeEntryIsUnknown) {
  Json json = Json::parse(kSeedJson);
  json["databases"]["runtime"]["tenantDatabases"][0]["tier"] = "tenant";
  Result<Config> config = ParseConfigJson(json.dump());
  ASSERT_FALSE(config.ok());
  EXPECT_THAT(config.status().message(),
              HasSubstr("databases.runtime.tenantDatabases[0].tier: unknown key 'tier'"));
}

TEST(ConfigJsonTest, WrongTypesNameThePath) {
  Json json = Json::parse(kSeedJson);
  json["databases"]["knowledge"]["dbName"] = 5;
  json["databases"]["runtime"]["tenantDatabases"][0]["enableVersioning"] = "yes";
  json["collectionMaps"]["activity_logs"]["indexedProps"][1] = 7;
  json["collectionMaps"]["activity_logs"]["s3Offload"]["olderThan"] = 1.5;
  json["engine"]["inlineMaxBytes"] = "16k";
  json["connections"]["mongo"]["primary"] = "mongodb://x";
  Result<Config> config = ParseConfigJson(json.dump());
  ASSERT_FALSE(config.ok());
  const std::string& m = config.status().message();
  EXPECT_THAT(m, HasSubstr("databases.knowledge.dbName: must be a string (got number)"));
  EXPECT_THAT(m, HasSubstr("databases.runtime.tenantDatabases[0].enableVersioning: must be true "
                           "or false (got string)"));
  EXPECT_THAT(m, HasSubstr("collectionMaps.activity_logs.indexedProps[1]: must be a string"));
  EXPECT_THAT(m, HasSubstr("collectionMaps.activity_logs.s3Offload.olderThan: must be an "
                           "integer (got number)"));
  EXPECT_THAT(m, HasSubstr("engine.inlineMaxBytes: must be an integer (got string)"));
  EXPECT_THAT(m, HasSubstr("connections.mongo.primary: must be a JSON object (got string)"));
}

TEST(ConfigJsonTest, StructuralErrors) {
  EXPECT_THAT(ParseConfigJson("[1]").status().message(),
              HasSubstr("config: must be a JSON object (got array)"));
  EXPECT_THAT(ParseConfigJson("{\"databases\": {\"runtime\": {\"tenantDatabases\": {}}}}")
                  .status()
                  .message(),
              HasSubstr("databases.runtime.tenantDatabases: must be an array (got object)"));
  EXPECT_THAT(ParseConfigJson("{\"databases\": {\"messaging\": {\"tier\": \"shared\"}}}")
                  .status()
                  .message(),
              HasSubstr("databases.messaging.tier: must be 'generic' or 'tenant'"));
  EXPECT_THAT(ParseConfigJson("{\"engine\": {\"claimLeaseSeconds\": 99999999999999999999}}")
                  .status()
                  .message(),
              HasSubstr("invalid config"));
  Result<Config> not_json = ParseConfigJson("{\"engine\": ");
  ASSERT_FALSE(not_json.ok());
  EXPECT_EQ(not_json.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(not_json.status().message(), HasSubstr("invalid JSON"));
}

TEST(ConfigJsonTest, DuplicateKeysAreRefused) {
  Result<Config> config = ParseConfigJson(
      R"({"engine": {"claimLeaseSeconds": 5, "claimLeaseSeconds": 50}, "engine": {}})");
  ASSERT_FALSE(config.ok());
  EXPECT_THAT(config.status().message(),
              HasSubstr("duplicate keys (only the last would be kept): "
                        "'claimLeaseSeconds' at engine.claimLeaseSeconds, 'engine' at engine"));
}

TEST(ConfigJsonTest, TypeAndTierMustAgree) {
  Result<Config> agree = ParseConfigJson(
      R"({"connections": {"mongo": {"m": {"uri": "mongodb://h"}}},
          "databases": {"messaging": {"type": "generic", "tier": "generic", "mongoRef": "m",
                                      "dbName": "msg"}}})");
  EXPECT_TRUE(agree.ok()) << agree.status().ToString();
  Result<Config> disagree =
      ParseConfigJson(R"({"databases": {"messaging": {"type": "generic", "tier": "tenant"}}})");
  EXPECT_THAT(disagree.status().message(), HasSubstr("databases.messaging.tier: disagrees"));
}

TEST(ConfigJsonTest, ParsedConfigIsValidated) {
  Json json = Json::parse(kSeedJson);
  json["databases"]["knowledge"]["versionsBucket"] = "xronox-knowledge-versions";
  json["databases"]["logs"]["backupsBucket"] = "xronox-logs-backups";
  json["databases"]["runtime"]["tenantDatabases"][0]["enableVersioning"] = false;
  Result<Config> config = ParseConfigJson(json.dump());
  ASSERT_FALSE(config.ok());
  const std::string& m = config.status().message();
  EXPECT_THAT(m, HasSubstr("databases.knowledge.versionsBucket: only runtime keeps versions"));
  EXPECT_THAT(m, HasSubstr("databases.logs.backupsBucket: logs keep no backups"));
  EXPECT_THAT(m, HasSubstr("databases.runtime.tenantDatabases[0].enableVersioning: runtime is "
                           "always versioned"));
}

TEST(ConfigJsonTest, RoundTrip) {
  Result<Config> built = SeedBuilder().AddRuntimeDatabase(RuntimeTemplate()).Build();
  ASSERT_TRUE(built.ok()) << built.status().ToString();
  Config config = *built;
  config.s3_connections["primary"].folder_prefixes.backups = "archive/backups";
  config.s3_connections["primary"].force_path_style = false;
  config.sqlite_connections["local"] = {"relative/hot.sqlite"};
  config.folder_connections["local"].path = "objects";
  config.folder_connections["local"].folder_prefixes.records = "recs";
  Messaging(config).capture_deliveries = true;
  config.collection_maps["orders"] = {{"status", "address.city"}, {false, 7}};
  config.engine = {1024, 90};

  const std::string text = ConfigToJson(config).dump();
  Result<Config> parsed = ParseConfigJson(text);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_TRUE(Same(config, *parsed)) << text << "\n" << ConfigToJson(*parsed).dump();
  EXPECT_EQ(ConfigToJson(*parsed), ConfigToJson(config));
  // Relative paths are kept as given by ParseConfigJson.
  EXPECT_EQ(parsed->sqlite_connections.at("local").path, "relative/hot.sqlite");
}

TEST(ConfigJsonTest, RoundTripFromText) {
  Result<Config> config = ParseConfigJson(kSeedJson);
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  Result<Config> again = ParseConfigJson(ConfigToJson(*config).dump(2));
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_TRUE(Same(*config, *again));
}

TEST(ConfigJsonTest, WritesTheSeedNames) {
  Json json = ConfigToJson(SeedConfig());
  EXPECT_EQ(json["databases"]["knowledge"]["type"], "generic");
  EXPECT_EQ(json["databases"]["knowledge"]["recordsBucket"], "xronox-knowledge-records");
  EXPECT_FALSE(json["databases"]["knowledge"].contains("versionsBucket"));
  EXPECT_EQ(json["databases"]["runtime"]["tenantDatabases"][0]["tenantId"], "acme-corp");
  EXPECT_EQ(json["databases"]["messaging"]["tier"], "generic");
  EXPECT_EQ(json["connections"]["s3"]["primary"]["accessKey"], "AKIDEXAMPLE");
  EXPECT_EQ(json["collectionMaps"]["activity_logs"]["s3Offload"]["olderThan"], 30);
}

// ---- Files. ----

TEST(ConfigFileTest, RelativePathsResolveAgainstTheFilesDirectory) {
  TempDir dir;
  const std::string file = dir.Write("etc/xronox.json", R"({
    "connections": {
      "sqlite": {"hot": {"path": "data/hot.sqlite"}, "abs": {"path": "/var/lib/x.sqlite"}},
      "folder": {"objects": {"path": "../objects"}}
    },
    "databases": {
      "knowledge": {"sqliteRef": "hot", "folderRef": "objects", "dbName": "kn",
                    "recordsBucket": "kn-records", "contentBucket": "kn-content",
                    "backupsBucket": "kn-backups"}
    }
  })");
  Result<Config> config = LoadConfigFile(file);
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  const std::filesystem::path etc = dir.path() / "etc";
  EXPECT_EQ(config->sqlite_connections.at("hot").path, (etc / "data/hot.sqlite").string());
  EXPECT_EQ(config->sqlite_connections.at("abs").path, "/var/lib/x.sqlite");
  EXPECT_EQ(config->folder_connections.at("objects").path, (dir.path() / "objects").string());
}

TEST(ConfigFileTest, ErrorsNameTheFile) {
  TempDir dir;
  const std::string file = dir.Write("bad.json", R"({"engine": {"claimLeaseSeconds": 0}})");
  Result<Config> config = LoadConfigFile(file);
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(config.status().message(), HasSubstr("config file '" + file + "'"));
  EXPECT_THAT(config.status().message(), HasSubstr("engine.claimLeaseSeconds"));

  const std::string typo = dir.Write("typo.json", R"({"engnie": {}})");
  EXPECT_THAT(LoadConfigFile(typo).status().message(), HasSubstr("unknown key 'engnie'"));

  Result<Config> missing = LoadConfigFile((dir.path() / "absent.json").string());
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
}

TEST(ConfigFileTest, EmptyPathStaysEmptyAndIsReported) {
  TempDir dir;
  const std::string file =
      dir.Write("c.json", R"({"connections": {"sqlite": {"s": {"path": ""}}}})");
  Result<Config> config = LoadConfigFile(file);
  ASSERT_FALSE(config.ok());
  EXPECT_THAT(config.status().message(), HasSubstr("connections.sqlite.s.path: must not be empty"));
}

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
