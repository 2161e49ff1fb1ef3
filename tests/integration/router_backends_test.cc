// The router's backend registry on the production backends: S3 storage classes per bucket kind
// and folder prefix, minimal mode's per-database MongoDB object stores, and the refusals and
// failures that must name the connection but never its secrets.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "config/resolve.h"
#include "router/router.h"
#include "store/hot/mongo/mongo_hot_store.h"
#include "store/object/mongo/mongo_object_store.h"
#include "store/object/s3/s3_object_store.h"
#include "store/wrappers/metered_object_store.h"
#include "support/temp_dir.h"
#include "support/test_services.h"

namespace xronox::testing {
namespace {

Target RuntimeTarget(const std::string& tenant) {
  return {DatabaseType::kRuntime, Tier::kTenant, tenant, "orders"};
}
// The backend under the metered decorator the router puts around every store it opens.
template <typename Store>
Store* Unwrapped(store::ObjectStore* objects) {
  auto* metered = dynamic_cast<store::MeteredObjectStore*>(objects);
  return dynamic_cast<Store*>(metered != nullptr ? &metered->inner() : objects);
}

Target KnowledgeTarget() { return {DatabaseType::kKnowledge, Tier::kGeneric, "", "notes"}; }

std::unique_ptr<Router> OpenRouter(const Result<Config>& config) {
  EXPECT_TRUE(config.ok()) << config.status().ToString();
  if (!config.ok()) return nullptr;
  auto router = Router::Open(*config);
  EXPECT_TRUE(router.ok()) << router.status().ToString();
  return router.ok() ? std::move(router).value() : nullptr;
}

// Against the S3 test service: Bind creates buckets there.
class RouterS3Test : public ::testing::Test {
 protected:
  void SetUp() override {
    auto check = CheckServices(
        {"XRONOX_TEST_S3_ENDPOINT", "XRONOX_TEST_S3_ACCESS_KEY", "XRONOX_TEST_S3_SECRET_KEY"});
    if (check.missing) {
      if (check.required) FAIL() << check.message;
      GTEST_SKIP() << check.message;
    }
  }

  // The seed's cost table: records and content STANDARD, versions INTELLIGENT_TIERING, backups
  // GLACIER.
  static S3Connection SeedClassesS3() {
    store::S3Options test = TestS3Options();
    S3Connection s3;
    s3.endpoint = test.endpoint;
    s3.access_key = test.access_key;
    s3.secret_key = test.secret_key;
    s3.storage_classes = {"STANDARD", "INTELLIGENT_TIERING", "STANDARD", "GLACIER"};
    return s3;
  }

  static DatabaseConfig AcmeRuntime(const BucketNames& buckets) {
    DatabaseConfig runtime;
    runtime.tenant_id = "acme";
    runtime.sqlite_ref = "local";
    runtime.s3_ref = "primary";
    runtime.db_name = "runtime_acme";
    runtime.buckets = buckets;
    return runtime;
  }

  void RemoveBuckets(store::S3ObjectStore& objects, const std::vector<std::string>& buckets) {
    for (const std::string& bucket : buckets) {
      Status removed = EmptyAndDeleteBucket(objects, bucket);
      EXPECT_TRUE(removed.ok()) << removed.ToString();
    }
  }

  TempDir dir_;
  const std::string stem_ = UniqueBucketStem();
};

TEST_F(RouterS3Test, StorageClassesAreSetPerBucketKind) {
  S3Connection s3 = SeedClassesS3();
  s3.storage_classes.content = "";
  DatabaseConfig runtime = AcmeRuntime(
      {stem_ + "-records", stem_ + "-versions", stem_ + "-content", stem_ + "-backups"});
  auto router = OpenRouter(ConfigBuilder()
                               .AddSqliteConnection("local", dir_.path() + "/hot.sqlite")
                               .AddS3Connection("primary", s3)
                               .AddRuntimeDatabase(runtime)
                               .Build());
  ASSERT_NE(router, nullptr);
  auto binding = router->Bind(RuntimeTarget("acme"));
  ASSERT_TRUE(binding.ok()) << binding.status().ToString();
  Status prepared = router->PrepareWrite(*binding);  // A write's first step sets the classes.
  ASSERT_TRUE(prepared.ok()) << prepared.ToString();
  auto* objects = Unwrapped<store::S3ObjectStore>((*binding)->objects);
  ASSERT_NE(objects, nullptr);
  EXPECT_EQ(objects->StorageClassFor(stem_ + "-records", "records/orders/o1/current.json"),
            "STANDARD");
  EXPECT_EQ(objects->StorageClassFor(stem_ + "-versions", "versions/orders/o1/v0.json"),
            "INTELLIGENT_TIERING");
  EXPECT_EQ(objects->StorageClassFor(stem_ + "-content", "content/orders/blob"), "");
  EXPECT_EQ(objects->StorageClassFor(stem_ + "-backups", "backups/orders/b1"), "GLACIER");
  EXPECT_EQ(objects->StorageClassFor(stem_ + "-records", "elsewhere/k"), "")
      << "only keys under the kind's folder prefix";
  RemoveBuckets(*objects, {runtime.buckets.records, runtime.buckets.versions,
                           runtime.buckets.content, runtime.buckets.backups});
}

// Strategy B: one bucket, a folder prefix per kind, a storage class per kind.
TEST_F(RouterS3Test, OneBucketGetsAStorageClassPerFolderPrefix) {
  S3Connection s3 = SeedClassesS3();
  s3.folder_prefixes = {"app/records", "app/versions", "app/content", "app/backups"};
  const std::string bucket = stem_ + "-data";
  DatabaseConfig runtime = AcmeRuntime({bucket, bucket, bucket, bucket});
  auto router = OpenRouter(ConfigBuilder()
                               .AddSqliteConnection("local", dir_.path() + "/hot.sqlite")
                               .AddS3Connection("primary", s3)
                               .AddRuntimeDatabase(runtime)
                               .Build());
  ASSERT_NE(router, nullptr);
  auto binding = router->Bind(RuntimeTarget("acme"));
  ASSERT_TRUE(binding.ok()) << binding.status().ToString();
  Status prepared = router->PrepareWrite(*binding);  // A write's first step sets the classes.
  ASSERT_TRUE(prepared.ok()) << prepared.ToString();
  auto* objects = Unwrapped<store::S3ObjectStore>((*binding)->objects);
  ASSERT_NE(objects, nullptr);
  EXPECT_EQ(objects->StorageClassFor(bucket, "app/records/orders/o1/current.json"), "STANDARD");
  EXPECT_EQ(objects->StorageClassFor(bucket, "app/versions/orders/o1/v0.json"),
            "INTELLIGENT_TIERING");
  EXPECT_EQ(objects->StorageClassFor(bucket, "app/content/orders/blob"), "STANDARD");
  EXPECT_EQ(objects->StorageClassFor(bucket, "app/backups/orders/b1"), "GLACIER");
  EXPECT_EQ(objects->StorageClassFor(bucket, "app/versionsX/orders/o1/v0.json"), "")
      << "'app/versions' leads only keys under 'app/versions/'";
  EXPECT_EQ(objects->StorageClassFor(bucket, "app/other"), "");
  RemoveBuckets(*objects, {bucket});
}

// Validation compares a template's buckets as patterns: "<stem>{tenant}" and "{tenant}<stem>"
// differ, yet give tenant "<stem>" the same bucket. Records and versions then meet under one
// folder prefix with different classes, which the router refuses at that tenant's first write.
TEST_F(RouterS3Test, OnePrefixOfOneBucketWithTwoClassesIsRefusedAtFirstWrite) {
  S3Connection s3 = SeedClassesS3();
  s3.folder_prefixes = {"data", "data", "content", "backups"};
  DatabaseConfig templ =
      AcmeRuntime({stem_ + "{tenant}", "{tenant}" + stem_, "{tenant}-" + stem_ + "-content",
                   "{tenant}-" + stem_ + "-backups"});
  templ.tenant_id = "{tenant}";
  templ.db_name = "runtime_{tenant}";
  auto router = OpenRouter(ConfigBuilder()
                               .AddSqliteConnection("local", dir_.path() + "/hot.sqlite")
                               .AddS3Connection("primary", s3)
                               .AddRuntimeDatabase(templ)
                               .Build());
  ASSERT_NE(router, nullptr);
  auto binding = router->Bind(RuntimeTarget(stem_));
  ASSERT_TRUE(binding.ok()) << binding.status().ToString();
  Status prepared = router->PrepareWrite(*binding);
  ASSERT_FALSE(prepared.ok());
  EXPECT_EQ(prepared.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(prepared.message(),
            "bucket '" + stem_ + stem_ +
                "' on s3 connection 'primary' would hold versions (folder prefix 'data') with "
                "storage class 'INTELLIGENT_TIERING' and records (folder prefix 'data') with "
                "storage class 'STANDARD': a key takes the class of the longest folder prefix "
                "that leads it, so kinds under equal or nested folder prefixes of one bucket "
                "need the same class");
  auto objects = store::S3ObjectStore::Open(TestS3Options());
  ASSERT_TRUE(objects.ok()) << objects.status().ToString();
  RemoveBuckets(**objects, {stem_ + stem_});  // Records' bucket, created before the refusal.
}

// Minimal mode on the MongoDB test service: a fresh database prefix per test, whose databases
// are dropped at its end.
class RouterMinimalTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (auto check = CheckServices({"XRONOX_TEST_MONGO_URI"}); check.missing) {
      if (check.required) FAIL() << check.message;
      GTEST_SKIP() << check.message;
    }
    uri_ = *EnvValue("XRONOX_TEST_MONGO_URI");
    prefix_ = UniqueDatabasePrefix();
  }
  void TearDown() override {
    if (prefix_.empty()) return;  // Skipped.
    store::MongoOptions options;
    options.database_prefix = prefix_;
    auto mongo = store::MongoHotStore::Open(uri_, options);
    ASSERT_TRUE(mongo.ok()) << mongo.status().ToString();
    EXPECT_TRUE((*mongo)->DropPrefixedDatabases().ok());
  }
  std::string uri_;
  std::string prefix_;
};

TEST_F(RouterMinimalTest, MinimalModeBindsOneMongoObjectStorePerDatabase) {
  const std::string& uri = uri_;
  const std::string& prefix = prefix_;
  {
    auto config = CreateMinimalConfig(uri);
    ASSERT_TRUE(config.ok()) << config.status().ToString();
    // Isolate the test's databases: the preset's names under a fresh prefix.
    for (DatabaseConfig& db : config->databases) db.db_name = prefix + db.db_name;
    config->runtime_tenant_template->db_name = prefix + "runtime_{tenant}";
    auto router = OpenRouter(config);
    ASSERT_NE(router, nullptr);
    auto knowledge = router->Bind(KnowledgeTarget());
    auto acme = router->Bind(RuntimeTarget("acme"));
    auto beta = router->Bind(RuntimeTarget("beta"));
    ASSERT_TRUE(knowledge.ok() && acme.ok() && beta.ok())
        << knowledge.status().ToString() << acme.status().ToString() << beta.status().ToString();
    auto* acme_objects = Unwrapped<store::MongoObjectStore>((*acme)->objects);
    auto* beta_objects = Unwrapped<store::MongoObjectStore>((*beta)->objects);
    ASSERT_NE(acme_objects, nullptr);
    ASSERT_NE(beta_objects, nullptr);
    EXPECT_EQ(acme_objects->mongo_database(), prefix + "runtime_acme");
    EXPECT_EQ(beta_objects->mongo_database(), prefix + "runtime_beta");
    const BucketNames& runtime = (*acme)->database.buckets;
    EXPECT_EQ(runtime.records + runtime.versions + runtime.content + runtime.backups,
              "recordsversionscontentbackups");
    const BucketNames& generic = (*knowledge)->database.buckets;
    EXPECT_EQ(generic.versions, "") << "knowledge keeps no versions";
    EXPECT_EQ(generic.records, "records");
  }
}

// Minimal mode: binding a tenant that does not exist (any read does) leaves no handle in the
// router, so reads of any number of names cannot grow it; a collection written to keeps one.
TEST_F(RouterMinimalTest, MinimalModeKeepsNoHandleForTenantsThatDoNotExist) {
  const std::string& uri = uri_;
  const std::string& prefix = prefix_;
  {
    auto config = CreateMinimalConfig(uri);
    ASSERT_TRUE(config.ok()) << config.status().ToString();
    config->runtime_tenant_template->db_name = prefix + "runtime_{tenant}";
    auto router = OpenRouter(config);
    ASSERT_NE(router, nullptr);
    std::vector<std::weak_ptr<store::ObjectStore>> ghosts;
    for (int i = 0; i < 200; ++i) {
      auto ghost = router->Bind(RuntimeTarget("ghost" + std::to_string(i)));
      ASSERT_TRUE(ghost.ok()) << ghost.status().ToString();
      ASSERT_NE((*ghost)->own_objects, nullptr);
      ghosts.push_back((*ghost)->own_objects);
      auto exists = router->Exists(*ghost);
      ASSERT_TRUE(exists.ok() && !*exists) << exists.status().ToString();
    }
    for (const auto& ghost : ghosts) EXPECT_TRUE(ghost.expired()) << "the router kept a handle";
    auto acme = router->Bind(RuntimeTarget("acme"));
    ASSERT_TRUE(acme.ok()) << acme.status().ToString();
    ASSERT_TRUE(router->PrepareWrite(*acme).ok());
    std::weak_ptr<store::ObjectStore> kept = (*acme)->own_objects;
    acme->reset();
    EXPECT_FALSE(kept.expired()) << "a collection that exists keeps its binding";
    auto again = router->Bind(RuntimeTarget("acme"));
    ASSERT_TRUE(again.ok());
    EXPECT_EQ((*again)->own_objects, kept.lock());
  }
}

TEST(RouterBackendsTest, SqliteDatabaseWithoutObjectStoreIsRefused) {
  TempDir dir;
  DatabaseConfig knowledge;
  knowledge.sqlite_ref = "local";
  knowledge.db_name = "knowledge";
  auto router = OpenRouter(ConfigBuilder()
                               .AddSqliteConnection("local", dir.path() + "/hot.sqlite")
                               .AddKnowledgeDatabase(knowledge)
                               .Build());
  ASSERT_NE(router, nullptr);
  auto binding = router->Bind(KnowledgeTarget());
  ASSERT_FALSE(binding.ok());
  EXPECT_EQ(binding.status().code(), StatusCode::kNotSupported);
  EXPECT_NE(binding.status().message().find("configure one (s3Ref or folderRef)"),
            std::string::npos)
      << binding.status().message();
}

TEST(RouterBackendsTest, UnreachableMongoNamesTheConnectionButNotItsPassword) {
  MongoConnection mongo;
  mongo.uri = "mongodb://xronox:pw-never-shown@127.0.0.1:1/";
  mongo.server_selection_timeout_ms = 300;
  DatabaseConfig knowledge;
  knowledge.mongo_ref = "primary";
  knowledge.db_name = "knowledge";
  auto config =
      ConfigBuilder().AddMongoConnection("primary", mongo).AddKnowledgeDatabase(knowledge).Build();
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  auto router = Router::Open(*config);
  ASSERT_FALSE(router.ok());
  EXPECT_EQ(router.status().code(), StatusCode::kUnavailable) << router.status().ToString();
  EXPECT_NE(router.status().message().find("open mongo connection 'primary'"), std::string::npos)
      << router.status().message();
  EXPECT_EQ(router.status().message().find("pw-never-shown"), std::string::npos)
      << router.status().message();
}

TEST(RouterBackendsTest, S3WithoutKeysNamesTheEnvironmentVariables) {
  for (const char* name : {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"}) {
    if (EnvValue(name)) GTEST_SKIP() << name << " is set in this environment";
  }
  TempDir dir;
  S3Connection s3;
  s3.endpoint = "http://127.0.0.1:1";
  DatabaseConfig knowledge;
  knowledge.sqlite_ref = "local";
  knowledge.s3_ref = "primary";
  knowledge.db_name = "knowledge";
  knowledge.buckets = {"k-records", "", "k-content", "k-backups"};
  auto config = ConfigBuilder()
                    .AddSqliteConnection("local", dir.path() + "/hot.sqlite")
                    .AddS3Connection("primary", s3)
                    .AddKnowledgeDatabase(knowledge)
                    .Build();
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  auto router = Router::Open(*config);
  ASSERT_FALSE(router.ok());
  EXPECT_EQ(router.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(router.status().message().find("open s3 connection 'primary'"), std::string::npos)
      << router.status().message();
  EXPECT_NE(router.status().message().find("AWS_SECRET_ACCESS_KEY"), std::string::npos)
      << router.status().message();
}

}  // namespace
}  // namespace xronox::testing
