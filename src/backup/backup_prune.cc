// Pruning a collection's backups: keep the newest, the latest of each recent day and month;
// remove the rest, each in an order that never leaves a manifest naming a missing part.
#include <set>

#include "backup/backup_service.h"

namespace xronox {

namespace {

// The ids of the complete backups `options` keeps; `complete` is newest first.
std::set<std::string> KeptIds(const std::vector<BackupManifest>& complete,
                              const PruneOptions& options) {
  std::set<std::string> kept, days, months;
  if (!complete.empty()) kept.insert(complete.front().id);
  for (const BackupManifest& m : complete) {
    std::string day = m.id.substr(0, 10), month = m.id.substr(0, 7);
    if (!days.count(day) && static_cast<int>(days.size()) < options.keep_daily) {
      days.insert(day);
      kept.insert(m.id);
    }
    if (!months.count(month) && static_cast<int>(months.size()) < options.keep_monthly) {
      months.insert(month);
      kept.insert(m.id);
    }
  }
  return kept;
}

// The day of `removed` keeps its snapshot.json naming the newest backup of that day that is
// kept, or loses it when none is.
Status ReplaceDaySnapshot(const Binding& b, const std::vector<BackupManifest>& complete,
                          const std::set<std::string>& kept, const BackupManifest& removed) {
  std::string day = removed.id.substr(0, 10);
  std::string key = BackupRoot(b) + day + "/snapshot.json";
  for (const BackupManifest& m : complete) {
    if (m.id.substr(0, 10) == day && kept.count(m.id)) {
      return b.objects->Put(b.database.buckets.backups, key, ManifestText(m),
                            store::PutMode::kOverwrite);
    }
  }
  return b.objects->Delete(b.database.buckets.backups, key);
}

// Deletes every object of a run folder, the manifest first (a run without one is never taken
// for a backup); returns how many were deleted, counting the manifest.
Result<int64_t> DeleteRun(const Binding& b, const std::string& id) {
  const std::string& bucket = b.database.buckets.backups;
  std::string folder = BackupRoot(b) + id + "/";
  XRONOX_RETURN_IF_ERROR(b.objects->Delete(bucket, folder + "manifest.json"));
  int64_t deleted = 1;
  while (true) {
    XRONOX_ASSIGN_OR_RETURN(store::ListPage page,
                            b.objects->List(bucket, folder, "", kBackupListPage));
    for (const store::ObjectInfo& object : page.objects) {
      XRONOX_RETURN_IF_ERROR(b.objects->Delete(bucket, object.key));
      ++deleted;
    }
    if (page.objects.empty() || !page.next) return deleted;
  }
}

}  // namespace

Json PruneReportToJson(const PruneReport& r) {
  return {{"kept", r.kept},
          {"removed", r.removed},
          {"incompleteRemoved", r.incomplete_removed},
          {"objectsDeleted", r.objects_deleted},
          {"dryRun", r.dry_run}};
}

Result<PruneReport> BackupService::Prune(const Binding& b, const PruneOptions& options) {
  if (options.keep_daily < 0 || options.keep_monthly < 0 || options.incomplete_after_seconds < 0) {
    return InvalidArgument("prune: keep counts and the incomplete age must not be negative");
  }
  XRONOX_RETURN_IF_ERROR(engine_.CheckNotHeld(b, ""));  // Backups are deleted too.
  XRONOX_ASSIGN_OR_RETURN(BackupList list, List(b));
  std::set<std::string> kept = KeptIds(list.complete, options);
  PruneReport report;
  report.dry_run = options.dry_run;
  for (const BackupManifest& m : list.complete) {
    if (kept.count(m.id)) {
      report.kept.push_back(m.id);
      continue;
    }
    report.removed.push_back(m.id);
    if (options.dry_run) continue;
    // A day whose snapshot.json names this backup loses that first (or has it name the day's
    // kept backup): "latest of the day" never points at a backup being removed.
    if (m.day_snapshot) XRONOX_RETURN_IF_ERROR(ReplaceDaySnapshot(b, list.complete, kept, m));
    XRONOX_ASSIGN_OR_RETURN(int64_t deleted, DeleteRun(b, m.id));
    report.objects_deleted += deleted;
  }
  TimestampMicros cutoff =
      engine_.clock()->NowMicros() - options.incomplete_after_seconds * 1'000'000;
  for (const IncompleteBackup& run : list.incomplete) {
    if (run.last_modified >= cutoff) continue;
    report.incomplete_removed.push_back(run.id);
    if (options.dry_run) continue;
    XRONOX_ASSIGN_OR_RETURN(int64_t deleted, DeleteRun(b, run.id));
    report.objects_deleted += deleted - 1;  // It had no manifest to delete.
  }
  return report;
}

}  // namespace xronox
