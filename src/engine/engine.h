// Engine: the write protocol, reads, history, diff, restore, query and verify over the two
// store contracts. It sees only HotStore and ObjectStore, never a concrete backend.
// Thread-safety: safe from many threads and processes; all coordination goes through the
// stores (unique inserts, create-only objects, conditional head writes).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "engine/aged_history.h"
#include "engine/version_object.h"
#include "router/binding.h"
#include "xronox/backup.h"
#include "xronox/config.h"
#include "xronox/retention.h"
#include "xronox/status.h"
#include "xronox/types.h"

namespace xronox {

/// What a write asks for.
struct WriteIntent {
  /// kEnrich: a deep merge that only adds, arrays united (engine/enrich.h).
  enum class Kind { kCreate, kPut, kMerge, kDelete, kRestore, kEnrich };
  Kind kind = Kind::kPut;
  Json body;                    ///< Data (create, put), merge patch or enrich patch.
  int64_t restore_version = 0;  ///< kRestore: the version to copy.
  /// kCreate: the id was generated for this write, so no head can exist and the first attempt
  /// skips reading it (a collision still fails at the unique inserts and is re-read).
  bool generated_id = false;
  /// The content service's own writes may set a property to a {"$content": ...} reference;
  /// any other write may only keep the reference a property already holds, so that no client
  /// can point a record at a blob that was never uploaded to it.
  bool sets_content = false;
  /// kPut restoring a backup: on runtime the write is a restore (Operation::kRestore), and a
  /// deleted record takes the body as a new version instead of answering Conflict.
  bool restores_backup = false;
};

/// The audit entry of a version row (payload_removed unset: it needs the record's aged mark).
VersionInfo InfoFromRow(const store::VersionRow& row);

/// Report `text` as garbage in `report`; with `repair`, run `fix` and count it as removed.
/// Shared by the engine's verify and the content service's.
template <typename Fix>
Status NoteGarbage(VerifyReport& report, bool repair, std::string text, Fix fix) {
  report.garbage.push_back(std::move(text));
  if (!repair) return Status::Ok();
  XRONOX_RETURN_IF_ERROR(fix());
  ++report.garbage_removed;
  return Status::Ok();
}

/// Most records one query page reads (matching or not) before it returns with `next`.
inline constexpr int kMaxExaminedPerPage = 1000;
/// Longest one query page reads records (by the engine's clock) before it returns with `next`.
inline constexpr TimestampMicros kMaxScanMicrosPerPage = 1'000'000;
/// A query page with raw data takes no further record once its records' data reach this many
/// bytes (so one page holds at most this plus one record).
inline constexpr size_t kMaxPageBytes = size_t{16} << 20;

/// What Engine::Expire removed (or, on a dry run, would remove).
struct ExpireReport {
  int64_t examined = 0;  ///< Records looked at.
  int64_t removed = 0;   ///< Written before the cutoff and deleted.
  int64_t held = 0;      ///< Written before the cutoff, kept by a record hold.
};

/// A run of Engine::AgeHistory: which version payloads of a runtime collection age out.
struct HistoryAgeOptions {
  /// Versions superseded (their next version written) before this instant age out.
  std::optional<TimestampMicros> cutoff;
  int max_per_item = 0;  ///< Versions older than each record's newest this many age out; 0: none.
  bool dry_run = false;  ///< Count only.
  /// Called before each record and each step of a record's versions: the caller's renewal and
  /// cancellation point (an error stops the run and is returned).
  std::function<Status()> keep_alive;
};

/// What Engine::AgeHistory removed (or, on a dry run, would remove).
struct HistoryAgeReport {
  int64_t examined = 0;               ///< Records looked at.
  int64_t versions_removed = 0;       ///< Version payloads removed (their skeletons stay).
  int64_t held = 0;                   ///< Records with payloads to remove, kept by a record hold.
  std::vector<std::string> problems;  ///< Records skipped for damage that verify reports.
};

/// A run of Engine::Offload.
struct OffloadRunOptions {
  TimestampMicros cutoff = 0;  ///< Records last changed before this instant move.
  bool dry_run = false;        ///< Count only.
  /// Called before each record (an error stops the run and is returned).
  std::function<Status()> keep_alive;
  int max_records_per_second = 0;             ///< Moves paced to this many a second (0: not).
  int64_t part_max_bytes = int64_t{1} << 20;  ///< A part is written once its entries reach this.
  /// Entries waiting for their part, over every day, are written once they reach this.
  int64_t buffered_max_bytes = int64_t{32} << 20;
};

/// A page of records in id order (Engine::ScanRecords).
struct ScanPage {
  std::vector<Record> records;
  std::optional<std::string> next_after;  ///< Scan on after this id; nullopt at the end.
};

class Engine {
 public:
  Engine(EngineOptions options, Clock* clock) : options_(options), clock_(clock) {}

  Result<WriteResult> Write(const Binding& b, const std::string& id, const WriteIntent& intent,
                            const WriteOptions& options);
  /// Create one record per entry (1 to kMaxAppendEntries, each a JSON object, moved from) on an
  /// unversioned collection, with generated ids in the entries' order: those that stay inline
  /// in one HotStore::CreateHeads call. An invalid entry fails the call before anything is
  /// written (its index in the message).
  Result<AppendResult> Append(const Binding& b, std::vector<Json>& entries,
                              const WriteOptions& options);
  /// Create a record of `data`, or merge `data` (as a JSON merge patch: objects merged at every
  /// depth, arrays and other values replaced, null removes) into the live record that holds
  /// its values of the collection's natural keys (natural_keys.cc). WriteResult::created says
  /// which. Concurrent upserts of the same values make one record.
  Result<WriteResult> Upsert(const Binding& b, const Json& data, const WriteOptions& options);
  /// What Upsert checks before it reads anything: natural keys configured, not logs, options.
  static Status CheckUpsert(const Binding& b, const Json& data, const WriteOptions& options);
  /// What Append checks before it reads an entry: the type, the number of entries, options.
  static Status CheckAppend(const Binding& b, size_t entries, const WriteOptions& options);
  Result<Record> Get(const Binding& b, const std::string& id, const GetOptions& options);
  Result<HistoryPage> History(const Binding& b, const std::string& id,
                              const HistoryOptions& options);
  Result<Json> Diff(const Binding& b, const std::string& id, int64_t from, int64_t to);
  /// One page of records matching `filter`. A page examines at most kMaxExaminedPerPage
  /// records, for at most kMaxScanMicrosPerPage, so it may hold fewer than `limit` records
  /// (even none) and still have `next`.
  Result<QueryPage> Query(const Binding& b, const Json& filter, const QueryOptions& options);
  /// Check a query's filter, limit, cursor and instant as Query does, without reading anything.
  Status ValidateQuery(const Binding& b, const Json& filter, const QueryOptions& options);
  Result<VerifyReport> Verify(const Binding& b, bool repair);
  /// Records after id `after`, in id order, from at most `limit` heads: the live ones now, or
  /// (runtime) those live at `as_of`, as they were then. `next_after` is set while heads remain.
  /// With `raw_data`, each record's data is in Record::data_text (as GetOptions::raw_data).
  Result<ScanPage> ScanRecords(const Binding& b, const std::string& after, int limit,
                               std::optional<TimestampMicros> as_of, bool raw_data = false);

  /// Make every record of a runtime collection as it was at `options.as_of`: one version per
  /// record that differs (point_in_time.cc).
  Result<AsOfRestoreReport> RestoreAsOf(const Binding& b, const AsOfRestoreOptions& options);

  /// Re-create a collection's hot-store rows from the object store after the hot store lost
  /// them (rebuild.cc): on runtime every record's head and version index from its version
  /// objects; elsewhere nothing can be, and the records whose payload objects remain are named.
  /// Run with no writer on the collection. Idempotent: rows already there are kept.
  Result<RebuildReport> Rebuild(const Binding& b);

  /// Conflict (reason legal_hold) when a legal hold covers deleting record `id` of `b` (a hold
  /// on its database, collection or the record), or with `id` empty, anything in the collection
  /// (holds.cc). Every delete passes here.
  Status CheckNotHeld(const Binding& b, const std::string& id);

  /// Delete outright the records of an append-only (logs) collection written before `cutoff`
  /// that no record hold covers (expire.cc); with `dry_run` count them only. The caller checks
  /// database and collection holds.
  /// `keep_alive` is called before each record (an error stops the run and is returned).
  Result<ExpireReport> Expire(const Binding& b, TimestampMicros cutoff, bool dry_run,
                              const std::function<Status()>& keep_alive = {});

  /// Remove the payloads of the versions of a runtime collection that are past its history
  /// retention, leaving each one's audit skeleton (history_retention.cc). Never a record's
  /// current version. The caller checks database and collection holds and holds the
  /// collection's retention job lease (one run at a time writes the marks).
  Result<HistoryAgeReport> AgeHistory(const Binding& b, const HistoryAgeOptions& options);

  /// Move the records of a non-versioned collection last changed before `options.cutoff` into
  /// parts of its day under {records}/{c}/.offload/ (offload.cc, docs/formats/offload.md), and
  /// delete the parts no record points into. The caller holds the collection's offload lease.
  Result<OffloadReport> Offload(const Binding& b, const OffloadRunOptions& options);
  /// `head` as it was before it was offloaded (read from its part), or `head` itself.
  Result<store::HeadRow> WholeHead(const Binding& b, store::HeadRow head);
  /// GetHead, with an offloaded record's whole head.
  Result<std::optional<store::HeadRow>> GetWholeHead(const Binding& b, const std::string& id);

  const EngineOptions& options() const { return options_; }
  Clock* clock() const { return clock_; }

  // Entry points for the verifier (verify.cc).
  Result<VersionObject> ReadVersionForVerify(const Binding& b, const store::VersionRow& row) {
    return ReadVersion(b, row);
  }
  Result<int> RollForwardForVerify(const Binding& b, const std::string& id) {
    return RollForward(b, id);
  }
  Status RecoverLargeClaimForVerify(const Binding& b, const std::string& id) {
    return RecoverLargeClaim(b, id);
  }

  /// Now less the claim lease: work begun before it has outlived its lease (its writer is
  /// presumed gone). The one definition of the cutoff, for claims, leftovers and verify.
  TimestampMicros LeaseCutoff() const {
    return clock_->NowMicros() - options_.claim_lease_seconds * 1'000'000;
  }
  /// True when work begun at `started` is older than the claim lease.
  bool LeaseExpired(TimestampMicros started) const { return started < LeaseCutoff(); }

  struct Plan;  // The next state of a record, computed from its head (engine_internal.h).
  struct NaturalKeyHolder;  // The record a natural-key claim names, and its state.
  struct HeldNaturalKey;    // The natural-key claim one write holds across its attempts.
  class Offloader;          // One offload run (offload.cc).

 private:
  Result<WriteResult> WithRecord(const Binding& b, WriteResult result, bool raw_data);
  Result<WriteResult> WriteIdempotent(const Binding& b, const std::string& id,
                                      const WriteIntent& intent, const WriteOptions& options);
  /// The idempotency claim of one write attempt (idempotency.cc).
  struct IdempotencyClaim {
    store::ClaimRow row;
    std::string request;   ///< Hash of the request.
    std::string write_id;  ///< The record written (an earlier attempt's, when taken over).
    bool held = false;     ///< Whether `row` is inserted and owned by this attempt.
  };
  Result<std::optional<WriteResult>> SettleEarlierClaim(const Binding& b, IdempotencyClaim& claim,
                                                        const store::ClaimRow& earlier,
                                                        const WriteOptions& options);
  Result<std::optional<WriteResult>> FinishedByEarlierAttempt(const Binding& b,
                                                              IdempotencyClaim& claim,
                                                              const WriteOptions& options);
  Result<WriteResult> WriteWithRetries(const Binding& b, const std::string& id,
                                       const WriteIntent& intent, const WriteOptions& options);
  Result<Plan> PlanWrite(const Binding& b, const std::string& id,
                         const std::optional<store::HeadRow>& head, const WriteIntent& intent,
                         const WriteOptions& options);
  Status CommitVersioned(const Binding& b, const std::optional<store::HeadRow>& head,
                         const Plan& plan);
  /// Runtime commit on object stores whose create-only Put is not atomic: a claim holding the
  /// version object is the commit point (version_claims.cc).
  Status CommitVersionedClaimed(const Binding& b, const Plan& plan, const std::string& bytes);
  /// The head a committed version leaves: payload inline when small, its hash, the object key.
  Result<store::HeadRow> VersionHead(const Binding& b, const Plan& plan, const std::string& key,
                                     const std::string& entry_hash);
  /// Insert the version row and head of a version whose object is written.
  Status IndexVersion(const Binding& b, const Plan& plan, const std::string& key,
                      const std::string& entry_hash);
  /// The bytes of version `version` of `id` from a pending version claim, when one exists.
  Result<std::optional<store::ClaimRow>> PendingVersionClaim(const Binding& b,
                                                             const std::string& id,
                                                             int64_t version);
  Status CommitPlain(const Binding& b, const std::optional<store::HeadRow>& head, const Plan& plan);
  // Natural keys (natural_keys.cc).
  Result<NaturalKeyHolder> HolderOf(const Binding& b, const store::ClaimRow& claim);
  /// Hold the claim of `plan.natural_key` (dropping one held for other values): Conflict
  /// (natural_key_taken) when a live record holds them.
  Status HoldNaturalKey(const Binding& b, const Plan& plan, HeldNaturalKey& held);
  void DropNaturalKey(const Binding& b, HeldNaturalKey& held);
  /// After a commit: delete the claim of the values the record held before, if it names it.
  void ReleaseNaturalKey(const Binding& b, const Plan& plan);
  /// Rebuild: claim the natural-key values of a rebuilt live record (its claims were lost with
  /// the hot store); values another record holds are a problem of the report.
  Status ReclaimNaturalKey(const Binding& b, const store::HeadRow& head, RebuildReport& report);
  Result<AppendResult> CommitAppend(const Binding& b, std::vector<Plan>& plans,
                                    std::vector<WriteIntent>& intents, const WriteOptions& options);
  Status AppendAgain(const Binding& b, std::vector<Plan>& plans, std::vector<WriteIntent>& intents,
                     size_t index, const WriteOptions& options);
  Status CommitLargePlain(const Binding& b, const std::optional<store::HeadRow>& head,
                          const store::HeadRow& next, std::string_view object_text,
                          std::string* warning);
  /// Add the counts of a head this writer just wrote to its collection's counters, where the
  /// hot store could not add them with the head (CountsCommitWithHead). Returns why not, or "":
  /// the head is written either way, so the writer reports it as the write's warning.
  std::string CountAfterHead(const Binding& b, const store::HeadRow& head);
  /// CountAfterHead for a head rolled forward (for a writer that is gone), as a Status.
  Status CountRolledForward(const Binding& b, const store::HeadRow& head);
  /// Commit version objects that were written but not indexed (a writer died between the
  /// two steps). Returns how many versions were rolled forward.
  /// `rebuilding`: the hot store is being rebuilt with no writer running (Rebuild), so a version
  /// younger than the lease is indexed too.
  Result<int> RollForward(const Binding& b, const std::string& id, bool rebuilding = false);
  /// Roll forward the version after `head`, if one is written (or claimed) but not indexed.
  Result<bool> RollForwardNext(const Binding& b, const std::string& id,
                               const std::optional<store::HeadRow>& head, bool rebuilding);
  /// Index a version object found unindexed (or, with `skeleton`, a version whose payload
  /// retention removed: its head holds no data).
  Status IndexRolledVersion(const Binding& b, const std::optional<store::HeadRow>& head,
                            const VersionObject& object, const std::string& key,
                            const std::string& entry_hash,
                            const VersionSkeleton* skeleton = nullptr);
  /// Rebuild: index version `next` of `id` from its skeleton, if it has one (rebuild.cc).
  Result<bool> RollForwardSkeleton(const Binding& b, const std::string& id,
                                   const std::optional<store::HeadRow>& head, int64_t next);
  Status RecoverLargeClaim(const Binding& b, const std::string& id);
  Result<bool> ClaimedObjectWritten(const Binding& b, const store::HeadRow& next);

  Result<Json> ReadCurrentData(const Binding& b, const store::HeadRow& head);
  Status MissingPayload(const Binding& b, const store::HeadRow& head, const Status& read);
  Result<VersionObject> ReadVersion(const Binding& b, const store::VersionRow& row);
  Result<store::VersionRow> FindVersion(const Binding& b, const std::string& id,
                                        const GetOptions& options);
  Result<Record> RecordFromHead(const Binding& b, store::HeadRow head, bool raw_data = false);
  /// The record as version `row` left it; `created_at` from its head (else the version's time).
  Result<Record> RecordAtVersion(const Binding& b, const store::VersionRow& row,
                                 std::optional<TimestampMicros> created_at, bool raw_data);
  /// The record a scanned head holds now (nullopt when it is gone), or as of `as_of` (scan.cc).
  Result<std::optional<Record>> CurrentRecord(const Binding& b, store::HeadRow head, bool raw_data);
  Result<bool> RemoveExpired(const Binding& b, const store::HeadRow& head);
  Status RebuildRecord(const Binding& b, const std::string& id, int64_t last_version,
                       RebuildReport& report);
  Result<std::optional<Record>> QueriedRecord(const Binding& b, const store::HeadRow& head,
                                              const QueryOptions& options);
  Result<std::optional<Record>> RecordAsOf(const Binding& b, store::HeadRow head,
                                           TimestampMicros as_of, bool raw_data);

  /// The last version of `head`'s record whose payload `options` ages out (-1: none), at least
  /// `mark.through`.
  Result<int64_t> AgeTarget(const Binding& b, const store::HeadRow& head, const AgedMark& mark,
                            const HistoryAgeOptions& options);
  /// Age one record's history as `options` say; Corruption when its history is damaged.
  Status AgeRecord(const Binding& b, const store::HeadRow& head, const HistoryAgeOptions& options,
                   HistoryAgeReport& report);
  /// Remove the payloads of versions mark.through+1..through of `id`, a batch at a time.
  Status AgeVersions(const Binding& b, const std::string& id, AgedMark& mark, int64_t through,
                     const std::function<Status()>& keep_alive);
  /// Delete the objects of the step a run left in progress (mark.removing) and mark it done.
  Status FinishRemoval(const Binding& b, const std::string& id, AgedMark& mark);
  /// Write the skeleton of version `row` (create-only: one left by an earlier run stays).
  Status WriteSkeleton(const Binding& b, const store::VersionRow& row);

  Status RestoreRecordAsOf(const Binding& b, store::HeadRow head, const AsOfRestoreOptions& options,
                           const WriteOptions& write, AsOfRestoreReport& report);

  EngineOptions options_;
  Clock* clock_;
};

}  // namespace xronox
