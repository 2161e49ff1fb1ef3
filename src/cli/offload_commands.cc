// offload run (docs/formats/offload.md): every selected collection whose map enables s3Offload
// (or every one, with --older-than) moves its records not changed for that many days from the
// hot store into parts in the object store; they read, query and write as before.
#include <iostream>

#include "cli/collection_jobs.h"
#include "common/clock.h"

namespace xronox::cli {

namespace {

struct OffloadArgs {
  CollectionSelection selection;  // Every type but runtime by default.
  std::optional<int> older_than_days;
  int rate = OffloadOptions{}.max_records_per_second;
  bool dry_run = false;
  bool json = false;
};

void PrintReport(const Target& target, const OffloadReport& r, bool json) {
  if (json) {
    std::cout << Json{{"event", "offload"},
                      {"collection", TargetPath(target)},
                      {"offload", OffloadReportToJson(r)}}
                     .dump()
              << std::endl;
    return;
  }
  std::cout << "offload " << TargetPath(target) << ": " << (r.dry_run ? "would move " : "moved ")
            << r.offloaded << " of " << r.examined << " records not changed since "
            << FormatRfc3339(r.cutoff) << " (" << r.older_than_days << " days), " << r.bytes_freed
            << " bytes " << (r.dry_run ? "to free" : "freed") << "; " << r.already_offloaded
            << " offloaded before";
  if (r.skipped > 0) std::cout << ", " << r.skipped << " written meanwhile (left)";
  if (!r.dry_run) {
    std::cout << "; " << r.parts_written << " parts written, " << r.parts_removed << " removed";
  }
  std::cout << std::endl;
}

int RunOffload(const StoreOptions& options, const OffloadArgs& args) {
  OffloadOptions run;
  run.dry_run = args.dry_run;
  run.older_than_days = args.older_than_days;
  run.max_records_per_second = args.rate;
  int64_t moved = 0, freed = 0, collections = 0;
  int exit_code = RunOverCollections<OffloadReport>(
      options, args.selection, [&run](Collection& collection) { return collection.Offload(run); },
      // Without a collection named, those without a policy and runtime ones are left out.
      [](const Status& status) {
        return status.reason() == "no_offload" || status.reason() == "not_offloadable";
      },
      [&](const Target& target, const OffloadReport& report) {
        PrintReport(target, report, args.json);
        moved += report.offloaded;
        freed += report.bytes_freed;
        ++collections;
      });
  if (exit_code == 0 && !args.json) {
    std::cout << "offload: " << collections << " collections, " << moved << " records "
              << (args.dry_run ? "would move, " : "moved, ") << freed << " bytes "
              << (args.dry_run ? "to free" : "freed") << std::endl;
  }
  return exit_code;
}

}  // namespace

void AddOffloadCommands(CLI::App& app, StoreOptions& store, int& exit_code) {
  CLI::App* offload = app.add_subcommand(
      "offload", "Move records not changed for a number of days to the object store");
  offload->require_subcommand(1);
  auto args = std::make_shared<OffloadArgs>();
  CLI::App* run = offload->add_subcommand(
      "run",
      "Move the records of every selected collection whose map enables s3Offload, not changed "
      "for its olderThan days, from the hot store into parts in the object store (they read, "
      "query and write as before)");
  run->add_option("--db", args->selection.db,
                  "Only this database type (default: every type but runtime)");
  run->add_option("--tenant", args->selection.tenant, "Only this tenant (_ for the generic tier)");
  run->add_option("--collection", args->selection.collection, "Only this collection");
  run->add_option("--older-than", args->older_than_days,
                  "Days without a change (default: the map's s3Offload.olderThan); with it, "
                  "collections without a policy are offloaded too")
      ->check(CLI::NonNegativeNumber);
  run->add_option("--rate", args->rate,
                  "Records moved per second at most; moves also take at most 0.5% of the time (0: "
                  "neither bound)")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  run->add_flag("--dry-run", args->dry_run, "Count what would move; write nothing");
  run->add_flag("--json", args->json, "Results as JSON lines");
  run->callback([&store, &exit_code, args] { exit_code = RunOffload(store, *args); });
}

}  // namespace xronox::cli
