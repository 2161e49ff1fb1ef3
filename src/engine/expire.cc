// Retention of append-only records (docs/formats/retention.md): a log record written before the
// cutoff is deleted outright, its head first (it is gone for readers), then its payload object
// when it has one, and the counters lose what its tally added, so that they keep equal to a
// recount of the records there are. A record hold keeps its record.
#include "engine/engine.h"
#include "engine/engine_internal.h"
#include "engine/holds.h"
#include "engine/keys.h"
#include "engine/offload_pack.h"

namespace xronox {

namespace {

constexpr int kExpirePage = 256;

// What removing `head` takes from the collection's counters.
CollectionCounts Removal(const store::HeadRow& head) {
  store::RecordTally tally = TallyOf(head);
  return {-tally.created, -tally.updated, -tally.deleted, head.deleted ? 0 : -1};
}

}  // namespace

// Removes one expired record; false when a writer or another run moved or removed it first.
Result<bool> Engine::RemoveExpired(const Binding& b, const store::HeadRow& head) {
  Status removed = b.hot->DeleteHead(b.ref, head.id, head.version);
  if (removed.code() == StatusCode::kNotFound || removed.code() == StatusCode::kConflict) {
    return false;
  }
  XRONOX_RETURN_IF_ERROR(removed);
  XRONOX_RETURN_IF_ERROR(b.hot->AddCounts(b.ref, Removal(head)));
  // An offloaded record's entry stays in its part until the next offload run deletes the
  // parts no record points into.
  if (!head.payload_key.empty() && !IsOffloadPointer(head.payload_key) && b.objects != nullptr) {
    Status gone = b.objects->Delete(b.database.buckets.records, head.payload_key);
    if (!gone.ok() && gone.code() != StatusCode::kNotFound) return gone;
  }
  return true;
}

Result<ExpireReport> Engine::Expire(const Binding& b, TimestampMicros cutoff, bool dry_run,
                                    const std::function<Status()>& keep_alive) {
  if (!b.append_only) {
    return NotSupported("retention by age deletes log records; " +
                        std::string(DatabaseTypeName(b.target.database_type)) +
                        " records stay until deleted")
        .WithReason("no_retention");
  }
  ExpireReport report;
  std::string after;
  while (true) {
    XRONOX_ASSIGN_OR_RETURN(auto heads, b.hot->ScanHeads(b.ref, after, kExpirePage, {}, true));
    for (const store::HeadRow& head : heads) {
      after = head.id;
      if (keep_alive) XRONOX_RETURN_IF_ERROR(keep_alive());
      ++report.examined;
      if (head.created_at >= cutoff) continue;
      Status held = CheckHold(b, HoldScope::kRecord, head.id);  // The caller checked the rest.
      if (held.reason() == "legal_hold") {
        ++report.held;
        continue;
      }
      XRONOX_RETURN_IF_ERROR(held);
      if (dry_run) {
        ++report.removed;
        continue;
      }
      XRONOX_ASSIGN_OR_RETURN(bool removed, RemoveExpired(b, head));
      report.removed += removed ? 1 : 0;
    }
    if (static_cast<int>(heads.size()) < kExpirePage) return report;
  }
}

}  // namespace xronox
