// Config: JSON parsing (unknown keys, types, structure), round trips and loading files.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <tuple>

#include "unit/config_test_util.h"
#include "xronox/config.h"

namespace xronox {
namespace {

using config_test::Messaging;
using config_test::RuntimeTemplate;
using config_test::SeedBuilder;
using config_test::SeedConfig;
using ::testing::HasSubstr;

// ---- Equality of config values (config.h declares no operator==). ----

auto Tie(const BucketNames& b) { return std::tie(b.records, b.versions, b.content, b.backups); }
auto Tie(const FolderPrefixes& p) { return std::tie(p.records, p.versions, p.content, p.backups); }

auto Tie(const StorageClasses& c) { return std::tie(c.records, c.versions, c.content, c.backups); }

bool Same(const S3Connection& a, const S3Connection& b) {
  return std::tie(a.endpoint, a.region, a.access_key, a.secret_key, a.force_path_style,
                  a.connect_timeout_ms, a.request_timeout_ms, a.max_retries) ==
             std::tie(b.endpoint, b.region, b.access_key, b.secret_key, b.force_path_style,
                      b.connect_timeout_ms, b.request_timeout_ms, b.max_retries) &&
         Tie(a.buckets) == Tie(b.buckets) && Tie(a.folder_prefixes) == Tie(b.folder_prefixes) &&
         Tie(a.storage_classes) == Tie(b.storage_classes);
}
bool Same(const MongoConnection& a, const MongoConnection& b) {
  return std::tie(a.uri, a.write_concern, a.journal, a.write_timeout_ms, a.read_preference,
                  a.server_selection_timeout_ms, a.max_pool_size) ==
         std::tie(b.uri, b.write_concern, b.journal, b.write_timeout_ms, b.read_preference,
                  b.server_selection_timeout_ms, b.max_pool_size);
}
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
  json["telemetry"] = true;
  Result<Config> config = ParseConfigJson(json.dump());
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.status().code(), StatusCode::kInvalidArgument);
  const std::string& m = config.status().message();
  EXPECT_THAT(m, HasSubstr("databases.knowledge.versionBucket: unknown key 'versionBucket'"));
  EXPECT_THAT(m, HasSubstr("connections.s3.primary.buckets.archive: unknown key 'archive'"));
  EXPECT_THAT(m, HasSubstr("telemetry: unknown key 'telemetry'"));
  EXPECT_THAT(m, HasSubstr("(3 problems)"));
}

TEST(ConfigJsonTest, AFileMixingBothShapesSaysSo) {
  Json json = Json::parse(kSeedJson);
  json["databases"]["runtime"]["tenantDatabases"][0]["dbConnRef"] = "primary";
  Result<Config> config = ParseConfigJson(json.dump());
  ASSERT_FALSE(config.ok());
  EXPECT_THAT(config.status().message(),
              HasSubstr("connections: a file in the guide's shape (dbConnRef, genericDatabase, "
                        "...) names its connections under dbConnections and spacesConnections"));
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

}  // namespace
}  // namespace xronox
