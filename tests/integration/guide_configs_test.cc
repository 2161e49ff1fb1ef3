// Every configuration block of the guide, as a JSON file under tests/fixtures/guide, loads from
// its file (connection settings from ${XRONOX_TEST_*}) and takes a write in each of its
// databases on the test services (MongoDB + S3), read back through a second open. Database and
// bucket names get a fresh prefix per run (S3 bucket names are global); nothing else changes.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "config/resolve.h"
#include "store/hot/mongo/mongo_hot_store.h"
#include "store/object/s3/s3_object_store.h"
#include "support/test_services.h"
#include "xronox/xronox.h"

namespace xronox::testing {
namespace {

const std::string kFixtures = std::string(XRONOX_SOURCE_DIR) + "/tests/fixtures/guide";

class GuideConfigsTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (auto check = CheckServices({"XRONOX_TEST_MONGO_URI", "XRONOX_TEST_S3_ENDPOINT",
                                    "XRONOX_TEST_S3_ACCESS_KEY", "XRONOX_TEST_S3_SECRET_KEY"});
        check.missing) {
      if (check.required) FAIL() << check.message;
      GTEST_SKIP() << check.message;
    }
    stem_ = UniqueBucketStem();
  }

  void TearDown() override {
    if (stem_.empty()) return;
    Status removed = RemoveServiceState(buckets_, stem_ + "_");
    EXPECT_TRUE(removed.ok()) << "teardown: " << removed.ToString();
  }

  std::string Renamed(const std::string& bucket) {
    if (bucket.empty()) return bucket;
    buckets_.insert(stem_ + "-" + bucket);
    return stem_ + "-" + bucket;
  }

  // Prefix every database and bucket name with the run's stem.
  void Rename(Config& config) {
    for (auto& [name, s3] : config.s3_connections) {
      for (BucketKind kind : kAllBucketKinds) {
        std::string& bucket = MutableBucketName(s3.buckets, kind);
        bucket = Renamed(bucket);
      }
    }
    for (DatabaseConfig& db : config.databases) {
      db.db_name = stem_ + "_" + db.db_name;
      if (!db.analytics_db_name.empty()) db.analytics_db_name = stem_ + "_" + db.analytics_db_name;
      for (BucketKind kind : kAllBucketKinds) {
        std::string& bucket = MutableBucketName(db.buckets, kind);
        bucket = Renamed(bucket);
      }
    }
  }

  static Target TargetOf(const DatabaseConfig& db) {
    return {db.type, db.tier, db.tier == Tier::kTenant ? db.tenant_id : "", "guide_notes"};
  }

  std::string stem_;
  std::set<std::string> buckets_;
};

TEST_P(GuideConfigsTest, OpensAndTakesAWriteInEachDatabase) {
  Result<Config> loaded = LoadConfigFile(kFixtures + "/" + GetParam());
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  Config config = *loaded;
  Rename(config);
  ASSERT_TRUE(ValidateConfig(config).ok()) << ValidateConfig(config).ToString();
  WriteOptions audit;
  audit.actor = "guide";
  audit.reason = "fixture";
  std::vector<std::string> ids;  // Per database of config.databases.
  {
    auto x = Xronox::Open(config);
    ASSERT_TRUE(x.ok()) << x.status().ToString();
    for (const DatabaseConfig& db : config.databases) {
      auto c = (*x)->With(TargetOf(db));
      ASSERT_TRUE(c.ok()) << c.status().ToString();
      Json data = {{"type", DatabaseTypeName(db.type)},
                   {"tenant", db.tenant_id},
                   {"pad", std::string(20 * 1024, 'p')}};  // Over the inline limit: an object.
      // Create suits every type (logs take no Put).
      auto created = c->Create(data, audit);
      ASSERT_TRUE(created.ok()) << DatabaseTypeName(db.type) << ": " << created.status().ToString();
      ids.push_back(created->id);
    }
  }
  auto x = Xronox::Open(config);
  ASSERT_TRUE(x.ok()) << x.status().ToString();
  for (size_t i = 0; i < config.databases.size(); ++i) {
    const DatabaseConfig& db = config.databases[i];
    auto c = (*x)->With(TargetOf(db));
    ASSERT_TRUE(c.ok()) << c.status().ToString();
    auto got = c->Get(ids.at(i));
    ASSERT_TRUE(got.ok()) << DatabaseTypeName(db.type) << ": " << got.status().ToString();
    EXPECT_EQ(got->data["type"], DatabaseTypeName(db.type));
    EXPECT_EQ(got->data["tenant"], db.tenant_id);
    auto verified = c->Verify(false);
    ASSERT_TRUE(verified.ok()) << verified.status().ToString();
    EXPECT_TRUE(verified->ok()) << verified->problems.front();
  }
}

std::vector<std::string> Fixtures() {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(kFixtures)) {
    if (entry.path().extension() == ".json") names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

INSTANTIATE_TEST_SUITE_P(Guide, GuideConfigsTest, ::testing::ValuesIn(Fixtures()),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           std::string name = info.param.substr(0, info.param.size() - 5);
                           for (char& c : name) {
                             if (c == '-') c = '_';
                           }
                           return name;
                         });

}  // namespace
}  // namespace xronox::testing
