// MongoObjectStore beyond the shared ObjectStore contract: the size limit of minimal mode and
// its message, per-database stores over one pool, and objects beside hot-store collections.
// Runs against the MongoDB-wire test service (XRONOX_TEST_MONGO_URI).
#include "store/object/mongo/mongo_object_store.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "store/hot/mongo/mongo_hot_store.h"
#include "support/test_services.h"

namespace xronox::store {
namespace {

using xronox::testing::CheckServices;
using xronox::testing::EnvValue;
using xronox::testing::UniqueDatabasePrefix;

class MongoObjectStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (auto check = CheckServices({"XRONOX_TEST_MONGO_URI"}); check.missing) {
      if (check.required) FAIL() << check.message;
      GTEST_SKIP() << check.message;
    }
    options_.database_prefix = UniqueDatabasePrefix();
    auto opened = MongoObjectStore::Open(Uri(), options_, "xronox_knowledge");
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    store_ = std::move(opened).value();
    ASSERT_TRUE(store_->EnsureBucket("records").ok());
  }

  void TearDown() override {
    if (store_ == nullptr) return;
    auto hot = MongoHotStore::Open(Uri(), options_);
    ASSERT_TRUE(hot.ok()) << hot.status().ToString();
    EXPECT_TRUE((*hot)->DropPrefixedDatabases().ok());
  }

  static std::string Uri() { return EnvValue("XRONOX_TEST_MONGO_URI").value_or(""); }

  MongoOptions options_;
  std::unique_ptr<MongoObjectStore> store_;
};

TEST_F(MongoObjectStoreTest, RefusesObjectsOverTheLimitAndSaysToConfigureAnObjectStore) {
  std::string too_big(MongoObjectStore::kMaxObjectBytes + 1, 'x');
  for (PutMode mode : {PutMode::kOverwrite, PutMode::kCreateOnly}) {
    Status put = store_->Put("records", "records/c/big/current.json", too_big, mode);
    EXPECT_EQ(put.code(), StatusCode::kInvalidArgument) << put.ToString();
    EXPECT_EQ(put.reason(), "object_too_large");
    EXPECT_NE(put.message().find("over the hot store's limit"), std::string::npos) << put.message();
    EXPECT_NE(put.message().find("configure an object store (S3 or folder)"), std::string::npos)
        << put.message();
  }
  auto info = store_->Stat("records", "records/c/big/current.json");
  ASSERT_TRUE(info.ok());
  EXPECT_FALSE(info->has_value()) << "a refused Put left an object";
}

TEST_F(MongoObjectStoreTest, StreamedWriteFailsAsSoonAsItPassesTheLimit) {
  auto writer = store_->BeginWrite("records", "content/c/id/p/blob", PutMode::kCreateOnly);
  ASSERT_TRUE(writer.ok()) << writer.status().ToString();
  const std::string mib(1 << 20, 'x');
  Status written = Status::Ok();
  int64_t accepted = 0;
  while (written.ok() && accepted <= MongoObjectStore::kMaxObjectBytes + (4 << 20)) {
    written = (*writer)->Write(mib);
    if (written.ok()) accepted += static_cast<int64_t>(mib.size());
  }
  EXPECT_EQ(written.reason(), "object_too_large") << written.ToString();
  EXPECT_NE(written.message().find("configure an object store"), std::string::npos);
  EXPECT_EQ(accepted, MongoObjectStore::kMaxObjectBytes) << "the writer kept buffering";
  auto info = store_->Stat("records", "content/c/id/p/blob");
  ASSERT_TRUE(info.ok());
  EXPECT_FALSE(info->has_value());
}

TEST_F(MongoObjectStoreTest, StoresAnObjectOfExactlyTheLimit) {
  std::string largest(MongoObjectStore::kMaxObjectBytes, 'y');
  ASSERT_TRUE(store_->Put("records", "largest", largest, PutMode::kCreateOnly).ok());
  auto got = store_->Get("records", "largest");
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(got->size(), largest.size());
}

TEST_F(MongoObjectStoreTest, DatabasesOfOnePoolAreIsolated) {
  auto other = store_->ForDatabase("xronox_metadata");
  ASSERT_TRUE(other.ok()) << other.status().ToString();
  EXPECT_EQ((*other)->mongo_database(), options_.database_prefix + "xronox_metadata");
  EXPECT_EQ((*other)->Put("records", "k", "x", PutMode::kOverwrite).code(), StatusCode::kNotFound);
  ASSERT_TRUE((*other)->EnsureBucket("records").ok());
  ASSERT_TRUE((*other)->Put("records", "k", "metadata", PutMode::kOverwrite).ok());
  ASSERT_TRUE(store_->Put("records", "k", "knowledge", PutMode::kOverwrite).ok());
  EXPECT_EQ(*(*other)->Get("records", "k"), "metadata");
  EXPECT_EQ(*store_->Get("records", "k"), "knowledge");
  EXPECT_EQ(store_->ForDatabase("bad name").status().code(), StatusCode::kInvalidArgument);
}

TEST_F(MongoObjectStoreTest, ObjectsLiveBesideHotCollectionsWithoutShowingAsCollections) {
  auto hot = MongoHotStore::Open(Uri(), options_);
  ASSERT_TRUE(hot.ok()) << hot.status().ToString();
  ASSERT_TRUE((*hot)->EnsureCollection({"xronox_knowledge", "notes"}, {}).ok());
  ASSERT_TRUE(
      store_->Put("records", "records/notes/n1/current.json", "{}", PutMode::kOverwrite).ok());
  auto collections = (*hot)->ListCollections("xronox_knowledge");
  ASSERT_TRUE(collections.ok()) << collections.status().ToString();
  EXPECT_EQ(*collections, std::vector<std::string>{"notes"});
}

}  // namespace
}  // namespace xronox::store

namespace xronox::store {
namespace {

// The test server is FerretDB: kAuto must find out and filter conditional writes on `_id`
// alone; kServer keeps the conditions in the filter.
TEST(MongoConditionFiltersTest, AutoDetectsFerretDbAndFiltersOnIdAlone) {
  if (auto check = testing::CheckServices({"XRONOX_TEST_MONGO_URI"}); check.missing) {
    if (check.required) FAIL() << check.message;
    GTEST_SKIP() << check.message;
  }
  std::string uri = testing::EnvValue("XRONOX_TEST_MONGO_URI").value_or("");
  MongoOptions options;
  auto detected = MongoHotStore::Open(uri, options);
  ASSERT_TRUE(detected.ok()) << detected.status().ToString();
  EXPECT_TRUE((*detected)->UsesIdOnlyFilters());
  options.condition_filters = MongoOptions::ConditionFilters::kServer;
  auto server = MongoHotStore::Open(uri, options);
  ASSERT_TRUE(server.ok()) << server.status().ToString();
  EXPECT_FALSE((*server)->UsesIdOnlyFilters());
}

}  // namespace
}  // namespace xronox::store
