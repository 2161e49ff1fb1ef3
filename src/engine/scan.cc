// Scans of a collection's records in id order: the live ones now, or (runtime) the ones live at
// an instant as they were then, for backups and listings as of a time.
#include "common/memory_reserve.h"
#include "engine/engine.h"
#include "engine/engine_internal.h"

namespace xronox {

// A head read while a writer moves it may name a payload already replaced: read the record
// again by id, which retries such races.
Result<std::optional<Record>> Engine::CurrentRecord(const Binding& b, store::HeadRow head,
                                                    bool raw_data) {
  std::string id = head.id;
  Result<Record> record = RecordFromHead(b, std::move(head), raw_data);
  if (!record.ok() && IsLostRace(record.status())) {
    GetOptions options;
    options.raw_data = raw_data;
    record = Get(b, id, options);
  }
  if (record.ok()) return std::optional<Record>(std::move(record).value());
  if (record.status().code() == StatusCode::kNotFound) return std::optional<Record>();
  return record.status();
}

// A head last written at or before `as_of` is the record's state then; otherwise the version
// index says which version was current at `as_of`, so the cost does not grow with history (one
// seek and one version object; the head in hand gives the creation time).
Result<std::optional<Record>> Engine::RecordAsOf(const Binding& b, store::HeadRow head,
                                                 TimestampMicros as_of, bool raw_data) {
  const std::string id = head.id;
  const TimestampMicros created_at = head.created_at;
  if (created_at > as_of) return std::optional<Record>();  // Not yet created then.
  if (head.updated_at <= as_of) {
    if (head.deleted) return std::optional<Record>();
    Result<Record> record = RecordFromHead(b, std::move(head), raw_data);
    if (record.ok()) return std::optional<Record>(std::move(record).value());
    // Moved on since it was scanned: read the version as of then, below.
    if (!IsLostRace(record.status())) return record.status();
  }
  XRONOX_ASSIGN_OR_RETURN(auto then, b.hot->GetVersionAsOf(b.ref, id, as_of));
  if (!then || then->deleted) return std::optional<Record>();
  XRONOX_ASSIGN_OR_RETURN(Record record, RecordAtVersion(b, *then, created_at, raw_data));
  return std::optional<Record>(std::move(record));
}

Result<ScanPage> Engine::ScanRecords(const Binding& b, const std::string& after, int limit,
                                     std::optional<TimestampMicros> as_of, bool raw_data) {
  if (as_of && !b.versioned) {
    return InvalidArgument("records as of a time need a runtime collection (with versions)")
        .WithReason("not_versioned");
  }
  XRONOX_ASSIGN_OR_RETURN(auto heads, b.hot->ScanHeads(b.ref, after, limit, {}, as_of.has_value()));
  ScanPage page;
  if (static_cast<int>(heads.size()) == limit && limit > 0) page.next_after = heads.back().id;
  for (store::HeadRow& head : heads) {
    XRONOX_RETURN_IF_ERROR(CheckMemory());
    std::optional<Record> record;
    if (as_of) {
      XRONOX_ASSIGN_OR_RETURN(record, RecordAsOf(b, std::move(head), *as_of, raw_data));
    } else {
      XRONOX_ASSIGN_OR_RETURN(record, CurrentRecord(b, std::move(head), raw_data));
    }
    if (record) page.records.push_back(std::move(*record));
  }
  return page;
}

}  // namespace xronox
