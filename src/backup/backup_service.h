// Backups of one collection into its database's backups bucket, and restore from them
// (docs/formats/backups.md): records read through the engine (runtime: as of one instant, from
// version history), written as zstd NDJSON parts under a run folder, then a manifest, then the
// day's snapshot.json once the parts read back whole.
// Thread-safety: safe from many threads; runs of one collection may overlap (each has its own
// run folder).
#pragma once

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "engine/engine.h"
#include "router/binding.h"
#include "xronox/backup.h"
#include "xronox/content.h"

namespace xronox {

/// Most uncompressed bytes of one part before the next part starts.
inline constexpr int64_t kBackupPartBytes = int64_t{8} << 20;
/// Longest record line a part may hold (a record's JSON text is far below it).
inline constexpr size_t kMaxBackupLineBytes = size_t{64} << 20;

class BackupService {
 public:
  explicit BackupService(Engine& engine) : engine_(engine) {}

  /// Back up the collection of `b` (which must exist and have its keys scoped).
  Result<BackupManifest> Create(const Binding& b, const BackupOptions& options);
  /// Names of the collections of `b`'s database (its collection is ignored) that have anything
  /// in its backups bucket, sorted.
  Result<std::vector<std::string>> Collections(const Binding& b);
  /// The collection's backups: complete ones newest first, and run folders without a manifest.
  Result<BackupList> List(const Binding& b);
  /// The manifest of `backup_id`: "{YYYY-MM-DD}/{run}", "{YYYY-MM-DD}" or "latest".
  Result<BackupManifest> Find(const Binding& b, const std::string& backup_id);
  /// Re-read every part of a backup, checking hashes, sizes, counts and id order.
  Result<BackupCheck> Verify(const Binding& b, const std::string& backup_id);
  /// Remove the collection's backups past what `options` keeps (backup_prune.cc).
  Result<PruneReport> Prune(const Binding& b, const PruneOptions& options);
  /// Restore the backup `backup_id` of `source`'s collection into `into`'s collection, which
  /// must exist unless this is a dry run (then `into_exists` says whether it does).
  Result<RestoreReport> Restore(const Binding& source, const std::string& backup_id,
                                const Binding& into, const RestoreOptions& options,
                                bool into_exists = true);

 private:
  Engine& engine_;
};

/// Keys asked of the object store per listing page in the backups bucket.
inline constexpr int kBackupListPage = 1000;
/// Call `visit` for every object under `prefix` in the backups bucket, page by page; stops at
/// the first error `visit` returns.
Status ForEachBackupObject(const Binding& b, const std::string& prefix,
                           const std::function<Status(const store::ObjectInfo&)>& visit);
/// Refuses a database type that keeps no backups (logs) or a binding without an object store.
Status CheckBackupsKept(const Binding& b);
/// The folder of the collection's backups: "{backups prefix}/{collection}/".
std::string BackupRoot(const Binding& b);
/// The stored form of a manifest (BackupManifestToJson and a format tag), and back.
std::string ManifestText(const BackupManifest& manifest);
Result<BackupManifest> ParseManifest(const std::string& text, const std::string& key);
/// Where a backup keeps the bytes of a blob it copied: "{run folder}content/{sha256}".
std::string BackupBlobKey(const std::string& folder, const std::string& sha256);
/// The content references of a record's data: (property, what it holds).
std::vector<std::pair<std::string, ContentInfo>> ContentReferences(const Json& data);
/// Stream `from`'s bucket/key into `to`'s, create-only; the bytes copied (0: it was there).
Result<int64_t> CopyObject(store::ObjectStore& from, const std::string& from_bucket,
                           const std::string& from_key, store::ObjectStore& to,
                           const std::string& to_bucket, const std::string& to_key);
/// Copy into the backup's `folder` the blobs `record` (read with raw data) references, once
/// each, counting them in `manifest`.
Status BackUpContent(const Binding& b, const std::string& folder, const Record& record,
                     BackupManifest& manifest);
/// Re-hash every blob of a backup against its name and its count against the manifest.
Status CheckBlobs(const Binding& b, const std::string& folder, const BackupManifest& m,
                  std::vector<std::string>* problems);
/// How much of a part CheckPart reads: its bytes (hash, size, line count: enough for a part
/// just written) or also every record in it (JSON, ids in order, first and last id).
enum class PartCheck { kBytes, kRecords };
/// Check one part against its manifest entry; problems appended.
Status CheckPart(const Binding& b, const std::string& folder, const BackupPart& part,
                 PartCheck depth, std::vector<std::string>* problems);

}  // namespace xronox
