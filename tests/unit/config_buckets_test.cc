// Config: databases may share a bucket of one object store under equal folder prefixes (a shared
// key space, where each owner but the first keeps its keys under its scope), never under nested
// ones. KeySpaceShared tells the router which key spaces are shared.
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
    "one's keys would fall under the other's prefix: databases may share a bucket under equal "
    "or disjoint folder prefixes";

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

// ---- Validation. ----

bool Shared(const Config& config, DatabaseType type, const std::string& tenant, BucketKind kind) {
  Result<DatabaseConfig> db =
      ResolveDatabase(config, type, tenant.empty() ? Tier::kGeneric : Tier::kTenant, tenant);
  EXPECT_TRUE(db.ok()) << db.status().ToString();
  return db.ok() && KeySpaceShared(config, *db, kind);
}

TEST(ConfigBucketSharingTest, TypesOnTheConnectionDefaultsShareKeySpaces) {
  // Option A: one bucket set at the connection for every database.
  Result<Config> config = Base()
                              .AddKnowledgeDatabase(OnDefaults("knowledge"))
                              .AddMetadataDatabase(OnDefaults("metadata"))
                              .AddLogsDatabase(OnDefaults("logs"))
                              .Build();
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  for (BucketKind kind : {BucketKind::kRecords, BucketKind::kContent}) {
    EXPECT_TRUE(Shared(*config, DatabaseType::kKnowledge, "", kind));
    EXPECT_TRUE(Shared(*config, DatabaseType::kLogs, "", kind));
  }
  // Knowledge and metadata keep backups; logs do not.
  EXPECT_TRUE(Shared(*config, DatabaseType::kMetadata, "", BucketKind::kBackups));
}

TEST(ConfigBucketSharingTest, OwnBucketsAreNotShared) {
  Result<Config> config =
      Base()
          .AddKnowledgeDatabase(OwnBuckets(DatabaseType::kKnowledge, "knowledge"))
          .AddMetadataDatabase(OwnBuckets(DatabaseType::kMetadata, "metadata"))
          .AddRuntimeDatabase(Tenant("acme", "acme"))
          .Build();
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  for (BucketKind kind : kAllBucketKinds) {
    EXPECT_FALSE(Shared(*config, DatabaseType::kKnowledge, "", kind));
    EXPECT_FALSE(Shared(*config, DatabaseType::kRuntime, "acme", kind));
  }
}

TEST(ConfigBucketSharingTest, ListedRuntimeTenantsShareTheGuidesBuckets) {
  // The guide's builder example: tenants in the xronox-runtime-* buckets.
  Result<Config> config = Base()
                              .AddRuntimeDatabase(Tenant("acme", "xronox-runtime"))
                              .AddRuntimeDatabase(Tenant("globex", "xronox-runtime"))
                              .Build();
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  for (BucketKind kind : kAllBucketKinds) {
    EXPECT_TRUE(Shared(*config, DatabaseType::kRuntime, "acme", kind));
    EXPECT_TRUE(Shared(*config, DatabaseType::kRuntime, "globex", kind));
  }
}

TEST(ConfigBucketSharingTest, DifferentKindsUnderOnePrefixShareAKeySpace) {
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
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_TRUE(Shared(*config, DatabaseType::kRuntime, "acme", BucketKind::kVersions));
  EXPECT_TRUE(Shared(*config, DatabaseType::kKnowledge, "", BucketKind::kRecords));
  EXPECT_FALSE(Shared(*config, DatabaseType::kRuntime, "acme", BucketKind::kRecords));
}

TEST(ConfigBucketSharingTest, NestedOrEmptyPrefixesAreRefused) {
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
                HasSubstr("(1 problem):\n  databases.metadata: shares a bucket with "
                          "databases.knowledge on s3 connection 'primary' under nested folder "
                          "prefixes: 'knowledge-records' for content under '" +
                          content + "' here and records under '" + records + "' there; " +
                          std::string(kTail)))
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
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_FALSE(Shared(*config, DatabaseType::kKnowledge, "", BucketKind::kRecords));
  EXPECT_FALSE(Shared(*config, DatabaseType::kMetadata, "", BucketKind::kContent));
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
  Result<Config> config =
      Base()
          .AddS3Connection("archive", S3("https://archive.example.com"))
          .AddKnowledgeDatabase(OwnBuckets(DatabaseType::kKnowledge, "knowledge"))
          .AddMetadataDatabase(metadata)
          .Build();
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_FALSE(Shared(*config, DatabaseType::kKnowledge, "", BucketKind::kRecords));
}

TEST(ConfigBucketSharingTest, TwoConnectionsToOneStoreShare) {
  DatabaseConfig metadata = OwnBuckets(DatabaseType::kMetadata, "knowledge");
  metadata.db_name = "db_metadata";
  metadata.s3_ref = "archive";
  Result<Config> config =
      Base()
          .AddS3Connection("archive", S3("https://S3.EXAMPLE.com/"))
          .AddKnowledgeDatabase(OwnBuckets(DatabaseType::kKnowledge, "knowledge"))
          .AddMetadataDatabase(metadata)
          .Build();
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_TRUE(Shared(*config, DatabaseType::kMetadata, "", BucketKind::kRecords));
  // Folder connections at one path share too.
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
  EXPECT_TRUE(folders.ok()) << folders.ToString();
}

TEST(ConfigBucketSharingTest, TemplateThatCanProduceAListedBucketShares) {
  // Tenant "knowledge" would get the knowledge database's buckets: a shared key space.
  Result<Config> config =
      Base()
          .AddKnowledgeDatabase(OwnBuckets(DatabaseType::kKnowledge, "knowledge"))
          .AddRuntimeDatabase(Template("{tenant}"))
          .Build();
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_TRUE(Shared(*config, DatabaseType::kKnowledge, "", BucketKind::kRecords));
  EXPECT_TRUE(Shared(*config, DatabaseType::kRuntime, "knowledge", BucketKind::kRecords));
  EXPECT_FALSE(Shared(*config, DatabaseType::kRuntime, "globex", BucketKind::kRecords));
}

TEST(ConfigBucketSharingTest, TemplateBucketWithoutTenantIsSharedByEveryTenant) {
  DatabaseConfig tmpl = Template("rt-{tenant}");
  tmpl.buckets.records = "xronox-runtime-records";
  Result<Config> config =
      Base().AddRuntimeDatabase(Tenant("acme", "acme")).AddRuntimeDatabase(tmpl).Build();
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_TRUE(Shared(*config, DatabaseType::kRuntime, "globex", BucketKind::kRecords));
  EXPECT_FALSE(Shared(*config, DatabaseType::kRuntime, "globex", BucketKind::kVersions));
  EXPECT_FALSE(Shared(*config, DatabaseType::kRuntime, "acme", BucketKind::kRecords));
}

TEST(ConfigBucketSharingTest, TemplateMatchingOnlyItsListedTenantsIsNotShared) {
  // Listed tenants named like the template: the template never serves "acme" or "globex".
  Result<Config> config = Base()
                              .AddRuntimeDatabase(Tenant("acme", "rt-acme"))
                              .AddRuntimeDatabase(Tenant("globex", "rt-globex"))
                              .AddRuntimeDatabase(Template("rt-{tenant}"))
                              .Build();
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_FALSE(Shared(*config, DatabaseType::kRuntime, "acme", BucketKind::kRecords));
  EXPECT_FALSE(Shared(*config, DatabaseType::kRuntime, "initech", BucketKind::kRecords));
}

TEST(ConfigBucketSharingTest, EmbeddedConfigIsStillValid) {
  Result<Config> config = CreateEmbeddedConfig("/srv/xronox");
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_TRUE(ValidateConfig(*config).ok());
  for (const std::string tenant : {"acme", "knowledge", "metadata", "logs", "a"}) {
    Result<DatabaseConfig> db =
        ResolveDatabase(*config, DatabaseType::kRuntime, Tier::kTenant, tenant);
    ASSERT_TRUE(db.ok()) << tenant << ": " << db.status().ToString();
    // Every database of the embedded default has buckets of its own.
    for (BucketKind kind : kAllBucketKinds) EXPECT_FALSE(KeySpaceShared(*config, *db, kind));
  }
}

TEST(ConfigBucketSharingTest, SeedJsonWithLogsOnTheDefaultsShares) {
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
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_TRUE(Shared(*config, DatabaseType::kLogs, "", BucketKind::kRecords));
  EXPECT_FALSE(Shared(*config, DatabaseType::kRuntime, "acme-corp", BucketKind::kVersions));
}

TEST(ConfigBucketSharingTest, OwnerScopes) {
  DatabaseConfig acme = Tenant("acme", "acme");
  EXPECT_EQ(OwnerScope(acme), "@runtime.acme");
  EXPECT_EQ(OwnerScope(OnDefaults("k")), "@knowledge");
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

TEST_F(ConfigBucketResolveTest, TemplateMayShareAListedBucketUnderItsPrefix) {
  Result<DatabaseConfig> db = Runtime("knowledge");
  ASSERT_TRUE(db.ok()) << db.status().ToString();
  EXPECT_TRUE(KeySpaceShared(config_, *db, BucketKind::kRecords));
  Result<DatabaseConfig> acme = Runtime("acme");
  ASSERT_TRUE(acme.ok()) << acme.status().ToString();
  EXPECT_EQ(BucketFor(*acme, BucketKind::kRecords), "xronox-runtime-records");
  EXPECT_TRUE(KeySpaceShared(config_, *acme, BucketKind::kRecords));  // Tenant "runtime".
}

TEST_F(ConfigBucketResolveTest, TemplateMayNotHandOutANestedPrefix) {
  config_.s3_connections["primary"].folder_prefixes.content = "records/c";
  config_.runtime_tenant_template->buckets.content = "xronox-{tenant}-records";
  Result<DatabaseConfig> nested = Runtime("knowledge");
  EXPECT_EQ(nested.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(nested.status().message(),
              HasSubstr("tenant id 'knowledge': the runtime tenant template would give it "
                        "content bucket 'xronox-knowledge-records' on s3 connection 'primary', "
                        "where the knowledge database keeps its records under a nested folder "
                        "prefix"));
  config_.runtime_tenant_template->s3_ref = "archive";
  EXPECT_TRUE(Runtime("knowledge").ok());
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
