// Logs written in bulk: 1,000 entries appended in one Collection::Append call against the same
// 1,000 entries appended one Create call each, on the embedded store (SQLite + folder), each
// round into a fresh collection, rounds interleaved; medians and the ratio of throughputs are
// reported. The target (issue: domain databases, logs) is at least 10x.
// Run: build/release/bench/xronox_append_bench [entries=1000] [rounds=5]
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "bench/bench_timing.h"
#include "xronox/xronox.h"

namespace {

using namespace xronox;
using bench::Check;
using bench::Median;
using bench::Seconds;

Target Logs(const std::string& name) { return {DatabaseType::kLogs, Tier::kGeneric, "", name}; }

// An access-log line of about 200 bytes.
Json Entry(int i) {
  return {{"level", "info"},
          {"service", "checkout"},
          {"path", "/v1/orders/" + std::to_string(i)},
          {"status", 200},
          {"durationMs", i % 97},
          {"message", "request served; the order was found and priced in the usual way"}};
}

double AppendSingly(Xronox& store, const std::string& collection, int entries) {
  auto c = store.With(Logs(collection));
  Check(c.status(), "bind");
  auto start = bench::SteadyClock::now();
  for (int i = 0; i < entries; ++i) Check(c->Create(Entry(i), {}).status(), "create");
  return Seconds(start);
}

double AppendInBulk(Xronox& store, const std::string& collection, int entries) {
  auto c = store.With(Logs(collection));
  Check(c.status(), "bind");
  std::vector<Json> batch;
  batch.reserve(entries);
  for (int i = 0; i < entries; ++i) batch.push_back(Entry(i));
  auto start = bench::SteadyClock::now();
  auto appended = c->Append(std::move(batch), {});
  double seconds = Seconds(start);
  Check(appended.status(), "append");
  if (static_cast<int>(appended->ids.size()) != entries) {
    Check(Internal("the append returned fewer ids"), "append");
  }
  return seconds;
}

}  // namespace

int main(int argc, char** argv) {
  const int entries = argc > 1 ? std::atoi(argv[1]) : kMaxAppendEntries;
  const int rounds = argc > 2 ? std::atoi(argv[2]) : 5;
  auto dir = std::filesystem::temp_directory_path() / "xronox-bench-append";
  std::filesystem::remove_all(dir);
  auto config = CreateEmbeddedConfig((dir / "store").string());
  Check(config.status(), "config");
  auto store = Xronox::Open(*config);
  Check(store.status(), "open");
  // A first collection of each kind warms the caches and creates the database.
  AppendSingly(**store, "warm_single", 10);
  AppendInBulk(**store, "warm_bulk", 10);
  std::vector<double> single, bulk;
  for (int round = 0; round < rounds; ++round) {
    single.push_back(AppendSingly(**store, "single_" + std::to_string(round), entries));
    bulk.push_back(AppendInBulk(**store, "bulk_" + std::to_string(round), entries));
  }
  const double single_rate = entries / Median(single), bulk_rate = entries / Median(bulk);
  std::printf(
      "append bench: %d entries of ~200 bytes, %d rounds, medians (embedded, SQLite + "
      "folder)\n",
      entries, rounds);
  std::printf("  one Create each (baseline)  %10.0f entries/s\n", single_rate);
  std::printf("  one Append of all           %10.0f entries/s   %.1fx (target >= 10x)\n", bulk_rate,
              bulk_rate / single_rate);
  std::filesystem::remove_all(dir);
  return 0;
}
