// What keeping the collection counters costs a write on the embedded store (SQLite + folder):
// the same engine writes through a hot store that adds each write's counts (the product) and
// through one that drops them before they reach SQLite (the baseline: the counters are the
// only difference), in the same run.
//   plain update (knowledge, inline payload) with counters   vs  without
//   plain create (knowledge)                 with counters   vs  without
//   versioned update (runtime)               with counters   vs  without
// Run: build/release/bench/xronox_counters_bench [--benchmark_min_time=2]
#include <benchmark/benchmark.h>

#include <filesystem>
#include <memory>

#include "bench/bench_report.h"
#include "common/clock.h"
#include "engine/engine.h"
#include "store/hot/hot_store_wrapper.h"
#include "store/hot/sqlite/sqlite_hot_store.h"
#include "store/object/fs/folder_object_store.h"

namespace {

using namespace xronox;

const Json kDocument = {{"customer", "c-123"},
                        {"status", "paid"},
                        {"amount", 1234.5},
                        {"items", {{{"sku", "a"}, {"qty", 2}}, {{"sku", "b"}, {"qty", 1}}}},
                        {"note", std::string(300, 'n')}};

// The baseline's hot store: every head write reaches SQLite without its counts.
class UncountedHotStore : public store::HotStoreWrapper {
 public:
  using HotStoreWrapper::HotStoreWrapper;
  Status WriteHead(const store::CollectionRef& ref, const store::HeadRow& head,
                   std::optional<int64_t> expected) override {
    store::HeadRow uncounted = head;
    uncounted.counts_delta = {};
    return HotStoreWrapper::WriteHead(ref, uncounted, expected);
  }
  Status CommitVersion(const store::CollectionRef& ref, const store::VersionRow& version,
                       const store::HeadRow& head, std::optional<int64_t> expected) override {
    store::HeadRow uncounted = head;
    uncounted.counts_delta = {};
    return HotStoreWrapper::CommitVersion(ref, version, uncounted, expected);
  }
};

struct Bench {
  std::unique_ptr<store::HotStore> hot;
  std::unique_ptr<store::ObjectStore> objects;
  Engine engine{EngineOptions{}, SystemClock::Default()};
  Binding binding;

  Bench(const std::string& name, bool counted, DatabaseType type) {
    auto dir = std::filesystem::temp_directory_path() / ("xronox-bench-counters-" + name);
    std::filesystem::remove_all(dir);
    std::unique_ptr<store::HotStore> sqlite =
        std::move(store::SqliteHotStore::Open((dir / "hot.sqlite").string())).value();
    hot = counted ? std::move(sqlite) : std::make_unique<UncountedHotStore>(std::move(sqlite));
    objects = std::move(store::FolderObjectStore::Open((dir / "objects").string())).value();
    bool runtime = type == DatabaseType::kRuntime;
    binding.target = {type, runtime ? Tier::kTenant : Tier::kGeneric, runtime ? "bench" : "",
                      "orders"};
    binding.database.db_name = runtime ? "bench_runtime" : "bench_knowledge";
    binding.database.buckets = {"records", "versions", "content", "backups"};
    binding.hot = hot.get();
    binding.objects = objects.get();
    binding.ref = {binding.database.db_name, "orders", runtime};
    binding.versioned = runtime;
    binding.keys_scoped = true;
    if (!hot->EnsureCollection(binding.ref, {}).ok()) std::abort();
    for (const std::string* bucket :
         {&binding.database.buckets.records, &binding.database.buckets.versions}) {
      if (!objects->EnsureBucket(*bucket).ok()) std::abort();
    }
  }

  void Write(benchmark::State& state, const std::string& id, const Json& data) {
    WriteIntent intent;
    intent.kind = WriteIntent::Kind::kPut;
    intent.body = data;
    WriteOptions options;
    options.actor = "bench";
    options.reason = "benchmark";
    auto written = engine.Write(binding, id, intent, options);
    if (!written.ok()) state.SkipWithError(written.status().ToString().c_str());
  }
};

void Updates(benchmark::State& state, bool counted, DatabaseType type, const std::string& name) {
  Bench bench(name, counted, type);
  Json data = kDocument;
  int64_t n = 0;
  for (auto _ : state) {
    data["seq"] = n;
    bench.Write(state, "r" + std::to_string(n++ % 100), data);
  }
  state.SetItemsProcessed(state.iterations());
}

void Creates(benchmark::State& state, bool counted) {
  Bench bench(counted ? "create-counted" : "create-uncounted", counted, DatabaseType::kKnowledge);
  int64_t n = 0;
  for (auto _ : state) bench.Write(state, "r" + std::to_string(n++), kDocument);
  state.SetItemsProcessed(state.iterations());
}

void BM_PlainUpdate_Counted(benchmark::State& s) {
  Updates(s, true, DatabaseType::kKnowledge, "plain-counted");
}
void BM_PlainUpdate_Uncounted(benchmark::State& s) {
  Updates(s, false, DatabaseType::kKnowledge, "plain-uncounted");
}
void BM_PlainCreate_Counted(benchmark::State& s) { Creates(s, true); }
void BM_PlainCreate_Uncounted(benchmark::State& s) { Creates(s, false); }
void BM_VersionedUpdate_Counted(benchmark::State& s) {
  Updates(s, true, DatabaseType::kRuntime, "versioned-counted");
}
void BM_VersionedUpdate_Uncounted(benchmark::State& s) {
  Updates(s, false, DatabaseType::kRuntime, "versioned-uncounted");
}

// Interleaved, so that a slow phase of the disk hits both sides.
BENCHMARK(BM_PlainUpdate_Uncounted)->UseRealTime();
BENCHMARK(BM_PlainUpdate_Counted)->UseRealTime();
BENCHMARK(BM_PlainCreate_Uncounted)->UseRealTime();
BENCHMARK(BM_PlainCreate_Counted)->UseRealTime();
BENCHMARK(BM_VersionedUpdate_Uncounted)->UseRealTime();
BENCHMARK(BM_VersionedUpdate_Counted)->UseRealTime();

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  xronox::bench::CollectingReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  xronox::bench::PrintComparison(
      reporter, {{"plain update with counters vs without", "BM_PlainUpdate_Counted",
                  "BM_PlainUpdate_Uncounted", "<= 1.10x baseline latency"},
                 {"plain create with counters vs without", "BM_PlainCreate_Counted",
                  "BM_PlainCreate_Uncounted", "<= 1.10x baseline latency"},
                 {"versioned update with counters vs without", "BM_VersionedUpdate_Counted",
                  "BM_VersionedUpdate_Uncounted", "<= 1.10x baseline latency"}});
  benchmark::Shutdown();
  return 0;
}
