// In-process load: the operations that the HTTP load benchmark (bench/load/run.sh) sends to
// xronoxd, called through the library by N threads for a fixed time, as the same-run baseline
// of the server's figures. Operations, on runtime tenant "bench", collection "load":
//   get     Get of a current record picked at random among the prepared p0..p{N-1}, with the
//           data as JSON text (what the server's GET does)
//   create  Create of a new record with a generated id (POST)
//   update  Put of a prepared u0..u{N-1} picked at random: a new version (PUT, no If-Match)
// Usage:
//   xronox_inprocess_load (--data DIR | --config FILE) --prepare N
//   xronox_inprocess_load (--data DIR | --config FILE) --records N [--ops get,create,update]
//                         [--threads 1,16,64] [--seconds 3]
// Prints one line per (operation, threads):
//   INPROC op=get threads=16 requests=... seconds=... rps=... p50_us=... p99_us=... errors=...
#include <CLI/CLI.hpp>
#include <atomic>
#include <cstdio>
#include <iostream>
#include <random>
#include <thread>

#include "bench/latency_samples.h"
#include "xronox/config.h"
#include "xronox/xronox.h"

namespace {

using namespace xronox;

struct Flags {
  std::string data;
  std::string config;
  int64_t prepare = 0;
  int64_t records = 1000;
  std::vector<std::string> ops = {"get", "create", "update"};
  std::vector<int> threads = {1, 16, 64};
  double seconds = 3;
};

// The document every write sends; bench/load/common.lua sends the same one.
Json Document(int64_t seq) {
  return {{"customer", "c-123"},
          {"status", "paid"},
          {"amount", 1234.5},
          {"items", {{{"sku", "a"}, {"qty", 2}}, {{"sku", "b"}, {"qty", 1}}}},
          {"note", std::string(300, 'n')},
          {"seq", seq}};
}

WriteOptions Audit() {
  WriteOptions options;
  options.actor = "bench";
  options.reason = "load benchmark";
  return options;
}

Result<std::unique_ptr<Xronox>> OpenStore(const Flags& flags) {
  Result<Config> config =
      flags.config.empty() ? CreateEmbeddedConfig(flags.data) : LoadConfigFile(flags.config);
  if (!config.ok()) return config.status();
  return Xronox::Open(*config);
}

// Writes p0..p{n-1} and u0..u{n-1} from 8 threads (the network backends are slow one by one).
Status Prepare(Collection& collection, int64_t n) {
  std::atomic<int64_t> next{0};
  std::atomic<int64_t> failed{0};
  std::string first_error;
  std::mutex mutex;
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int64_t i = next++; i < 2 * n; i = next++) {
        std::string id = (i < n ? "p" : "u") + std::to_string(i % n);
        auto written = collection.Put(id, Document(0), Audit());
        if (written.ok()) continue;
        std::lock_guard lock(mutex);
        if (failed++ == 0) first_error = id + ": " + written.status().ToString();
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  if (failed > 0) {
    return Internal(std::to_string(failed.load()) + " writes failed, first " + first_error);
  }
  return Status::Ok();
}

// One operation by one thread; false when the store refused it.
bool RunOnce(Collection& collection, const std::string& op, int64_t records, std::mt19937_64& rng,
             int64_t seq) {
  if (op == "get") {
    GetOptions raw;
    raw.raw_data = true;
    return collection.Get("p" + std::to_string(rng() % records), raw).ok();
  }
  if (op == "create") return collection.Create(Document(seq), Audit()).ok();
  return collection.Put("u" + std::to_string(rng() % records), Document(seq), Audit()).ok();
}

// Runs `op` from `threads` threads for `seconds`; prints its INPROC line.
void RunLoad(Collection& collection, const std::string& op, int threads, const Flags& flags) {
  bench::LatencySamples samples;
  std::atomic<int64_t> errors{0};
  auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(flags.seconds);
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      std::mt19937_64 rng(static_cast<uint64_t>(t) * 7919 + 1);
      std::vector<double> micros;
      double start = bench::SteadyMicros();
      for (int64_t n = 0; std::chrono::steady_clock::now() < end; ++n) {
        bool ok = true;
        micros.push_back(bench::TimeMicros(
            [&] { ok = RunOnce(collection, op, flags.records, rng, t * 1'000'000'000LL + n); }));
        if (!ok) ++errors;
      }
      samples.AddAll(op, micros);
      samples.AddSpan(op, start, bench::SteadyMicros(), static_cast<int64_t>(micros.size()));
    });
  }
  for (std::thread& worker : workers) worker.join();
  bench::LatencySummary summary = samples.Summary(op);
  std::printf(
      "INPROC op=%s threads=%d requests=%zu seconds=%.2f rps=%.1f p50_us=%.1f "
      "p99_us=%.1f errors=%lld\n",
      op.c_str(), threads, summary.n, flags.seconds, samples.Throughput(op), summary.p50,
      summary.p99, static_cast<long long>(errors.load()));
  std::fflush(stdout);
}

int Run(const Flags& flags) {
  auto store = OpenStore(flags);
  if (!store.ok()) {
    std::cerr << "cannot open the store: " << store.status().ToString() << "\n";
    return 1;
  }
  auto collection = (*store)->With({DatabaseType::kRuntime, Tier::kTenant, "bench", "load"});
  if (!collection.ok()) {
    std::cerr << "cannot bind bench/load: " << collection.status().ToString() << "\n";
    return 1;
  }
  if (flags.prepare > 0) {
    Status prepared = Prepare(*collection, flags.prepare);
    if (!prepared.ok()) std::cerr << "prepare: " << prepared.ToString() << "\n";
    return prepared.ok() ? 0 : 1;
  }
  for (const std::string& op : flags.ops) {
    for (int threads : flags.threads) RunLoad(*collection, op, threads, flags);
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"xronox_inprocess_load: the HTTP load benchmark's operations, in process"};
  Flags flags;
  auto* data = app.add_option("--data", flags.data, "Embedded store directory");
  auto* config = app.add_option("--config", flags.config, "Configuration file (JSON)");
  data->excludes(config);
  app.add_option("--prepare", flags.prepare, "Only write the N records of each set, then exit");
  app.add_option("--records", flags.records, "Records per set (get, update) to pick from")
      ->check(CLI::PositiveNumber);
  app.add_option("--ops", flags.ops, "Operations: get, create, update")
      ->delimiter(',')
      ->check(CLI::IsMember({"get", "create", "update"}));
  app.add_option("--threads", flags.threads, "Thread counts, one run each")->delimiter(',');
  app.add_option("--seconds", flags.seconds, "Seconds per run")->check(CLI::PositiveNumber);
  CLI11_PARSE(app, argc, argv);
  if (flags.data.empty() == flags.config.empty()) {
    std::cerr << "give exactly one of --data DIR or --config FILE\n";
    return 2;
  }
  return Run(flags);
}
