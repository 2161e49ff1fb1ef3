// Retention (docs/formats/retention.md): log records deleted by age, runtime version payloads
// removed by age or count (their audit skeletons stay). Legal holds
// (docs/formats/holds.md): a hold on a database (on runtime: a tenant), a
// collection or a record blocks every deletion there (record deletes, deletes of a restore,
// backup prune, retention) until it is lifted. Placing and lifting are audited: each is an
// entry of the database's hold log with actor, reason and time. Offload
// (docs/formats/offload.md): records not changed for a number of days move from the hot store
// to the object store, and read as before.
// Thread-safety: plain values.
#pragma once

#include <atomic>
#include <optional>
#include <string>
#include <vector>

#include "xronox/types.h"

namespace xronox {

/// What a legal hold covers.
enum class HoldScope { kDatabase, kCollection, kRecord };

/// "database", "collection" or "record".
const char* HoldScopeName(HoldScope scope);
/// Parse a scope name; nullopt when it is none of the three.
std::optional<HoldScope> ParseHoldScope(const std::string& name);

/// A hold in force.
struct LegalHold {
  HoldScope scope = HoldScope::kCollection;
  std::string collection;  ///< Empty for a database hold.
  std::string id;          ///< The record, for a record hold; else empty.
  std::string actor;       ///< Who placed it.
  std::string reason;
  std::string on_behalf_of;
  TimestampMicros placed_at = 0;
};

/// One entry of a database's hold log: a hold placed or lifted.
struct HoldEvent {
  bool placed = true;  ///< False: lifted.
  LegalHold hold;      ///< The hold (as placed).
  std::string actor;   ///< Who placed or lifted it.
  std::string reason;
  std::string on_behalf_of;
  TimestampMicros at = 0;
};

/// A retention run over one collection (Collection::ApplyRetention).
struct RetentionOptions {
  bool dry_run = false;  ///< Count what would be removed; delete nothing.
  /// When set and it becomes true, the run stops before its next record (or step of a
  /// record's versions) with Unavailable, reason cancelled; what it removed stays removed.
  const std::atomic<bool>* stop = nullptr;
};

/// What a retention run removed (or, with dry_run, would remove). On logs, records written
/// before the cutoff go; on runtime, the payloads of versions superseded before the cutoff or
/// older than each record's newest max_per_item (their audit skeletons stay).
struct RetentionReport {
  int days = 0;                  ///< The policy applied (0: no bound by age).
  int max_per_item = 0;          ///< Runtime: version payloads kept per record (0: no bound).
  TimestampMicros cutoff = 0;    ///< Logs: records written before; runtime: versions superseded
                                 ///< before this instant go (0 when days is 0).
  int64_t examined = 0;          ///< Records looked at.
  int64_t removed = 0;           ///< Logs: records deleted.
  int64_t versions_removed = 0;  ///< Runtime: version payloads removed.
  int64_t held = 0;              ///< Records with something to remove, kept by a record hold.
  bool collection_held = false;  ///< A database or collection hold kept everything.
  bool dry_run = false;
  /// Runtime: records skipped because their history is damaged (verify names the damage).
  std::vector<std::string> problems;
};

/// {"days","maxPerItem","cutoff"(null without days),"examined","removed","versionsRemoved",
/// "held","collectionHeld","dryRun","problems"}.
Json RetentionReportToJson(const RetentionReport& report);

/// An offload run over one collection (Collection::Offload, docs/formats/offload.md).
struct OffloadOptions {
  bool dry_run = false;  ///< Count what would move; write nothing.
  /// Records whose last change is older than this many days move; nullopt: the collection
  /// map's s3Offload.olderThan. 0 moves every record not changed since the run began.
  std::optional<int> older_than_days;
  /// At most this many records move per second, and moving them takes at most 0.5% of the
  /// time, so that foreground work keeps its latency (0: neither bound).
  int max_records_per_second = 1000;
  /// When set and it becomes true, the run stops before its next record with Unavailable,
  /// reason cancelled; what it moved stays moved.
  const std::atomic<bool>* stop = nullptr;
};

/// What an offload run moved (or, with dry_run, would move).
struct OffloadReport {
  int older_than_days = 0;
  TimestampMicros cutoff = 0;     ///< Records last changed before this instant move.
  int64_t examined = 0;           ///< Records looked at.
  int64_t offloaded = 0;          ///< Moved to the object store by this run.
  int64_t already_offloaded = 0;  ///< Found in the object store already.
  int64_t skipped = 0;            ///< Written by someone else while this run moved them: left.
  int64_t bytes_freed = 0;        ///< Bytes of record data and audit fields the hot store lost.
  int64_t parts_written = 0;      ///< Part objects written.
  int64_t parts_removed = 0;      ///< Part objects no record points into any more, deleted.
  bool dry_run = false;
};

/// {"olderThanDays","cutoff","examined","offloaded","alreadyOffloaded","skipped","bytesFreed",
/// "partsWritten","partsRemoved","dryRun"}.
Json OffloadReportToJson(const OffloadReport& report);

/// {"scope","collection"(unless database),"id"(record),"actor","reason","onBehalfOf"(if set),
/// "placedAt"}.
Json LegalHoldToJson(const LegalHold& hold);
/// {"action":"place"|"lift","hold":{...},"actor","reason","onBehalfOf"(if set),"at"}.
Json HoldEventToJson(const HoldEvent& event);

}  // namespace xronox
