// Buckets shared across databases and tenants (docs/formats/shared-buckets.md), on the embedded
// pair (SQLite + local folder) and on MongoDB + S3: the same collection and record id written
// in two tenants and in two databases that share buckets never read, list, overwrite or delete
// each other's objects (records, versions, payloads, content, verify --repair, the owned-key
// listing); a bucket with one owner keeps the guide's keys; adding an owner later moves
// nothing; a configuration that would change existing keys is refused when the store opens.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "router/key_scopes.h"
#include "router/router.h"
#include "store/hot/mongo/mongo_hot_store.h"
#include "store/object/fs/folder_object_store.h"
#include "store/object/s3/s3_object_store.h"
#include "support/temp_dir.h"
#include "support/test_services.h"
#include "xronox/xronox.h"

namespace xronox::testing {
namespace {

using ::testing::HasSubstr;

WriteOptions By(const std::string& reason) {
  WriteOptions options;
  options.actor = "tester";
  options.reason = reason;
  return options;
}

Target Orders(const std::string& tenant) {
  return {DatabaseType::kRuntime, Tier::kTenant, tenant, "orders"};
}
Target Notes(DatabaseType type) { return {type, Tier::kGeneric, "", "notes"}; }

std::string ReadAll(Collection& c, const std::string& id, const std::string& property) {
  auto reader = c.ReadContent(id, property);
  EXPECT_TRUE(reader.ok()) << reader.status().ToString();
  if (!reader.ok()) return "";
  std::string all;
  std::string chunk;
  while ((*reader)->Read(1 << 16, &chunk).ok() && !chunk.empty()) all += chunk;
  return all;
}

class SharedBucketsTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (!OnServices()) {
      stem_ = "xb";
      auto folder = store::FolderObjectStore::Open(dir_.path() + "/objects");
      ASSERT_TRUE(folder.ok()) << folder.status().ToString();
      raw_ = std::move(folder).value();
      return;
    }
    if (auto check = CheckServices({"XRONOX_TEST_MONGO_URI", "XRONOX_TEST_S3_ENDPOINT",
                                    "XRONOX_TEST_S3_ACCESS_KEY", "XRONOX_TEST_S3_SECRET_KEY"});
        check.missing) {
      if (check.required) FAIL() << check.message;
      GTEST_SKIP() << check.message;
    }
    uri_ = *EnvValue("XRONOX_TEST_MONGO_URI");
    stem_ = UniqueBucketStem();
    auto s3 = store::S3ObjectStore::Open(TestS3Options());
    ASSERT_TRUE(s3.ok()) << s3.status().ToString();
    s3_ = s3->get();
    raw_ = std::move(s3).value();
  }

  void TearDown() override {
    if (s3_ == nullptr) return;
    Status removed = RemoveServiceState(buckets_, stem_ + "_");
    EXPECT_TRUE(removed.ok()) << "teardown: " << removed.ToString();
  }

  bool OnServices() const { return GetParam() == "mongo+s3"; }

  /// "<stem>-<name>", remembered for TearDown.
  std::string Bucket(const std::string& name) {
    buckets_.insert(stem_ + "-" + name);
    return stem_ + "-" + name;
  }

  /// The hot and object connections, both named "main", with `prefixes` on the object store.
  Config Connections(const FolderPrefixes& prefixes = {}) {
    Config config;
    if (OnServices()) {
      config.mongo_connections["main"].uri = uri_;
      store::S3Options test = TestS3Options();
      S3Connection& s3 = config.s3_connections["main"];
      s3.endpoint = test.endpoint;
      s3.region = test.region;
      s3.access_key = test.access_key;
      s3.secret_key = test.secret_key;
      s3.folder_prefixes = prefixes;
    } else {
      config.sqlite_connections["main"].path = dir_.path() + "/hot.sqlite";
      config.folder_connections["main"] = {dir_.path() + "/objects", prefixes};
    }
    config.engine.claim_lease_seconds = 1;
    return config;
  }

  /// A database of `type` (tenant `tenant` on runtime) whose buckets of each kind it uses are
  /// "<stem>-<buckets>-<kind>", or the one bucket "<stem>-<one_bucket>".
  DatabaseConfig Database(DatabaseType type, const std::string& tenant, const std::string& buckets,
                          bool one_bucket = false) {
    DatabaseConfig db;
    db.type = type;
    db.tier = tenant.empty() ? Tier::kGeneric : Tier::kTenant;
    db.tenant_id = tenant;
    (OnServices() ? db.mongo_ref : db.sqlite_ref) = "main";
    (OnServices() ? db.s3_ref : db.folder_ref) = "main";
    std::string name = std::string(DatabaseTypeName(type)) + (tenant.empty() ? "" : "_" + tenant);
    if (tenant.find(kTenantPlaceholder) != std::string::npos) name = "rt_{tenant}";
    db.db_name = stem_ + "_" + name;
    for (BucketKind kind : kAllBucketKinds) {
      if (!UsesBucketKind(type, kind)) continue;
      MutableBucketName(db.buckets, kind) =
          Bucket(one_bucket ? buckets : buckets + "-" + BucketKindName(kind));
    }
    return db;
  }

  std::unique_ptr<Xronox> Open(const Config& config) {
    auto opened = Xronox::Open(config);
    EXPECT_TRUE(opened.ok()) << opened.status().ToString();
    return opened.ok() ? std::move(opened).value() : nullptr;
  }

  Collection With(Xronox& x, const Target& target) {
    auto c = x.With(target);
    EXPECT_TRUE(c.ok()) << c.status().ToString();
    return std::move(c).value();
  }

  /// Every key of `bucket`, listed raw.
  std::set<std::string> RawKeys(const std::string& bucket) {
    std::set<std::string> keys;
    std::string continuation;
    while (true) {
      auto page = raw_->List(bucket, "", continuation, 1000);
      EXPECT_TRUE(page.ok()) << page.status().ToString();
      if (!page.ok()) return keys;
      for (const store::ObjectInfo& info : page->objects) keys.insert(info.key);
      if (!page->next) return keys;
      continuation = *page->next;
    }
  }

  /// The binding of an existing collection, its key prefixes scoped (null on failure).
  std::shared_ptr<const Binding> Scoped(Router& router, const Target& target) {
    auto b = router.Bind(target);
    EXPECT_TRUE(b.ok()) << b.status().ToString();
    if (!b.ok()) return nullptr;
    std::shared_ptr<const Binding> binding = *b;
    auto exists = router.Exists(binding);
    EXPECT_TRUE(exists.ok() && *exists) << exists.status().ToString();
    return binding;
  }

  /// The keys ListOwnedObjects gives the target's database in its bucket of `kind`.
  std::set<std::string> OwnedKeys(const Config& config, const Target& target, BucketKind kind) {
    auto router = Router::Open(config);
    EXPECT_TRUE(router.ok()) << router.status().ToString();
    if (!router.ok()) return {};
    std::shared_ptr<const Binding> b = Scoped(**router, target);
    if (b == nullptr) return {};
    std::set<std::string> keys;
    std::string continuation;
    while (true) {
      auto page = ListOwnedObjects(*b->objects, BucketFor(b->database, kind),
                                   FolderPrefix(b->prefixes, kind), continuation, 7);
      EXPECT_TRUE(page.ok()) << page.status().ToString();
      if (!page.ok()) return keys;
      for (const store::ObjectInfo& info : page->objects) keys.insert(info.key);
      if (!page->next) return keys;
      continuation = *page->next;
    }
  }

  /// The key prefix the target's database uses for `kind`.
  std::string KeyPrefix(const Config& config, const Target& target, BucketKind kind) {
    auto router = Router::Open(config);
    EXPECT_TRUE(router.ok()) << router.status().ToString();
    if (!router.ok()) return "";
    std::shared_ptr<const Binding> b = Scoped(**router, target);
    return b != nullptr ? FolderPrefix(b->prefixes, kind) : "";
  }

  // The same ids in every owner: a runtime order with three versions and content; a small and
  // a large note (the large one an object) with content.
  void WriteRuntime(Xronox& x, const std::string& tenant) {
    Collection orders = With(x, Orders(tenant));
    ASSERT_TRUE(orders.Put("o-1", {{"owner", tenant}, {"n", 0}}, By("create")).ok());
    ASSERT_TRUE(orders.Update("o-1", {{"n", 1}}, By("update")).ok());
    ContentUploadOptions upload;
    upload.write = By("attach");
    auto put = orders.PutContent("o-1", "file", "bytes of " + tenant, upload);
    ASSERT_TRUE(put.ok()) << put.status().ToString();
  }

  void WriteNotes(Xronox& x, DatabaseType type) {
    Collection notes = With(x, Notes(type));
    const std::string owner = DatabaseTypeName(type);
    ASSERT_TRUE(notes.Put("n-1", {{"owner", owner}}, {}).ok());
    ASSERT_TRUE(
        notes.Put("big", {{"owner", owner}, {"pad", std::string(20 * 1024, 'x')}}, {}).ok());
    auto put = notes.PutContent("n-1", "file", "bytes of " + owner, {});
    ASSERT_TRUE(put.ok()) << put.status().ToString();
  }

  void ExpectRuntime(Xronox& x, const std::string& tenant, int64_t versions) {
    Collection orders = With(x, Orders(tenant));
    auto current = orders.Get("o-1");
    ASSERT_TRUE(current.ok()) << tenant << ": " << current.status().ToString();
    EXPECT_EQ(current->data["owner"], tenant);
    GetOptions first;
    first.version = 0;
    auto v0 = orders.Get("o-1", first);
    ASSERT_TRUE(v0.ok()) << v0.status().ToString();
    EXPECT_EQ(v0->data, (Json{{"owner", tenant}, {"n", 0}}));
    auto history = orders.History("o-1");
    ASSERT_TRUE(history.ok()) << history.status().ToString();
    EXPECT_EQ(static_cast<int64_t>(history->versions.size()), versions) << tenant;
    EXPECT_EQ(ReadAll(orders, "o-1", "file"), "bytes of " + tenant);
    auto page = orders.Query(Json::object());
    ASSERT_TRUE(page.ok()) << page.status().ToString();
    ASSERT_EQ(page->records.size(), 1u) << tenant;
    EXPECT_EQ(page->records[0].data["owner"], tenant);
    auto verified = orders.Verify(false);
    ASSERT_TRUE(verified.ok()) << verified.status().ToString();
    EXPECT_TRUE(verified->problems.empty()) << verified->problems.front();
    EXPECT_TRUE(verified->garbage.empty()) << verified->garbage.front();
  }

  void ExpectNotes(Xronox& x, DatabaseType type) {
    Collection notes = With(x, Notes(type));
    const std::string owner = DatabaseTypeName(type);
    auto big = notes.Get("big");
    ASSERT_TRUE(big.ok()) << owner << ": " << big.status().ToString();
    EXPECT_EQ(big->data["owner"], owner);
    EXPECT_EQ(big->data["pad"].get<std::string>().size(), 20u * 1024);
    EXPECT_EQ(ReadAll(notes, "n-1", "file"), "bytes of " + owner);
    auto page = notes.Query(Json::object());
    ASSERT_TRUE(page.ok()) << page.status().ToString();
    ASSERT_EQ(page->records.size(), 2u) << owner;
    for (const Record& r : page->records) EXPECT_EQ(r.data["owner"], owner);
    auto verified = notes.Verify(false);
    ASSERT_TRUE(verified.ok()) << verified.status().ToString();
    EXPECT_TRUE(verified->problems.empty()) << verified->problems.front();
    EXPECT_TRUE(verified->garbage.empty()) << verified->garbage.front();
  }

  // Writes and checks every owner of `config`: listed tenants acme and globex, template tenant
  // initech, knowledge and metadata. Then each owner's key listing holds only its own keys,
  // and together they hold every key of the bucket but the markers.
  void ExpectIsolation(const Config& config, const std::string& runtime_bucket) {
    auto x = Open(config);
    ASSERT_NE(x, nullptr);
    const std::vector<std::string> tenants = {"acme", "globex", "initech"};
    for (const std::string& tenant : tenants) WriteRuntime(*x, tenant);
    for (DatabaseType type : {DatabaseType::kKnowledge, DatabaseType::kMetadata}) {
      WriteNotes(*x, type);
    }
    for (const std::string& tenant : tenants) ExpectRuntime(*x, tenant, 3);
    for (DatabaseType type : {DatabaseType::kKnowledge, DatabaseType::kMetadata}) {
      ExpectNotes(*x, type);
    }
    // A delete in one owner leaves the others whole.
    ASSERT_TRUE(With(*x, Orders("acme")).Delete("o-1", By("delete")).ok());
    ASSERT_TRUE(With(*x, Notes(DatabaseType::kKnowledge)).Delete("big", {}).ok());
    ExpectRuntime(*x, "globex", 3);
    ExpectRuntime(*x, "initech", 3);
    ExpectNotes(*x, DatabaseType::kMetadata);
    EXPECT_EQ(With(*x, Orders("acme")).Get("o-1").status().code(), StatusCode::kNotFound);

    std::set<std::string> all;
    for (const std::string& tenant : tenants) {
      const std::string scope = "@runtime." + tenant;
      std::set<std::string> owned = OwnedKeys(config, Orders(tenant), BucketKind::kVersions);
      // v0..v2, and v3 for acme (the delete is a version).
      EXPECT_EQ(owned.size(), tenant == "acme" ? 4u : 3u) << tenant;
      for (const std::string& key : owned) {
        EXPECT_THAT(key, HasSubstr("/" + scope + "/orders/o-1/v")) << tenant;
        EXPECT_TRUE(all.insert(key).second) << key << " listed by two owners";
      }
    }
    std::set<std::string> unmarked;  // Every version object in the bucket, listed raw.
    for (const std::string& key : RawKeys(runtime_bucket)) {
      if (key.find("/orders/o-1/v") != std::string::npos) unmarked.insert(key);
    }
    EXPECT_EQ(unmarked, all);
  }

  TempDir dir_;
  std::string uri_;
  std::string stem_;
  store::S3ObjectStore* s3_ = nullptr;  // raw_ on mongo+s3.
  std::unique_ptr<store::ObjectStore> raw_;
  std::set<std::string> buckets_;
};

// Option A at the databases (the guide's builder example: tenants share xronox-runtime-*;
// knowledge and metadata share one bucket set), with a tenant template on the same buckets.
TEST_P(SharedBucketsTest, OwnersOfSharedBucketsNeverMeet) {
  Config config = Connections();
  config.databases = {Database(DatabaseType::kKnowledge, "", "shared"),
                      Database(DatabaseType::kMetadata, "", "shared"),
                      Database(DatabaseType::kRuntime, "acme", "runtime"),
                      Database(DatabaseType::kRuntime, "globex", "runtime")};
  config.runtime_tenant_template = Database(DatabaseType::kRuntime, "{tenant}", "runtime");
  ASSERT_TRUE(ValidateConfig(config).ok()) << ValidateConfig(config).ToString();
  ExpectIsolation(config, stem_ + "-runtime-versions");
  EXPECT_EQ(KeyPrefix(config, Orders("acme"), BucketKind::kVersions), "versions/@runtime.acme");
  EXPECT_EQ(KeyPrefix(config, Notes(DatabaseType::kMetadata), BucketKind::kRecords),
            "records/@metadata");
}

// Option B: one bucket for every kind of every database, a folder prefix per kind.
TEST_P(SharedBucketsTest, OneBucketWithFolderPrefixesForEveryDatabase) {
  Config config = Connections({"app/records", "app/versions", "app/content", "app/backups"});
  config.databases = {Database(DatabaseType::kKnowledge, "", "all", true),
                      Database(DatabaseType::kMetadata, "", "all", true),
                      Database(DatabaseType::kRuntime, "acme", "all", true),
                      Database(DatabaseType::kRuntime, "globex", "all", true)};
  config.runtime_tenant_template = Database(DatabaseType::kRuntime, "{tenant}", "all", true);
  ASSERT_TRUE(ValidateConfig(config).ok()) << ValidateConfig(config).ToString();
  ExpectIsolation(config, stem_ + "-all");
  EXPECT_EQ(KeyPrefix(config, Orders("globex"), BucketKind::kContent),
            "app/content/@runtime.globex");
}

TEST_P(SharedBucketsTest, ABucketWithOneOwnerKeepsTheGuidesKeys) {
  Config config = Connections();
  config.databases = {Database(DatabaseType::kKnowledge, "", "kn"),
                      Database(DatabaseType::kRuntime, "acme", "rt")};
  auto x = Open(config);
  ASSERT_NE(x, nullptr);
  WriteRuntime(*x, "acme");
  WriteNotes(*x, DatabaseType::kKnowledge);
  std::set<std::string> versions;
  for (const std::string& key : RawKeys(stem_ + "-rt-versions")) {
    if (!key.starts_with("@")) versions.insert(key);
  }
  EXPECT_EQ(versions,
            (std::set<std::string>{"versions/orders/o-1/v0.json", "versions/orders/o-1/v1.json",
                                   "versions/orders/o-1/v2.json"}));
  EXPECT_TRUE(RawKeys(stem_ + "-kn-records").count("records/notes/big/current.json"));
  for (const std::string& key : RawKeys(stem_ + "-kn-content")) {
    if (!key.starts_with("@")) {
      EXPECT_THAT(key, ::testing::StartsWith("content/notes/n-1/file/"));
    }
  }
  // The markers that fix the layout: the key space's first owner, and the owner's record.
  std::set<std::string> kn = RawKeys(stem_ + "-kn-records");
  EXPECT_TRUE(kn.count("@xronox/roots/records/@root.json"));
  EXPECT_TRUE(kn.count("@xronox/owners/@knowledge/records.json"));
}

TEST_P(SharedBucketsTest, AddingAnOwnerLaterMovesNothing) {
  Config first = Connections();
  first.databases = {Database(DatabaseType::kRuntime, "acme", "rt")};
  {
    auto x = Open(first);
    ASSERT_NE(x, nullptr);
    WriteRuntime(*x, "acme");
  }
  Config both = first;
  both.databases.push_back(Database(DatabaseType::kRuntime, "globex", "rt"));
  {
    auto x = Open(both);  // A restart with a second tenant in the same buckets.
    ASSERT_NE(x, nullptr);
    ExpectRuntime(*x, "acme", 3);
    WriteRuntime(*x, "globex");
    ASSERT_TRUE(With(*x, Orders("acme")).Update("o-1", {{"n", 2}}, By("again")).ok());
    ExpectRuntime(*x, "acme", 4);
    ExpectRuntime(*x, "globex", 3);
  }
  EXPECT_EQ(KeyPrefix(both, Orders("acme"), BucketKind::kVersions), "versions");
  EXPECT_EQ(KeyPrefix(both, Orders("globex"), BucketKind::kVersions), "versions/@runtime.globex");
  std::set<std::string> keys = RawKeys(stem_ + "-rt-versions");
  EXPECT_TRUE(keys.count("versions/orders/o-1/v3.json"));
  EXPECT_TRUE(keys.count("versions/@runtime.globex/orders/o-1/v2.json"));
  // The first tenant's listing leaves the second one's scope out, and the other way round.
  EXPECT_EQ(OwnedKeys(both, Orders("acme"), BucketKind::kVersions).size(), 4u);
  EXPECT_EQ(OwnedKeys(both, Orders("globex"), BucketKind::kVersions).size(), 3u);
  // Without the first tenant in the configuration, the second keeps its scope.
  Config second_only = first;
  second_only.databases = {Database(DatabaseType::kRuntime, "globex", "rt")};
  auto x = Open(second_only);
  ASSERT_NE(x, nullptr);
  ExpectRuntime(*x, "globex", 3);
}

TEST_P(SharedBucketsTest, VerifyRepairRemovesOnlyItsOwnGarbage) {
  Config config = Connections();
  config.databases = {Database(DatabaseType::kKnowledge, "", "shared"),
                      Database(DatabaseType::kMetadata, "", "shared")};
  auto x = Open(config);
  ASSERT_NE(x, nullptr);
  WriteNotes(*x, DatabaseType::kKnowledge);
  WriteNotes(*x, DatabaseType::kMetadata);
  const std::string bucket = stem_ + "-shared-records";
  const std::string knowledge_stray =
      KeyPrefix(config, Notes(DatabaseType::kKnowledge), BucketKind::kRecords) +
      "/notes/stray/current.json";
  const std::string metadata_stray =
      KeyPrefix(config, Notes(DatabaseType::kMetadata), BucketKind::kRecords) +
      "/notes/stray/current.json";
  ASSERT_NE(knowledge_stray, metadata_stray);
  for (const std::string& key : {knowledge_stray, metadata_stray}) {
    ASSERT_TRUE(raw_->Put(bucket, key, "{}", store::PutMode::kOverwrite).ok());
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(2100));  // Past the claim lease.
  auto report = With(*x, Notes(DatabaseType::kMetadata)).Verify(true);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  ASSERT_EQ(report->garbage.size(), 1u);
  EXPECT_THAT(report->garbage[0], HasSubstr(metadata_stray));
  EXPECT_EQ(report->garbage_removed, 1);
  std::set<std::string> keys = RawKeys(bucket);
  EXPECT_FALSE(keys.count(metadata_stray));
  EXPECT_TRUE(keys.count(knowledge_stray));
  ExpectNotes(*x, DatabaseType::kMetadata);
  auto knowledge = With(*x, Notes(DatabaseType::kKnowledge)).Verify(false);
  ASSERT_TRUE(knowledge.ok()) << knowledge.status().ToString();
  ASSERT_EQ(knowledge->garbage.size(), 1u);
  EXPECT_THAT(knowledge->garbage[0], HasSubstr(knowledge_stray));
}

TEST_P(SharedBucketsTest, UnmarkedObjectsInABucketThatBecomesSharedAreRefused) {
  Config config = Connections();
  config.databases = {Database(DatabaseType::kKnowledge, "", "shared"),
                      Database(DatabaseType::kMetadata, "", "shared")};
  const std::string bucket = stem_ + "-shared-records";
  // An object as an earlier release wrote it: no marker.
  ASSERT_TRUE(raw_->EnsureBucket(bucket).ok());
  ASSERT_TRUE(
      raw_->Put(bucket, "records/notes/old/current.json", "{}", store::PutMode::kOverwrite).ok());
  auto refused = Xronox::Open(config);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_THAT(refused.status().message(), HasSubstr("bucket '" + bucket + "'"));
  EXPECT_THAT(refused.status().message(), HasSubstr("written before owner markers"));
  // With only the database that wrote it, the store opens and records it as the first owner;
  // then both open, the second one scoped.
  Config alone = config;
  alone.databases.pop_back();
  {
    auto x = Open(alone);
    ASSERT_NE(x, nullptr);
    WriteNotes(*x, DatabaseType::kKnowledge);
  }
  auto x = Open(config);
  ASSERT_NE(x, nullptr);
  WriteNotes(*x, DatabaseType::kMetadata);
  EXPECT_EQ(KeyPrefix(config, Notes(DatabaseType::kKnowledge), BucketKind::kRecords), "records");
  EXPECT_EQ(KeyPrefix(config, Notes(DatabaseType::kMetadata), BucketKind::kRecords),
            "records/@metadata");
  EXPECT_TRUE(RawKeys(bucket).count("records/notes/old/current.json"));
}

TEST_P(SharedBucketsTest, AMovedFolderPrefixIsRefusedAtStart) {
  Config config = Connections();
  config.databases = {Database(DatabaseType::kKnowledge, "", "kn")};
  {
    auto x = Open(config);
    ASSERT_NE(x, nullptr);
    WriteNotes(*x, DatabaseType::kKnowledge);
  }
  FolderPrefixes moved;
  moved.records = "recs";
  Config changed = Connections(moved);
  changed.databases = config.databases;
  auto refused = Xronox::Open(changed);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_THAT(refused.status().message(),
              HasSubstr("bucket '" + stem_ +
                        "-kn-records' holds the records of knowledge under "
                        "folder prefix 'records', and the configuration now says 'recs'"));
}

INSTANTIATE_TEST_SUITE_P(Backends, SharedBucketsTest, ::testing::Values("embedded", "mongo+s3"),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           return info.param == "embedded" ? std::string("embedded")
                                                           : std::string("mongo_s3");
                         });

}  // namespace
}  // namespace xronox::testing
