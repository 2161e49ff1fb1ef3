// Xronox: open a configured store and operate on its collections.
// Thread-safety: Xronox and Collection are safe to use from many threads at once.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "xronox/audit.h"
#include "xronox/backup.h"
#include "xronox/config.h"
#include "xronox/content.h"
#include "xronox/metrics.h"
#include "xronox/retention.h"
#include "xronox/status.h"
#include "xronox/types.h"

namespace xronox {

struct XronoxState;  // Internal: backends and engine.
struct Binding;      // Internal: a resolved target.

/// The operations on one collection, bound by Xronox::With.
class Collection {
 public:
  /// Create a record with a new id; returns the id and version 0.
  /// `data` is taken by value: move a large body in to spare a copy.
  Result<WriteResult> Create(Json data, const WriteOptions& options);
  /// Create one record per entry (1 to kMaxAppendEntries JSON objects) with new ids in the
  /// entries' order, on the unversioned types: what logs are written with, in bulk (one
  /// transaction on SQLite). An invalid entry fails the call before anything is written.
  Result<AppendResult> Append(std::vector<Json> entries, const WriteOptions& options);
  /// Create a record of `data`, or merge `data` into the live record that has the same values of
  /// the collection's natural keys (collectionMaps.{c}.naturalKeys) as a merge patch (objects
  /// merged at every depth, arrays replaced, null removes). WriteResult::created says which;
  /// concurrent upserts of the same values make one record.
  Result<WriteResult> Upsert(Json data, const WriteOptions& options);
  /// Create (id absent) or replace (id present) a record by id.
  Result<WriteResult> Put(const std::string& id, Json data, const WriteOptions& options);
  /// Merge `patch` into the record (RFC 7396 merge patch).
  Result<WriteResult> Update(const std::string& id, Json patch, const WriteOptions& options);
  /// Add `patch` to the record: objects merge at every depth, arrays gain the elements they
  /// lack (no duplicates), other values are replaced; nothing is removed (a null in the patch is
  /// refused). One write (a version on runtime); unchanged when nothing is new.
  Result<WriteResult> Enrich(const std::string& id, Json patch, const WriteOptions& options);
  /// Delete a record: on runtime, a soft delete recorded as a version.
  Result<WriteResult> Delete(const std::string& id, const WriteOptions& options);
  /// Read a record: current, at a version, or as of a time.
  Result<Record> Get(const std::string& id, const GetOptions& options = {});
  /// Page through a record's audit trail (runtime only).
  Result<HistoryPage> History(const std::string& id, const HistoryOptions& options = {});
  /// RFC 6902 JSON Patch from version `from` to version `to` (runtime only).
  Result<Json> Diff(const std::string& id, int64_t from, int64_t to);
  /// Write a new version equal to `version` (runtime only; history only grows).
  Result<WriteResult> Restore(const std::string& id, int64_t version, const WriteOptions& options);
  /// Records matching a filter ({"field": value, "a.b": {"$gt": 1}, ...}), ordered by id (from
  /// the largest with QueryOptions::newest_first; on logs, within a time range too).
  Result<QueryPage> Query(const Json& filter, const QueryOptions& options = {});
  /// Start streaming content into `property` (1-128 bytes of [A-Za-z0-9_-]) of existing
  /// record `id`; NotFound when the record does not exist.
  Result<std::unique_ptr<ContentUpload>> BeginContent(const std::string& id,
                                                      const std::string& property,
                                                      const ContentUploadOptions& options);
  /// Store `bytes` as the content of `property` of record `id` (BeginContent, Write, Finish).
  Result<WriteResult> PutContent(const std::string& id, const std::string& property,
                                 std::string_view bytes, const ContentUploadOptions& options);
  /// Open the content of `property` of record `id` (current, at a version or as of a time).
  /// NotFound when the record, or content in that property at that version, does not exist.
  Result<std::unique_ptr<ContentReader>> ReadContent(const std::string& id,
                                                     const std::string& property,
                                                     const ContentReadOptions& options = {});
  /// Remove `property` from record `id` (a record write). On runtime the blob stays for the
  /// history; elsewhere it is deleted once the record write has committed.
  Result<WriteResult> DeleteContent(const std::string& id, const std::string& property,
                                    const WriteOptions& options);
  /// Return a URL that GETs the content's bytes straight from the object store for
  /// `expires_seconds`, with no credentials. NotSupported where the store has no such URLs
  /// (only S3 has them). Offset and length of `options` are ignored.
  Result<std::string> PresignContent(const std::string& id, const std::string& property,
                                     const ContentReadOptions& options, int expires_seconds);

  /// Check every record of this collection; with `repair`, remove or roll forward leftovers
  /// and set the counters to their recount.
  Result<VerifyReport> Verify(bool repair);

  /// The collection's counters (docs/formats/counters.md): records created, updated and
  /// deleted, and live records now. Zeros for a collection that does not exist.
  Result<CollectionCounts> Counters();

  /// Back up this collection into its database's backups bucket (docs/formats/backups.md).
  /// NotFound when the collection does not exist; FailedPrecondition on logs.
  Result<BackupManifest> Backup(const BackupOptions& options = {});
  /// This collection's backups, also after the collection itself is gone.
  Result<BackupList> ListBackups();
  /// Re-read a backup ("latest", "{YYYY-MM-DD}" or "{YYYY-MM-DD}/{run}") and check every part.
  Result<BackupCheck> VerifyBackup(const std::string& backup_id);
  /// Remove this collection's backups past what `options` keeps (never the newest).
  Result<PruneReport> PruneBackups(const PruneOptions& options);
  /// Restore a backup of `source.target` (this collection or another one) into this
  /// collection, creating it when needed (not on a dry run).
  Result<RestoreReport> RestoreBackup(const BackupSource& source, const RestoreOptions& options);

  /// Make every record of this runtime collection as it was at `options.as_of`: a version
  /// for each record changed, created or deleted since (actor and reason required).
  /// NotFound when the collection does not exist; InvalidArgument on the other types.
  Result<AsOfRestoreReport> RestoreAsOf(const AsOfRestoreOptions& options);

  /// After the hot store lost this collection's rows (buckets intact): on runtime re-create
  /// every record's head and version index from its version objects; on the other types name
  /// the records whose payload objects remain, which only a backup restores. Creates the
  /// collection when needed. Run with no writer on the collection; idempotent.
  Result<RebuildReport> Rebuild();

  /// Place a legal hold (docs/formats/holds.md) on this collection's database, this collection,
  /// or its record `id` (HoldScope::kRecord only): deletions it covers are refused until it is
  /// lifted. Actor and reason required; AlreadyExists when that hold is in force.
  Result<LegalHold> PlaceHold(HoldScope scope, const std::string& id, const WriteOptions& audit);
  /// Lift a legal hold; actor and reason required; NotFound when none is in force.
  Result<LegalHold> LiftHold(HoldScope scope, const std::string& id, const WriteOptions& audit);
  /// Delete the records of this logs collection older than its retention policy's days
  /// (docs/formats/retention.md), but those a legal hold keeps. FailedPrecondition when it has
  /// no policy by age; an empty report for a collection that does not exist.
  Result<RetentionReport> ApplyRetention(const RetentionOptions& options = {});
  /// Move this collection's records not changed for its s3Offload.olderThan days (or
  /// options.older_than_days) from the hot store to the object store (docs/formats/offload.md);
  /// they read, query and write as before. FailedPrecondition (reason no_offload) when neither
  /// gives an age; NotSupported on runtime; Conflict (reason job_running) while another run
  /// works on it; an empty report for a collection that does not exist.
  Result<OffloadReport> Offload(const OffloadOptions& options = {});
  /// For each field of record `id` (each leaf of its data, as a JSON Pointer), the version that
  /// last set it, with its actor, time and reason (docs/audit.md). Reads one payload per
  /// version from the newest, and stops once every field has its version. NotSupported
  /// (reason not_versioned) but on runtime; NotFound when the record is absent or deleted.
  Result<BlameReport> Blame(const std::string& id, const BlameOptions& options = {});
  /// The versions of this runtime collection that match `query` (an actor, a time range, a
  /// changed field), newest first, a page at a time (docs/audit.md). NotSupported (reason
  /// not_versioned) on the other types; an empty page for a collection that does not exist.
  Result<VersionsPage> Versions(const VersionQuery& query);
  /// Every legal hold in force on this collection's database (any collection).
  Result<std::vector<LegalHold>> ListHolds();
  /// Every legal hold placed and lifted on this collection's database, oldest first.
  Result<std::vector<HoldEvent>> HoldLog();

  const Target& target() const { return target_; }

  /// A handle on the same collection whose reads (Get, Query, content) and write results include
  /// the collection's hidden fields (collectionMaps.{c}.hiddenFields): for callers allowed to
  /// read them. Every other handle leaves them out. Diff, History, Blame and filters never show
  /// them (docs/formats/hidden-fields.md).
  Collection RevealingHidden() const;

 private:
  friend class Xronox;
  Collection(std::shared_ptr<XronoxState> state, std::shared_ptr<const Binding> binding);
  // Create the collection and its buckets if missing (the first write).
  Status PrepareWrite();
  Result<bool> Exists();
  // NotFound for record `id` unless the collection exists; then PrepareWrite.
  Status PrepareExistingRecord(const std::string& id);
  // NotFound for record `id` unless the collection exists; creates nothing.
  Status NeedExisting(const std::string& id);
  // Create, Put or Update (`kind` as the engine's WriteIntent::Kind) with `body`.
  Result<WriteResult> WriteBody(const std::string& id, int kind, Json& body,
                                const WriteOptions& options);
  // Remove the hidden fields from a record read or written through this handle, unless it
  // reveals them.
  Status Conceal(Record& record) const;
  Result<WriteResult> Concealed(Result<WriteResult> written) const;
  Status CheckContentShown(const std::string& property) const;
  // Shared: a Collection keeps the store open even after its Xronox is destroyed.
  std::shared_ptr<XronoxState> state_;
  std::shared_ptr<const Binding> binding_;
  Target target_;
  bool reveal_hidden_ = false;
};

/// An open store.
class Xronox {
 public:
  /// Open every backend the config names; fails if one cannot be reached or created.
  static Result<std::unique_ptr<Xronox>> Open(const Config& config);
  ~Xronox();

  /// Bind a target; fails for unknown database types, tenants, or invalid names. Creates
  /// nothing: the first write creates the collection (and a new tenant's database and
  /// buckets); reads of a collection that does not exist find no records.
  Result<Collection> With(const Target& target);

  /// List the collections that exist for a target's database (its collection is ignored).
  Result<std::vector<std::string>> ListCollections(const Target& target);

  /// List the collections of a target's database (its collection is ignored) that have
  /// backups, from its backups bucket alone: also those the hot store no longer holds.
  Result<std::vector<std::string>> ListBackedUpCollections(const Target& target);

  /// List the collections of a target's database (its collection is ignored) that have objects
  /// in its versions bucket (runtime) or records bucket (the other types), from the bucket
  /// alone: those a rebuild can look at after the hot store is lost.
  Result<std::vector<std::string>> ListStoredCollections(const Target& target);

  /// Stored names that differ only in letter case (hot-store databases, a database's
  /// collections, folder buckets), one description each; empty when there are none. Such
  /// names are refused since they are one place in some layers and two in others; this finds
  /// those written before (docs/formats/names.md).
  Result<std::vector<std::string>> NameCaseCollisions();

  /// Collection::Versions over every runtime collection of `tenant`, merged newest first.
  Result<VersionsPage> TenantVersions(const std::string& tenant, const VersionQuery& query);

  /// List the tenants of a tenant-tier database type: those configured and, with a tenant
  /// template, those whose database exists in the hot store. Sorted.
  Result<std::vector<std::string>> ListTenants(DatabaseType type);

  /// Every (type, tier, tenant) that has a database: the configured generic databases, and the
  /// tenants of each tenant-tier type (ListTenants), by type. `type` and `tenant` (when given;
  /// "_" is the generic tier) narrow it. Their collections are empty.
  Result<std::vector<Target>> ListDatabaseTargets(std::optional<DatabaseType> type = std::nullopt,
                                                  const std::string& tenant = "");

  /// Ok when every configured backend answers; otherwise Unavailable (or the backend's error)
  /// naming each connection that does not. Sends one small request per connection.
  Status CheckReady();

  /// Counts, errors and latencies of the calls made to each backend since Open, per tier,
  /// connection and operation. Cheap (no backend is contacted); for monitoring.
  BackendMetricsSnapshot BackendMetrics() const;

  const Config& config() const;

 private:
  explicit Xronox(std::shared_ptr<XronoxState> state);
  std::shared_ptr<XronoxState> state_;
};

}  // namespace xronox
