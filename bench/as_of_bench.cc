// Listing a runtime collection as of an instant: its cost should grow with the records returned,
// not with their histories. On the embedded store (SQLite + folder), three collections of the
// same records are listed as of the same instant T, in query pages of 100:
// - "deep": every record has `versions` versions, half written before T and half after, so each
//   record's state at T is found through the version index in the middle of its history;
// - "single": every record has one version, written before T (its head is its state at T);
// - "pair": every record has two versions, one before T and one after (the version-index path,
//   with the shortest history).
// And "deep" and "single" as of the end of all writes, where every head is the state then.
// Each listing is run `rounds` times, interleaved; medians and the ratios are reported.
// Run: build/release/bench/xronox_as_of_bench [records=100] [versions=1000] [rounds=5]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "bench/bench_document.h"
#include "bench/bench_timing.h"
#include "common/clock.h"
#include "xronox/xronox.h"

namespace {

using namespace xronox;
using Clock = bench::SteadyClock;
using bench::Check;
using bench::Median;
using bench::Seconds;

Target Runtime(const std::string& name) {
  return {DatabaseType::kRuntime, Tier::kTenant, "bench", name};
}

std::string Id(int i) { return "r" + std::to_string(1000000 + i); }

WriteOptions Audited() {
  WriteOptions options;
  options.actor = "bench";
  options.reason = "as-of bench";
  return options;
}

// `count` versions of every record of `collection`, version by version across the records.
void WriteVersions(Xronox& store, const std::string& collection, int records, int count,
                   int first) {
  auto c = store.With(Runtime(collection));
  Check(c.status(), "bind");
  Json document = bench::BenchDocument();
  for (int v = 0; v < count; ++v) {
    document["amount"] = first + v;
    for (int i = 0; i < records; ++i) Check(c->Put(Id(i), document, Audited()).status(), "put");
  }
}

// Every record of `collection` as of `as_of`, in pages of 100; returns the seconds taken.
double ListAsOf(Xronox& store, const std::string& collection, TimestampMicros as_of, int records) {
  auto c = store.With(Runtime(collection));
  Check(c.status(), "bind");
  QueryOptions options;
  options.limit = 100;
  options.raw_data = true;
  options.as_of = as_of;
  int listed = 0;
  auto start = Clock::now();
  while (true) {
    auto page = c->Query(Json::object(), options);
    Check(page.status(), "query");
    listed += static_cast<int>(page->records.size());
    if (!page->next) break;
    options.cursor = *page->next;
  }
  double seconds = Seconds(start);
  if (listed != records) Check(Internal("the listing missed records"), collection.c_str());
  return seconds;
}

}  // namespace

int main(int argc, char** argv) {
  const int records = argc > 1 ? std::atoi(argv[1]) : 100;
  const int versions = argc > 2 ? std::atoi(argv[2]) : 1000;
  const int rounds = argc > 3 ? std::atoi(argv[3]) : 5;
  auto dir = std::filesystem::temp_directory_path() / "xronox-bench-as-of";
  std::filesystem::remove_all(dir);
  auto config = CreateEmbeddedConfig((dir / "store").string());
  Check(config.status(), "config");
  auto store = Xronox::Open(*config);
  Check(store.status(), "open");
  SystemClock clock;
  WriteVersions(**store, "deep", records, versions / 2, 0);
  WriteVersions(**store, "single", records, 1, 0);
  WriteVersions(**store, "pair", records, 1, 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(2));
  const TimestampMicros t = clock.NowMicros();
  std::this_thread::sleep_for(std::chrono::milliseconds(2));
  WriteVersions(**store, "deep", records, versions - versions / 2, versions / 2);
  WriteVersions(**store, "pair", records, 1, 1);
  const TimestampMicros end = clock.NowMicros();
  std::vector<double> deep, single, pair, deep_end, single_end;
  for (int round = 0; round < rounds; ++round) {
    deep.push_back(ListAsOf(**store, "deep", t, records));
    single.push_back(ListAsOf(**store, "single", t, records));
    pair.push_back(ListAsOf(**store, "pair", t, records));
    deep_end.push_back(ListAsOf(**store, "deep", end, records));
    single_end.push_back(ListAsOf(**store, "single", end, records));
  }
  auto rate = [records](double seconds) { return records / seconds; };
  std::printf(
      "as-of bench: %d records, listed as of T in pages of 100, %d rounds, medians "
      "(embedded, SQLite + folder)\n",
      records, rounds);
  std::printf("  single: 1 version (before T)            %8.0f records/s\n", rate(Median(single)));
  std::printf("  pair: 2 versions (1 before T, 1 after)  %8.0f records/s\n", rate(Median(pair)));
  std::printf(
      "  deep: %d versions (%d before T)       %8.0f records/s   "
      "deep/single %.2f, deep/pair %.2f (time)\n",
      versions, versions / 2, rate(Median(deep)), Median(deep) / Median(single),
      Median(deep) / Median(pair));
  std::printf(
      "  as of the end (every head is its state then): deep %8.0f, single %8.0f "
      "records/s, deep/single %.2f\n",
      rate(Median(deep_end)), rate(Median(single_end)), Median(deep_end) / Median(single_end));
  std::filesystem::remove_all(dir);
  return 0;
}
