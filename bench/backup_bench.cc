// Backup and restore throughput on the embedded store (SQLite + folder) against baselines
// measured in the same run, as ratios:
// - backup against a plain sequential read of the same records (query pages, stored JSON
//   text) written through the same zstd compressor into the same kind of folder object;
// - restore (into a new collection) against the plain write path writing the same records
//   (Collection::Put one by one, as the collection was seeded).
// Each is run `rounds` times, interleaved; medians are reported.
// Run: build/release/bench/xronox_backup_bench [records=20000] [rounds=3]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "backup/zstd_stream.h"
#include "bench/bench_document.h"
#include "bench/bench_timing.h"
#include "store/object/fs/folder_object_store.h"
#include "xronox/xronox.h"

namespace {

using namespace xronox;
using Clock = bench::SteadyClock;
using bench::Check;
using bench::Median;
using bench::Seconds;

Target Docs(const std::string& name) {
  return {DatabaseType::kKnowledge, Tier::kGeneric, "", name};
}

std::string Id(int i) { return "r" + std::to_string(1000000 + i); }

// The plain write path: `records` puts, one by one.
double WriteAll(Xronox& store, const std::string& collection, int records) {
  auto docs = store.With(Docs(collection));
  Check(docs.status(), "bind");
  const Json document = bench::BenchDocument();
  auto start = Clock::now();
  for (int i = 0; i < records; ++i) Check(docs->Put(Id(i), document, {}).status(), "put");
  return Seconds(start);
}

// The baseline of a backup: every record read in query pages as stored text, each line
// compressed into one folder object.
double ReadAndCompress(Xronox& store, store::ObjectStore& folder, int round) {
  auto docs = store.With(Docs("bench"));
  Check(docs.status(), "bind");
  auto start = Clock::now();
  auto out = folder.BeginWrite("baseline", "round-" + std::to_string(round) + ".ndjson.zst",
                               store::PutMode::kOverwrite);
  Check(out.status(), "begin write");
  ZstdObjectWriter writer(std::move(out).value(), 3);
  QueryOptions options;
  options.limit = 1000;
  options.raw_data = true;
  while (true) {
    auto page = docs->Query(Json::object(), options);
    Check(page.status(), "query");
    for (const Record& record : page->records) {
      Check(writer.Write(RecordToJsonText(record) + "\n"), "compress");
    }
    if (!page->next) break;
    options.cursor = *page->next;
  }
  Check(writer.Finish(), "commit");
  return Seconds(start);
}

}  // namespace

int main(int argc, char** argv) {
  const int records = argc > 1 ? std::atoi(argv[1]) : 20000;
  const int rounds = argc > 2 ? std::atoi(argv[2]) : 3;
  auto dir = std::filesystem::temp_directory_path() / "xronox-bench-backup";
  std::filesystem::remove_all(dir);
  auto config = CreateEmbeddedConfig((dir / "store").string());
  Check(config.status(), "config");
  auto store = Xronox::Open(*config);
  Check(store.status(), "open");
  auto folder = store::FolderObjectStore::Open((dir / "baseline").string());
  Check(folder.status(), "folder");
  Check((*folder)->EnsureBucket("baseline"), "bucket");
  std::vector<double> seed{WriteAll(**store, "bench", records)};
  auto docs = (*store)->With(Docs("bench"));
  Check(docs.status(), "bind");
  std::vector<double> baseline, backup, write, restore;
  for (int round = 0; round < rounds; ++round) {
    baseline.push_back(ReadAndCompress(**store, **folder, round));
    auto start = Clock::now();
    auto manifest = docs->Backup();
    Check(manifest.status(), "backup");
    backup.push_back(Seconds(start));
    write.push_back(WriteAll(**store, "written" + std::to_string(round), records));
    auto into = (*store)->With(Docs("restored" + std::to_string(round)));
    Check(into.status(), "bind");
    start = Clock::now();
    auto report = into->RestoreBackup({Docs("bench"), manifest->id}, {});
    Check(report.status(), "restore");
    restore.push_back(Seconds(start));
    if (report->created != records) Check(Internal("restore created too few"), "restore");
  }
  auto rate = [records](double seconds) { return records / seconds; };
  std::printf(
      "backup bench: %d records of %zu bytes, %d rounds, medians (embedded, SQLite + folder)\n",
      records, bench::BenchDocument().dump().size(), rounds);
  std::printf("  read + compress (baseline) %8.0f records/s\n", rate(Median(baseline)));
  std::printf("  backup                     %8.0f records/s   ratio %.2f of the baseline\n",
              rate(Median(backup)), Median(baseline) / Median(backup));
  std::printf("  plain writes (baseline)    %8.0f records/s   (seed: %.0f records/s)\n",
              rate(Median(write)), rate(seed[0]));
  std::printf("  restore                    %8.0f records/s   ratio %.2f of the baseline\n",
              rate(Median(restore)), Median(write) / Median(restore));
  std::filesystem::remove_all(dir);
  return 0;
}
