// Engine tests run over the backend matrix: in-memory stores, and the embedded pair
// (SQLite + local folder). Each test gets fresh stores, a manual clock and a binding.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <string>

#include "common/clock.h"
#include "engine/engine.h"
#include "store/hot/memory/memory_hot_store.h"
#include "store/hot/sqlite/sqlite_hot_store.h"
#include "store/object/fs/folder_object_store.h"
#include "store/object/memory/memory_object_store.h"
#include "support/temp_dir.h"

namespace xronox::testing {

inline constexpr TimestampMicros kStartTime = 1'700'000'000'000'000;

class EngineTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "memory") {
      hot_ = std::move(store::MemoryHotStore::Open()).value();
      objects_ = std::move(store::MemoryObjectStore::Open(&clock_)).value();
    } else {
      auto hot = store::SqliteHotStore::Open(dir_.path() + "/hot.sqlite");
      ASSERT_TRUE(hot.ok()) << hot.status().ToString();
      hot_ = std::move(hot).value();
      auto objects = store::FolderObjectStore::Open(dir_.path() + "/objects");
      ASSERT_TRUE(objects.ok()) << objects.status().ToString();
      objects_ = std::move(objects).value();
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
    b.database.buckets = {"xronox-" + name + "-records", "xronox-" + name + "-versions",
                          "xronox-" + name + "-content", "xronox-" + name + "-backups"};
    b.hot = hot_.get();
    b.objects = objects_.get();
    b.ref = {b.database.db_name, collection};
    b.indexed_props = std::move(indexed);
    b.versioned = type == DatabaseType::kRuntime;
    b.append_only = type == DatabaseType::kLogs;
    EXPECT_TRUE(hot_->EnsureCollection(b.ref, b.indexed_props).ok());
    for (const auto* bucket : {&b.database.buckets.records, &b.database.buckets.versions}) {
      EXPECT_TRUE(objects_->EnsureBucket(*bucket).ok());
    }
    return b;
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
};

inline std::string BackendName(const ::testing::TestParamInfo<std::string>& info) {
  return info.param;
}

#define XRONOX_INSTANTIATE_ENGINE_SUITE(Suite)                                       \
  INSTANTIATE_TEST_SUITE_P(Backends, Suite, ::testing::Values("memory", "embedded"), \
                           ::xronox::testing::BackendName)

}  // namespace xronox::testing
