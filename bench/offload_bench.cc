// Foreground latency while an offload runs, on the embedded store (SQLite + folder): one thread
// reads and writes records of a collection (a read, then a write of a random record, over and
// over) for `seconds`, alone (the baseline) and while an offload run at its default rate moves
// another collection's records; the p99 of reads and of writes of each phase, over `rounds`
// interleaved rounds, are reported as medians with their ratio to the baseline.
// Each phase starts a new run, whose scan of every head and first part fall inside the phase; 6 s
// phases keep that start from being most of what is measured (a real run lasts minutes).
// Run: build/release/bench/xronox_offload_bench [seconds=6] [rounds=5] [rate=default]
#include <algorithm>
#include <atomic>
#include <cstdio>
#include <filesystem>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "bench/bench_timing.h"
#include "bench/latency_samples.h"
#include "xronox/xronox.h"

namespace {

using namespace xronox;
using Clock = bench::SteadyClock;
using bench::Check;
using bench::Median;

constexpr int kLiveRecords = 2000;
constexpr double kBound = 1.20;  // The issue's: p99 rises by at most 20%.

Target Docs(const std::string& name) {
  return {DatabaseType::kKnowledge, Tier::kGeneric, "", name};
}

std::string Id(int i) { return "r" + std::to_string(1000000 + i); }

// About 2 KB that compresses as text does, not as one repeated byte.
Json Document(std::mt19937& random, int n) {
  static const char* kWords[] = {"order", "paid", "shipped", "item", "note", "customer", "due"};
  std::string text;
  while (text.size() < 1900) {
    text += kWords[random() % 7];
    text += ' ';
  }
  return {{"n", n}, {"status", n % 2 == 0 ? "open" : "closed"}, {"text", text}};
}

void Seed(Xronox& store, const std::string& collection, int count) {
  auto docs = store.With(Docs(collection));
  Check(docs.status(), "bind");
  std::mt19937 random(7);
  for (int i = 0; i < count; ++i) Check(docs->Put(Id(i), Document(random, i), {}).status(), "put");
}

struct PhaseP99 {
  double read = 0;
  double write = 0;
};

// Reads and writes random records of "live" for `seconds`; the p99 of each, in microseconds.
PhaseP99 Foreground(Xronox& store, double seconds, int round) {
  auto live = store.With(Docs("live"));
  Check(live.status(), "bind");
  std::mt19937 random(round);
  std::vector<double> reads, writes;
  const auto end = Clock::now() + std::chrono::duration<double>(seconds);
  while (Clock::now() < end) {
    int i = static_cast<int>(random() % kLiveRecords);
    auto start = Clock::now();
    Check(live->Get(Id(i)).status(), "get");
    reads.push_back(bench::Seconds(start) * 1e6);
    Json document = Document(random, i);
    start = Clock::now();
    Check(live->Put(Id(i), std::move(document), {}).status(), "put");
    writes.push_back(bench::Seconds(start) * 1e6);
  }
  std::sort(reads.begin(), reads.end());
  std::sort(writes.begin(), writes.end());
  return {bench::NearestRank(reads, 0.99), bench::NearestRank(writes, 0.99)};
}

// The foreground phase while an offload run (default rate) works on "archive"; the run is
// stopped at the phase's end.
PhaseP99 DuringOffload(Xronox& store, double seconds, int round, int rate) {
  auto archive = store.With(Docs("archive"));
  Check(archive.status(), "bind");
  std::atomic<bool> stop{false};
  OffloadOptions options;
  options.older_than_days = 0;
  options.max_records_per_second = rate;
  options.stop = &stop;
  Result<OffloadReport> report = OffloadReport{};
  std::thread run([&] { report = archive->Offload(options); });
  PhaseP99 p99 = Foreground(store, seconds, round);
  stop = true;
  run.join();
  if (!report.ok() && report.status().reason() != "cancelled") Check(report.status(), "offload");
  return p99;
}

// How many records of "archive" are offloaded (a dry run counts those left to move).
int64_t Offloaded(Xronox& store, int archived) {
  auto archive = store.With(Docs("archive"));
  Check(archive.status(), "bind");
  OffloadOptions options;
  options.older_than_days = 0;
  options.dry_run = true;
  auto left = archive->Offload(options);
  Check(left.status(), "dry run");
  return archived - left->offloaded;
}

}  // namespace

int main(int argc, char** argv) {
  const double seconds = argc > 1 ? std::atof(argv[1]) : 6;
  const int rounds = argc > 2 ? std::atoi(argv[2]) : 5;
  const int rate = argc > 3 ? std::atoi(argv[3]) : OffloadOptions{}.max_records_per_second;
  const int archived = static_cast<int>(rounds * seconds * rate * 1.2) + 5000;
  auto dir = std::filesystem::temp_directory_path() / "xronox-bench-offload";
  std::filesystem::remove_all(dir);
  auto config = CreateEmbeddedConfig((dir / "store").string());
  Check(config.status(), "config");
  auto store = Xronox::Open(*config);
  Check(store.status(), "open");
  Seed(**store, "live", kLiveRecords);
  Seed(**store, "archive", archived);
  std::vector<double> base_read, base_write, run_read, run_write;
  for (int round = 0; round < rounds; ++round) {
    PhaseP99 base = Foreground(**store, seconds, round);
    base_read.push_back(base.read);
    base_write.push_back(base.write);
    PhaseP99 loaded = DuringOffload(**store, seconds, round, rate);
    run_read.push_back(loaded.read);
    run_write.push_back(loaded.write);
  }
  const double read_ratio = Median(run_read) / Median(base_read);
  const double write_ratio = Median(run_write) / Median(base_write);
  std::printf(
      "offload bench: %d rounds of %.1f s, medians of p99 (embedded, SQLite + folder); %d records "
      "of ~2 KB to offload at %d/s, %lld moved during the runs\n",
      rounds, seconds, archived, rate, static_cast<long long>(Offloaded(**store, archived)));
  std::printf("  reads   p99 %8.0f us alone, %8.0f us during offload: ratio %.2f (bound %.2f) %s\n",
              Median(base_read), Median(run_read), read_ratio, kBound,
              read_ratio <= kBound ? "ok" : "MISS");
  std::printf("  writes  p99 %8.0f us alone, %8.0f us during offload: ratio %.2f (bound %.2f) %s\n",
              Median(base_write), Median(run_write), write_ratio, kBound,
              write_ratio <= kBound ? "ok" : "MISS");
  std::filesystem::remove_all(dir);
  return 0;
}
