// Declarations shared by the engine's translation units only.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/ids.h"
#include "engine/engine.h"

namespace xronox {

/// The next state of a record, computed from its head by PlanWrite.
struct Engine::Plan {
  std::string id;
  std::optional<int64_t> base_version;  ///< The head's version; nullopt for a new record.
  int64_t version = 0;                  ///< The version this write creates.
  Operation op = Operation::kCreate;
  /// The record's data after the write (null when deleted): the intent's own body for a create
  /// or put (not owned: the intent outlives the plan), else a value of the plan's, so that no
  /// write copies its body.
  std::shared_ptr<const Json> data;
  std::string data_text;  ///< DumpJson(*data) ("null" when deleted), made once per plan.
  const Json& Data() const { return *data; }
  bool deleted = false;
  /// A put or merge whose data equals the head's: nothing to commit; the plan describes the
  /// head as it is (its version, times and audit entry).
  bool unchanged = false;
  std::vector<std::string> changed_fields;
  TimestampMicros at = 0;
  TimestampMicros created_at = 0;
  std::string actor;
  std::string reason;
  std::string on_behalf_of;
  std::string idempotency_key;
  std::string prev_hash;          ///< Entry hash of the base version (runtime).
  store::RecordTally tally;       ///< The record's tally after the write.
  CollectionCounts counts_delta;  ///< What the write adds to the collection's counters.
  /// Natural keys: the claim key of the data's values where the record did not hold them
  /// before (the write must hold that claim to commit), and of the values it held before and
  /// no longer does (released once committed). Empty: none.
  std::string natural_key;
  std::string released_natural_key;
  /// Set by the commit when the write is committed but its counts could not be added
  /// (WriteResult::warning).
  mutable std::string warning;
};

/// What a write of `op` does to the record's tally (from `head`'s: none for a new record) and
/// to its collection's counters (docs/formats/counters.md): a create counts created and one
/// more live record, an update (and a restore) updated, a delete deleted and one live record
/// fewer; a restore of a deleted record makes it live again.
void CountWrite(const std::optional<store::HeadRow>& head, Operation op, store::RecordTally* tally,
                CollectionCounts* delta);

/// The head's tally as stored; for a head written before heads kept tallies (created == -1),
/// an estimate from its version: created once, deleted once if it is deleted, every other
/// version an update.
store::RecordTally TallyOf(const store::HeadRow& head);

/// InvalidArgument (reason not_versioned): `what` needs a runtime collection.
Status NotVersioned(const Binding& b, const std::string& what);

/// Refuse writes that the database type, the audit rules or the body shape forbid.
Status CheckWriteAllowed(const Binding& b, const WriteIntent& intent, const WriteOptions& options);

struct Engine::NaturalKeyHolder {
  /// kLive: the record is live with the claimed values. kPending: it is not, and the claim is
  /// younger than the claim lease (a write in flight). kStale: older (its writer is gone).
  enum State { kLive, kPending, kStale };
  std::string id;  ///< The record the claim names.
  State state = kStale;
};

struct Engine::HeldNaturalKey {
  std::string owner = RandomHex(8);  ///< Owner of the claims this write inserts.
  std::string key;                   ///< The claim held; empty: none.
};

/// Set `plan.natural_key` and `plan.released_natural_key` from the data before the write and
/// after it (natural_keys.cc); InvalidArgument when the data after lacks a natural key.
Status PlanNaturalKeys(const Binding& b, const Json& before, Engine::Plan& plan);

/// Reason attached to a Status when a writer lost a race and should re-read and retry.
inline constexpr const char* kLostRace = "lost_race";

/// A Conflict with reason kLostRace: re-read and retry.
inline Status LostRace(const std::string& what) { return Conflict(what).WithReason(kLostRace); }
/// True for a status that says a race was lost (whatever its code).
inline bool IsLostRace(const Status& status) { return status.reason() == kLostRace; }

/// True when an idempotency claim's body records a finished write (a stored result, kept; a
/// pending one expires with its lease).
bool IsDoneIdempotencyClaim(const std::string& body);

/// Build the head row that a committed plan leaves behind.
store::HeadRow HeadFromPlan(const Binding& b, const Engine::Plan& plan, std::string data_text,
                            std::string payload_key, std::string payload_hash,
                            std::string entry_hash);

/// The version-index row of a version object stored at `key` whose bytes hash to `entry_hash`.
store::VersionRow VersionRowFromObject(const VersionObject& object, const std::string& key,
                                       const std::string& entry_hash);

}  // namespace xronox
