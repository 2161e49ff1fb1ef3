// Engine tests run over the backend matrix: in-memory stores, the embedded pair (SQLite + local
// folder), and, when the test services run (scripts/test-services.sh), MongoDB + S3 and
// minimal mode (MongoDB for both the hot store and the objects). Each test gets fresh stores
// (a fresh MongoDB database prefix, fresh S3 buckets, removed in TearDown), a manual clock and
// a binding.
#pragma once

#include <gtest/gtest.h>

#include <cctype>
#include <filesystem>
#include <memory>
#include <set>
#include <string>

#include "common/clock.h"
#include "engine/engine.h"
#include "engine/version_object.h"
#include "store/hot/memory/memory_hot_store.h"
#include "store/hot/mongo/mongo_hot_store.h"
#include "store/hot/sqlite/sqlite_hot_store.h"
#include "store/object/fs/folder_object_store.h"
#include "store/object/memory/memory_object_store.h"
#include "store/object/mongo/mongo_object_store.h"
#include "store/object/s3/s3_object_store.h"
#include "support/temp_dir.h"
#include "support/test_services.h"

namespace xronox::testing {

inline constexpr TimestampMicros kStartTime = 1'700'000'000'000'000;

class EngineTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "memory") {
      hot_ = std::move(store::MemoryHotStore::Open()).value();
      objects_ = std::move(store::MemoryObjectStore::Open(&clock_)).value();
    } else if (GetParam() == "embedded") {
      auto hot = store::SqliteHotStore::Open(dir_.path() + "/hot.sqlite");
      ASSERT_TRUE(hot.ok()) << hot.status().ToString();
      hot_ = std::move(hot).value();
      auto objects = store::FolderObjectStore::Open(dir_.path() + "/objects");
      ASSERT_TRUE(objects.ok()) << objects.status().ToString();
      objects_ = std::move(objects).value();
    } else {
      SetUpServices();
      // A skip or failure above does not stop a derived fixture's SetUp, which goes on to bind
      // and write: give it in-memory stand-ins (the test body itself does not run).
      if (hot_ == nullptr) hot_ = std::move(store::MemoryHotStore::Open()).value();
      if (objects_ == nullptr)
        objects_ = std::move(store::MemoryObjectStore::Open(&clock_)).value();
    }
  }

  void TearDown() override {
    for (const std::string& bucket : s3_buckets_) {
      Status removed = EmptyAndDeleteBucket(*s3_, bucket);
      EXPECT_TRUE(removed.ok()) << "teardown: " << removed.ToString();
    }
    if (mongo_ != nullptr) {
      Status dropped = mongo_->DropPrefixedDatabases();
      EXPECT_TRUE(dropped.ok()) << "teardown: " << dropped.ToString();
    }
  }

  /// A binding of `collection` in a database of `type` (runtime: tenant "acme").
  Binding Bind(DatabaseType type, const std::string& collection = "items",
               std::vector<std::string> indexed = {}) {
    Binding b;
    b.target = {type, type == DatabaseType::kRuntime ? Tier::kTenant : Tier::kGeneric,
                type == DatabaseType::kRuntime ? "acme" : "", collection};
    std::string name = DatabaseTypeName(type);
    b.database.db_name = "xronox_" + name;
    // S3 bucket names are global: a fresh stem per test keeps tests and runs apart.
    const std::string stem = bucket_stem_.empty() ? "xronox-" + name : bucket_stem_ + "-" + name;
    b.database.buckets = {stem + "-records", stem + "-versions", stem + "-content",
                          stem + "-backups"};
    b.hot = hot_.get();
    b.objects = objects_.get();
    b.ref = {b.database.db_name, collection, type == DatabaseType::kRuntime};
    b.indexed_props = std::move(indexed);
    b.versioned = type == DatabaseType::kRuntime;
    b.append_only = type == DatabaseType::kLogs;
    EXPECT_TRUE(hot_->EnsureCollection(b.ref, b.indexed_props).ok());
    for (const auto* bucket :
         {&b.database.buckets.records, &b.database.buckets.versions, &b.database.buckets.content}) {
      UseBucket(*bucket);
    }
    return b;
  }

  /// A new, empty hot store of this test's backend (a disaster drill's replacement); drop it
  /// with DropFreshHotStore.
  std::unique_ptr<store::HotStore> FreshHotStore() {
    if (GetParam() == "memory") return std::move(store::MemoryHotStore::Open()).value();
    if (GetParam() == "embedded") {
      auto hot = store::SqliteHotStore::Open(dir_.path() + "/fresh.sqlite");
      EXPECT_TRUE(hot.ok()) << hot.status().ToString();
      return hot.ok() ? std::move(hot).value() : nullptr;
    }
    store::MongoOptions options;
    options.database_prefix = UniqueDatabasePrefix();
    auto hot = store::MongoHotStore::Open(*EnvValue("XRONOX_TEST_MONGO_URI"), options);
    EXPECT_TRUE(hot.ok()) << hot.status().ToString();
    if (!hot.ok()) return nullptr;
    fresh_mongo_ = hot->get();
    return std::move(hot).value();
  }
  void DropFreshHotStore() {
    if (fresh_mongo_ != nullptr) {
      EXPECT_TRUE(fresh_mongo_->DropPrefixedDatabases().ok());
    }
    fresh_mongo_ = nullptr;
  }

  /// Create `bucket` if missing (on S3, removed in TearDown).
  void UseBucket(const std::string& bucket) {
    EXPECT_TRUE(objects_->EnsureBucket(bucket).ok());
    if (s3_ != nullptr) s3_buckets_.insert(bucket);
  }

  static WriteOptions By(const std::string& actor = "user-1", const std::string& reason = "test") {
    WriteOptions options;
    options.actor = actor;
    options.reason = reason;
    return options;
  }

  static WriteOptions Expecting(int64_t version) {
    WriteOptions options = By();
    options.expected_version = version;
    return options;
  }

  EngineOptions options_;
  ManualClock clock_{kStartTime};
  TempDir dir_;
  std::unique_ptr<store::HotStore> hot_;
  std::unique_ptr<store::ObjectStore> objects_;
  Engine engine_{options_, &clock_};

 private:
  // "mongo+s3": MongoDB hot store and S3 objects. "mongo-only": minimal mode, the objects as
  // MongoDB documents in a database of their own beside the hot-store databases.
  void SetUpServices() {
    const bool s3 = GetParam() == "mongo+s3";
    ServiceCheck check =
        s3 ? CheckServices({"XRONOX_TEST_MONGO_URI", "XRONOX_TEST_S3_ENDPOINT",
                            "XRONOX_TEST_S3_ACCESS_KEY", "XRONOX_TEST_S3_SECRET_KEY"})
           : CheckServices({"XRONOX_TEST_MONGO_URI"});
    if (check.missing) {
      if (check.required) FAIL() << check.message;
      GTEST_SKIP() << check.message;
    }
    const std::string uri = *EnvValue("XRONOX_TEST_MONGO_URI");
    store::MongoOptions mongo_options;
    mongo_options.database_prefix = UniqueDatabasePrefix();
    auto hot = store::MongoHotStore::Open(uri, mongo_options);
    ASSERT_TRUE(hot.ok()) << hot.status().ToString();
    mongo_ = hot->get();
    hot_ = std::move(hot).value();
    if (!s3) {
      auto objects = store::MongoObjectStore::Open(uri, mongo_options, "xronox_objects");
      ASSERT_TRUE(objects.ok()) << objects.status().ToString();
      objects_ = std::move(objects).value();
      return;
    }
    auto objects = store::S3ObjectStore::Open(TestS3Options());
    ASSERT_TRUE(objects.ok()) << objects.status().ToString();
    s3_ = objects->get();
    objects_ = std::move(objects).value();
    bucket_stem_ = UniqueBucketStem();
  }

  store::MongoHotStore* mongo_ = nullptr;        // hot_ on the MongoDB backends.
  store::MongoHotStore* fresh_mongo_ = nullptr;  // FreshHotStore's, until dropped.
  store::S3ObjectStore* s3_ = nullptr;           // objects_ on mongo+s3.
  std::string bucket_stem_;                      // mongo+s3: "xt<12 hex>"; else empty.
  std::set<std::string> s3_buckets_;             // Created on S3, removed in TearDown.
};

/// The backend name as a test name: "mongo+s3" becomes "mongo_s3".
/// The version object that a writer of the version after `head` would write: an update of
/// `data` by "ghost" (tests then leave it half-done, as a writer that died).
inline VersionObject NextVersionObject(const Binding& b, const store::HeadRow& head, Json data,
                                       const std::string& reason) {
  VersionObject o;
  o.collection = b.ref.collection;
  o.id = head.id;
  o.version = head.version + 1;
  o.op = Operation::kUpdate;
  o.actor = "ghost";
  o.reason = reason;
  o.at = head.updated_at + 10;
  o.changed_fields = ChangedFields(nullptr, data);
  o.data = std::move(data);
  o.prev_hash = head.entry_hash;
  return o;
}

inline std::string BackendName(const ::testing::TestParamInfo<std::string>& info) {
  std::string name = info.param;
  for (char& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return name;
}

#define XRONOX_INSTANTIATE_ENGINE_SUITE(Suite)                                                \
  INSTANTIATE_TEST_SUITE_P(Backends, Suite,                                                   \
                           ::testing::Values("memory", "embedded", "mongo+s3", "mongo-only"), \
                           ::xronox::testing::BackendName)

}  // namespace xronox::testing
