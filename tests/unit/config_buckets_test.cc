// Config: databases may not share a bucket of one object store (object keys name neither the
// database nor the tenant). Validation refuses it; resolution refuses it for template tenants.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "config/resolve.h"
#include "xronox/config.h"

namespace xronox {
namespace {

using ::testing::HasSubstr;

constexpr char kTail[] =
    "object keys name neither the database nor the tenant, so their objects would overwrite "
    "each other: each database needs its own bucket for now";

S3Connection S3(const std::string& endpoint = "https://s3.example.com") {
  S3Connection s3;
  s3.endpoint = endpoint;
  s3.buckets = {"xronox-records", "xronox-versions", "xronox-content", "xronox-backups"};
  return s3;
}

// A database on mongo "primary" and s3 "primary" with no buckets of its own: it takes the
// connection's defaults.
DatabaseConfig OnDefaults(const std::string& db_name) {
  DatabaseConfig db;
  db.mongo_ref = "primary";
  db.s3_ref = "primary";
  db.db_name = db_name;
  return db;
}

// A database with a bucket per kind it uses, all named after `name`.
DatabaseConfig OwnBuckets(DatabaseType type, const std::string& name) {
  DatabaseConfig db = OnDefaults("db_" + name);
  db.type = type;
  for (BucketKind kind : kAllBucketKinds) {
    if (UsesBucketKind(type, kind)) {
      MutableBucketName(db.buckets, kind) = name + "-" + BucketKindName(kind);
    }
  }
  return db;
}

DatabaseConfig Tenant(const std::string& tenant_id, const std::string& bucket_stem) {
  DatabaseConfig db = OwnBuckets(DatabaseType::kRuntime, bucket_stem);
  db.db_name = "runtime_" + tenant_id;
  db.tier = Tier::kTenant;
  db.tenant_id = tenant_id;
  return db;
}

DatabaseConfig Template(const std::string& bucket_stem) {
  DatabaseConfig db = Tenant("{tenant}", bucket_stem);
  db.db_name = "runtime_{tenant}";
  return db;
}

ConfigBuilder Base() {
  ConfigBuilder builder;
  builder.AddMongoConnection("primary", "mongodb://localhost:27017")
      .AddS3Connection("primary", S3());
  return builder;
}

size_t ProblemCount(const Status& status) {
  const std::string& m = status.message();
  return static_cast<size_t>(std::count(m.begin(), m.end(), '\n'));
}

// ---- Validation. ----

TEST(ConfigBucketSharingTest, TypesOnTheConnectionDefaultsCollide) {
  Result<Config> config = Base()
                              .AddKnowledgeDatabase(OnDefaults("knowledge"))
                              .AddMetadataDatabase(OnDefaults("metadata"))
                              .Build();
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(config.status().message(),
              HasSubstr("invalid config (1 problem):\n  databases.metadata: shares buckets with "
                        "databases.knowledge on s3 connection 'primary': 'xronox-records' for "
                        "records, 'xronox-content' for content, 'xronox-backups' for backups; " +
                        std::string(kTail)));
}

TEST(ConfigBucketSharingTest, EveryPairIsReported) {
  DatabaseConfig logs = OnDefaults("logs");
  Result<Config> config = Base()
                              .AddKnowledgeDatabase(OnDefaults("knowledge"))
                              .AddMetadataDatabase(OnDefaults("metadata"))
                              .AddLogsDatabase(logs)
                              .Build();
  ASSERT_FALSE(config.ok());
  const std::string& m = config.status().message();
  EXPECT_EQ(ProblemCount(config.status()), 3u) << m;
  EXPECT_THAT(m, HasSubstr("databases.metadata: shares buckets with databases.knowledge "));
  // Logs keep no backups, so they share two buckets with each.
  EXPECT_THAT(m, HasSubstr("databases.logs: shares buckets with databases.knowledge on s3 "
                           "connection 'primary': 'xronox-records' for records, 'xronox-content' "
                           "for content; "));
  EXPECT_THAT(m, HasSubstr("databases.logs: shares buckets with databases.metadata "));
}

TEST(ConfigBucketSharingTest, OneBucketSetOnTwoTypesCollides) {
  DatabaseConfig messaging = OwnBuckets(DatabaseType::kMessaging, "messaging");
  messaging.buckets.content = "knowledge-content";
  Result<Config> config =
      Base()
          .AddKnowledgeDatabase(OwnBuckets(DatabaseType::kKnowledge, "knowledge"))
          .AddMessagingDatabase(messaging)
          .Build();
  ASSERT_FALSE(config.ok());
  EXPECT_THAT(config.status().message(),
              HasSubstr("(1 problem):\n  databases.messaging: shares a bucket with "
                        "databases.knowledge on s3 connection 'primary': 'knowledge-content' for "
                        "content; " +
                        std::string(kTail)));
}

TEST(ConfigBucketSharingTest, ListedRuntimeTenantsCollide) {
  // The seed's runtime buckets, given to two tenants.
  Result<Config> config = Base()
                              .AddRuntimeDatabase(Tenant("acme", "xronox-runtime"))
                              .AddRuntimeDatabase(Tenant("globex", "xronox-runtime"))
                              .Build();
  ASSERT_FALSE(config.ok());
  EXPECT_THAT(config.status().message(),
              HasSubstr("(1 problem):\n  databases.runtime.tenantDatabases[1]: shares buckets "
                        "with databases.runtime.tenantDatabases[0] (tenant 'acme') on s3 "
                        "connection 'primary': 'xronox-runtime-records' for records, "
                        "'xronox-runtime-versions' for versions, 'xronox-runtime-content' for "
                        "content, 'xronox-runtime-backups' for backups; " +
                        std::string(kTail)));
  // Tenants on the connection defaults collide in the same way.
  DatabaseConfig acme = Tenant("acme", "unused");
  DatabaseConfig globex = Tenant("globex", "unused");
  acme.buckets = {};
  globex.buckets = {};
  Status defaults = Base().AddRuntimeDatabase(acme).AddRuntimeDatabase(globex).Build().status();
  EXPECT_THAT(defaults.message(),
              HasSubstr("databases.runtime.tenantDatabases[1]: shares buckets with "
                        "databases.runtime.tenantDatabases[0] (tenant 'acme')"));
}

TEST(ConfigBucketSharingTest, RuntimeVersionsMeetRecordsUnderOnePrefix) {
  S3Connection s3 = S3();
  s3.folder_prefixes.versions = "data";
  s3.folder_prefixes.records = "data";
  DatabaseConfig knowledge = OwnBuckets(DatabaseType::kKnowledge, "knowledge");
  knowledge.buckets.records = "shared-data";
  DatabaseConfig acme = Tenant("acme", "acme");
  acme.buckets.versions = "shared-data";
  Result<Config> config = ConfigBuilder()
                              .AddMongoConnection("primary", "mongodb://localhost:27017")
                              .AddS3Connection("primary", s3)
                              .AddKnowledgeDatabase(knowledge)
                              .AddRuntimeDatabase(acme)
                              .Build();
  ASSERT_FALSE(config.ok());
  EXPECT_THAT(config.status().message(),
              HasSubstr("databases.runtime.tenantDatabases[0]: shares a bucket with "
                        "databases.knowledge on s3 connection 'primary': 'shared-data' for "
                        "versions here and records there (same folder prefix 'data'); "));
}

TEST(ConfigBucketSharingTest, NestedOrEmptyPrefixesOverlap) {
  for (const auto& [records, content] :
       {std::pair<std::string, std::string>{"data", "data/c"}, {"", "content"}, {"a/b", "a"}}) {
    S3Connection s3 = S3();
    s3.folder_prefixes.records = records;
    s3.folder_prefixes.content = content;
    DatabaseConfig knowledge = OwnBuckets(DatabaseType::kKnowledge, "knowledge");
    DatabaseConfig metadata = OwnBuckets(DatabaseType::kMetadata, "metadata");
    metadata.buckets.content = knowledge.buckets.records;
    Status status = ConfigBuilder()
                        .AddMongoConnection("primary", "mongodb://localhost:27017")
                        .AddS3Connection("primary", s3)
                        .AddKnowledgeDatabase(knowledge)
                        .AddMetadataDatabase(metadata)
                        .Build()
                        .status();
    EXPECT_THAT(status.message(),
                HasSubstr("databases.metadata: shares a bucket with databases.knowledge on s3 "
                          "connection 'primary': 'knowledge-records' for content here and "
                          "records there (folder prefixes '" +
                          content + "' and '" + records + "' overlap)"))
        << records << " / " << content;
  }
}

TEST(ConfigBucketSharingTest, OneBucketForDifferentKindsWithDistinctPrefixesIsValid) {
  // Strategy B across databases: knowledge records and metadata content in one bucket, kept
  // apart by the default prefixes "records" and "content" (and "records" vs "records2").
  DatabaseConfig knowledge = OwnBuckets(DatabaseType::kKnowledge, "knowledge");
  DatabaseConfig metadata = OwnBuckets(DatabaseType::kMetadata, "metadata");
  knowledge.buckets.records = "xronox-data";
  metadata.buckets.content = "xronox-data";
  S3Connection s3 = S3();
  s3.folder_prefixes.content = "records2";
  Result<Config> config = ConfigBuilder()
                              .AddMongoConnection("primary", "mongodb://localhost:27017")
                              .AddS3Connection("primary", s3)
                              .AddKnowledgeDatabase(knowledge)
                              .AddMetadataDatabase(metadata)
                              .Build();
  EXPECT_TRUE(config.ok()) << config.status().ToString();
  // Strategy B in one database: every kind in one bucket.
  DatabaseConfig all = OnDefaults("knowledge");
  S3Connection one_bucket = S3();
  one_bucket.buckets = {"xronox-data", "xronox-data", "xronox-data", "xronox-data"};
  Result<Config> single = ConfigBuilder()
                              .AddMongoConnection("primary", "mongodb://localhost:27017")
                              .AddS3Connection("primary", one_bucket)
                              .AddKnowledgeDatabase(all)
                              .AddRuntimeDatabase(Tenant("acme", "acme"))
                              .Build();
  EXPECT_TRUE(single.ok()) << single.status().ToString();
}

TEST(ConfigBucketSharingTest, OtherStoresMayReuseABucketName) {
  DatabaseConfig metadata = OwnBuckets(DatabaseType::kMetadata, "knowledge");
  metadata.db_name = "db_metadata";
  metadata.s3_ref = "archive";
  DatabaseConfig logs = OwnBuckets(DatabaseType::kLogs, "knowledge");
  logs.db_name = "db_logs";
  logs.s3_ref = "";
  logs.folder_ref = "primary";  // A folder connection named like the s3 one.
  Result<Config> config =
      Base()
          .AddS3Connection("archive", S3("https://archive.example.com"))
          .AddFolderConnection("primary", "/srv/objects")
          .AddKnowledgeDatabase(OwnBuckets(DatabaseType::kKnowledge, "knowledge"))
          .AddMetadataDatabase(metadata)
          .AddLogsDatabase(logs)
          .Build();
  EXPECT_TRUE(config.ok()) << config.status().ToString();
}

TEST(ConfigBucketSharingTest, TwoConnectionsToOneStoreCollide) {
  DatabaseConfig metadata = OwnBuckets(DatabaseType::kMetadata, "knowledge");
  metadata.db_name = "db_metadata";
  metadata.s3_ref = "archive";
  Result<Config> config =
      Base()
          .AddS3Connection("archive", S3("HTTPS://S3.example.com/"))
          .AddKnowledgeDatabase(OwnBuckets(DatabaseType::kKnowledge, "knowledge"))
          .AddMetadataDatabase(metadata)
          .Build();
  ASSERT_FALSE(config.ok());
  EXPECT_THAT(config.status().message(),
              HasSubstr("databases.metadata: shares buckets with databases.knowledge on s3 "
                        "connection 'archive' (the same store as s3 connection 'primary'): "
                        "'knowledge-records' for records"));
  // Folder connections at one path.
  DatabaseConfig knowledge = OwnBuckets(DatabaseType::kKnowledge, "knowledge");
  knowledge.s3_ref = "";
  knowledge.folder_ref = "a";
  DatabaseConfig logs = OwnBuckets(DatabaseType::kLogs, "knowledge");
  logs.db_name = "db_logs";
  logs.s3_ref = "";
  logs.folder_ref = "b";
  Status folders = Base()
                       .AddFolderConnection("a", "/srv/objects")
                       .AddFolderConnection("b", "/srv/./objects/")
                       .AddKnowledgeDatabase(knowledge)
                       .AddLogsDatabase(logs)
                       .Build()
                       .status();
  EXPECT_THAT(folders.message(),
              HasSubstr("databases.logs: shares buckets with databases.knowledge on folder "
                        "connection 'b' (the same store as folder connection 'a'): "
                        "'knowledge-records' for records, 'knowledge-content' for content; "));
}

TEST(ConfigBucketSharingTest, TemplateThatCanProduceAListedBucketCollides) {
  // Tenant "knowledge" would get the knowledge database's buckets.
  Result<Config> config =
      Base()
          .AddKnowledgeDatabase(OwnBuckets(DatabaseType::kKnowledge, "knowledge"))
          .AddRuntimeDatabase(Template("{tenant}"))
          .Build();
  ASSERT_FALSE(config.ok());
  EXPECT_THAT(
      config.status().message(),
      HasSubstr("(1 problem):\n  databases.runtime.tenantTemplate: shares buckets with "
                "databases.knowledge on s3 connection 'primary': 'knowledge-records' (tenant "
                "'knowledge') for records, 'knowledge-content' (tenant 'knowledge') for "
                "content, 'knowledge-backups' (tenant 'knowledge') for backups; " +
                std::string(kTail)));
  // A pattern with the placeholder twice, against a listed runtime tenant's bucket.
  DatabaseConfig tmpl = Template("rt-{tenant}");
  tmpl.buckets.content = "c-{tenant}-{tenant}";
  DatabaseConfig acme = Tenant("acme", "acme");
  acme.buckets.content = "c-globex-globex";
  Status twice = Base().AddRuntimeDatabase(acme).AddRuntimeDatabase(tmpl).Build().status();
  EXPECT_THAT(twice.message(),
              HasSubstr("databases.runtime.tenantTemplate: shares a bucket with "
                        "databases.runtime.tenantDatabases[0] (tenant 'acme') on s3 connection "
                        "'primary': 'c-globex-globex' (tenant 'globex') for content; "));
}

TEST(ConfigBucketSharingTest, TemplateMatchingOnlyItsListedTenantsIsValid) {
  // Listed tenants named like the template: the template never serves "acme" or "globex".
  Result<Config> config = Base()
                              .AddRuntimeDatabase(Tenant("acme", "rt-acme"))
                              .AddRuntimeDatabase(Tenant("globex", "rt-globex"))
                              .AddRuntimeDatabase(Template("rt-{tenant}"))
                              .Build();
  EXPECT_TRUE(config.ok()) << config.status().ToString();
  // A template bucket without "{tenant}" is reported once, for isolation.
  DatabaseConfig tmpl = Template("rt-{tenant}");
  tmpl.buckets.records = "acme-records";
  Status shared =
      Base().AddRuntimeDatabase(Tenant("acme", "acme")).AddRuntimeDatabase(tmpl).Build().status();
  EXPECT_THAT(shared.message(), HasSubstr("(1 problem):\n  databases.runtime.tenantTemplate."
                                          "recordsBucket: must contain '{tenant}'"));
}

TEST(ConfigBucketSharingTest, ListedBucketsTheTemplateCannotProduceAreValid) {
  Result<Config> config =
      Base()
          .AddKnowledgeDatabase(OwnBuckets(DatabaseType::kKnowledge, "knowledge"))
          .AddRuntimeDatabase(Tenant("acme", "xronox-runtime"))
          .AddRuntimeDatabase(Template("rt-{tenant}"))
          .Build();
  EXPECT_TRUE(config.ok()) << config.status().ToString();
}

TEST(ConfigBucketSharingTest, EmbeddedConfigIsStillValid) {
  Result<Config> config = CreateEmbeddedConfig("/srv/xronox");
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_TRUE(ValidateConfig(*config).ok());
  for (const std::string tenant : {"acme", "knowledge", "metadata", "logs", "a"}) {
    Result<DatabaseConfig> db =
        ResolveDatabase(*config, DatabaseType::kRuntime, Tier::kTenant, tenant);
    EXPECT_TRUE(db.ok()) << tenant << ": " << db.status().ToString();
  }
}

TEST(ConfigBucketSharingTest, SeedJsonWithLogsOnTheDefaultsIsRefused) {
  // The seed's runtime tenant and logs both take the connection's buckets.
  Result<Config> config = ParseConfigJson(R"({
    "connections": {
      "mongo": {"primary": {"uri": "mongodb://localhost:27017"}},
      "s3": {"primary": {"endpoint": "https://s3.amazonaws.com",
                         "buckets": {"records": "xronox-records", "versions": "xronox-versions",
                                     "content": "xronox-content", "backups": "xronox-backups"}}}
    },
    "databases": {
      "runtime": {"tenantDatabases": [{"tenantId": "acme-corp", "mongoRef": "primary",
                                       "s3Ref": "primary", "dbName": "athenix_runtime_acme"}]},
      "logs": {"mongoRef": "primary", "s3Ref": "primary", "dbName": "athenix_logs"}
    }
  })");
  ASSERT_FALSE(config.ok());
  EXPECT_THAT(config.status().message(),
              HasSubstr("databases.logs: shares buckets with databases.runtime.tenantDatabases[0] "
                        "(tenant 'acme-corp') on s3 connection 'primary': 'xronox-records' for "
                        "records, 'xronox-content' for content; "));
}

// ---- Resolution: the template's buckets for a tenant, whatever validation foresaw. ----

class ConfigBucketResolveTest : public ::testing::Test {
 protected:
  // Built without validation: resolution must refuse on its own.
  void SetUp() override {
    config_.mongo_connections["primary"] = {"mongodb://localhost:27017"};
    config_.s3_connections["primary"] = S3();
    config_.s3_connections["archive"] = S3("https://archive.example.com");
    config_.databases.push_back(OwnBuckets(DatabaseType::kKnowledge, "xronox-knowledge"));
    config_.databases.push_back(Tenant("acme", "xronox-runtime"));
    config_.runtime_tenant_template = Template("xronox-{tenant}");
  }
  Result<DatabaseConfig> Runtime(const std::string& tenant) {
    return ResolveDatabase(config_, DatabaseType::kRuntime, Tier::kTenant, tenant);
  }
  Config config_;
};

TEST_F(ConfigBucketResolveTest, TemplateMayNotHandOutAListedBucket) {
  Result<DatabaseConfig> db = Runtime("knowledge");
  EXPECT_EQ(db.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(db.status().message(),
              HasSubstr("tenant id 'knowledge': the runtime tenant template would give it "
                        "records bucket 'xronox-knowledge-records' on s3 connection 'primary', "
                        "where the knowledge database keeps its records"));
  EXPECT_THAT(db.status().message(), HasSubstr("each database needs its own bucket for now"));
  // A listed runtime tenant's buckets: "runtime" gets "xronox-runtime-records".
  Result<DatabaseConfig> runtime = Runtime("runtime");
  EXPECT_EQ(runtime.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(runtime.status().message(),
              HasSubstr("where the runtime database of tenant 'acme' keeps its records"));
  // Other tenants are served; the listed tenant gets its own entry.
  EXPECT_TRUE(Runtime("globex").ok());
  Result<DatabaseConfig> acme = Runtime("acme");
  ASSERT_TRUE(acme.ok()) << acme.status().ToString();
  EXPECT_EQ(BucketFor(*acme, BucketKind::kRecords), "xronox-runtime-records");
}

TEST_F(ConfigBucketResolveTest, OnlyTheSameStoreAndOverlappingPrefixesCount) {
  config_.runtime_tenant_template->s3_ref = "archive";
  EXPECT_TRUE(Runtime("knowledge").ok());
  // Back on the knowledge database's store, with its records bucket as the tenant's content
  // bucket: "records" and "content" prefixes are apart.
  config_.runtime_tenant_template->s3_ref = "primary";
  for (BucketKind kind : kAllBucketKinds) {
    MutableBucketName(config_.runtime_tenant_template->buckets, kind) =
        std::string("t-{tenant}-") + BucketKindName(kind);
  }
  config_.runtime_tenant_template->buckets.content = "xronox-{tenant}-records";
  EXPECT_TRUE(Runtime("knowledge").ok());
  config_.s3_connections["primary"].folder_prefixes.content = "records";
  Result<DatabaseConfig> same_prefix = Runtime("knowledge");
  EXPECT_EQ(same_prefix.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(same_prefix.status().message(),
              HasSubstr("content bucket 'xronox-knowledge-records'"));
  EXPECT_THAT(same_prefix.status().message(), HasSubstr("keeps its records"));
}

TEST(ConfigBucketHelpersTest, PrefixesOverlap) {
  EXPECT_TRUE(PrefixesOverlap("records", "records"));
  EXPECT_TRUE(PrefixesOverlap("", "records"));
  EXPECT_TRUE(PrefixesOverlap("data/records", "data"));
  EXPECT_FALSE(PrefixesOverlap("records", "content"));
  EXPECT_FALSE(PrefixesOverlap("records", "records2"));
  EXPECT_FALSE(PrefixesOverlap("data/a", "data/b"));
}

TEST(ConfigBucketHelpersTest, TenantForName) {
  EXPECT_EQ(TenantForName("rt-{tenant}-records", "rt-acme-records"), "acme");
  EXPECT_EQ(TenantForName("{tenant}", "acme"), "acme");
  EXPECT_EQ(TenantForName("a-{tenant}-{tenant}", "a-xy-xy"), "xy");
  EXPECT_EQ(TenantForName("a-{tenant}-{tenant}", "a-xy-xz"), std::nullopt);
  EXPECT_EQ(TenantForName("rt-{tenant}-records", "rt--records"), std::nullopt);  // Empty id.
  EXPECT_EQ(TenantForName("rt-{tenant}", "rt-a.b"), std::nullopt);  // Not a valid tenant id.
  EXPECT_EQ(TenantForName("rt-{tenant}", "other"), std::nullopt);
  EXPECT_EQ(TenantForName("plain", "plain"), std::nullopt);
}

}  // namespace
}  // namespace xronox
