// The HotStore conformance fixture: the backends every conformance test runs on (memory,
// sqlite, and mongo when XRONOX_TEST_MONGO_URI names a MongoDB-wire server) and a fixture that
// opens a fresh store per test. Each test file derives its own fixture from
// HotStoreConformanceTest and instantiates it over HotBackends().
#pragma once

#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "conformance/hot_store_test_util.h"
#include "store/hot/hot_store.h"
#include "store/hot/memory/memory_hot_store.h"
#include "store/hot/mongo/mongo_hot_store.h"
#include "store/hot/sqlite/sqlite_hot_store.h"
#include "support/test_services.h"

namespace xronox::store {

using testing::MakeHead;
using testing::MakeVersion;
using testing::TempDir;

struct HotBackend {
  std::string name;
  std::function<Result<std::unique_ptr<HotStore>>(const std::filesystem::path& dir)> open;
  /// The environment variable naming the service the backend needs; null when it needs none.
  /// Unset: the tests skip, or fail when XRONOX_REQUIRE_SERVICES=1.
  const char* service_env = nullptr;
  /// Removes what the test stored outside its temporary directory; may be empty.
  std::function<Status(HotStore&)> teardown;
  /// Two concurrent creators of names that differ only in case cannot both succeed. MongoDB
  /// refuses such databases itself (DatabaseDifferCase); FerretDB, our test server, does not,
  /// so on it the store's check is best effort and the two names stay two databases.
  bool case_refusal_is_atomic = true;
};

inline void PrintTo(const HotBackend& backend, std::ostream* os) { *os << backend.name; }

template <typename T>
Result<std::unique_ptr<HotStore>> AsHotStore(Result<std::unique_ptr<T>> opened) {
  if (!opened.ok()) return opened.status();
  return std::unique_ptr<HotStore>(std::move(opened).value());
}

inline const char* EnvOrNull(const char* name) {
  const char* value = std::getenv(name);
  return value != nullptr && *value != '\0' ? value : nullptr;
}

// `filters`: kAuto resolves to kIdOnly on the test server (FerretDB); "mongo_server_filters"
// runs the suite again with the conditions in the filters, as on MongoDB.
inline Result<std::unique_ptr<HotStore>> OpenMongo(MongoOptions::ConditionFilters filters) {
  MongoOptions options;
  options.database_prefix = xronox::testing::UniqueDatabasePrefix();  // Fresh per test.
  options.condition_filters = filters;
  return AsHotStore(MongoHotStore::Open(EnvOrNull("XRONOX_TEST_MONGO_URI"), options));
}

inline Status DropMongo(HotStore& store) {
  return static_cast<MongoHotStore&>(store).DropPrefixedDatabases();
}

inline std::vector<HotBackend> HotBackends() {
  return {
      {"memory",
       [](const std::filesystem::path&) { return AsHotStore(MemoryHotStore::Open()); },
       nullptr,
       {}},
      {"sqlite",
       [](const std::filesystem::path& dir) {
         return AsHotStore(SqliteHotStore::Open((dir / "hot" / "xronox.sqlite").string()));
       },
       nullptr,
       {}},
      {"mongo",
       [](const std::filesystem::path&) {
         return OpenMongo(MongoOptions::ConditionFilters::kAuto);
       },
       "XRONOX_TEST_MONGO_URI", DropMongo, /*case_refusal_is_atomic=*/false},
      {"mongo_server_filters",
       [](const std::filesystem::path&) {
         return OpenMongo(MongoOptions::ConditionFilters::kServer);
       },
       "XRONOX_TEST_MONGO_URI", DropMongo, /*case_refusal_is_atomic=*/false},
  };
}

inline const std::vector<std::string> kProps = {"status", "score", "active", "address.city"};

class HotStoreConformanceTest : public ::testing::TestWithParam<HotBackend> {
 protected:
  void SetUp() override {
    if (const char* env = GetParam().service_env; env != nullptr && EnvOrNull(env) == nullptr) {
      const char* required = EnvOrNull("XRONOX_REQUIRE_SERVICES");
      if (required != nullptr && std::string(required) == "1") {
        FAIL() << env << " is not set but XRONOX_REQUIRE_SERVICES=1: the " << GetParam().name
               << " test service did not start (scripts/test-services.sh start)";
      }
      GTEST_SKIP() << env << " is not set: the " << GetParam().name
                   << " backend has no service to run against (scripts/test-services.sh start, "
                      "then source the env file it prints)";
    }
    HOT_ASSERT_OK_AND_ASSIGN(store_, GetParam().open(dir_.path()));
    HOT_ASSERT_OK(store_->EnsureCollection(ref_, kProps));
  }

  // Commits versions 0..count-1 of `id` (version n at time 100 * (n + 1)).
  void CommitChain(const CollectionRef& ref, const std::string& id, int count) {
    for (int v = 0; v < count; ++v) {
      std::optional<int64_t> expected = v == 0 ? std::nullopt : std::optional<int64_t>(v - 1);
      HOT_ASSERT_OK(
          store_->CommitVersion(ref, MakeVersion(id, v, 100 * (v + 1)), MakeHead(id, v), expected));
    }
  }

  // Calls `call` `per_thread` times on each of `threads` threads at once; returns how many of
  // the calls failed.
  int FailedConcurrentCalls(int threads, int per_thread, const std::function<Status()>& call) {
    std::atomic<int> failures{0};
    std::vector<std::thread> running;
    for (int t = 0; t < threads; ++t) {
      running.emplace_back([&] {
        for (int i = 0; i < per_thread; ++i) {
          if (!call().ok()) ++failures;
        }
      });
    }
    for (std::thread& thread : running) thread.join();
    return failures.load();
  }

  std::optional<HeadRow> Head(const std::string& id) {
    Result<std::optional<HeadRow>> head = store_->GetHead(ref_, id);
    EXPECT_TRUE(head.ok()) << head.status().ToString();
    return head.ok() ? *head : std::nullopt;
  }

  std::optional<VersionRow> Version(const std::string& id, int64_t version) {
    Result<std::optional<VersionRow>> row = store_->GetVersion(ref_, id, version);
    EXPECT_TRUE(row.ok()) << row.status().ToString();
    return row.ok() ? *row : std::nullopt;
  }

  void TearDown() override {
    if (store_ != nullptr && GetParam().teardown) {
      Status dropped = GetParam().teardown(*store_);
      EXPECT_TRUE(dropped.ok()) << dropped.ToString();
    }
  }

  TempDir dir_;
  std::unique_ptr<HotStore> store_;
  CollectionRef ref_{"appdb", "items"};
};

}  // namespace xronox::store
