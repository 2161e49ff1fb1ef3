// Production-backend benchmarks (MongoDB wire through libmongoc, S3 through libcurl), each beside
// a baseline measured in the same run through the same client code and servers:
//   (a) versioned create, p50/p99       vs  one raw Mongo insert of the same document plus one
//                                           raw S3 PUT of the same bytes
//   (b) versioned update (Put), p50/p99 vs  the same pair, measured again right before it
//   (c) 16 writer threads, distinct records: throughput vs 16 threads of the same pair
//   (d) Get as of a time: a record with 10,000 versions vs one with 10 in a collection of its
//       own (and, without a target, vs one with 10 beside the long one)
// plus, to show where the time goes: the latency of each single operation on these servers,
// also by collection size and filter shape; the write protocol replayed step by step through
// the raw clients; the steps of an as-of read; (b) and (c) again on collections of their own.
// The choice of baseline is explained in production_fixture.h; results in docs/performance.md.
//
// Needs XRONOX_TEST_MONGO_URI, XRONOX_TEST_S3_ENDPOINT, XRONOX_TEST_S3_ACCESS_KEY and
// XRONOX_TEST_S3_SECRET_KEY (XRONOX_TEST_S3_REGION: default us-east-1), as written by
// `scripts/test-services.sh start`. Run:
//   build/release/bench/xronox_production_bench [--samples=400] [--writers=16]
//       [--writer-iterations=50] [--as-of-samples=50] [--size-samples=40] [--history=10000]
//       [--history-budget-s=180] [--keep] [Google Benchmark flags]
#include <benchmark/benchmark.h>

#include <atomic>
#include <cstdio>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "bench/bench_report.h"
#include "bench/latency_samples.h"
#include "bench/production_filters.h"
#include "bench/production_fixture.h"
#include "bench/production_report.h"

namespace {

using namespace xronox;
using namespace xronox::bench;

Fixture* g_fixture = nullptr;
LatencySamples g_samples;
std::atomic<int64_t> g_sequence{0};

std::string NextId(const char* prefix) { return prefix + std::to_string(g_sequence++); }

bool Check(benchmark::State& state, const Status& status) {
  if (status.ok()) return true;
  state.SkipWithError(status.ToString().c_str());
  return false;
}

// Time `op` and record it under `name`; false (the benchmark is skipped) when it fails.
bool Timed(benchmark::State& state, const std::string& name, const std::function<Status()>& op) {
  Status s;
  double us = TimeMicros([&] { s = op(); });
  if (!Check(state, s)) return false;
  g_samples.Add(name, us);
  return true;
}

// --- (a), (b): single-writer latency -------------------------------------------------------

void BM_Baseline_InsertPlusPut(benchmark::State& state, const std::string& name) {
  for (auto _ : state) {
    Json data = NumberedDocument(g_sequence);
    std::string id = NextId("b");
    if (!Timed(state, name, [&] { return RawInsertPlusPut(*g_fixture, id, data); })) break;
  }
}

void BM_VersionedCreate(benchmark::State& state, const std::string& name) {
  for (auto _ : state) {
    Json data = NumberedDocument(g_sequence++);
    if (!Timed(state, name, [&] { return g_fixture->orders->Create(data, Audit()).status(); })) {
      break;
    }
  }
}

void BM_VersionedUpdate(benchmark::State& state, const std::string& name, Collection& c) {
  const std::string id = NextId("u");
  if (!Check(state, c.Put(id, NumberedDocument(0), Audit()).status())) return;
  for (auto _ : state) {
    Json data = NumberedDocument(g_sequence++);
    if (!Timed(state, name, [&] { return c.Put(id, data, Audit()).status(); })) break;
  }
}

// Not a target's baseline: what a raw application's in-place update costs (replace + PUT), on a
// collection of one record like BM_VersionedUpdateAlone.
void BM_Baseline_ReplacePlusPut(benchmark::State& state, const std::string& name) {
  Fixture& f = *g_fixture;
  const store::CollectionRef ref = Fixture::Raw("inplace");
  const std::string id = NextId("ru");
  const std::string first = NumberedDocument(0).dump();
  int64_t version = 0;
  if (!Check(state, f.raw_mongo->WriteHead(ref, RawHead(id, 0, first), std::nullopt))) return;
  for (auto _ : state) {
    Json data = NumberedDocument(g_sequence++);
    bool ok = Timed(state, name, [&] {
      std::string text = data.dump();
      XRONOX_RETURN_IF_ERROR(f.raw_mongo->WriteHead(ref, RawHead(id, version + 1, text), version));
      return f.raw_s3->Put(f.raw_bucket, RawKey(id), text, store::PutMode::kOverwrite);
    });
    if (!ok) break;
    ++version;
  }
}

// The requests of a versioned write on S3 (docs/formats/write-protocol.md, "Object stores without
// an atomic create"), in order, through the raw clients and without the engine: find the head,
// insert the claim (body: the version object), PUT the object create-only, insert the version
// row, insert (create) or replace (update) the head, delete the claim. Each step is recorded.
// Like (a) and (b), the creates fill the collection that the updates then write in.
void BM_ReplayedProtocol(benchmark::State& state, const std::string& name, bool update) {
  Fixture& f = *g_fixture;
  const store::CollectionRef ref = Fixture::Raw("replay");
  const std::string text = NumberedDocument(0).dump();
  std::string id = NextId("p");
  int64_t version = 0;
  if (update && !Check(state, f.raw_mongo->WriteHead(ref, RawHead(id, 0, text), {}))) return;
  for (auto _ : state) {
    if (update) {
      ++version;
    } else {
      id = NextId("p");
    }
    const store::ClaimRow claim{"ver:" + id + ":v" + std::to_string(version), "owner", NowMicros(),
                                f.version_object};
    const std::string key = "versions/orders/" + id + "/v" + std::to_string(version) + ".json";
    auto step = [&](const char* what, const std::function<Status()>& op) {
      return Timed(state, name + "." + what, op);
    };
    double us = TimeMicros([&] {
      (void)(step("find_head", [&] { return f.raw_mongo->GetHead(ref, id).status(); }) &&
             step("insert_claim", [&] { return f.raw_mongo->InsertClaim(ref, claim); }) &&
             step("put_create_only",
                  [&] {
                    return f.raw_s3->Put(f.raw_bucket, key, f.version_object,
                                         store::PutMode::kCreateOnly);
                  }) &&
             step("insert_version_row",
                  [&] { return f.raw_mongo->InsertVersion(ref, RawVersionRow(id, version)); }) &&
             step(update ? "replace_head" : "insert_head",
                  [&] {
                    std::optional<int64_t> base;
                    if (update) base = version - 1;
                    return f.raw_mongo->WriteHead(ref, RawHead(id, version, text), base);
                  }) &&
             step("delete_claim",
                  [&] { return f.raw_mongo->DeleteClaim(ref, claim.key, claim.owner); }));
    });
    if (state.error_occurred()) break;
    g_samples.Add(name, us);
  }
}

// --- (c): concurrent writers on distinct records --------------------------------------------

// Runs `write` once per iteration in this thread; records its latencies and wall-clock span.
void ConcurrentWrites(benchmark::State& state, const std::string& name,
                      const std::function<Status()>& write) {
  std::vector<double> micros;
  double start_us = 0;
  for (auto _ : state) {
    if (micros.empty()) start_us = SteadyMicros();
    Status s;
    micros.push_back(TimeMicros([&] { s = write(); }));
    if (!Check(state, s)) break;
  }
  g_samples.AddAll(name, micros);
  g_samples.AddSpan(name, start_us, SteadyMicros(), static_cast<int64_t>(micros.size()));
}

void BM_Baseline_ConcurrentInsertPlusPut(benchmark::State& state, const std::string& name) {
  ConcurrentWrites(state, name, [] {
    return RawInsertPlusPut(*g_fixture, NextId("cb"), NumberedDocument(g_sequence));
  });
}

void BM_ConcurrentVersionedUpdate(benchmark::State& state, const std::string& name, Collection& c) {
  const std::string id = NextId("w");  // One record per thread: writers never conflict.
  if (!Check(state, c.Put(id, NumberedDocument(0), Audit()).status())) return;
  ConcurrentWrites(state, name,
                   [&] { return c.Put(id, NumberedDocument(g_sequence++), Audit()).status(); });
}

// --- (d): as-of reads -----------------------------------------------------------------------

enum class AsOfRecord { kAlone, kBesideLong, kLong };

// The steps of an as-of Get (engine/read_path.cc), each timed alone through the raw clients on
// the store's own collection and bucket: the version row as of the time (sorted find), the same
// row by (id, version) (plain find), GET of its object, the head (find by _id).
Status TimeAsOfSteps(Fixture& f, const std::string& name, const std::string& collection,
                     const std::string& id, TimestampMicros at) {
  const store::CollectionRef ref = f.StoreRef(collection);
  std::optional<store::VersionRow> row;
  Status s;
  g_samples.Add(name + ".find_as_of", TimeMicros([&] {
                  auto found = f.raw_mongo->GetVersionAsOf(ref, id, at);
                  s = found.status();
                  if (s.ok()) row = *found;
                }));
  XRONOX_RETURN_IF_ERROR(s);
  if (!row) return NotFound("as-of step: no version of '" + id + "' at that time");
  g_samples.Add(name + ".find_version",
                TimeMicros([&] { s = f.raw_mongo->GetVersion(ref, id, row->version).status(); }));
  XRONOX_RETURN_IF_ERROR(s);
  g_samples.Add(name + ".s3_get", TimeMicros([&] {
                  s = f.raw_s3->Get(f.versions_bucket, row->payload_key).status();
                }));
  XRONOX_RETURN_IF_ERROR(s);
  g_samples.Add(name + ".find_head",
                TimeMicros([&] { s = f.raw_mongo->GetHead(ref, id).status(); }));
  return s;
}

void BM_GetAsOf(benchmark::State& state, const std::string& name, AsOfRecord which) {
  Fixture& f = *g_fixture;
  std::call_once(f.history_once, [&f] { f.history_status = BuildHistories(f); });
  if (!Check(state, f.history_status)) return;
  bool alone = which == AsOfRecord::kAlone;
  Collection& collection = alone ? *f.history_alone : *f.history;
  const std::vector<TimestampMicros>& times = alone                        ? f.alone_times
                                              : which == AsOfRecord::kLong ? f.long_times
                                                                           : f.short_times;
  const std::string id = alone ? "h-alone" : which == AsOfRecord::kLong ? "h-long" : "h-short";
  std::mt19937 rng(7);
  for (auto _ : state) {
    GetOptions options;
    options.as_of = times[rng() % times.size()];
    if (!Timed(state, name, [&] { return collection.Get(id, options).status(); })) break;
    state.PauseTiming();
    Status steps = TimeAsOfSteps(f, name, alone ? "history_alone" : "history", id, *options.as_of);
    state.ResumeTiming();
    if (!Check(state, steps)) break;
  }
  state.counters["versions"] = static_cast<double>(times.size());
}

// --- Single operations on these servers -----------------------------------------------------

using OpFn = std::function<Status(Fixture&, int64_t n)>;

struct OpSpec {
  std::string name;
  OpFn prepare;  // Untimed, before each operation; may be empty.
  OpFn op;
};

store::ClaimRow OpClaim(const Fixture& f, int64_t n) {
  return {"ver:op" + std::to_string(n) + ":v0", "owner", NowMicros(), f.version_object};
}

std::vector<OpSpec> SingleOperations() {
  const std::string text = NumberedDocument(0).dump();
  auto id = [](int64_t n) { return "op" + std::to_string(n); };
  // Inserts go to a collection of their own; the others work on "ops", which keeps a few records.
  const store::CollectionRef inserts = Fixture::Raw("inserts"), ops = Fixture::Raw("ops");
  auto claim_in = [](store::CollectionRef ref) {
    return [ref](Fixture& f, int64_t n) { return f.raw_mongo->InsertClaim(ref, OpClaim(f, n)); };
  };
  return {
      {"BM_Op_MongoInsertHead", nullptr,
       [=](Fixture& f, int64_t n) {
         return f.raw_mongo->WriteHead(inserts, RawHead(id(n), 0, text), std::nullopt);
       }},
      {"BM_Op_MongoInsertVersionRow", nullptr,
       [=](Fixture& f, int64_t n) {
         return f.raw_mongo->InsertVersion(inserts, RawVersionRow(id(n), 0));
       }},
      {"BM_Op_MongoInsertClaim", nullptr, claim_in(inserts)},
      {"BM_Op_MongoFindById", nullptr,
       [=](Fixture& f, int64_t) { return f.raw_mongo->GetHead(ops, "op-find").status(); }},
      {"BM_Op_MongoReplace", nullptr,
       [=](Fixture& f, int64_t) {
         // A replace of one head conditional on its version, as the write path does.
         int64_t version = f.replace_version++;
         return f.raw_mongo->WriteHead(ops, RawHead("op-replace", version + 1, text), version);
       }},
      {"BM_Op_MongoDelete", claim_in(ops),
       [=](Fixture& f, int64_t n) {
         return f.raw_mongo->DeleteClaim(ops, OpClaim(f, n).key, "owner");
       }},
      {"BM_Op_S3PutNewKey", nullptr,
       [=](Fixture& f, int64_t n) {
         return f.raw_s3->Put(f.raw_bucket, RawKey(id(n)), text, store::PutMode::kOverwrite);
       }},
      {"BM_Op_S3PutSameKey", nullptr,
       [=](Fixture& f, int64_t) {
         return f.raw_s3->Put(f.raw_bucket, "ops/same.json", text, store::PutMode::kOverwrite);
       }},
      {"BM_Op_S3PutCreateOnly", nullptr,
       [](Fixture& f, int64_t n) {
         return f.raw_s3->Put(f.raw_bucket, "versions/orders/op" + std::to_string(n) + "/v0.json",
                              f.version_object, store::PutMode::kCreateOnly);
       }},
      {"BM_Op_S3Get", nullptr,
       [](Fixture& f, int64_t) { return f.raw_s3->Get(f.raw_bucket, "ops/get.json").status(); }},
  };
}

void BM_Op(benchmark::State& state, const std::string& name, const OpSpec& spec) {
  Fixture& f = *g_fixture;
  for (auto _ : state) {
    int64_t n = g_sequence++;
    if (spec.prepare) {
      state.PauseTiming();
      Status prepared = spec.prepare(f, n);
      state.ResumeTiming();
      if (!Check(state, prepared)) break;
    }
    if (!Timed(state, name, [&] { return spec.op(f, n); })) break;
  }
}

// The single operations whose cost grows with the collection on FerretDB v1 (SQLite backend):
// a collection is filled with `docs` heads and `docs` claims, then each iteration times a
// conditional replace of one head ({_id, version}), a find by _id, an insert of a claim and the
// delete of that claim ({_id, owner}).
void BM_Op_ByCollectionSize(benchmark::State& state, const std::string& name, int docs) {
  Fixture& f = *g_fixture;
  const store::CollectionRef ref = Fixture::Raw("size" + std::to_string(docs));
  const std::string text = NumberedDocument(0).dump();
  if (!Check(state, f.raw_mongo->EnsureCollection(ref, {}))) return;
  for (int i = 0; i < docs; ++i) {
    std::string id = "d" + std::to_string(i);
    if (!Check(state, f.raw_mongo->WriteHead(ref, RawHead(id, 0, text), std::nullopt)) ||
        !Check(state, f.raw_mongo->InsertClaim(ref, {"c" + id, "owner", 0, f.version_object}))) {
      return;
    }
  }
  int64_t version = 0;
  for (auto _ : state) {
    const store::ClaimRow claim = OpClaim(f, g_sequence++);
    bool ok =
        Timed(state, name + ".replace",
              [&] {
                return f.raw_mongo->WriteHead(ref, RawHead("d0", version + 1, text), version);
              }) &&
        Timed(state, name + ".find_by_id",
              [&] { return f.raw_mongo->GetHead(ref, "d0").status(); }) &&
        Timed(state, name + ".insert", [&] { return f.raw_mongo->InsertClaim(ref, claim); }) &&
        Timed(state, name + ".delete",
              [&] { return f.raw_mongo->DeleteClaim(ref, claim.key, claim.owner); });
    if (!ok) break;
    ++version;
  }
}

// --- Registration and report ----------------------------------------------------------------

using BenchFn = std::function<void(benchmark::State&, const std::string&)>;

class Registry {
 public:
  void Add(const std::string& name, BenchFn fn, int iterations, int threads = 1) {
    auto* b = benchmark::RegisterBenchmark(
        name.c_str(), [name, fn](benchmark::State& state) { fn(state, name); });
    b->Iterations(iterations)->UseRealTime()->Unit(benchmark::kMicrosecond);
    if (threads > 1) b->Threads(threads);
    names_.push_back(name);
  }
  // A sample set recorded inside another benchmark, listed after it in the latency table.
  void AddPart(const std::string& name) { names_.push_back(name); }
  const std::vector<std::string>& names() const { return names_; }

 private:
  std::vector<std::string> names_;
};

void RegisterAll(Registry& r, const ProductionFlags& flags) {
  const int n = flags.samples;
  for (const OpSpec& spec : SingleOperations()) {
    r.Add(
        spec.name, [spec](benchmark::State& s, const std::string& name) { BM_Op(s, name, spec); },
        n);
  }
  for (int docs : {10, 1000, 4000}) {
    std::string name = "BM_Op_ByCollectionSize_" + std::to_string(docs);
    r.Add(
        name,
        [docs](benchmark::State& s, const std::string& name) {
          BM_Op_ByCollectionSize(s, name, docs);
        },
        flags.size_samples);
    for (const char* op : {".replace", ".find_by_id", ".insert", ".delete"}) r.AddPart(name + op);
  }
  r.Add(
      "BM_Op_FilterShapes_1000",
      [](benchmark::State& s, const std::string& name) {
        RunFilterShapes(s, name, *g_fixture, g_samples, 1000);
      },
      flags.size_samples);
  for (const char* shape : {".find_id", ".find_id_version", ".replace_id", ".replace_id_version",
                            ".delete_id", ".delete_id_owner"}) {
    r.AddPart(std::string("BM_Op_FilterShapes_1000") + shape);
  }
  r.Add("BM_Baseline_InsertPlusPut", BM_Baseline_InsertPlusPut, n);
  r.Add("BM_VersionedCreate", BM_VersionedCreate, n);
  // (b)'s baseline is measured again right before it, so that both see the same load.
  r.Add("BM_Baseline_InsertPlusPut_2", BM_Baseline_InsertPlusPut, n);
  r.Add(
      "BM_VersionedUpdate",
      [](benchmark::State& s, const std::string& name) {
        BM_VersionedUpdate(s, name, *g_fixture->orders);  // Holds (a)'s records.
      },
      n);
  r.Add(
      "BM_VersionedUpdateAlone",
      [](benchmark::State& s, const std::string& name) {
        BM_VersionedUpdate(s, name, *g_fixture->update_alone);
      },
      n);
  r.Add("BM_Baseline_ReplacePlusPut", BM_Baseline_ReplacePlusPut, n);
  const char* create_steps[] = {"find_head",          "insert_claim", "put_create_only",
                                "insert_version_row", "insert_head",  "delete_claim"};
  for (bool update : {false, true}) {
    std::string name = update ? "BM_ReplayedProtocol_Update" : "BM_ReplayedProtocol_Create";
    r.Add(
        name,
        [update](benchmark::State& s, const std::string& name) {
          BM_ReplayedProtocol(s, name, update);
        },
        n);
    for (std::string step : create_steps) {
      r.AddPart(name + "." + (update && step == "insert_head" ? "replace_head" : step));
    }
  }
  r.Add("BM_Baseline_ConcurrentInsertPlusPut", BM_Baseline_ConcurrentInsertPlusPut,
        flags.writer_iterations, flags.writers);
  r.Add(
      "BM_ConcurrentVersionedUpdate",
      [](benchmark::State& s, const std::string& name) {
        BM_ConcurrentVersionedUpdate(s, name, *g_fixture->orders);  // Holds (a)'s records.
      },
      flags.writer_iterations, flags.writers);
  r.Add(
      "BM_ConcurrentVersionedUpdateAlone",
      [](benchmark::State& s, const std::string& name) {
        BM_ConcurrentVersionedUpdate(s, name, *g_fixture->writers_alone);
      },
      flags.writer_iterations, flags.writers);
  r.Add(
      "BM_GetCurrent",
      [](benchmark::State& s, const std::string& name) {
        for (auto _ : s) {
          if (!Timed(s, name, [] { return g_fixture->orders->Get("g1").status(); })) break;
        }
      },
      n);
  const std::pair<const char*, AsOfRecord> as_of[] = {{"BM_GetAsOf_10Alone", AsOfRecord::kAlone},
                                                      {"BM_GetAsOf_10", AsOfRecord::kBesideLong},
                                                      {"BM_GetAsOf_Long", AsOfRecord::kLong}};
  for (const auto& [name, which] : as_of) {
    AsOfRecord record = which;
    r.Add(
        name, [record](benchmark::State& s, const std::string& n) { BM_GetAsOf(s, n, record); },
        record == AsOfRecord::kAlone ? n : flags.as_of_samples);
    for (const char* step : {".find_as_of", ".find_version", ".s3_get", ".find_head"}) {
      r.AddPart(std::string(name) + step);
    }
  }
}

void PrintMeans(const CollectingReporter& reporter, const ProductionFlags& flags) {
  const int n = flags.samples, w = flags.writer_iterations, t = flags.writers;
  std::printf(
      "\nMeans (Google Benchmark's real time per operation; with %d writers, wall time "
      "per write):",
      t);
  PrintComparison(
      reporter,
      {{"versioned create vs raw insert + PUT", ReportedName("BM_VersionedCreate", n, 1),
        ReportedName("BM_Baseline_InsertPlusPut", n, 1), "p50 and p99 <= 1.5x"},
       {"versioned update vs raw insert + PUT", ReportedName("BM_VersionedUpdate", n, 1),
        ReportedName("BM_Baseline_InsertPlusPut_2", n, 1), "p50 and p99 <= 1.5x"},
       {std::to_string(t) + " writers: versioned updates vs raw insert + PUT pairs",
        ReportedName("BM_ConcurrentVersionedUpdate", w, t),
        ReportedName("BM_Baseline_ConcurrentInsertPlusPut", w, t), ">= 0.70 of throughput"},
       {"Get as-of, long history vs 10 versions alone",
        ReportedName("BM_GetAsOf_Long", flags.as_of_samples, 1),
        ReportedName("BM_GetAsOf_10Alone", n, 1), "<= 1.5x"}});
}

void PrintComparisons(const Fixture& f) {
  const std::string history = std::to_string(f.long_times.size());
  const std::string writers = std::to_string(f.flags.writers);
  const LatencySamples& s = g_samples;
  std::printf("\nPercentiles (per-operation timings):");
  PrintComparisonRows({
      LatencyRow(s, "(a) versioned create p50 vs raw insert + PUT p50", "BM_VersionedCreate",
                 "BM_Baseline_InsertPlusPut", false, 1.5),
      LatencyRow(s, "(a) versioned create p99 vs raw insert + PUT p99", "BM_VersionedCreate",
                 "BM_Baseline_InsertPlusPut", true, 1.5),
      LatencyRow(s, "(b) versioned update p50 vs raw insert + PUT p50", "BM_VersionedUpdate",
                 "BM_Baseline_InsertPlusPut_2", false, 1.5),
      LatencyRow(s, "(b) versioned update p99 vs raw insert + PUT p99", "BM_VersionedUpdate",
                 "BM_Baseline_InsertPlusPut_2", true, 1.5),
      ThroughputRow(s,
                    "(c) " + writers +
                        " writers, distinct records: versioned updates vs raw "
                        "insert + PUT pairs",
                    "BM_ConcurrentVersionedUpdate", "BM_Baseline_ConcurrentInsertPlusPut", 0.70),
      ThroughputRow(s, "(info) (c) on a collection holding only the writers' records",
                    "BM_ConcurrentVersionedUpdateAlone", "BM_Baseline_ConcurrentInsertPlusPut",
                    0.70),
      LatencyRow(s, "(d) Get as-of p50: " + history + " versions vs 10 versions alone",
                 "BM_GetAsOf_Long", "BM_GetAsOf_10Alone", false, 1.5),
      LatencyRow(s, "(d) Get as-of p99: " + history + " versions vs 10 versions alone",
                 "BM_GetAsOf_Long", "BM_GetAsOf_10Alone", true, 1.5),
      LatencyRow(s, "(info) Get as-of p50: " + history + " versions vs 10 in the same collection",
                 "BM_GetAsOf_Long", "BM_GetAsOf_10", false, 0),
      LatencyRow(s, "(info) versioned create p50 vs the protocol replayed raw p50",
                 "BM_VersionedCreate", "BM_ReplayedProtocol_Create", false, 0),
      LatencyRow(s, "(info) versioned update p50 vs the protocol replayed raw p50",
                 "BM_VersionedUpdate", "BM_ReplayedProtocol_Update", false, 0),
      LatencyRow(s, "(info) versioned update p50, collection of one record, vs raw insert + PUT",
                 "BM_VersionedUpdateAlone", "BM_Baseline_InsertPlusPut_2", false, 0),
      LatencyRow(s, "(info) versioned update p50 vs raw replace + PUT p50, both alone",
                 "BM_VersionedUpdateAlone", "BM_Baseline_ReplacePlusPut", false, 0),
      LatencyRow(s, "(info) Get current p50 vs one raw find by _id p50", "BM_GetCurrent",
                 "BM_Op_MongoFindById", false, 0),
  });
}

}  // namespace

int main(int argc, char** argv) {
  ProductionFlags flags;
  if (!ParseProductionFlags(&argc, argv, flags)) return 2;
  std::optional<Endpoints> endpoints = ReadEndpoints();
  if (!endpoints) return 2;
  benchmark::Initialize(&argc, argv);

  Fixture fixture;
  fixture.flags = flags;
  g_fixture = &fixture;
  if (Status opened = OpenFixture(fixture, *endpoints); !opened.ok()) {
    std::fprintf(stderr, "xronox_production_bench: setup failed: %s\n", opened.ToString().c_str());
    return 1;
  }
  std::printf("run %s: mongo %s, s3 %s; document %zu bytes, version object %zu bytes\n",
              fixture.run.c_str(), endpoints->mongo_uri.c_str(), endpoints->s3_endpoint.c_str(),
              NumberedDocument(0).dump().size(), fixture.version_object.size());
  PrintLoad("at start");

  Registry registry;
  RegisterAll(registry, flags);
  CollectingReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  PrintLoad("at end");

  PrintMeans(reporter, flags);
  PrintComparisons(fixture);
  PrintLatencyTable(g_samples, registry.names());

  fixture.orders.reset();
  fixture.history.reset();
  fixture.history_alone.reset();
  fixture.xronox.reset();
  if (!flags.keep) {
    Status dropped = fixture.raw_mongo->DropPrefixedDatabases();
    std::printf("\ndropped the MongoDB databases %s_*: %s (the buckets %s-* stay)\n",
                fixture.run.c_str(), dropped.ok() ? "ok" : dropped.ToString().c_str(),
                fixture.run.c_str());
  }
  benchmark::Shutdown();
  return 0;
}
