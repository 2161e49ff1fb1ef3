// init, verify and rebuild.
#include <iostream>

#include "cli/cli_context.h"

namespace xronox::cli {

namespace {

struct VerifyArgs {
  bool repair = false;
  std::string db;      // Empty: every database type.
  std::string tenant;  // Empty: every tenant.
  std::string collection;
};

struct Totals {
  int64_t collections = 0, records = 0, versions = 0, garbage = 0, removed = 0;
  std::vector<std::string> problems;
};

Status VerifyCollection(Xronox& store, const Target& target, bool repair, Totals& totals) {
  XRONOX_ASSIGN_OR_RETURN(Collection collection, store.With(target));
  std::cerr << "verifying " << TargetPath(target) << " ..." << std::flush;
  XRONOX_ASSIGN_OR_RETURN(VerifyReport report, collection.Verify(repair));
  std::cerr << " " << report.records_checked << " records, " << report.versions_checked
            << " versions, " << report.problems.size() << " problems, " << report.garbage.size()
            << " garbage\n";
  ++totals.collections;
  totals.records += report.records_checked;
  totals.versions += report.versions_checked;
  totals.garbage += report.garbage.size();
  totals.removed += report.garbage_removed;
  for (const auto& p : report.problems) totals.problems.push_back(TargetPath(target) + ": " + p);
  std::string counts = "counters " + CountsToJson(report.counters_stored).dump() + ", recounted " +
                       CountsToJson(report.counters_recounted).dump();
  if (report.CountersMismatch()) {
    totals.problems.push_back(TargetPath(target) + ": " + counts +
                              " (verify --repair sets the recount)");
  }
  if (report.counters_repaired) {
    std::cout << "repaired: " << TargetPath(target) << ": " << counts << " (set to the recount)\n";
    ++totals.removed;
  }
  for (const auto& g : report.garbage)
    std::cout << "garbage: " << TargetPath(target) << ": " << g << "\n";
  return Status::Ok();
}

int RunVerify(const StoreOptions& options, const VerifyArgs& args) {
  auto store = OpenStore(options);
  if (!store.ok()) return Fail(store.status());
  auto databases = ListDatabaseTargets(**store, args.db, args.tenant);
  if (!databases.ok()) return Fail(databases.status());
  Totals totals;
  if (args.db.empty() && args.tenant.empty() && args.collection.empty()) {
    auto collisions = (*store)->NameCaseCollisions();
    if (!collisions.ok()) return Fail(collisions.status());
    for (const std::string& collision : *collisions) totals.problems.push_back(collision);
  }
  for (Target target : *databases) {
    auto collections = (*store)->ListCollections(target);
    if (!collections.ok()) return Fail(collections.status());
    for (const auto& name : *collections) {
      if (!args.collection.empty() && name != args.collection) continue;
      target.collection = name;
      Status verified = VerifyCollection(**store, target, args.repair, totals);
      if (!verified.ok()) return Fail(verified);
    }
  }
  for (const auto& p : totals.problems) std::cout << "problem: " << p << "\n";
  std::cout << "verified " << totals.collections << " collections, " << totals.records
            << " records, " << totals.versions << " versions: " << totals.problems.size()
            << " problems, " << totals.garbage << " garbage"
            << (args.repair ? ", " + std::to_string(totals.removed) + " repaired" : "") << "\n";
  return totals.problems.empty() ? 0 : 2;
}

struct RebuildArgs {
  TargetArgs target;  // Collection optional: every one the object store holds.
  bool json = false;
};

void PrintRebuild(const Target& target, const RebuildReport& report, bool json) {
  if (json) {
    std::cout << Json{{"event", "rebuild"},
                      {"collection", TargetPath(target)},
                      {"rebuild", RebuildReportToJson(report)}}
                     .dump()
              << std::endl;
    return;
  }
  if (report.versioned) {
    std::cout << "rebuilt " << TargetPath(target) << ": " << report.records << " records, "
              << report.versions << " versions indexed, " << report.problems.size()
              << " problems\n";
    for (const std::string& p : report.problems) std::cout << "problem: " << p << "\n";
    return;
  }
  std::cout << TargetPath(target) << ": " << report.unrecoverable
            << " records have a payload object but no hot-store row and cannot be rebuilt "
               "(no history is kept here): restore them from a backup";
  for (size_t i = 0; i < report.unrecoverable_ids.size(); ++i) {
    std::cout << (i == 0 ? " (" : ", ") << report.unrecoverable_ids[i];
  }
  std::cout << (report.unrecoverable_ids.empty() ? "" : ")") << "\n";
}

// Exit 0 when every record found is rebuilt; 2 when some are not (broken chains, or records of
// types without history).
int RunRebuild(const StoreOptions& options, const RebuildArgs& args) {
  auto store = OpenStore(options);
  if (!store.ok()) return Fail(store.status());
  TargetArgs database = args.target;
  if (database.collection.empty()) database.collection = "_probe";
  auto target = MakeTarget(database);
  if (!target.ok()) return Fail(target.status());
  std::vector<std::string> names{args.target.collection};
  if (args.target.collection.empty()) {
    auto stored = (*store)->ListStoredCollections(*target);
    if (!stored.ok()) return Fail(stored.status());
    names = *stored;
  }
  bool whole = true;
  for (const std::string& name : names) {
    target->collection = name;
    auto collection = (*store)->With(*target);
    if (!collection.ok()) return Fail(collection.status());
    if (!args.json) std::cerr << "rebuilding " << TargetPath(*target) << " ...\n";
    auto report = collection->Rebuild();
    if (!report.ok()) return Fail(report.status());
    PrintRebuild(*target, *report, args.json);
    whole = whole && report->problems.empty() && report->unrecoverable == 0;
  }
  if (!args.json) {
    std::cout << "rebuild: " << names.size() << " collections found in the object store"
              << (whole ? "" : "; some records were not rebuilt (see above)") << "\n";
  }
  return whole ? 0 : 2;
}

int RunInit(const StoreOptions& options) {
  auto store = OpenStore(options);
  if (!store.ok()) return Fail(store.status());
  std::cout << "store ready"
            << (options.data_dir.empty() ? " (config " + options.config_file + ")"
                                         : " at " + options.data_dir)
            << "\n";
  return 0;
}

}  // namespace

void AddAdminCommands(CLI::App& app, StoreOptions& store, int& exit_code) {
  CLI::App* init = app.add_subcommand("init", "Create the store's files, folders and buckets");
  init->callback([&store, &exit_code] { exit_code = RunInit(store); });

  auto v = std::make_shared<VerifyArgs>();
  CLI::App* verify = app.add_subcommand(
      "verify",
      "Check that heads, version index, payloads and hash chains agree; exit 2 on any "
      "inconsistency. Leftovers of unacknowledged writes are reported as garbage");
  verify->add_flag("--repair", v->repair, "Remove garbage (roll complete versions forward)");
  verify->add_option("--db", v->db, "Only this database type");
  verify->add_option("--tenant", v->tenant, "Only this tenant");
  verify->add_option("--collection", v->collection, "Only this collection");
  verify->callback([&store, &exit_code, v] { exit_code = RunVerify(store, *v); });

  auto r = std::make_shared<RebuildArgs>();
  CLI::App* rebuild = app.add_subcommand(
      "rebuild",
      "After losing the hot store (buckets intact): re-create runtime records' heads and version "
      "index from their version objects; on other types, name the records only a backup "
      "restores. Exit 2 when some records are not rebuilt. Run with no writers");
  rebuild->add_option("db", r->target.db, "Database type")->required();
  rebuild->add_option("tenant", r->target.tenant, "Tenant id, or _ for the generic tier")
      ->required();
  rebuild->add_option("collection", r->target.collection,
                      "Collection (default: every one found in the object store)");
  rebuild->add_flag("--json", r->json, "Results as JSON lines");
  rebuild->callback([&store, &exit_code, r] { exit_code = RunRebuild(store, *r); });
}

}  // namespace xronox::cli
