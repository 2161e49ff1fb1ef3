// init and verify.
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
}

}  // namespace xronox::cli
