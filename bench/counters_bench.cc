// What keeping the collection counters costs a write on the embedded store (SQLite + folder):
// the same engine writes through a hot store that adds each write's counts (the product) and
// through one that drops them before they reach SQLite (the baseline: the counters are the
// only difference), interleaved write by write in the same run, for a plain update, a plain
// create and a versioned update.
// Run: build/release/bench/xronox_counters_bench [--benchmark_min_time=2]
#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>

#include "bench/bench_document.h"
#include "common/clock.h"
#include "engine/engine.h"
#include "store/hot/hot_store_wrapper.h"
#include "store/hot/sqlite/sqlite_hot_store.h"
#include "store/object/fs/folder_object_store.h"

namespace {

using namespace xronox;

const Json kDocument = bench::BenchDocument();

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

struct Pair {
  double counted_us = 0;
  double uncounted_us = 0;
};
std::map<std::string, Pair>& Results() {
  static std::map<std::string, Pair> results;
  return results;
}

// One write with counters and one without per iteration, in alternating order, each timed on
// its own: a slow moment of the disk (fsync dominates) falls on both sides alike.
void Paired(benchmark::State& state, DatabaseType type, bool creates, const std::string& name) {
  Bench counted(name + "-counted", true, type);
  Bench uncounted(name + "-uncounted", false, type);
  Json data = kDocument;
  double counted_ns = 0, uncounted_ns = 0;
  int64_t n = 0;
  for (auto _ : state) {
    std::string id = "r" + std::to_string(creates ? n : n % 100);
    data["seq"] = n++;
    for (int side = 0; side < 2; ++side) {
      bool count = (side == 0) == (n % 2 == 0);
      auto start = std::chrono::steady_clock::now();
      (count ? counted : uncounted).Write(state, id, data);
      std::chrono::duration<double, std::nano> took = std::chrono::steady_clock::now() - start;
      (count ? counted_ns : uncounted_ns) += took.count();
    }
  }
  if (n == 0) return;
  Pair& pair = Results()[name];
  pair.counted_us = counted_ns / n / 1000;
  pair.uncounted_us = uncounted_ns / n / 1000;
  state.counters["counted_us"] = pair.counted_us;
  state.counters["uncounted_us"] = pair.uncounted_us;
  state.SetItemsProcessed(2 * state.iterations());
}

void BM_PlainUpdate(benchmark::State& s) {
  Paired(s, DatabaseType::kKnowledge, false, "plain update (knowledge, inline payload)");
}
void BM_PlainCreate(benchmark::State& s) {
  Paired(s, DatabaseType::kKnowledge, true, "plain create (knowledge)");
}
void BM_VersionedUpdate(benchmark::State& s) {
  Paired(s, DatabaseType::kRuntime, false, "versioned update (runtime)");
}

BENCHMARK(BM_PlainUpdate)->UseRealTime();
BENCHMARK(BM_PlainCreate)->UseRealTime();
BENCHMARK(BM_VersionedUpdate)->UseRealTime();

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  std::printf(
      "\n| write | with counters (us/op) | without (us/op) | with/without latency | target "
      "|\n|---|---|---|---|---|\n");
  for (const auto& [name, pair] : Results()) {
    std::printf("| %s | %.1f | %.1f | %.3fx | <= 1.10x |\n", name.c_str(), pair.counted_us,
                pair.uncounted_us, pair.counted_us / pair.uncounted_us);
  }
  benchmark::Shutdown();
  return 0;
}
