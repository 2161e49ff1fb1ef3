// retention run (docs/formats/retention.md): every selected collection with a retention policy
// by age loses its records older than it, but those a legal hold keeps.
#include <iostream>

#include "cli/cli_context.h"
#include "common/clock.h"

namespace xronox::cli {

namespace {

struct RetentionArgs {
  std::string db = "logs";
  std::string tenant;
  std::string collection;
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
  std::cout << (r.dry_run ? "would remove " : "removed ") << r.removed << " of " << r.examined
            << " records written before " << FormatRfc3339(r.cutoff) << " (" << r.days << " days; "
            << r.held << " kept by legal holds)\n";
}

int RunRetention(const StoreOptions& options, const RetentionArgs& args) {
  auto store = OpenStore(options);
  if (!store.ok()) return Fail(store.status());
  auto databases = ListDatabaseTargets(**store, args.db, args.tenant);
  if (!databases.ok()) return Fail(databases.status());
  RetentionOptions run;
  run.dry_run = args.dry_run;
  int64_t removed = 0, collections = 0;
  for (Target target : *databases) {
    auto names = (*store)->ListCollections(target);
    if (!names.ok()) return Fail(names.status());
    for (const std::string& name : *names) {
      if (!args.collection.empty() && name != args.collection) continue;
      target.collection = name;
      auto collection = (*store)->With(target);
      if (!collection.ok()) return Fail(collection.status());
      auto report = collection->ApplyRetention(run);
      // Without a collection named, one without a policy is not selected.
      if (!report.ok() && report.status().reason() == "no_retention" && args.collection.empty()) {
        continue;
      }
      if (!report.ok()) return Fail(report.status());
      PrintReport(target, *report, args.json);
      removed += report->removed;
      ++collections;
    }
  }
  if (!args.json) {
    std::cout << "retention: " << collections << " collections with a policy, " << removed
              << (args.dry_run ? " records would be removed\n" : " records removed\n");
  }
  return 0;
}

}  // namespace

void AddRetentionCommands(CLI::App& app, StoreOptions& store, int& exit_code) {
  CLI::App* retention = app.add_subcommand("retention", "Delete records by age (logs)");
  retention->require_subcommand(1);
  auto args = std::make_shared<RetentionArgs>();
  CLI::App* run = retention->add_subcommand(
      "run",
      "Delete the records older than their collection's retention.days, but those a legal hold "
      "keeps");
  run->add_option("--db", args->db, "Database type")->capture_default_str();
  run->add_option("--tenant", args->tenant, "Only this tenant (_ for the generic tier)");
  run->add_option("--collection", args->collection, "Only this collection");
  run->add_flag("--dry-run", args->dry_run, "Count what would be removed; delete nothing");
  run->add_flag("--json", args->json, "Results as JSON lines");
  run->callback([&store, &exit_code, args] { exit_code = RunRetention(store, *args); });
}

}  // namespace xronox::cli
