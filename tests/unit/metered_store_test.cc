// The metered decorators over real stores (a local folder, the in-memory hot store): every call
// is passed through with its result, counted under its tier, connection and operation, and a
// failed call is counted by its status code. An embedded Xronox reports both tiers.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "store/hot/memory/memory_hot_store.h"
#include "store/object/fs/folder_object_store.h"
#include "store/wrappers/metered_hot_store.h"
#include "store/wrappers/metered_object_store.h"
#include "support/temp_dir.h"
#include "xronox/config.h"
#include "xronox/xronox.h"

namespace xronox::store {
namespace {

const BackendCallMetrics* Find(const BackendMetricsSnapshot& snapshot, const std::string& tier,
                               const std::string& operation) {
  for (const BackendCallMetrics& calls : snapshot.calls) {
    if (calls.tier == tier && calls.operation == operation) return &calls;
  }
  return nullptr;
}

TEST(MeteredStoreTest, ObjectCallsPassThroughAndAreCountedWithTheirErrors) {
  xronox::testing::TempDir dir;
  auto folder = FolderObjectStore::Open(dir.path());
  ASSERT_TRUE(folder.ok()) << folder.status().ToString();
  BackendMetrics metrics;
  MeteredObjectStore store(std::move(folder).value(), "folder:test", metrics);
  ASSERT_TRUE(store.EnsureBucket("b").ok());
  ASSERT_TRUE(store.Put("b", "k", "bytes", PutMode::kCreateOnly).ok());
  Status again = store.Put("b", "k", "other", PutMode::kCreateOnly);
  EXPECT_EQ(again.code(), StatusCode::kAlreadyExists);
  Result<std::string> read = store.Get("b", "k");
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(*read, "bytes");
  EXPECT_EQ(store.Get("b", "absent").status().code(), StatusCode::kNotFound);

  BackendMetricsSnapshot snapshot = metrics.Snapshot();
  EXPECT_EQ(snapshot.bucket_bounds_seconds.size() + 1,
            Find(snapshot, "object", "Put")->cumulative_buckets.size());
  const BackendCallMetrics* put = Find(snapshot, "object", "Put");
  ASSERT_NE(put, nullptr);
  EXPECT_EQ(put->connection, "folder:test");
  EXPECT_EQ(put->calls, 2u);
  EXPECT_EQ(put->errors, (std::map<std::string, uint64_t>{{"already_exists", 1}}));
  EXPECT_EQ(put->cumulative_buckets.back(), 2u);
  EXPECT_GT(put->seconds_sum, 0);
  const BackendCallMetrics* get = Find(snapshot, "object", "Get");
  ASSERT_NE(get, nullptr);
  EXPECT_EQ(get->calls, 2u);
  EXPECT_EQ(get->errors, (std::map<std::string, uint64_t>{{"not_found", 1}}));
  EXPECT_EQ(Find(snapshot, "object", "List"), nullptr) << "never called: not reported";
}

TEST(MeteredStoreTest, HotCallsPassThroughAndAreCounted) {
  auto memory = MemoryHotStore::Open();
  ASSERT_TRUE(memory.ok());
  BackendMetrics metrics;
  MeteredHotStore store(std::move(memory).value(), "memory:test", metrics);
  CollectionRef ref{"db", "c"};
  ASSERT_TRUE(store.EnsureCollection(ref, {}).ok());
  Result<int64_t> counter = store.IncrementCounter(ref, "n", 5);
  ASSERT_TRUE(counter.ok());
  EXPECT_EQ(*counter, 5);
  Result<std::optional<HeadRow>> head = store.GetHead(ref, "absent");
  ASSERT_TRUE(head.ok());
  EXPECT_FALSE(head->has_value());
  BackendMetricsSnapshot snapshot = metrics.Snapshot();
  for (const char* op : {"EnsureCollection", "IncrementCounter", "GetHead"}) {
    const BackendCallMetrics* calls = Find(snapshot, "hot", op);
    ASSERT_NE(calls, nullptr) << op;
    EXPECT_EQ(calls->calls, 1u) << op;
    EXPECT_TRUE(calls->errors.empty()) << op;
    EXPECT_EQ(calls->connection, "memory:test");
  }
}

TEST(MeteredStoreTest, AnEmbeddedStoreReportsBothTiersThroughThePublicApi) {
  xronox::testing::TempDir dir;
  Result<Config> config = CreateEmbeddedConfig(dir.path());
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  auto xronox = Xronox::Open(*config);
  ASSERT_TRUE(xronox.ok()) << xronox.status().ToString();
  // Opening reads only the owner markers of the object store (to refuse a configuration that
  // would change existing keys): nothing is written, the hot store is not touched.
  for (const BackendCallMetrics& call : (*xronox)->BackendMetrics().calls) {
    EXPECT_EQ(call.tier, "object") << call.operation;
    EXPECT_THAT(call.operation, ::testing::AnyOf("Get", "List")) << call.tier;
  }
  auto docs = (*xronox)->With({DatabaseType::kKnowledge, Tier::kGeneric, "", "docs"});
  ASSERT_TRUE(docs.ok()) << docs.status().ToString();
  ASSERT_TRUE(docs->Put("d1", Json{{"a", 1}}, {}).ok());
  ASSERT_TRUE(docs->Get("d1").ok());
  BackendMetricsSnapshot snapshot = (*xronox)->BackendMetrics();
  const BackendCallMetrics* head = Find(snapshot, "hot", "GetHead");
  ASSERT_NE(head, nullptr);
  EXPECT_EQ(head->connection, "sqlite:embedded");
  const BackendCallMetrics* ensure = Find(snapshot, "object", "EnsureBucket");
  ASSERT_NE(ensure, nullptr);
  EXPECT_EQ(ensure->connection, "folder:embedded");
}

}  // namespace
}  // namespace xronox::store
