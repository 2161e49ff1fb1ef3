// offload run (docs/formats/offload.md): every selected collection whose map enables s3Offload
// (or every one, with --older-than) moves its records not changed for that many days from the
// hot store into parts in the object store; they read, query and write as before.
#include <iostream>

#include "cli/cli_context.h"
#include "common/clock.h"

namespace xronox::cli {

namespace {

struct OffloadArgs {
  std::string db;  // Every type but runtime.
  std::string tenant;
  std::string collection;
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

// Without a collection named, collections that have no policy (or are runtime) are not
// selected; a collection named must be offloadable.
bool NotSelected(const Status& status, const OffloadArgs& args) {
  return args.collection.empty() &&
         (status.reason() == "no_offload" || status.reason() == "not_offloadable");
}

int RunOffload(const StoreOptions& options, const OffloadArgs& args) {
  auto store = OpenStore(options);
  if (!store.ok()) return Fail(store.status());
  auto targets = ListCollectionTargets(**store, args.db, args.tenant, args.collection);
  if (!targets.ok()) return Fail(targets.status());
  OffloadOptions run;
  run.dry_run = args.dry_run;
  run.older_than_days = args.older_than_days;
  run.max_records_per_second = args.rate;
  int64_t moved = 0, freed = 0, collections = 0;
  for (const Target& target : *targets) {
    if (target.database_type == DatabaseType::kRuntime && args.collection.empty()) continue;
    auto collection = (*store)->With(target);
    if (!collection.ok()) return Fail(collection.status());
    auto report = collection->Offload(run);
    if (!report.ok() && NotSelected(report.status(), args)) continue;
    if (!report.ok()) return Fail(report.status());
    PrintReport(target, *report, args.json);
    moved += report->offloaded;
    freed += report->bytes_freed;
    ++collections;
  }
  if (!args.json) {
    std::cout << "offload: " << collections << " collections, " << moved << " records "
              << (args.dry_run ? "would move, " : "moved, ") << freed << " bytes "
              << (args.dry_run ? "to free" : "freed") << std::endl;
  }
  return 0;
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
  run->add_option("--db", args->db, "Only this database type (default: every type but runtime)");
  run->add_option("--tenant", args->tenant, "Only this tenant (_ for the generic tier)");
  run->add_option("--collection", args->collection, "Only this collection");
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
