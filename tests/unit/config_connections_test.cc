// Config: connection tuning (MongoDB write concern, read preference, timeouts, pool; S3
// timeouts, retries and storage classes): parsing, defaults, validation and round trips.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "unit/config_test_util.h"
#include "xronox/config.h"

namespace xronox {
namespace {

using config_test::SeedBuilder;
using config_test::SeedS3;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kTunedJson[] = R"({
  "connections": {
    "mongo": {"primary": {"uri": "mongodb://db:27017", "writeConcern": "majority",
                          "journal": false, "writeTimeoutMs": 2500,
                          "readPreference": "secondaryPreferred",
                          "serverSelectionTimeoutMs": 3000, "maxPoolSize": 20}},
    "s3": {"primary": {"endpoint": "https://s3.amazonaws.com",
                       "buckets": {"records": "app-records", "versions": "app-versions",
                                   "content": "app-content", "backups": "app-backups"},
                       "connectTimeoutMs": 1500, "requestTimeoutMs": 30000, "maxRetries": 2,
                       "storageClasses": {"records": "STANDARD",
                                          "versions": "INTELLIGENT_TIERING",
                                          "content": "STANDARD", "backups": "GLACIER"}}}
  },
  "databases": {
    "runtime": {"tenantDatabases": [{"tenantId": "acme", "mongoRef": "primary",
                                     "s3Ref": "primary", "dbName": "app_runtime_acme"}]}
  }
})";

Json Tuned() { return Json::parse(kTunedJson); }

std::string ErrorOf(const Json& json) {
  Result<Config> config = ParseConfigJson(json.dump());
  EXPECT_FALSE(config.ok());
  return config.ok() ? "" : config.status().message();
}

TEST(ConfigConnectionsTest, ParsesMongoTuning) {
  Result<Config> config = ParseConfigJson(kTunedJson);
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  const MongoConnection& mongo = config->mongo_connections.at("primary");
  EXPECT_EQ(mongo.write_concern, "majority");
  EXPECT_FALSE(mongo.journal);
  EXPECT_EQ(mongo.write_timeout_ms, 2500);
  EXPECT_EQ(mongo.read_preference, "secondaryPreferred");
  EXPECT_EQ(mongo.server_selection_timeout_ms, 3000);
  EXPECT_EQ(mongo.max_pool_size, 20);
}

TEST(ConfigConnectionsTest, ParsesS3TuningAndStorageClasses) {
  Result<Config> config = ParseConfigJson(kTunedJson);
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  const S3Connection& s3 = config->s3_connections.at("primary");
  EXPECT_EQ(s3.connect_timeout_ms, 1500);
  EXPECT_EQ(s3.request_timeout_ms, 30000);
  EXPECT_EQ(s3.max_retries, 2);
  EXPECT_EQ(s3.storage_classes.records, "STANDARD");
  EXPECT_EQ(s3.storage_classes.versions, "INTELLIGENT_TIERING");
  EXPECT_EQ(s3.storage_classes.content, "STANDARD");
  EXPECT_EQ(s3.storage_classes.backups, "GLACIER");
}

TEST(ConfigConnectionsTest, DefaultsWhenAbsent) {
  Json json = Tuned();
  json["connections"]["mongo"]["primary"] = {{"uri", "mongodb://db"}};
  json["connections"]["s3"]["primary"].erase("connectTimeoutMs");
  json["connections"]["s3"]["primary"].erase("requestTimeoutMs");
  json["connections"]["s3"]["primary"].erase("maxRetries");
  json["connections"]["s3"]["primary"].erase("storageClasses");
  Result<Config> config = ParseConfigJson(json.dump());
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  const MongoConnection& mongo = config->mongo_connections.at("primary");
  EXPECT_EQ(mongo.write_concern, "auto");
  EXPECT_TRUE(mongo.journal);
  EXPECT_EQ(mongo.write_timeout_ms, 10000);
  EXPECT_EQ(mongo.read_preference, "primary");
  EXPECT_EQ(mongo.server_selection_timeout_ms, 10000);
  EXPECT_EQ(mongo.max_pool_size, 100);
  const S3Connection& s3 = config->s3_connections.at("primary");
  EXPECT_EQ(s3.connect_timeout_ms, 5000);
  EXPECT_EQ(s3.request_timeout_ms, 60000);
  EXPECT_EQ(s3.max_retries, 4);
  EXPECT_TRUE(s3.storage_classes.records.empty() && s3.storage_classes.versions.empty() &&
              s3.storage_classes.content.empty() && s3.storage_classes.backups.empty());
}

TEST(ConfigConnectionsTest, UnknownKeysAndWrongTypesNameThePath) {
  Json json = Tuned();
  json["connections"]["mongo"]["primary"]["writeconcern"] = "majority";
  json["connections"]["mongo"]["primary"]["maxPoolSize"] = "20";
  json["connections"]["mongo"]["primary"]["journal"] = 1;
  json["connections"]["s3"]["primary"]["storageClasses"]["archive"] = "GLACIER";
  json["connections"]["s3"]["primary"]["maxRetries"] = 2.5;
  json["connections"]["s3"]["primary"]["storageClasses"]["records"] = 1;
  const std::string m = ErrorOf(json);
  EXPECT_THAT(m, HasSubstr("connections.mongo.primary.writeconcern: unknown key 'writeconcern'"));
  EXPECT_THAT(m, HasSubstr("connections.mongo.primary.maxPoolSize: must be an integer"));
  EXPECT_THAT(m, HasSubstr("connections.mongo.primary.journal: must be true or false"));
  EXPECT_THAT(m, HasSubstr("connections.s3.primary.storageClasses.archive: unknown key "
                           "'archive'"));
  EXPECT_THAT(m, HasSubstr("connections.s3.primary.maxRetries: must be an integer"));
  EXPECT_THAT(m, HasSubstr("connections.s3.primary.storageClasses.records: must be a string"));
  EXPECT_THAT(m, HasSubstr("(6 problems)"));
}

TEST(ConfigConnectionsTest, RefusesBadMongoValuesNamingTheField) {
  Json json = Tuned();
  json["connections"]["mongo"]["primary"]["writeConcern"] = "all";
  json["connections"]["mongo"]["primary"]["readPreference"] = "secondary_preferred";
  json["connections"]["mongo"]["primary"]["writeTimeoutMs"] = -1;
  json["connections"]["mongo"]["primary"]["serverSelectionTimeoutMs"] = 0;
  json["connections"]["mongo"]["primary"]["maxPoolSize"] = 0;
  const std::string m = ErrorOf(json);
  EXPECT_THAT(m, HasSubstr("connections.mongo.primary.writeConcern: 'all' is not one of 'auto', "
                           "'majority', 'primary'"));
  EXPECT_THAT(m, HasSubstr("connections.mongo.primary.readPreference: 'secondary_preferred' is "
                           "not one of 'primary', 'primaryPreferred', 'secondary', "
                           "'secondaryPreferred', 'nearest'"));
  EXPECT_THAT(m, HasSubstr("connections.mongo.primary.writeTimeoutMs: must be at least 0"));
  EXPECT_THAT(m, HasSubstr("connections.mongo.primary.serverSelectionTimeoutMs: must be at "
                           "least 1"));
  EXPECT_THAT(m, HasSubstr("connections.mongo.primary.maxPoolSize: must be at least 1"));
  EXPECT_THAT(m, HasSubstr("(5 problems)"));
}

TEST(ConfigConnectionsTest, RefusesBadS3ValuesNamingTheField) {
  Json json = Tuned();
  json["connections"]["s3"]["primary"]["connectTimeoutMs"] = 0;
  json["connections"]["s3"]["primary"]["requestTimeoutMs"] = -5;
  json["connections"]["s3"]["primary"]["maxRetries"] = 11;
  json["connections"]["s3"]["primary"]["storageClasses"]["backups"] = "glacier";
  json["connections"]["s3"]["primary"]["storageClasses"]["content"] = "STANDARD\r\nX-Evil: 1";
  const std::string m = ErrorOf(json);
  EXPECT_THAT(m, HasSubstr("connections.s3.primary.connectTimeoutMs: must be at least 1"));
  EXPECT_THAT(m, HasSubstr("connections.s3.primary.requestTimeoutMs: must be at least 1"));
  EXPECT_THAT(m, HasSubstr("connections.s3.primary.maxRetries: must be between 0 and 10"));
  EXPECT_THAT(m, HasSubstr("connections.s3.primary.storageClasses.backups: storage class "
                           "'glacier' is not one of S3's: STANDARD, REDUCED_REDUNDANCY, "
                           "STANDARD_IA, ONEZONE_IA, INTELLIGENT_TIERING, GLACIER, "
                           "DEEP_ARCHIVE, GLACIER_IR, OUTPOSTS, EXPRESS_ONEZONE"));
  EXPECT_THAT(m, HasSubstr("connections.s3.primary.storageClasses.content: storage class"));
}

TEST(ConfigConnectionsTest, OneBucketWithAFolderPrefixPerKindTakesAClassPerKind) {
  // Strategy B: one bucket, the default folder prefix per kind (records, versions, content,
  // backups), and the seed's class per kind: each write sends the class of its kind's prefix.
  Json json = Tuned();
  json["connections"]["s3"]["primary"]["buckets"] = {{"records", "app-data"},
                                                     {"versions", "app-data"},
                                                     {"content", "app-data"},
                                                     {"backups", "app-data"}};
  Result<Config> listed = ParseConfigJson(json.dump());
  ASSERT_TRUE(listed.ok()) << listed.status().ToString();
  EXPECT_EQ(listed->s3_connections.at("primary").storage_classes.backups, "GLACIER");
  // The same for a tenant template with one bucket per tenant, and with nested distinct
  // prefixes ("app/records" and "app/versions" do not overlap).
  json["connections"]["s3"]["primary"]["folderPrefixes"] = {{"records", "app/records"},
                                                            {"versions", "app/versions"},
                                                            {"content", "app/content"},
                                                            {"backups", "app/backups"}};
  json["databases"]["runtime"]["tenantTemplate"] = {{"mongoRef", "primary"},
                                                    {"s3Ref", "primary"},
                                                    {"dbName", "app_runtime_{tenant}"},
                                                    {"recordsBucket", "app-{tenant}-data"},
                                                    {"versionsBucket", "app-{tenant}-data"},
                                                    {"contentBucket", "app-{tenant}-data"},
                                                    {"backupsBucket", "app-{tenant}-data"}};
  Result<Config> templated = ParseConfigJson(json.dump());
  EXPECT_TRUE(templated.ok()) << templated.status().ToString();
}

TEST(ConfigConnectionsTest, KindsUnderEqualOrNestedPrefixesOfOneBucketNeedOneClass) {
  Json json = Tuned();
  json["connections"]["s3"]["primary"]["buckets"] = {{"records", "app-data"},
                                                     {"versions", "app-data"},
                                                     {"content", "app-data"},
                                                     {"backups", "app-data"}};
  Json& prefixes = json["connections"]["s3"]["primary"]["folderPrefixes"];
  prefixes = {
      {"records", "data"}, {"versions", "data"}, {"content", "content"}, {"backups", "backups"}};
  std::string m = ErrorOf(json);
  EXPECT_THAT(m, HasSubstr("databases.runtime.tenantDatabases[0].versionsBucket: bucket "
                           "'app-data' holds versions (folder prefix 'data') with storage class "
                           "'INTELLIGENT_TIERING' and records (databases.runtime."
                           "tenantDatabases[0].recordsBucket, folder prefix 'data') with storage "
                           "class 'STANDARD' (connections.s3.primary.storageClasses, "
                           "connections.s3.primary.folderPrefixes); a key takes the storage "
                           "class of the longest folder prefix that leads it, so kinds under "
                           "equal or nested folder prefixes of one bucket need the same class: "
                           "give these kinds distinct folder prefixes, their own buckets or the "
                           "same storage class"));
  EXPECT_THAT(m, Not(HasSubstr("contentBucket")));
  EXPECT_THAT(m, Not(HasSubstr("backupsBucket")));

  // Nested: records of a collection "v" would have keys under "data/v/".
  prefixes["versions"] = "data/v";
  EXPECT_THAT(ErrorOf(json), HasSubstr("versionsBucket: bucket 'app-data' holds versions "
                                       "(folder prefix 'data/v') with storage class "
                                       "'INTELLIGENT_TIERING' and records"));
  // An empty prefix leads every key: it meets each kind of another class.
  prefixes = {
      {"records", ""}, {"versions", "versions"}, {"content", "content"}, {"backups", "backups"}};
  m = ErrorOf(json);
  EXPECT_THAT(m, HasSubstr("versionsBucket: bucket 'app-data' holds versions (folder prefix "
                           "'versions') with storage class 'INTELLIGENT_TIERING' and records "
                           "(databases.runtime.tenantDatabases[0].recordsBucket, no folder "
                           "prefix) with storage class 'STANDARD'"));
  EXPECT_THAT(m, HasSubstr("backupsBucket: bucket 'app-data' holds backups"));
  EXPECT_THAT(m, Not(HasSubstr("contentBucket"))) << "STANDARD, as records";
  // An empty class is a class of its own.
  json["connections"]["s3"]["primary"]["storageClasses"] = {{"backups", "GLACIER"}};
  EXPECT_THAT(ErrorOf(json), HasSubstr("holds backups (folder prefix 'backups') with storage "
                                       "class 'GLACIER' and records (databases.runtime."
                                       "tenantDatabases[0].recordsBucket, no folder prefix) "
                                       "with storage class none (the service default)"));

  // Valid: one class for the kinds that meet, their own buckets, or no class at all.
  json["connections"]["s3"]["primary"]["storageClasses"] = {{"records", "STANDARD_IA"},
                                                            {"versions", "STANDARD_IA"},
                                                            {"content", "STANDARD_IA"},
                                                            {"backups", "STANDARD_IA"}};
  Result<Config> same = ParseConfigJson(json.dump());
  EXPECT_TRUE(same.ok()) << same.status().ToString();
  json["connections"]["s3"]["primary"].erase("storageClasses");
  Result<Config> none = ParseConfigJson(json.dump());
  EXPECT_TRUE(none.ok()) << none.status().ToString();
  json["connections"]["s3"]["primary"]["storageClasses"] =
      Tuned()["connections"]["s3"]["primary"]["storageClasses"];
  json["connections"]["s3"]["primary"]["buckets"] = {{"records", "app-records"},
                                                     {"versions", "app-versions"},
                                                     {"content", "app-content"},
                                                     {"backups", "app-backups"}};
  Result<Config> own = ParseConfigJson(json.dump());
  EXPECT_TRUE(own.ok()) << own.status().ToString();
}

TEST(ConfigConnectionsTest, StorageClassesWithoutSharedBucketsAreValid) {
  Result<Config> config = ParseConfigJson(kTunedJson);
  EXPECT_TRUE(config.ok()) << config.status().ToString();
  S3Connection s3 = SeedS3();
  s3.storage_classes = {"STANDARD", "INTELLIGENT_TIERING", "STANDARD", "GLACIER"};
  Result<Config> built = SeedBuilder().AddS3Connection("primary", s3).Build();
  EXPECT_TRUE(built.ok()) << built.status().ToString();
}

TEST(ConfigConnectionsTest, BuilderTakesATunedMongoConnection) {
  MongoConnection mongo;
  mongo.uri = "mongodb://db";
  mongo.write_concern = "primary";
  mongo.max_pool_size = 7;
  Result<Config> built = SeedBuilder().AddMongoConnection("primary", mongo).Build();
  ASSERT_TRUE(built.ok()) << built.status().ToString();
  EXPECT_EQ(built->mongo_connections.at("primary").write_concern, "primary");
  EXPECT_EQ(built->mongo_connections.at("primary").max_pool_size, 7);
  mongo.write_concern = "w2";
  Result<Config> refused = SeedBuilder().AddMongoConnection("primary", mongo).Build();
  ASSERT_FALSE(refused.ok());
  EXPECT_THAT(refused.status().message(), HasSubstr("connections.mongo.primary.writeConcern"));
}

TEST(ConfigConnectionsTest, RoundTripsEveryTuningField) {
  Result<Config> config = ParseConfigJson(kTunedJson);
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  Json json = ConfigToJson(*config);
  const Json& mongo = json["connections"]["mongo"]["primary"];
  EXPECT_EQ(mongo["writeConcern"], "majority");
  EXPECT_EQ(mongo["journal"], false);
  EXPECT_EQ(mongo["writeTimeoutMs"], 2500);
  EXPECT_EQ(mongo["readPreference"], "secondaryPreferred");
  EXPECT_EQ(mongo["serverSelectionTimeoutMs"], 3000);
  EXPECT_EQ(mongo["maxPoolSize"], 20);
  const Json& s3 = json["connections"]["s3"]["primary"];
  EXPECT_EQ(s3["connectTimeoutMs"], 1500);
  EXPECT_EQ(s3["requestTimeoutMs"], 30000);
  EXPECT_EQ(s3["maxRetries"], 2);
  EXPECT_EQ(s3["storageClasses"],
            Json::parse(kTunedJson)["connections"]["s3"]["primary"]["storageClasses"]);
  Result<Config> again = ParseConfigJson(json.dump());
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(ConfigToJson(*again), json);
}

}  // namespace
}  // namespace xronox
