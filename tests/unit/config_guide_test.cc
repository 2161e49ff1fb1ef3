// The guide's config file shape (dbConnections, spacesConnections, genericDatabase,
// tenantDatabases, dbConnRef/spaceConnRef, localStorage, collectionMaps) reads into the same
// Config as the project's shape; every guide block under tests/fixtures/guide loads, and the
// refused ones give the guide's rules. ${VAR} substitution applies to both shapes.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "support/temp_dir.h"
#include "xronox/config.h"

namespace xronox {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

const std::string kFixtures = std::string(XRONOX_SOURCE_DIR) + "/tests/fixtures/guide";
constexpr char kSecret[] = "sEcReT-value-1234";

class ConfigGuideTest : public ::testing::Test {
 protected:
  void SetUp() override {
    setenv("XRONOX_TEST_MONGO_URI", "mongodb://localhost:27017", 1);
    setenv("XRONOX_TEST_S3_ENDPOINT", "http://127.0.0.1:9000", 1);
    setenv("XRONOX_TEST_S3_ACCESS_KEY", "access", 1);
    setenv("XRONOX_TEST_S3_SECRET_KEY", kSecret, 1);
  }
};

TEST_F(ConfigGuideTest, EveryGuideBlockLoads) {
  int loaded = 0;
  for (const auto& entry : std::filesystem::directory_iterator(kFixtures)) {
    if (entry.path().extension() != ".json") continue;
    Result<Config> config = LoadConfigFile(entry.path().string());
    EXPECT_TRUE(config.ok()) << entry.path() << ": " << config.status().ToString();
    if (!config.ok()) continue;
    ++loaded;
    EXPECT_FALSE(config->databases.empty()) << entry.path();
    for (const auto& [name, s3] : config->s3_connections) EXPECT_EQ(s3.secret_key, kSecret);
  }
  EXPECT_EQ(loaded, 13);
}

TEST_F(ConfigGuideTest, RefusedBlocksGiveTheGuidesRules) {
  const std::pair<const char*, const char*> cases[] = {
      {"knowledge-versions.json",
       "databases.knowledge.versionsBucket: only runtime keeps versions"},
      {"logs-backups.json", "databases.logs.backupsBucket: logs keep no backups"},
      {"runtime-unversioned.json", "runtime is always versioned"}};
  for (const auto& [file, expected] : cases) {
    Result<Config> config = LoadConfigFile(kFixtures + "/refused/" + file);
    ASSERT_FALSE(config.ok()) << file;
    EXPECT_EQ(config.status().code(), StatusCode::kInvalidArgument);
    EXPECT_THAT(config.status().message(), HasSubstr(expected)) << file;
    EXPECT_THAT(config.status().message(), Not(HasSubstr(kSecret)));
  }
}

// One parser result: the guide's runtime block and the project's spelling of it.
TEST_F(ConfigGuideTest, BothShapesGiveTheSameConfig) {
  Result<Config> guide = LoadConfigFile(kFixtures + "/migration-after.json");
  ASSERT_TRUE(guide.ok()) << guide.status().ToString();
  Json s3 = {{"endpoint", "http://127.0.0.1:9000"},
             {"region", "us-east-1"},
             {"accessKey", "access"},
             {"secretKey", kSecret},
             {"forcePathStyle", true}};
  auto db = [](const std::string& type, const std::string& name) {
    return Json{{"mongoRef", "mongo-primary"},
                {"s3Ref", "s3-primary"},
                {"recordsBucket", "xronox-" + type + "-records"},
                {"contentBucket", "xronox-" + type + "-content"},
                {"backupsBucket", "xronox-" + type + "-backups"},
                {"dbName", name}};
  };
  Json runtime = db("runtime", "athenix_runtime_tenant_a");
  runtime["tenantId"] = "tenant-a";
  runtime["versionsBucket"] = "xronox-runtime-versions";
  runtime["analyticsDbName"] = "athenix_analytics_tenant_a";
  Json project = {{"connections",
                   {{"mongo", {{"mongo-primary", {{"uri", "mongodb://localhost:27017"}}}}},
                    {"s3", {{"s3-primary", s3}}}}},
                  {"databases",
                   {{"runtime", {{"tenantDatabases", Json::array({runtime})}}},
                    {"messaging", db("messaging", "athenix_messaging")},
                    {"identities", db("identities", "athenix_identities")}}}};
  Result<Config> own = ParseConfigJson(project.dump());
  ASSERT_TRUE(own.ok()) << own.status().ToString();
  EXPECT_EQ(ConfigToJson(*guide), ConfigToJson(*own));
}

TEST_F(ConfigGuideTest, VersionsBucketIsDerivedForEnableVersioning) {
  Result<Config> config = LoadConfigFile(kFixtures + "/runtime-versioning-derived.json");
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_EQ(config->databases.at(0).buckets.versions, "xronox-runtime-versions");
  // Without a "-records" suffix nor a connection default: an error naming the field.
  std::ifstream in(kFixtures + "/runtime-versioning-derived.json");
  Json json = Json::parse(in);
  json["databases"]["runtime"]["tenantDatabases"][0]["recordsBucket"] = "acme-data";
  Result<Config> refused = ParseConfigJson(json.dump());
  ASSERT_FALSE(refused.ok());
  EXPECT_THAT(refused.status().message(),
              HasSubstr("databases.runtime (tenant 'acme-corp').versionsBucket: is required with "
                        "enableVersioning"));
  // The connection's default versions bucket comes first.
  json["spacesConnections"]["s3-primary"]["buckets"] = {{"versions", "shared-versions"}};
  Result<Config> defaulted = ParseConfigJson(json.dump());
  ASSERT_TRUE(defaulted.ok()) << defaulted.status().ToString();
  EXPECT_EQ(defaulted->databases.at(0).buckets.versions, "");  // Resolved from the connection.
}

TEST_F(ConfigGuideTest, EnvironmentVariablesAreSubstitutedInBothShapes) {
  setenv("XRONOX_TEST_DB", "from_env", 1);
  unsetenv("XRONOX_TEST_UNSET");
  Json json = {{"dbConnections", {{"m", {{"mongoUri", "mongodb://${XRONOX_TEST_DB}:1"}}}}},
               {"databases",
                {{"knowledge",
                  {{"genericDatabase", {{"dbConnRef", "m"}, {"dbName", "k_${XRONOX_TEST_DB}"}}}}},
                 {"metadata", {{"dbConnRef", "m"}, {"dbName", "m$${XRONOX_TEST_DB}"}}}}}};
  Result<Config> config = ParseConfigJson(json.dump());
  // "$${...}" is a literal "${...}", which is not a valid database name.
  ASSERT_FALSE(config.ok());
  EXPECT_THAT(config.status().message(), HasSubstr("m${XRONOX_TEST_DB}"));
  json["databases"]["metadata"]["dbName"] = "meta";
  config = ParseConfigJson(json.dump());
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_EQ(config->mongo_connections.at("m").uri, "mongodb://from_env:1");
  EXPECT_EQ(config->databases.at(0).db_name, "k_from_env");
  // A missing variable is named, with its path; the text around it is not shown.
  json["dbConnections"]["m"]["mongoUri"] =
      std::string("mongodb://u:") + kSecret + "@${XRONOX_TEST_UNSET}";
  Result<Config> missing = ParseConfigJson(json.dump());
  ASSERT_FALSE(missing.ok());
  EXPECT_THAT(missing.status().message(),
              HasSubstr("dbConnections.m.mongoUri: environment variable 'XRONOX_TEST_UNSET' is not "
                        "set"));
  EXPECT_THAT(missing.status().message(), Not(HasSubstr(kSecret)));
  // The project's shape too.
  Result<Config> project =
      ParseConfigJson(R"({"connections": {"sqlite": {"s": {"path": "${XRONOX_TEST_UNSET}"}}}})");
  ASSERT_FALSE(project.ok());
  EXPECT_THAT(project.status().message(), HasSubstr("'XRONOX_TEST_UNSET' is not set"));
}

TEST_F(ConfigGuideTest, LocalStorageKeepsTheObjectsInAFolder) {
  testing::TempDir dir;
  std::ofstream(dir.path() + "/c.json") << R"({
    "dbConnections": {"m": {"mongoUri": "mongodb://localhost:27017"}},
    "localStorage": {"basePath": "objects", "enabled": true},
    "databases": {"knowledge": {"genericDatabase": {"dbConnRef": "m", "dbName": "k",
      "recordsBucket": "k-records", "contentBucket": "k-content", "backupsBucket": "k-backups"}}}
  })";
  Result<Config> config = LoadConfigFile(dir.path() + "/c.json");
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_EQ(config->databases.at(0).folder_ref, "localStorage");
  EXPECT_EQ(config->folder_connections.at("localStorage").path,
            (std::filesystem::path(dir.path()) / "objects").lexically_normal().string());
}

TEST_F(ConfigGuideTest, UnsupportedPartsAreNamed) {
  Json json = {{"dbConnections", {{"m", {{"mongoUri", "mongodb://localhost:27017"}}}}},
               {"databases",
                {{"knowledge",
                  {{"domainsDatabases", {{{"domain", "x"}, {"dbConnRef", "m"}}}},
                   {"tenantDatabases", {{{"tenantId", "t"}, {"dbConnRef", "m"}}}}}},
                 {"logs", {{"dbConnRef", "nope"}, {"dbName", "l"}}}}}};
  Result<Config> config = ParseConfigJson(json.dump());
  ASSERT_FALSE(config.ok());
  const std::string& m = config.status().message();
  EXPECT_THAT(m, HasSubstr("databases.knowledge.domainsDatabases: domain databases are not "
                           "supported"));
  EXPECT_THAT(m, HasSubstr("databases.knowledge.tenantDatabases: knowledge is generic tier"));
  EXPECT_THAT(m, HasSubstr("databases.logs.dbConnRef: 'nope' names no dbConnections entry"));
}

}  // namespace
}  // namespace xronox
