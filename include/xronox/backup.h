// Backups of a collection into its database's backups bucket, and restore from them
// (docs/formats/backups.md). A backup is a manifest and compressed NDJSON parts under
// backups/{collection}/{YYYY-MM-DD}/{run}/; the day's snapshot.json names its latest complete,
// verified backup.
// Thread-safety: plain values; the callbacks are called on the calling thread.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "xronox/types.h"

namespace xronox {

/// One compressed part of a backup: NDJSON records, one per line, in id order.
struct BackupPart {
  std::string name;  ///< Object name within the backup's folder ("part-000001.ndjson.zst").
  int64_t records = 0;
  int64_t bytes = 0;         ///< Uncompressed.
  int64_t stored_bytes = 0;  ///< Compressed, as stored.
  std::string sha256;        ///< Of the stored bytes.
  std::string first_id;
  std::string last_id;
};

/// What a complete backup holds (its manifest).
struct BackupManifest {
  std::string id;  ///< "{YYYY-MM-DD}/{run}": names the backup among its collection's.
  Target target;   ///< The collection backed up.
  bool versioned = false;
  /// Runtime: every record is as it was at this instant (from its version history).
  TimestampMicros as_of = 0;
  /// The backup read the records between these instants: on the types without versions each
  /// record is in a state it had during this window.
  TimestampMicros started_at = 0;
  TimestampMicros finished_at = 0;
  int64_t records = 0;
  int64_t bytes = 0;         ///< Uncompressed, all parts.
  int64_t stored_bytes = 0;  ///< Compressed, all parts.
  std::vector<BackupPart> parts;
  /// SHA-256 of the database's configuration that the backup was taken under (type, tenant,
  /// database name, buckets, folder prefixes, indexed properties).
  std::string config_fingerprint;
  /// The backup holds the bytes of the content its records reference (content/{sha256}).
  bool with_content = false;
  int64_t content_blobs = 0;
  int64_t content_bytes = 0;
  /// The backup is its day's snapshot.json (the latest complete backup of that day).
  bool day_snapshot = false;
};

/// A backup run folder without a manifest: a backup that did not complete (or is running).
struct IncompleteBackup {
  std::string id;  ///< "{YYYY-MM-DD}/{run}".
  int64_t objects = 0;
  TimestampMicros last_modified = 0;
};

struct BackupList {
  std::vector<BackupManifest> complete;  ///< Newest first.
  std::vector<IncompleteBackup> incomplete;
};

/// Progress of a backup or restore, reported after each part (and at the end).
struct BackupProgress {
  int64_t records = 0;  ///< Done so far.
  int64_t bytes = 0;    ///< Uncompressed bytes done so far.
  /// Records expected in all (a backup: the collection's live-record counter; a restore: the
  /// manifest's count); -1 when unknown.
  int64_t total_records = -1;
};

using BackupProgressFn = std::function<void(const BackupProgress&)>;

struct BackupOptions {
  /// Runtime only: back up the records as they were at this instant (default: when the backup
  /// starts). InvalidArgument on the other types, and for a time in the future.
  std::optional<TimestampMicros> as_of;
  /// Also copy the content blobs the records reference, so that a restore needs nothing but
  /// the backup (records keep their references either way).
  bool with_content = false;
  BackupProgressFn on_progress;
};

/// Findings of re-reading a backup.
struct BackupCheck {
  int64_t parts_checked = 0;
  int64_t records_checked = 0;
  std::vector<std::string> problems;  ///< Each a damage: a missing part, a wrong hash or count.
  bool ok() const { return problems.empty(); }
};

/// Which backup to restore from: a collection's backup by id ("{YYYY-MM-DD}/{run}"), a day
/// ("{YYYY-MM-DD}": its snapshot.json) or "latest".
struct BackupSource {
  Target target;
  std::string backup_id = "latest";
};

struct RestoreOptions {
  /// Runtime: the actor of the restoring versions (default "xronox-restore") and a reason,
  /// appended to the one that names the backup.
  WriteOptions write;
  bool dry_run = false;  ///< Count what would change; write nothing.
  /// Also delete the records the backup does not hold (as a version, on runtime). Without it
  /// such records are kept.
  bool exact = false;
  BackupProgressFn on_progress;
};

/// What a restore did (or, with dry_run, would do).
struct RestoreReport {
  std::string backup_id;
  int64_t records = 0;    ///< In the backup.
  int64_t created = 0;    ///< Absent from the collection (or deleted) and written.
  int64_t replaced = 0;   ///< Different in the collection and written.
  int64_t unchanged = 0;  ///< Already equal: not written.
  int64_t deleted = 0;    ///< With exact: in the collection, not in the backup.
  bool dry_run = false;
};

/// A whole runtime collection back to its state at an instant (Collection::RestoreAsOf).
struct AsOfRestoreOptions {
  TimestampMicros as_of = 0;  ///< Required: not in the future.
  /// The actor and reason of the versions written (both required); the reason is kept after
  /// one that names the instant.
  WriteOptions write;
  bool dry_run = false;  ///< Count what would change; write nothing.
  /// Called after each page of records examined; total_records is -1.
  BackupProgressFn on_progress;
};

/// What a restore to an instant did (or, with dry_run, would do). Every record ever written to
/// the collection is examined once.
struct AsOfRestoreReport {
  TimestampMicros as_of = 0;
  int64_t examined = 0;   ///< Records (live or deleted) examined.
  int64_t reverted = 0;   ///< Live then and now, changed since: a version with the old state.
  int64_t revived = 0;    ///< Live then, deleted since: a version that brings it back.
  int64_t deleted = 0;    ///< Created (or revived) since and live now: a delete version.
  int64_t unchanged = 0;  ///< Already as it was then (or absent both then and now).
  bool dry_run = false;
};

/// {"asOf","examined","reverted","revived","deleted","unchanged","dryRun"}.
Json AsOfRestoreReportToJson(const AsOfRestoreReport& report);

/// What a rebuild of a collection's hot-store rows from its object store found and did
/// (Collection::Rebuild).
struct RebuildReport {
  bool versioned = false;
  int64_t records = 0;   ///< Runtime: records whose head and version index are now whole.
  int64_t versions = 0;  ///< Runtime: versions this rebuild indexed (0 when all were there).
  /// The other types: records whose payload object remains in the records bucket but whose
  /// hot-store row, their only record of being, cannot be rebuilt: restore them from a backup.
  /// (Small records leave no object at all.) The first 100 ids are named.
  int64_t unrecoverable = 0;
  std::vector<std::string> unrecoverable_ids;
  /// Runtime: records whose version objects do not form a chain (each left as it was).
  std::vector<std::string> problems;
};

/// {"versioned","records","versions","unrecoverable","unrecoverableIds","problems"}.
Json RebuildReportToJson(const RebuildReport& report);

/// Which backups a prune keeps: the newest one always, the latest of each of the `keep_daily`
/// most recent days that have one, and the latest of each of the `keep_monthly` most recent
/// months. The rest go, and so do runs without a manifest older than `incomplete_after_seconds`
/// (younger ones may still be running).
struct PruneOptions {
  int keep_daily = 7;
  int keep_monthly = 12;
  int64_t incomplete_after_seconds = 86400;
  bool dry_run = false;  ///< Say what would go; delete nothing.
};

struct PruneReport {
  std::vector<std::string> kept;                ///< Complete backups kept, newest first.
  std::vector<std::string> removed;             ///< Complete backups removed (or that would be).
  std::vector<std::string> incomplete_removed;  ///< Runs without a manifest removed.
  int64_t objects_deleted = 0;
  bool dry_run = false;
};

/// {"kept","removed","incompleteRemoved","objectsDeleted","dryRun"}.
Json PruneReportToJson(const PruneReport& report);

/// {"id","database","tenant","collection","versioned","asOf"(runtime),"startedAt",
///  "finishedAt","records","bytes","storedBytes","parts":[...],"configFingerprint",
///  "withContent","contentBlobs","contentBytes","daySnapshot"}; times as RFC 3339.
Json BackupManifestToJson(const BackupManifest& manifest);
/// {"id","records","created","replaced","unchanged","deleted","dryRun"}.
Json RestoreReportToJson(const RestoreReport& report);

}  // namespace xronox
