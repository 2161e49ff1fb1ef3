// HotStore: the contract every hot-store backend (SQLite, MongoDB, memory) implements.
// Thread-safety: every implementation is safe to call from many threads at once.
//
// Per database (`db`) and collection `{c}` a backend keeps four stores
// (docs/formats/storage-layout.md):
//   {c}_head     one row per record: current state, pointers, indexed property values
//   {c}_ver      one row per (record, version): the version index (runtime only: only a
//                versioned CollectionRef has it)
//   {c}_counter  named counters of the collection, among them the record counts that every
//                head write changes (in the runtime tenant's analytics database when it has one)
//   {c}_locks    claims: unique keys whose insert is the only mutual exclusion we rely on
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "xronox/status.h"
#include "xronox/types.h"

namespace xronox::store {

/// A collection of one hot-store database.
struct CollectionRef {
  std::string db;          ///< Hot-store database name (config dbName).
  std::string collection;  ///< Collection name, already validated.
  /// The collection keeps a version index ({c}_ver): runtime's collections. EnsureCollection
  /// creates {c}_ver only for a versioned ref; version operations need one.
  bool versioned = true;
  /// Hot-store database of the collection's {c}_counter: a runtime tenant's analyticsDbName;
  /// empty means `db`.
  std::string counter_db;
  const std::string& CounterDb() const { return counter_db.empty() ? db : counter_db; }
};

/// How many times one record was created, updated and deleted, kept in its head so that the
/// collection's counters can be recounted from the heads. -1 in `created`: the head was
/// written before heads kept tallies (the engine then estimates them from its version).
struct RecordTally {
  int64_t created = 0;
  int64_t updated = 0;
  int64_t deleted = 0;
};

/// The current state of one record.
struct HeadRow {
  std::string id;
  int64_t version = 0;
  bool deleted = false;
  std::string data;          ///< Payload JSON text when inline; empty when it lives elsewhere.
  std::string payload_key;   ///< Object key of the payload when not inline; else empty.
  std::string payload_hash;  ///< sha256 hex of the payload JSON text.
  std::string entry_hash;    ///< Runtime: sha256 hex of the latest version object; else empty.
  TimestampMicros created_at = 0;
  TimestampMicros updated_at = 0;
  std::string actor;
  std::string reason;
  std::string on_behalf_of;
  std::string indexed;  ///< JSON object: {"prop.path": value} for the collection's indexed props.
  RecordTally tally;    ///< Stored with the row.
  /// Not stored in the row: what this head write adds to the collection's counters. WriteHead
  /// and CommitVersion add it when the head is written, in the same transaction where
  /// CountsCommitWithHead(); else the caller adds it with AddCounts once the head is written.
  CollectionCounts counts_delta;
};

/// One entry of the version index; the payload is in the version object, never here.
struct VersionRow {
  std::string id;
  int64_t version = 0;
  std::string op;  ///< "create", "update", "delete", "restore".
  std::string actor;
  std::string reason;
  std::string on_behalf_of;
  TimestampMicros at = 0;
  std::string changed_fields;  ///< JSON array of JSON Pointers (older versions: top-level names).
  std::string payload_key;     ///< Object key of the version object.
  std::string entry_hash;      ///< sha256 hex of the version object bytes.
  std::string prev_hash;       ///< entry_hash of the previous version; empty for version 0.
  bool deleted = false;
  std::string idempotency_key;
};

/// A claim: a row whose unique key grants its owner exclusive right to some work.
struct ClaimRow {
  std::string key;
  std::string owner;  ///< Random id of the claiming attempt.
  TimestampMicros at = 0;
  std::string body;  ///< JSON text: what the owner intends or achieved.
};

/// A predicate on one indexed property, pushed down to the backend.
struct Condition {
  enum class Op { kEq, kNe, kGt, kGte, kLt, kLte, kIn };
  std::string path;  ///< Indexed property path, e.g. "status" or "address.city".
  Op op = Op::kEq;
  Json value;  ///< A scalar, or an array for kIn.
};

enum class Order { kAscending, kDescending };

/// The ids a head scan covers, and the order it returns them in. Converts from the `after_id`
/// of an ascending scan, which most scans are.
struct IdRange {
  IdRange(std::string after = {}) : after_id(std::move(after)) {}  // NOLINT: implicit on purpose
  IdRange(const char* after) : after_id(after) {}                  // NOLINT: implicit on purpose
  std::string after_id;             ///< Only ids > after_id; empty: no lower bound.
  std::string before_id;            ///< Only ids < before_id; empty: no upper bound.
  Order order = Order::kAscending;  ///< kDescending: the largest ids first.
};

/// Which versions ScanVersions returns: every condition given must hold.
struct VersionFilter {
  std::string actor;         ///< Written by this actor; empty: any.
  TimestampMicros from = 0;  ///< Written at or after this instant; 0: no lower bound.
  TimestampMicros to = 0;    ///< Written before this instant; 0: no upper bound.
  /// Changed this field (a JSON Pointer, "/address/city"): it or a field inside it changed, or
  /// a field around it was set whole ("/address" replaced, as a create sets every field); empty:
  /// any. A version of an older write, whose changed fields are top-level names, changed
  /// "/{name}".
  std::string field;
};

/// Where a ScanVersions page ends: the next page holds the versions after it in the scan's
/// order (time, then id, then version, each descending).
struct VersionPosition {
  TimestampMicros at = 0;
  std::string id;
  int64_t version = 0;
};

/// Whether a write conditional on a head's version was refused only because the head has moved
/// on (Conflict: another version) or is gone (NotFound): the record stays as it is, which a
/// background job that rewrites heads takes as "not this one", not as an error.
inline bool IsStaleHeadRefusal(const Status& status) {
  return status.code() == StatusCode::kConflict || status.code() == StatusCode::kNotFound;
}

class HotStore {
 public:
  virtual ~HotStore() = default;

  /// True when WriteHead with an expected version and UpdateClaim are atomic against concurrent
  /// writers of the same row (SQLite, MongoDB). False where the server may apply two
  /// conditional writes that both matched (FerretDB v1): the engine then guards head writes
  /// with claims.
  virtual bool ConditionalWritesAreAtomic() const { return true; }

  /// True when WriteHead and CommitVersion add `head.counts_delta` to the collection's counters
  /// atomically with the head (SQLite, memory). False where no transaction spans the two
  /// (MongoDB): the caller adds them with AddCounts after the head is written.
  virtual bool CountsCommitWithHead() const { return true; }

  /// Create the collection's stores ({c}_ver only when `ref.versioned`) and its indexes if
  /// missing (idempotent). Refuses
  /// (CheckNameCase: reason "name_case_conflict") a database or collection name that differs
  /// only in letter case from a stored one.
  virtual Status EnsureCollection(const CollectionRef& ref,
                                  const std::vector<std::string>& indexed_props) = 0;
  /// True when the collection exists under exactly this database and collection name (a name
  /// that differs only in case is another collection). Creates nothing.
  virtual Result<bool> CollectionExists(const CollectionRef& ref) = 0;
  /// Names of the databases that hold at least one collection, sorted.
  virtual Result<std::vector<std::string>> ListDatabases() = 0;
  /// Names of the collections that exist in `db`, sorted.
  virtual Result<std::vector<std::string>> ListCollections(const std::string& db) = 0;

  virtual Result<std::optional<HeadRow>> GetHead(const CollectionRef& ref,
                                                 const std::string& id) = 0;
  /// Insert (expected_version empty: AlreadyExists when present) or replace the head
  /// (only if its version equals expected_version: Conflict otherwise, NotFound if absent).
  virtual Status WriteHead(const CollectionRef& ref, const HeadRow& head,
                           std::optional<int64_t> expected_version) = 0;
  /// Insert a version row and write the head as WriteHead does, atomically where the backend
  /// can (SQLite) and version row first where it cannot. AlreadyExists if the version exists.
  virtual Status CommitVersion(const CollectionRef& ref, const VersionRow& version,
                               const HeadRow& head, std::optional<int64_t> expected_version) = 0;
  /// Insert each head as a new record (create-only): per head Ok or AlreadyExists, in order.
  /// Each head written adds its counts_delta to the collection's counters with it where
  /// CountsCommitWithHead(); else the caller adds those of the heads written. For appends in
  /// bulk: SQLite inserts the batch in one transaction (an error of the whole call then means
  /// none was written); MongoDB sends one unordered insert_many, after whose error of the whole
  /// call some heads may be written (a retry of the same heads finds them AlreadyExists). The
  /// default calls WriteHead for each.
  virtual Result<std::vector<Status>> CreateHeads(const CollectionRef& ref,
                                                  const std::vector<HeadRow>& heads) {
    std::vector<Status> results;
    results.reserve(heads.size());
    for (const HeadRow& head : heads) {
      Status written = WriteHead(ref, head, std::nullopt);
      if (!written.ok() && written.code() != StatusCode::kAlreadyExists) return written;
      results.push_back(std::move(written));
    }
    return results;
  }
  /// Replace each head by one much smaller at the same version (an offloaded record's), each
  /// only if the stored head is still at that version: per head Ok, Conflict (another version)
  /// or NotFound, in order; an error of the whole call means none was written. Written so that
  /// the backend reclaims the space the old rows took, and for a background job that runs
  /// beside foreground writes: SQLite does the batch in one transaction, each head a delete and
  /// an insert (an update that shrinks a row leaves its B-tree pages as they were, a delete
  /// merges pages that it leaves underfull), committed without waiting for its fsync. A power
  /// cut may undo such a batch, which leaves its records whole as before; the caller must be
  /// content with that. The default calls WriteHead for each.
  virtual Result<std::vector<Status>> ShrinkHeads(const CollectionRef& ref,
                                                  const std::vector<HeadRow>& heads) {
    std::vector<Status> results;
    results.reserve(heads.size());
    for (const HeadRow& head : heads) {
      Status written = WriteHead(ref, head, head.version);
      if (!written.ok() && !IsStaleHeadRefusal(written)) return written;
      results.push_back(std::move(written));
    }
    return results;
  }
  /// Remove the head of `id` outright (retention of append-only records: no tombstone stays),
  /// only if its version is `expected_version`: NotFound when absent, Conflict when at another
  /// version. The counters are not touched: the caller adds the change with AddCounts.
  virtual Status DeleteHead(const CollectionRef& ref, const std::string& id,
                            int64_t expected_version) = 0;
  /// Insert a version row alone (roll-forward); AlreadyExists if present.
  virtual Status InsertVersion(const CollectionRef& ref, const VersionRow& version) = 0;

  virtual Result<std::optional<VersionRow>> GetVersion(const CollectionRef& ref,
                                                       const std::string& id, int64_t version) = 0;
  /// The latest version of `id` written at or before `at` (ties: the highest version).
  virtual Result<std::optional<VersionRow>> GetVersionAsOf(const CollectionRef& ref,
                                                           const std::string& id,
                                                           TimestampMicros at) = 0;
  /// Versions of `id` in `order`, starting after version `start_after` when given.
  virtual Result<std::vector<VersionRow>> ListVersions(const CollectionRef& ref,
                                                       const std::string& id,
                                                       std::optional<int64_t> start_after,
                                                       int limit, Order order) = 0;

  /// Heads with ids in `range`, in its order, at most `limit`, matching every condition
  /// (conditions name indexed properties only). Deleted heads only when include_deleted.
  virtual Result<std::vector<HeadRow>> ScanHeads(const CollectionRef& ref, const IdRange& range,
                                                 int limit,
                                                 const std::vector<Condition>& conditions,
                                                 bool include_deleted) = 0;

  /// The collection's versions that match `filter`, newest first (by time, then id, then
  /// version, each descending), those after `after` when given, at most `limit` (positive).
  /// Served from indexes on every backend, so that a page costs the versions it reads in order,
  /// not the collection's whole history: by field when `filter.field` is set (one range per
  /// key of FieldQueryKeys, merged), else by actor when set, else by time. An unversioned ref
  /// has none.
  virtual Result<std::vector<VersionRow>> ScanVersions(const CollectionRef& ref,
                                                       const VersionFilter& filter,
                                                       const std::optional<VersionPosition>& after,
                                                       int limit) = 0;

  /// Insert a claim; AlreadyExists when the key is taken.
  virtual Status InsertClaim(const CollectionRef& ref, const ClaimRow& claim) = 0;
  virtual Result<std::optional<ClaimRow>> GetClaim(const CollectionRef& ref,
                                                   const std::string& key) = 0;
  /// Replace the body of a claim held by `claim.owner`; NotFound if not held by that owner.
  virtual Status UpdateClaim(const CollectionRef& ref, const ClaimRow& claim) = 0;
  /// Delete a claim if `owner` holds it (ok when absent or held by another owner: no-op).
  virtual Status DeleteClaim(const CollectionRef& ref, const std::string& key,
                             const std::string& owner) = 0;
  /// Claims whose key starts with `prefix`, in key order.
  virtual Result<std::vector<ClaimRow>> ListClaims(const CollectionRef& ref,
                                                   const std::string& prefix) = 0;

  /// Add `delta` to a named counter (created at 0) and return the new value.
  virtual Result<int64_t> IncrementCounter(const CollectionRef& ref, const std::string& name,
                                           int64_t delta) = 0;

  /// The collection's record counters (in ref.CounterDb()); zeros when none is stored.
  virtual Result<CollectionCounts> GetCounts(const CollectionRef& ref) = 0;
  /// Add `delta` to the record counters, atomically against concurrent adders.
  virtual Status AddCounts(const CollectionRef& ref, const CollectionCounts& delta) = 0;
  /// Replace the record counters (a recount: verify --repair).
  virtual Status SetCounts(const CollectionRef& ref, const CollectionCounts& counts) = 0;
};

/// Return the text form of a condition operator ("$eq", "$gt", ...).
const char* ConditionOpName(Condition::Op op);

}  // namespace xronox::store
