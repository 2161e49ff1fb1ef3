// The storage layout of docs/formats/storage-layout.md, proven through the public API on the real
// services: a known workload under bucket strategies A, B and C (MongoDB + S3) and in minimal mode
// (MongoDB only), then every object key and every MongoDB collection is listed and compared
// with the exact expected set.
//
// Here every bucket has one owner, so keys are exactly the guide's; beside them each bucket
// holds the owner markers that fix that layout (docs/formats/shared-buckets.md). Strategies A
// and B each serve one database per config (shared_buckets_test.cc covers buckets with several
// owners); strategy C (buckets per database type and tenant, CreateProductionConfig) serves
// both from one config.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <algorithm>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "config/resolve.h"
#include "store/hot/mongo/mongo_handles.h"
#include "store/hot/mongo/mongo_hot_store.h"
#include "store/object/mongo/mongo_object_store.h"
#include "store/object/s3/s3_object_store.h"
#include "support/temp_dir.h"
#include "support/test_services.h"
#include "xronox/xronox.h"

namespace xronox::testing {
namespace {

using Keys = std::map<std::string, std::vector<std::string>>;  // Bucket -> sorted keys.
using Names = std::set<std::string>;

const Names kOrdersCollections = {"orders_counter", "orders_head", "orders_locks", "orders_ver"};
// Only runtime keeps a version index ({c}_ver); every type has head, counter and locks.
const Names kNotesCollections = {"notes_counter", "notes_head", "notes_locks"};

constexpr char kRt[] = "@runtime.acme";
constexpr char kKn[] = "@knowledge";

Target Runtime() { return {DatabaseType::kRuntime, Tier::kTenant, "acme", "orders"}; }
Target Knowledge() { return {DatabaseType::kKnowledge, Tier::kGeneric, "", "notes"}; }

WriteOptions Audit(const std::string& reason) {
  WriteOptions options;
  options.actor = "tester";
  options.reason = reason;
  return options;
}

class KeyLayoutTest : public ::testing::Test {
 protected:
  void SetUp() override {
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
    s3_ = std::move(s3).value();
  }

  void TearDown() override {
    if (s3_ == nullptr) return;
    Status removed = RemoveServiceState(buckets_, stem_ + "_");
    EXPECT_TRUE(removed.ok()) << "teardown: " << removed.ToString();
  }

  /// "<stem>-<name>", remembered for TearDown.
  std::string Bucket(const std::string& name) {
    buckets_.insert(stem_ + "-" + name);
    return stem_ + "-" + name;
  }
  /// "<stem>_<name>": every database of the test starts with "<stem>_".
  std::string Db(const std::string& name) const { return stem_ + "_" + name; }

  S3Connection S3(BucketNames defaults, FolderPrefixes prefixes = {}) const {
    store::S3Options test = TestS3Options();
    S3Connection s3;
    s3.endpoint = test.endpoint;
    s3.region = test.region;
    s3.access_key = test.access_key;
    s3.secret_key = test.secret_key;
    s3.buckets = std::move(defaults);
    s3.folder_prefixes = std::move(prefixes);
    return s3;
  }

  DatabaseConfig Database(const std::string& db_name, bool s3) const {
    DatabaseConfig db;
    db.mongo_ref = "primary";
    if (s3) db.s3_ref = "primary";
    db.db_name = db_name;
    return db;
  }

  Config RuntimeOnly(const S3Connection& s3) const {
    DatabaseConfig db = Database(Db("runtime_acme"), true);
    db.tenant_id = "acme";
    auto config = ConfigBuilder()
                      .AddMongoConnection("primary", uri_)
                      .AddS3Connection("primary", s3)
                      .AddRuntimeDatabase(db)
                      .Build();
    EXPECT_TRUE(config.ok()) << config.status().ToString();
    return config.ok() ? *config : Config{};
  }

  Config KnowledgeOnly(const S3Connection& s3) const {
    auto config = ConfigBuilder()
                      .AddMongoConnection("primary", uri_)
                      .AddS3Connection("primary", s3)
                      .AddKnowledgeDatabase(Database(Db("knowledge"), true))
                      .Build();
    EXPECT_TRUE(config.ok()) << config.status().ToString();
    return config.ok() ? *config : Config{};
  }

  std::unique_ptr<Xronox> Open(const Config& config) {
    auto opened = Xronox::Open(config);
    EXPECT_TRUE(opened.ok()) << opened.status().ToString();
    return opened.ok() ? std::move(opened).value() : nullptr;
  }

  // A runtime record with three versions in tenant "acme".
  void RuntimeWorkload(Xronox& x) {
    auto orders = x.With(Runtime());
    ASSERT_TRUE(orders.ok()) << orders.status().ToString();
    ASSERT_TRUE(orders->Put("o1", {{"status", "new"}}, Audit("create")).ok());
    ASSERT_TRUE(orders->Update("o1", {{"status", "paid"}}, Audit("pay")).ok());
    auto last = orders->Update("o1", {{"status", "shipped"}}, Audit("ship"));
    ASSERT_TRUE(last.ok()) << last.status().ToString();
    EXPECT_EQ(last->version, 2);
    GetOptions at_first;
    at_first.version = 0;
    auto first = orders->Get("o1", at_first);
    ASSERT_TRUE(first.ok()) << first.status().ToString();
    EXPECT_EQ(first->data, (Json{{"status", "new"}}));
  }

  // A small knowledge record (inline in the hot store) and one over 16 KiB (an object).
  void KnowledgeWorkload(Xronox& x) {
    auto notes = x.With(Knowledge());
    ASSERT_TRUE(notes.ok()) << notes.status().ToString();
    ASSERT_TRUE(notes->Put("small", {{"text", "hello"}}, {}).ok());
    ASSERT_TRUE(notes->Put("big", {{"text", std::string(20 * 1024, 'x')}}, {}).ok());
    auto big = notes->Get("big");
    ASSERT_TRUE(big.ok()) << big.status().ToString();
    EXPECT_EQ(big->data["text"].get<std::string>().size(), 20u * 1024);
  }

  // Every key of each bucket named, listed with S3ObjectStore::List.
  Keys ListBuckets(const std::vector<std::string>& buckets) {
    Keys keys;
    for (const std::string& bucket : buckets) {
      std::vector<std::string>& listed = keys[bucket];
      std::string continuation;
      while (true) {
        auto page = s3_->List(bucket, "", continuation, 1000);
        EXPECT_TRUE(page.ok()) << page.status().ToString();
        if (!page.ok()) break;
        for (const store::ObjectInfo& info : page->objects) listed.push_back(info.key);
        if (!page->next) break;
        continuation = *page->next;
      }
    }
    return keys;
  }

  // The MongoDB collection names of `db`, as the server lists them.
  Names Collections(const std::string& db) {
    store::MongoRuntime::Get();
    bson_error_t error;
    store::MongoClient client(mongoc_client_new(uri_.c_str()));
    store::MongoDatabase database(mongoc_client_get_database(client.get(), db.c_str()));
    char** names = mongoc_database_get_collection_names_with_opts(database.get(), nullptr, &error);
    EXPECT_NE(names, nullptr) << error.message;
    store::BsonStrv owned(names);
    Names out;
    for (char** name = names; name != nullptr && *name != nullptr; ++name) out.insert(*name);
    return out;
  }

  std::string uri_;
  std::string stem_;
  std::unique_ptr<store::S3ObjectStore> s3_;
  std::set<std::string> buckets_;
};

std::vector<std::string> VersionKeys(const std::string& prefix) {
  return {prefix + "/orders/o1/v0.json", prefix + "/orders/o1/v1.json",
          prefix + "/orders/o1/v2.json"};
}

// `keys` (of one bucket) after the markers of `owner` for each kind of `prefixes` it keeps
// there ({kind, folder prefix}), in key order.
std::vector<std::string> WithMarkers(const std::string& owner,
                                     const std::vector<std::pair<std::string, std::string>>& kinds,
                                     std::vector<std::string> keys) {
  for (const auto& [kind, prefix] : kinds) {
    keys.push_back("@xronox/owners/" + owner + "/" + kind + ".json");
    keys.push_back("@xronox/roots/" + prefix + "/@root.json");
  }
  std::sort(keys.begin(), keys.end());
  return keys;
}

TEST_F(KeyLayoutTest, StrategyAOneBucketPerKind) {
  const BucketNames runtime{Bucket("a-records"), Bucket("a-versions"), Bucket("a-content"),
                            Bucket("a-backups")};
  auto x = Open(RuntimeOnly(S3(runtime)));
  ASSERT_NE(x, nullptr);
  RuntimeWorkload(*x);
  const BucketNames knowledge{Bucket("ak-records"), "", Bucket("ak-content"), Bucket("ak-backups")};
  auto y = Open(KnowledgeOnly(S3(knowledge)));
  ASSERT_NE(y, nullptr);
  KnowledgeWorkload(*y);

  EXPECT_EQ(ListBuckets({runtime.records, runtime.versions, runtime.content, runtime.backups,
                         knowledge.records, knowledge.content, knowledge.backups}),
            (Keys{{runtime.records, WithMarkers(kRt, {{"records", "records"}}, {})},
                  {runtime.versions,
                   WithMarkers(kRt, {{"versions", "versions"}}, VersionKeys("versions"))},
                  {runtime.content, WithMarkers(kRt, {{"content", "content"}}, {})},
                  {runtime.backups, WithMarkers(kRt, {{"backups", "backups"}}, {})},
                  {knowledge.records,
                   WithMarkers(kKn, {{"records", "records"}}, {"records/notes/big/current.json"})},
                  {knowledge.content, WithMarkers(kKn, {{"content", "content"}}, {})},
                  {knowledge.backups, WithMarkers(kKn, {{"backups", "backups"}}, {})}}));
  EXPECT_EQ(Collections(Db("runtime_acme")), kOrdersCollections);
  EXPECT_EQ(Collections(Db("knowledge")), kNotesCollections);
}

// With the seed's storage class per kind in the one bucket: the service accepts every write
// with its kind's class (versitygw ignores the class; the unit tests prove which one is sent).
TEST_F(KeyLayoutTest, StrategyBOneBucketWithFolderPrefixes) {
  const FolderPrefixes prefixes{"app/records", "app/versions", "app/content", "app/backups"};
  const StorageClasses classes{"STANDARD", "INTELLIGENT_TIERING", "STANDARD", "GLACIER"};
  const std::string runtime = Bucket("b-runtime");
  S3Connection runtime_s3 = S3({runtime, runtime, runtime, runtime}, prefixes);
  runtime_s3.storage_classes = classes;
  auto x = Open(RuntimeOnly(runtime_s3));
  ASSERT_NE(x, nullptr);
  RuntimeWorkload(*x);
  const std::string knowledge = Bucket("b-knowledge");
  S3Connection knowledge_s3 = S3({knowledge, "", knowledge, knowledge}, prefixes);
  knowledge_s3.storage_classes = classes;
  auto y = Open(KnowledgeOnly(knowledge_s3));
  ASSERT_NE(y, nullptr);
  KnowledgeWorkload(*y);

  EXPECT_EQ(ListBuckets({runtime, knowledge}),
            (Keys{{runtime, WithMarkers(kRt,
                                        {{"records", "app/records"},
                                         {"versions", "app/versions"},
                                         {"content", "app/content"},
                                         {"backups", "app/backups"}},
                                        VersionKeys("app/versions"))},
                  {knowledge, WithMarkers(kKn,
                                          {{"records", "app/records"},
                                           {"content", "app/content"},
                                           {"backups", "app/backups"}},
                                          {"app/records/notes/big/current.json"})}}));
  EXPECT_EQ(Collections(Db("runtime_acme")), kOrdersCollections);
  EXPECT_EQ(Collections(Db("knowledge")), kNotesCollections);
}

TEST_F(KeyLayoutTest, StrategyCBucketsPerDatabaseTypeAndTenant) {
  store::S3Options test = TestS3Options();
  ProductionConfigOptions options;
  options.mongo_uri = uri_;
  options.s3_endpoint = test.endpoint;
  options.s3_region = test.region;
  options.s3_access_key = test.access_key;
  options.s3_secret_key = test.secret_key;
  options.tenants = {"acme"};
  options.bucket_prefix = stem_;
  auto config = CreateProductionConfig(options);
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  auto x = Open(*config);
  ASSERT_NE(x, nullptr);
  RuntimeWorkload(*x);
  KnowledgeWorkload(*x);

  const std::vector<std::string> bound = {
      Bucket("knowledge-records"),     Bucket("knowledge-content"),
      Bucket("knowledge-backups"),     Bucket("runtime-acme-records"),
      Bucket("runtime-acme-versions"), Bucket("runtime-acme-content"),
      Bucket("runtime-acme-backups")};
  EXPECT_EQ(ListBuckets(bound),
            (Keys{{bound[0],
                   WithMarkers(kKn, {{"records", "records"}}, {"records/notes/big/current.json"})},
                  {bound[1], WithMarkers(kKn, {{"content", "content"}}, {})},
                  {bound[2], WithMarkers(kKn, {{"backups", "backups"}}, {})},
                  {bound[3], WithMarkers(kRt, {{"records", "records"}}, {})},
                  {bound[4], WithMarkers(kRt, {{"versions", "versions"}}, VersionKeys("versions"))},
                  {bound[5], WithMarkers(kRt, {{"content", "content"}}, {})},
                  {bound[6], WithMarkers(kRt, {{"backups", "backups"}}, {})}}));
  // The production preset gives each tenant an analytics database: its counters live there.
  EXPECT_EQ(Collections(Db("runtime_acme")), (Names{"orders_head", "orders_locks", "orders_ver"}));
  EXPECT_EQ(Collections(Db("analytics_acme")), Names{"orders_counter"});
  EXPECT_EQ(Collections(Db("knowledge")), kNotesCollections);
}

// One record in collection "items" of each of the six types.
void WriteEveryType(Xronox& x) {
  for (DatabaseType type :
       {DatabaseType::kKnowledge, DatabaseType::kMetadata, DatabaseType::kRuntime,
        DatabaseType::kMessaging, DatabaseType::kIdentities, DatabaseType::kLogs}) {
    const bool runtime = type == DatabaseType::kRuntime;
    auto items =
        x.With({type, runtime ? Tier::kTenant : Tier::kGeneric, runtime ? "acme" : "", "items"});
    ASSERT_TRUE(items.ok()) << items.status().ToString();
    auto created = items->Create({{"n", 1}}, Audit("create"));
    ASSERT_TRUE(created.ok()) << DatabaseTypeName(type) << ": " << created.status().ToString();
  }
}

// The guide's collections per type: {c}_ver only where versioning is on (runtime); on SQLite
// runtime also has {c}_verf, the versions by changed field (MongoDB keeps those keys in the
// {c}_ver documents).
Names ItemsCollections(DatabaseType type, bool sqlite = false) {
  Names names = {"items_counter", "items_head", "items_locks"};
  if (type == DatabaseType::kRuntime) names.insert("items_ver");
  if (type == DatabaseType::kRuntime && sqlite) names.insert("items_verf");
  return names;
}

TEST_F(KeyLayoutTest, EveryTypeHasExactlyItsCollectionsOnMongoDB) {
  ConfigBuilder builder;
  builder.AddMongoConnection("primary", uri_)
      .AddS3Connection("primary", S3({Bucket("all-records"), Bucket("all-versions"),
                                      Bucket("all-content"), Bucket("all-backups")}));
  builder.AddKnowledgeDatabase(Database(Db("knowledge"), true))
      .AddMetadataDatabase(Database(Db("metadata"), true))
      .AddMessagingDatabase(Database(Db("messaging"), true))
      .AddIdentitiesDatabase(Database(Db("identities"), true))
      .AddLogsDatabase(Database(Db("logs"), true))
      .AddRuntimeDatabase([&] {
        DatabaseConfig db = Database(Db("runtime_acme"), true);
        db.tenant_id = "acme";
        return db;
      }());
  auto config = builder.Build();
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  auto x = Open(*config);
  ASSERT_NE(x, nullptr);
  WriteEveryType(*x);
  for (const DatabaseConfig& db : config->databases) {
    EXPECT_EQ(Collections(db.db_name), ItemsCollections(db.type)) << DatabaseTypeName(db.type);
  }
}

// Minimal mode (CreateMinimalConfig-style: MongoDB only): the objects live in each database as
// collections "objects.<kind>", with the same keys as in the buckets of an object store.
TEST_F(KeyLayoutTest, MinimalModeKeepsObjectsInEachDatabase) {
  ConfigBuilder builder;
  builder.AddMongoConnection("primary", uri_)
      .AddKnowledgeDatabase(Database(Db("knowledge"), false))
      .AddRuntimeDatabase([&] {
        DatabaseConfig db = Database(Db("runtime_{tenant}"), false);
        db.tenant_id = "{tenant}";
        return db;
      }());
  auto config = builder.Build();
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  auto x = Open(*config);
  ASSERT_NE(x, nullptr);
  RuntimeWorkload(*x);
  KnowledgeWorkload(*x);

  Names runtime_collections = kOrdersCollections;
  runtime_collections.insert(
      {"objects.records", "objects.versions", "objects.content", "objects.backups"});
  EXPECT_EQ(Collections(Db("runtime_acme")), runtime_collections);
  Names knowledge_collections = kNotesCollections;
  knowledge_collections.insert({"objects.records", "objects.content", "objects.backups"});
  EXPECT_EQ(Collections(Db("knowledge")), knowledge_collections);

  auto keys_of = [&](const std::string& db, const std::string& bucket) {
    auto store = store::MongoObjectStore::Open(uri_, {}, db);
    EXPECT_TRUE(store.ok()) << store.status().ToString();
    std::vector<std::string> keys;
    if (!store.ok()) return keys;
    auto page = (*store)->List(bucket, "", "", 1000);
    EXPECT_TRUE(page.ok()) << page.status().ToString();
    if (page.ok()) {
      for (const store::ObjectInfo& info : page->objects) keys.push_back(info.key);
    }
    return keys;
  };
  EXPECT_EQ(keys_of(Db("runtime_acme"), "versions"), VersionKeys("versions"));
  EXPECT_TRUE(keys_of(Db("runtime_acme"), "records").empty());
  EXPECT_EQ(keys_of(Db("knowledge"), "records"),
            std::vector<std::string>{"records/notes/big/current.json"});
}

TEST_F(KeyLayoutTest, MinimalModeRefusesRecordsOverTheDocumentLimit) {
  auto config = ConfigBuilder()
                    .AddMongoConnection("primary", uri_)
                    .AddKnowledgeDatabase(Database(Db("knowledge"), false))
                    .Build();
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  auto x = Open(*config);
  ASSERT_NE(x, nullptr);
  auto notes = x->With(Knowledge());
  ASSERT_TRUE(notes.ok()) << notes.status().ToString();
  auto put = notes->Put("huge", {{"text", std::string(15 * 1024 * 1024 + 1, 'x')}}, {});
  ASSERT_FALSE(put.ok());
  EXPECT_EQ(put.status().code(), StatusCode::kInvalidArgument) << put.status().ToString();
  EXPECT_NE(put.status().message().find("configure an object store (S3 or folder)"),
            std::string::npos)
      << put.status().message();
  EXPECT_EQ(notes->Get("huge").status().code(), StatusCode::kNotFound);
}

// The same on SQLite (the embedded default): tables "{dbName}.{c}_head" and so on.
TEST(KeyLayoutEmbeddedTest, EveryTypeHasExactlyItsTablesOnSqlite) {
  TempDir dir;
  auto config = CreateEmbeddedConfig(dir.path());
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  {
    auto x = Xronox::Open(*config);
    ASSERT_TRUE(x.ok()) << x.status().ToString();
    WriteEveryType(**x);
  }
  sqlite3* db = nullptr;
  ASSERT_EQ(
      sqlite3_open_v2((dir.path() + "/hot.sqlite").c_str(), &db, SQLITE_OPEN_READONLY, nullptr),
      SQLITE_OK);
  std::map<std::string, Names> tables;  // dbName -> collection stores.
  sqlite3_stmt* list = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db, "SELECT name FROM sqlite_master WHERE type = 'table'", -1, &list,
                               nullptr),
            SQLITE_OK);
  while (sqlite3_step(list) == SQLITE_ROW) {
    std::string name = reinterpret_cast<const char*>(sqlite3_column_text(list, 0));
    size_t dot = name.find('.');
    if (dot != std::string::npos) tables[name.substr(0, dot)].insert(name.substr(dot + 1));
  }
  sqlite3_finalize(list);
  sqlite3_close(db);
  std::map<std::string, Names> expected;
  for (const DatabaseConfig& listed : config->databases) {
    expected[listed.db_name] = ItemsCollections(listed.type, /*sqlite=*/true);
  }
  auto acme = ResolveDatabase(*config, DatabaseType::kRuntime, Tier::kTenant, "acme");
  ASSERT_TRUE(acme.ok()) << acme.status().ToString();
  expected[acme->db_name] = ItemsCollections(DatabaseType::kRuntime, /*sqlite=*/true);
  EXPECT_EQ(tables, expected);
}

}  // namespace
}  // namespace xronox::testing
