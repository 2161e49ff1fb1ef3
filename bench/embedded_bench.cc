// Embedded-backend benchmarks, each beside a baseline measured in the same run:
//   versioned update        vs  one raw SQLite insert of the same JSON + one file write of
//                               the same bytes with the same fsync policy
//   Get (current)           vs  one raw SQLite point select
//   Get as of a time, 10 versions of a record vs 10,000 versions
// Run: build/release/bench/xronox_bench [--benchmark_min_time=2]
#include <benchmark/benchmark.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <map>
#include <random>

#include "bench/bench_document.h"
#include "bench/bench_report.h"
#include "xronox/xronox.h"

namespace {

using namespace xronox;

const Json kDocument = bench::BenchDocument();

std::string BenchDir(const std::string& name) {
  auto dir = std::filesystem::temp_directory_path() / ("xronox-bench-" + name);
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir.string();
}

struct RawSqlite {
  sqlite3* db = nullptr;
  sqlite3_stmt* insert = nullptr;
  sqlite3_stmt* select = nullptr;
  explicit RawSqlite(const std::string& path) {
    sqlite3_open(path.c_str(), &db);
    sqlite3_exec(db,
                 "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
                 "CREATE TABLE IF NOT EXISTS t(id TEXT PRIMARY KEY, data TEXT)",
                 nullptr, nullptr, nullptr);
    sqlite3_prepare_v2(db, "INSERT OR REPLACE INTO t VALUES(?,?)", -1, &insert, nullptr);
    sqlite3_prepare_v2(db, "SELECT data FROM t WHERE id=?", -1, &select, nullptr);
  }
  ~RawSqlite() {
    sqlite3_finalize(insert);
    sqlite3_finalize(select);
    sqlite3_close(db);
  }
};

// The same fsync policy as the folder object store: temp file, fsync, link, fsync directory.
void DurableFileWrite(const std::string& dir, const std::string& name, const std::string& bytes) {
  std::string temp = dir + "/.tmp-" + name;
  int fd = open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (write(fd, bytes.data(), bytes.size()) != static_cast<ssize_t>(bytes.size())) std::abort();
  fsync(fd);
  close(fd);
  link(temp.c_str(), (dir + "/" + name).c_str());
  unlink(temp.c_str());
  int dfd = open(dir.c_str(), O_RDONLY | O_DIRECTORY);
  fsync(dfd);
  close(dfd);
}

void BM_Baseline_SqliteInsertPlusFileWrite(benchmark::State& state) {
  std::string dir = BenchDir("baseline-write");
  RawSqlite raw(dir + "/raw.sqlite");
  std::string text = kDocument.dump();
  int64_t n = 0;
  for (auto _ : state) {
    std::string id = "r" + std::to_string(n++);
    sqlite3_bind_text(raw.insert, 1, id.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(raw.insert, 2, text.c_str(), -1, SQLITE_TRANSIENT);
    if (sqlite3_step(raw.insert) != SQLITE_DONE) state.SkipWithError("insert failed");
    sqlite3_reset(raw.insert);
    DurableFileWrite(dir, id + ".json", text);
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_Baseline_SqlitePointSelect(benchmark::State& state) {
  std::string dir = BenchDir("baseline-read");
  RawSqlite raw(dir + "/raw.sqlite");
  std::string text = kDocument.dump();
  sqlite3_bind_text(raw.insert, 1, "r1", -1, SQLITE_STATIC);
  sqlite3_bind_text(raw.insert, 2, text.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_step(raw.insert);
  for (auto _ : state) {
    sqlite3_bind_text(raw.select, 1, "r1", -1, SQLITE_STATIC);
    if (sqlite3_step(raw.select) != SQLITE_ROW) state.SkipWithError("select failed");
    std::string data(reinterpret_cast<const char*>(sqlite3_column_text(raw.select, 0)));
    benchmark::DoNotOptimize(data);
    sqlite3_reset(raw.select);
  }
  state.SetItemsProcessed(state.iterations());
}

struct Store {
  std::unique_ptr<Xronox> xronox;
  std::optional<Collection> runtime;
  explicit Store(const std::string& name) {
    auto config = CreateEmbeddedConfig(BenchDir(name));
    xronox = std::move(Xronox::Open(*config)).value();
    runtime =
        std::move(xronox->With({DatabaseType::kRuntime, Tier::kTenant, "bench", "orders"})).value();
  }
};

WriteOptions Audit() {
  WriteOptions options;
  options.actor = "bench";
  options.reason = "benchmark";
  return options;
}

void BM_VersionedUpdate(benchmark::State& state) {
  Store store("versioned-update");
  Json data = kDocument;
  int64_t n = 0;
  for (auto _ : state) {
    data["seq"] = n++;
    auto written = store.runtime->Put("r1", data, Audit());
    if (!written.ok()) state.SkipWithError(written.status().ToString().c_str());
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_GetCurrent(benchmark::State& state) {
  Store store("get-current");
  (void)store.runtime->Put("r1", kDocument, Audit());
  for (auto _ : state) {
    auto record = store.runtime->Get("r1");
    if (!record.ok()) state.SkipWithError(record.status().ToString().c_str());
    benchmark::DoNotOptimize(record);
  }
  state.SetItemsProcessed(state.iterations());
}

// The same read returning the data as JSON text (what the server sends), like the baseline.
void BM_GetCurrentRaw(benchmark::State& state) {
  Store store("get-current-raw");
  (void)store.runtime->Put("r1", kDocument, Audit());
  GetOptions raw;
  raw.raw_data = true;
  for (auto _ : state) {
    auto record = store.runtime->Get("r1", raw);
    if (!record.ok()) state.SkipWithError(record.status().ToString().c_str());
    benchmark::DoNotOptimize(record);
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_GetAsOf(benchmark::State& state) {
  const int64_t versions = state.range(0);
  Store store("as-of-" + std::to_string(versions));
  std::vector<TimestampMicros> times;
  Json data = kDocument;
  for (int64_t i = 0; i < versions; ++i) {
    data["seq"] = i;
    auto written = store.runtime->Put("r1", data, Audit());
    if (!written.ok()) return state.SkipWithError(written.status().ToString().c_str());
    times.push_back(store.runtime->Get("r1")->updated_at);
  }
  std::mt19937 rng(7);
  for (auto _ : state) {
    GetOptions options;
    options.as_of = times[rng() % times.size()];
    auto record = store.runtime->Get("r1", options);
    if (!record.ok()) state.SkipWithError(record.status().ToString().c_str());
    benchmark::DoNotOptimize(record);
  }
  state.SetItemsProcessed(state.iterations());
}

BENCHMARK(BM_Baseline_SqliteInsertPlusFileWrite)->UseRealTime();
BENCHMARK(BM_VersionedUpdate)->UseRealTime();
BENCHMARK(BM_Baseline_SqlitePointSelect)->UseRealTime();
BENCHMARK(BM_GetCurrent)->UseRealTime();
BENCHMARK(BM_GetCurrentRaw)->UseRealTime();
BENCHMARK(BM_GetAsOf)->Arg(10)->Arg(10000)->UseRealTime()->Unit(benchmark::kMicrosecond);

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  xronox::bench::CollectingReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  xronox::bench::PrintComparison(
      reporter,
      {{"versioned update vs SQLite insert + file write", "BM_VersionedUpdate",
        "BM_Baseline_SqliteInsertPlusFileWrite", ">= 0.50 of baseline throughput"},
       {"Get current (data as JSON text) vs SQLite point select", "BM_GetCurrentRaw",
        "BM_Baseline_SqlitePointSelect", "<= 1.5x baseline latency"},
       {"Get current (data parsed to Json) vs SQLite point select", "BM_GetCurrent",
        "BM_Baseline_SqlitePointSelect", "(no target: includes a JSON parse)"},
       {"Get as-of, 10,000 vs 10 versions", "BM_GetAsOf/10000", "BM_GetAsOf/10", "<= 1.5x"}});
  benchmark::Shutdown();
  return 0;
}
