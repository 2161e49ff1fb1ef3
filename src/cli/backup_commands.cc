// backup create | list | verify | restore | prune (docs/formats/backups.md), and
// restore-collection (a runtime collection back to an instant, from its own history).
#include <unistd.h>

#include <algorithm>
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
  bool with_content = false;
  bool json = false;
};

struct PruneArgs {
  Selection selection;
  PruneOptions options;
  int64_t incomplete_after_hours = 24;
  bool json = false;
};

struct OneBackupArgs {
  TargetArgs target;
  std::string backup_id = "latest";
  bool json = false;
};

struct RestoreArgs {
  TargetArgs source;  // Empty db: every collection of `selection` that has a backup.
  Selection selection;
  std::string backup_id = "latest";
  std::string into_db, into_tenant, into_collection;
  std::string actor, reason;
  bool dry_run = false;
  bool exact = false;
  bool json = false;
};

struct AsOfArgs {
  TargetArgs target;
  std::string as_of;
  std::string actor, reason;
  bool dry_run = false;
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

// The collections of `database` in the hot store and, with `backed_up`, those with backups
// (which may be gone from the hot store), sorted.
Result<std::vector<std::string>> CollectionsOf(Xronox& store, const Target& database,
                                               bool backed_up) {
  XRONOX_ASSIGN_OR_RETURN(auto names, store.ListCollections(database));
  if (!backed_up) return names;
  XRONOX_ASSIGN_OR_RETURN(auto saved, store.ListBackedUpCollections(database));
  names.insert(names.end(), saved.begin(), saved.end());
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  return names;
}

// Every collection the selection names, database by database; logs are skipped with a note
// unless named (then refused by the backup itself). Tenants of a tenant template are found in
// the hot store: after losing it, name each with --tenant.
Result<std::vector<Target>> SelectCollections(Xronox& store, const Selection& s, bool backed_up) {
  std::vector<Target> databases;
  if (s.db == "runtime" && !s.tenant.empty() && s.tenant != "_") {
    databases.push_back({DatabaseType::kRuntime, Tier::kTenant, s.tenant, ""});
  } else {
    XRONOX_ASSIGN_OR_RETURN(databases, ListDatabaseTargets(store, s.db, s.tenant));
  }
  std::vector<Target> targets;
  for (Target target : databases) {
    if (target.database_type == DatabaseType::kLogs && s.db.empty()) {
      std::cerr << "note: logs skipped: logs keep no backups\n";
      continue;
    }
    XRONOX_ASSIGN_OR_RETURN(auto collections, CollectionsOf(store, target, backed_up));
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
  backup.with_content = args.with_content;
  if (!args.as_of.empty()) {
    backup.as_of = ParseRfc3339(args.as_of);
    if (!backup.as_of) return Fail(InvalidArgument("--as-of needs an RFC 3339 time"));
  }
  auto targets = SelectCollections(**store, args.selection, /*backed_up=*/false);
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
  auto targets = SelectCollections(**store, args.selection, /*backed_up=*/true);
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

Status RestoreOne(Xronox& store, const Target& source, const Target& into,
                  const RestoreArgs& args) {
  XRONOX_ASSIGN_OR_RETURN(Collection collection, store.With(into));
  RestoreOptions restore;
  restore.write = AuditedWrite(args.actor, args.reason, std::nullopt);
  restore.dry_run = args.dry_run;
  restore.exact = args.exact;
  restore.on_progress = ProgressPrinter("restoring " + TargetPath(into), args.json);
  auto report = collection.RestoreBackup({source, args.backup_id}, restore);
  EndProgressLine(args.json);
  if (!report.ok()) return report.status();
  if (args.json) {
    std::cout << Json{{"event", "restore"},
                      {"collection", TargetPath(into)},
                      {"restore", RestoreReportToJson(*report)}}
                     .dump()
              << std::endl;
    return Status::Ok();
  }
  std::cout << (report->dry_run ? "would restore " : "restored ") << report->backup_id << " of "
            << TargetPath(source) << " into " << TargetPath(into) << ": " << report->records
            << " records, " << report->created << " created, " << report->replaced << " replaced, "
            << report->unchanged << " unchanged, " << report->deleted << " deleted\n";
  return Status::Ok();
}

// Without a collection named: every selected collection that has a backup gets its own back.
int RunRestoreAll(Xronox& store, const RestoreArgs& args) {
  if (!args.into_db.empty() || !args.into_tenant.empty() || !args.into_collection.empty()) {
    return Fail(
        InvalidArgument("--into-* needs one source collection: <db> <tenant> <collection>"));
  }
  auto targets = SelectCollections(store, args.selection, /*backed_up=*/true);
  if (!targets.ok()) return Fail(targets.status());
  int restored = 0;
  for (const Target& target : *targets) {
    auto collection = store.With(target);
    if (!collection.ok()) return Fail(collection.status());
    auto list = collection->ListBackups();
    if (!list.ok()) return Fail(list.status());
    if (list->complete.empty()) {
      std::cerr << "note: " << TargetPath(target) << " has no complete backup; left as it is\n";
      continue;
    }
    Status one = RestoreOne(store, target, target, args);
    if (!one.ok()) return Fail(one);
    ++restored;
  }
  if (restored == 0) return Fail(NotFound("no selected collection has a backup"));
  if (!args.json) std::cout << "restored " << restored << " collections\n";
  return 0;
}

int RunRestore(const StoreOptions& options, const RestoreArgs& args) {
  auto store = OpenStore(options);
  if (!store.ok()) return Fail(store.status());
  if (args.source.db.empty()) return RunRestoreAll(**store, args);
  if (args.source.collection.empty()) {
    return Fail(
        InvalidArgument("name <db> <tenant> <collection>, or none of them with --db, "
                        "--tenant and --collection to restore every backed-up one"));
  }
  auto source = MakeTarget(args.source);
  if (!source.ok()) return Fail(source.status());
  auto into = RestoreTarget(args, *source);
  if (!into.ok()) return Fail(into.status());
  Status restored = RestoreOne(**store, *source, *into, args);
  return restored.ok() ? 0 : Fail(restored);
}

int RunPrune(const StoreOptions& options, const PruneArgs& args) {
  auto store = OpenStore(options);
  if (!store.ok()) return Fail(store.status());
  auto targets = SelectCollections(**store, args.selection, /*backed_up=*/true);
  if (!targets.ok()) return Fail(targets.status());
  PruneOptions prune = args.options;
  prune.incomplete_after_seconds = args.incomplete_after_hours * 3600;
  int64_t removed = 0;
  for (const Target& target : *targets) {
    auto collection = (*store)->With(target);
    if (!collection.ok()) return Fail(collection.status());
    auto report = collection->PruneBackups(prune);
    if (!report.ok()) return Fail(report.status());
    removed += static_cast<int64_t>(report->removed.size() + report->incomplete_removed.size());
    if (args.json) {
      std::cout << Json{{"event", "prune"},
                        {"collection", TargetPath(target)},
                        {"prune", PruneReportToJson(*report)}}
                       .dump()
                << std::endl;
      continue;
    }
    const char* verb = report->dry_run ? "would remove " : "removed ";
    for (const std::string& id : report->removed) {
      std::cout << verb << TargetPath(target) << " " << id << "\n";
    }
    for (const std::string& id : report->incomplete_removed) {
      std::cout << verb << TargetPath(target) << " " << id << " (incomplete)\n";
    }
  }
  if (!args.json) {
    std::cout << (prune.dry_run ? "would remove " : "removed ") << removed << " backups\n";
  }
  return 0;
}

int RunRestoreCollection(const StoreOptions& options, const AsOfArgs& args) {
  auto collection = OpenCollection(options, args.target);
  if (!collection.ok()) return Fail(collection.status());
  AsOfRestoreOptions restore;
  std::optional<TimestampMicros> as_of = ParseRfc3339(args.as_of);
  if (!as_of) return Fail(InvalidArgument("--as-of needs an RFC 3339 time"));
  restore.as_of = *as_of;
  restore.write = AuditedWrite(args.actor, args.reason, std::nullopt);
  restore.dry_run = args.dry_run;
  restore.on_progress = ProgressPrinter(TargetPath(collection->target()), args.json);
  auto report = collection->RestoreAsOf(restore);
  EndProgressLine(args.json);
  if (!report.ok()) return Fail(report.status());
  if (args.json) {
    std::cout << Json{{"event", "restore-collection"},
                      {"collection", TargetPath(collection->target())},
                      {"restore", AsOfRestoreReportToJson(*report)}}
                     .dump()
              << std::endl;
    return 0;
  }
  std::cout << (report->dry_run ? "would restore " : "restored ")
            << TargetPath(collection->target()) << " to " << FormatRfc3339(report->as_of) << ": "
            << report->examined << " records examined, " << report->reverted << " reverted, "
            << report->revived << " revived, " << report->deleted << " deleted, "
            << report->unchanged << " unchanged\n";
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
  create->add_flag("--with-content", c->with_content,
                   "Also copy the content blobs the records reference into the backup");
  create->add_flag("--json", c->json, "Progress and results as JSON lines on stdout");
  create->callback([&store, &exit_code, c] { exit_code = RunCreate(store, *c); });

  auto l = std::make_shared<BackupArgs>();
  CLI::App* list = backup->add_subcommand("list", "List the backups of the collections selected");
  AddSelection(*list, l->selection);
  list->add_flag("--json", l->json, "Print JSON");
  list->callback([&store, &exit_code, l] { exit_code = RunList(store, *l); });

  auto p = std::make_shared<PruneArgs>();
  CLI::App* prune = backup->add_subcommand(
      "prune", "Remove backups but the newest and the latest of recent days and months");
  AddSelection(*prune, p->selection);
  prune->add_option("--keep-daily", p->options.keep_daily, "Days whose latest backup stays")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  prune->add_option("--keep-monthly", p->options.keep_monthly, "Months whose latest backup stays")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  prune
      ->add_option("--incomplete-after-hours", p->incomplete_after_hours,
                   "Remove runs without a manifest this old (younger ones may be running)")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  prune->add_flag("--dry-run", p->options.dry_run, "Say what would go; delete nothing");
  prune->add_flag("--json", p->json, "Results as JSON lines");
  prune->callback([&store, &exit_code, p] { exit_code = RunPrune(store, *p); });

  auto v = std::make_shared<OneBackupArgs>();
  CLI::App* verify =
      backup->add_subcommand("verify", "Re-read a backup's parts; exit 2 on any damage");
  AddTargetArgs(*verify, v->target, /*with_id=*/false);
  verify->add_option("backup", v->backup_id, "latest (default), YYYY-MM-DD or YYYY-MM-DD/RUN");
  verify->callback([&store, &exit_code, v] { exit_code = RunVerifyBackup(store, *v); });

  auto r = std::make_shared<RestoreArgs>();
  CLI::App* restore = backup->add_subcommand(
      "restore",
      "Restore a collection's backup into it or into another collection; without a collection, "
      "the latest backup of every selected collection into itself");
  restore->add_option("db", r->source.db, "Database type of the backed-up collection");
  restore->add_option("tenant", r->source.tenant, "Tenant id, or _ for the generic tier");
  restore->add_option("collection", r->source.collection, "Backed-up collection");
  restore->add_option("backup", r->backup_id, "latest (default), YYYY-MM-DD or YYYY-MM-DD/RUN");
  AddSelection(*restore, r->selection);
  restore->add_option("--into-db", r->into_db, "Restore into this database type");
  restore->add_option("--into-tenant", r->into_tenant, "Restore into this tenant");
  restore->add_option("--into-collection", r->into_collection, "Restore into this collection");
  restore->add_option("--actor", r->actor, "Actor of the restoring versions (runtime)");
  restore->add_option("--reason", r->reason, "Reason, after the one naming the backup");
  restore->add_flag("--dry-run", r->dry_run, "Count what would change; write nothing");
  restore->add_flag("--exact", r->exact, "Also delete records the backup does not hold");
  restore->add_flag("--json", r->json, "Progress and result as JSON lines on stdout");
  restore->callback([&store, &exit_code, r] { exit_code = RunRestore(store, *r); });

  auto a = std::make_shared<AsOfArgs>();
  CLI::App* as_of = app.add_subcommand(
      "restore-collection",
      "Make every record of a runtime collection as it was at a time: a version for each record "
      "changed, created or deleted since");
  AddTargetArgs(*as_of, a->target, /*with_id=*/false);
  as_of->add_option("--as-of", a->as_of, "RFC 3339 time to restore to")->required();
  as_of->add_option("--actor", a->actor, "Who restores")->required();
  as_of->add_option("--reason", a->reason, "Why")->required();
  as_of->add_flag("--dry-run", a->dry_run, "Count what would change; write nothing");
  as_of->add_flag("--json", a->json, "Progress and result as JSON lines on stdout");
  as_of->callback([&store, &exit_code, a] { exit_code = RunRestoreCollection(store, *a); });
}

}  // namespace xronox::cli
