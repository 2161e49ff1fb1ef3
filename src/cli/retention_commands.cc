// retention run (docs/formats/retention.md): every selected collection with a retention policy
// loses what is past it (log records by age; runtime version payloads by age or count, their
// audit skeletons kept), but what a legal hold keeps.
#include <iostream>

#include "cli/collection_jobs.h"
#include "common/clock.h"

namespace xronox::cli {

namespace {

struct RetentionArgs {
  CollectionSelection selection;  // Every type by default.
  bool dry_run = false;
  bool json = false;
};

void PrintReport(const Target& target, const RetentionReport& r, bool json) {
  if (json) {
    std::cout << Json{{"event", "retention"},
                      {"collection", TargetPath(target)},
                      {"retention", RetentionReportToJson(r)}}
                     .dump()
              << std::endl;
    return;
  }
  std::cout << "retention " << TargetPath(target) << ": ";
  if (r.collection_held) {
    std::cout << "kept whole by a legal hold on the database or collection\n";
    return;
  }
  std::cout << (r.dry_run ? "would remove " : "removed ");
  if (target.database_type == DatabaseType::kRuntime) {
    std::cout << r.versions_removed << " version payloads of " << r.examined << " records (";
    if (r.days > 0) std::cout << "superseded before " << FormatRfc3339(r.cutoff) << "; ";
    if (r.max_per_item > 0) std::cout << "past the newest " << r.max_per_item << "; ";
  } else {
    std::cout << r.removed << " of " << r.examined << " records written before "
              << FormatRfc3339(r.cutoff) << " (" << r.days << " days; ";
  }
  std::cout << r.held << " kept by legal holds)\n";
  for (const std::string& problem : r.problems) std::cout << "  skipped: " << problem << "\n";
}

int RunRetention(const StoreOptions& options, const RetentionArgs& args) {
  RetentionOptions run;
  run.dry_run = args.dry_run;
  int64_t removed = 0, versions_removed = 0, collections = 0;
  int exit_code = RunOverCollections<RetentionReport>(
      options, args.selection,
      [&run](Collection& collection) { return collection.ApplyRetention(run); },
      [](const Status& status) { return status.reason() == "no_retention"; },
      [&](const Target& target, const RetentionReport& report) {
        PrintReport(target, report, args.json);
        removed += report.removed;
        versions_removed += report.versions_removed;
        ++collections;
      });
  if (exit_code == 0 && !args.json) {
    std::cout << "retention: " << collections << " collections with a policy, " << removed
              << " records and " << versions_removed << " version payloads "
              << (args.dry_run ? "would be removed\n" : "removed\n");
  }
  return exit_code;
}

}  // namespace

void AddRetentionCommands(CLI::App& app, StoreOptions& store, int& exit_code) {
  CLI::App* retention = app.add_subcommand(
      "retention", "Delete log records by age; remove runtime version payloads by age or count");
  retention->require_subcommand(1);
  auto args = std::make_shared<RetentionArgs>();
  CLI::App* run = retention->add_subcommand(
      "run",
      "Apply every selected collection's retention policy (logs: delete records older than "
      "retention.days; runtime: remove the payloads of versions past retention.days or "
      "retention.maxPerItem, keeping their audit entries), but what a legal hold keeps");
  run->add_option("--db", args->selection.db, "Only this database type (default: every type)");
  run->add_option("--tenant", args->selection.tenant, "Only this tenant (_ for the generic tier)");
  run->add_option("--collection", args->selection.collection, "Only this collection");
  run->add_flag("--dry-run", args->dry_run, "Count what would be removed; delete nothing");
  run->add_flag("--json", args->json, "Results as JSON lines");
  run->callback([&store, &exit_code, args] { exit_code = RunRetention(store, *args); });
}

}  // namespace xronox::cli
