// backup create | list | verify | restore (docs/formats/backups.md).
#include <unistd.h>

#include <iostream>

#include "cli/cli_context.h"
#include "cli/output_format.h"
#include "common/clock.h"

namespace xronox::cli {

namespace {

// Which collections a command covers: one database type, one tenant, one collection, or any
// mix of them (all unset: everything configured).
struct Selection {
  std::string db;
  std::string tenant;
  std::string collection;
};

struct BackupArgs {
  Selection selection;
  std::string as_of;
  bool json = false;
};

struct OneBackupArgs {
  TargetArgs target;
  std::string backup_id = "latest";
  bool json = false;
};

struct RestoreArgs {
  TargetArgs source;
  std::string backup_id = "latest";
  std::string into_db, into_tenant, into_collection;
  std::string actor, reason;
  bool dry_run = false;
  bool exact = false;
  bool json = false;
};

std::string Size(int64_t bytes) {
  if (bytes < (int64_t{10} << 10)) return std::to_string(bytes) + " B";
  if (bytes < (int64_t{10} << 20)) return std::to_string(bytes >> 10) + " KiB";
  return std::to_string(bytes >> 20) + " MiB";
}

// Progress on stderr: a bar redrawn in place on a terminal; with --json, one JSON line per
// report on stdout; otherwise nothing until the summary.
BackupProgressFn ProgressPrinter(const std::string& what, bool json) {
  bool terminal = isatty(STDERR_FILENO) != 0;
  return [what, json, terminal](const BackupProgress& p) {
    if (json) {
      std::cout << Json{{"event", "progress"},
                        {"collection", what},
                        {"records", p.records},
                        {"bytes", p.bytes},
                        {"totalRecords", p.total_records}}
                       .dump()
                << std::endl;
      return;
    }
    if (!terminal) return;
    std::string bar;
    if (p.total_records > 0) {
      int64_t filled = std::min<int64_t>(30, p.records * 30 / p.total_records);
      bar = "[" + std::string(filled, '#') + std::string(30 - filled, '.') + "] ";
    }
    std::cerr << "\r" << what << " " << bar << p.records
              << (p.total_records >= 0 ? "/" + std::to_string(p.total_records) : "") << " records, "
              << Size(p.bytes) << "   " << std::flush;
  };
}

void EndProgressLine(bool json) {
  if (!json && isatty(STDERR_FILENO) != 0) std::cerr << "\n";
}

// Every collection the selection names, database by database; logs are skipped with a note
// unless named (then refused by the backup itself).
Result<std::vector<Target>> SelectCollections(Xronox& store, const Selection& s) {
  XRONOX_ASSIGN_OR_RETURN(auto databases, ListDatabaseTargets(store, s.db, s.tenant));
  std::vector<Target> targets;
  for (Target target : databases) {
    if (target.database_type == DatabaseType::kLogs && s.db.empty()) {
      std::cerr << "note: logs skipped: logs keep no backups\n";
      continue;
    }
    XRONOX_ASSIGN_OR_RETURN(auto collections, store.ListCollections(target));
    for (const std::string& name : collections) {
      if (!s.collection.empty() && name != s.collection) continue;
      target.collection = name;
      targets.push_back(target);
    }
  }
  return targets;
}

int RunCreate(const StoreOptions& options, const BackupArgs& args) {
  auto store = OpenStore(options);
  if (!store.ok()) return Fail(store.status());
  BackupOptions backup;
  if (!args.as_of.empty()) {
    backup.as_of = ParseRfc3339(args.as_of);
    if (!backup.as_of) return Fail(InvalidArgument("--as-of needs an RFC 3339 time"));
  }
  auto targets = SelectCollections(**store, args.selection);
  if (!targets.ok()) return Fail(targets.status());
  if (targets->empty()) return Fail(NotFound("no collection matches; nothing to back up"));
  int64_t records = 0;
  for (const Target& target : *targets) {
    auto collection = (*store)->With(target);
    if (!collection.ok()) return Fail(collection.status());
    backup.on_progress = ProgressPrinter(TargetPath(target), args.json);
    auto manifest = collection->Backup(backup);
    EndProgressLine(args.json);
    if (!manifest.ok()) return Fail(manifest.status());
    records += manifest->records;
    if (args.json) {
      std::cout << Json{{"event", "backup"}, {"backup", BackupManifestToJson(*manifest)}}.dump()
                << std::endl;
    } else {
      std::cout << "backed up " << TargetPath(target) << ": " << manifest->records << " records, "
                << Size(manifest->bytes) << " in " << manifest->parts.size() << " parts ("
                << Size(manifest->stored_bytes) << " stored), id " << manifest->id << "\n";
    }
  }
  if (!args.json) {
    std::cout << "backed up " << targets->size() << " collections, " << records << " records\n";
  }
  return 0;
}

int RunList(const StoreOptions& options, const BackupArgs& args) {
  auto store = OpenStore(options);
  if (!store.ok()) return Fail(store.status());
  auto targets = SelectCollections(**store, args.selection);
  if (!targets.ok()) return Fail(targets.status());
  Json all = Json::array();
  std::vector<std::vector<std::string>> rows;
  for (const Target& target : *targets) {
    auto collection = (*store)->With(target);
    if (!collection.ok()) return Fail(collection.status());
    auto list = collection->ListBackups();
    if (!list.ok()) return Fail(list.status());
    for (const BackupManifest& m : list->complete) {
      all.push_back(BackupManifestToJson(m));
      rows.push_back({TargetPath(target), m.id,
                      "complete" + std::string(m.day_snapshot ? " *" : ""),
                      std::to_string(m.records), Size(m.stored_bytes),
                      FormatRfc3339(m.versioned ? m.as_of : m.finished_at)});
    }
    for (const IncompleteBackup& run : list->incomplete) {
      all.push_back({{"id", run.id},
                     {"collection", TargetPath(target)},
                     {"incomplete", true},
                     {"objects", run.objects}});
      rows.push_back(
          {TargetPath(target), run.id, "incomplete", "", "", FormatRfc3339(run.last_modified)});
    }
  }
  PrintAs(args.json ? OutputFormat::kJson : ResolveFormat(""), all,
          RenderTable({"collection", "id", "state", "records", "stored", "as of"}, rows));
  return 0;
}

int RunVerifyBackup(const StoreOptions& options, const OneBackupArgs& args) {
  auto collection = OpenCollection(options, args.target);
  if (!collection.ok()) return Fail(collection.status());
  auto check = collection->VerifyBackup(args.backup_id);
  if (!check.ok()) return Fail(check.status());
  for (const std::string& problem : check->problems) std::cout << "problem: " << problem << "\n";
  std::cout << "verified backup " << args.backup_id << " of " << TargetPath(collection->target())
            << ": " << check->parts_checked << " parts, " << check->records_checked << " records, "
            << check->problems.size() << " problems\n";
  return check->ok() ? 0 : 2;
}

Result<Target> RestoreTarget(const RestoreArgs& args, const Target& source) {
  TargetArgs into{args.into_db.empty() ? args.source.db : args.into_db,
                  args.into_tenant.empty() ? args.source.tenant : args.into_tenant,
                  args.into_collection.empty() ? source.collection : args.into_collection, ""};
  return MakeTarget(into);
}

int RunRestore(const StoreOptions& options, const RestoreArgs& args) {
  auto source = MakeTarget(args.source);
  if (!source.ok()) return Fail(source.status());
  auto into = RestoreTarget(args, *source);
  if (!into.ok()) return Fail(into.status());
  auto store = OpenStore(options);
  if (!store.ok()) return Fail(store.status());
  auto collection = (*store)->With(*into);
  if (!collection.ok()) return Fail(collection.status());
  RestoreOptions restore;
  restore.write = AuditedWrite(args.actor, args.reason, std::nullopt);
  restore.dry_run = args.dry_run;
  restore.exact = args.exact;
  restore.on_progress = ProgressPrinter("restoring " + TargetPath(*into), args.json);
  auto report = collection->RestoreBackup({*source, args.backup_id}, restore);
  EndProgressLine(args.json);
  if (!report.ok()) return Fail(report.status());
  if (args.json) {
    std::cout << Json{{"event", "restore"}, {"restore", RestoreReportToJson(*report)}}.dump()
              << std::endl;
    return 0;
  }
  std::cout << (report->dry_run ? "would restore " : "restored ") << report->backup_id << " of "
            << TargetPath(*source) << " into " << TargetPath(*into) << ": " << report->records
            << " records, " << report->created << " created, " << report->replaced << " replaced, "
            << report->unchanged << " unchanged, " << report->deleted << " deleted\n";
  return 0;
}

void AddSelection(CLI::App& command, Selection& s) {
  command.add_option("--db", s.db, "Only this database type");
  command.add_option("--tenant", s.tenant, "Only this tenant (_ for the generic tier)");
  command.add_option("--collection", s.collection, "Only this collection");
}

}  // namespace

void AddBackupCommands(CLI::App& app, StoreOptions& store, int& exit_code) {
  CLI::App* backup = app.add_subcommand("backup", "Back up collections and restore them");
  backup->require_subcommand(1);

  auto c = std::make_shared<BackupArgs>();
  CLI::App* create = backup->add_subcommand(
      "create", "Back up every collection selected (all configured but logs without a filter)");
  AddSelection(*create, c->selection);
  create->add_option("--as-of", c->as_of, "RFC 3339 time: runtime records as they were then");
  create->add_flag("--json", c->json, "Progress and results as JSON lines on stdout");
  create->callback([&store, &exit_code, c] { exit_code = RunCreate(store, *c); });

  auto l = std::make_shared<BackupArgs>();
  CLI::App* list = backup->add_subcommand("list", "List the backups of the collections selected");
  AddSelection(*list, l->selection);
  list->add_flag("--json", l->json, "Print JSON");
  list->callback([&store, &exit_code, l] { exit_code = RunList(store, *l); });

  auto v = std::make_shared<OneBackupArgs>();
  CLI::App* verify =
      backup->add_subcommand("verify", "Re-read a backup's parts; exit 2 on any damage");
  AddTargetArgs(*verify, v->target, /*with_id=*/false);
  verify->add_option("backup", v->backup_id, "latest (default), YYYY-MM-DD or YYYY-MM-DD/RUN");
  verify->callback([&store, &exit_code, v] { exit_code = RunVerifyBackup(store, *v); });

  auto r = std::make_shared<RestoreArgs>();
  CLI::App* restore = backup->add_subcommand(
      "restore", "Restore a collection's backup into it or into another collection");
  AddTargetArgs(*restore, r->source, /*with_id=*/false);
  restore->add_option("backup", r->backup_id, "latest (default), YYYY-MM-DD or YYYY-MM-DD/RUN");
  restore->add_option("--into-db", r->into_db, "Restore into this database type");
  restore->add_option("--into-tenant", r->into_tenant, "Restore into this tenant");
  restore->add_option("--into-collection", r->into_collection, "Restore into this collection");
  restore->add_option("--actor", r->actor, "Actor of the restoring versions (runtime)");
  restore->add_option("--reason", r->reason, "Reason, after the one naming the backup");
  restore->add_flag("--dry-run", r->dry_run, "Count what would change; write nothing");
  restore->add_flag("--exact", r->exact, "Also delete records the backup does not hold");
  restore->add_flag("--json", r->json, "Progress and result as JSON lines on stdout");
  restore->callback([&store, &exit_code, r] { exit_code = RunRestore(store, *r); });
}

}  // namespace xronox::cli
