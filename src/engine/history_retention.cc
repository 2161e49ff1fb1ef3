// Retention of runtime history (docs/formats/retention.md): a version past its collection's
// policy (superseded more than `days` ago, or older than the record's newest `maxPerItem`) loses
// its payload. What stays is its audit skeleton, an object beside where the version object was
// with every field of it but the data and the hashes that keep the chain checkable, and its
// version-index row, untouched. A record's aged versions are always a prefix of its history,
// named by its mark ("aged:{id}"). One step, for a batch of versions: write their skeletons, mark
// them (state "removing"), delete their version objects, mark the step done. A run killed at any
// point leaves every version readable or marked, and the next run (or verify --repair) finishes.
#include <algorithm>

#include "common/fault_point.h"
#include "common/hash.h"
#include "common/json_codec.h"
#include "engine/engine.h"
#include "engine/engine_internal.h"
#include "engine/holds.h"
#include "engine/keys.h"

namespace xronox {

namespace {

constexpr int kAgeScanPage = 256;
constexpr int kAgeListPage = 256;  // Version rows read at a time, and versions per step.
constexpr size_t kMaxProblems = 100;

}  // namespace

Result<int64_t> Engine::AgeTarget(const Binding& b, const store::HeadRow& head,
                                  const AgedMark& mark, const HistoryAgeOptions& options) {
  const int64_t newest_aged = head.version - 1;  // Never the current version.
  int64_t target = mark.through;
  if (options.max_per_item > 0) {
    target = std::max(target, head.version - options.max_per_item);
  }
  // By age: version v ages once version v+1 was written before the cutoff. Rows after the last
  // version known to age, in order, until one written at or after the cutoff.
  if (options.cutoff && head.created_at < *options.cutoff) {
    std::optional<int64_t> after = target >= 0 ? std::optional<int64_t>(target) : std::nullopt;
    while (target < newest_aged) {
      XRONOX_ASSIGN_OR_RETURN(auto rows, b.hot->ListVersions(b.ref, head.id, after, kAgeListPage,
                                                             store::Order::kAscending));
      for (const store::VersionRow& row : rows) {
        if (row.at >= *options.cutoff) return std::min(target, newest_aged);
        target = std::max(target, row.version - 1);
        after = row.version;
      }
      if (static_cast<int>(rows.size()) < kAgeListPage) break;
    }
  }
  return std::min(target, newest_aged);
}

Status Engine::WriteSkeleton(const Binding& b, const store::VersionRow& row) {
  XRONOX_ASSIGN_OR_RETURN(std::string bytes,
                          b.objects->Get(b.database.buckets.versions, row.payload_key));
  if (Sha256Hex(bytes) != row.entry_hash) {
    return Corruption("version object " + row.payload_key + " does not match its hash");
  }
  VersionSkeleton skeleton;
  XRONOX_ASSIGN_OR_RETURN(skeleton.object, DecodeVersionObject(bytes));
  ReleaseOnExit release(skeleton.object.data);
  XRONOX_ASSIGN_OR_RETURN(std::string data_text, DumpJson(skeleton.object.data));
  skeleton.object.data = nullptr;
  skeleton.entry_hash = row.entry_hash;
  skeleton.payload_hash = Sha256Hex(data_text);
  skeleton.removed_at = clock_->NowMicros();
  XRONOX_ASSIGN_OR_RETURN(std::string encoded, EncodeSkeleton(skeleton));
  Status put = b.objects->Put(b.database.buckets.versions, SkeletonKey(b, row.id, row.version),
                              encoded, store::PutMode::kCreateOnly);
  if (put.code() == StatusCode::kAlreadyExists) return Status::Ok();  // An earlier run's.
  return put;
}

Status Engine::FinishRemoval(const Binding& b, const std::string& id, AgedMark& mark) {
  for (int64_t version = mark.from; version <= mark.through; ++version) {
    Status gone = b.objects->Delete(b.database.buckets.versions, VersionKey(b, id, version));
    if (!gone.ok() && gone.code() != StatusCode::kNotFound) return gone;
  }
  FaultPoint("history_payloads_removed");
  mark.removing = false;
  return WriteAgedMark(b, id, mark);
}

Status Engine::AgeVersions(const Binding& b, const std::string& id, AgedMark& mark, int64_t through,
                           const std::function<Status()>& keep_alive) {
  while (mark.through < through) {
    if (keep_alive) XRONOX_RETURN_IF_ERROR(keep_alive());
    const int64_t from = mark.through + 1;
    const int64_t to = std::min(through, from + kAgeListPage - 1);
    std::optional<int64_t> after = from > 0 ? std::optional<int64_t>(from - 1) : std::nullopt;
    XRONOX_ASSIGN_OR_RETURN(auto rows,
                            b.hot->ListVersions(b.ref, id, after, static_cast<int>(to - from + 1),
                                                store::Order::kAscending));
    for (int64_t version = from; version <= to; ++version) {
      const size_t i = static_cast<size_t>(version - from);
      if (i >= rows.size() || rows[i].version != version) {
        return Corruption("record '" + id + "' v" + std::to_string(version) +
                          ": missing from the version index (gap)");
      }
      XRONOX_RETURN_IF_ERROR(WriteSkeleton(b, rows[i]));
    }
    FaultPoint("history_skeletons_written");
    AgedMark step{to, from, /*removing=*/true, mark.stored};
    XRONOX_RETURN_IF_ERROR(WriteAgedMark(b, id, step));
    FaultPoint("history_marked");
    mark = step;
    mark.stored = true;
    XRONOX_RETURN_IF_ERROR(FinishRemoval(b, id, mark));
  }
  return Status::Ok();
}

Result<HistoryAgeReport> Engine::AgeHistory(const Binding& b, const HistoryAgeOptions& options) {
  if (!b.versioned) return NotVersioned(b, "history retention");
  HistoryAgeReport report;
  std::string after;
  while (true) {
    XRONOX_ASSIGN_OR_RETURN(auto heads, b.hot->ScanHeads(b.ref, after, kAgeScanPage, {}, true));
    for (const store::HeadRow& head : heads) {
      after = head.id;
      if (options.keep_alive) XRONOX_RETURN_IF_ERROR(options.keep_alive());
      ++report.examined;
      Status aged = AgeRecord(b, head, options, report);
      if (aged.code() != StatusCode::kCorruption) XRONOX_RETURN_IF_ERROR(aged);
      if (!aged.ok() && report.problems.size() < kMaxProblems) {
        report.problems.push_back(aged.message().substr(0, 300));
      }
    }
    if (static_cast<int>(heads.size()) < kAgeScanPage) return report;
  }
}

Status Engine::AgeRecord(const Binding& b, const store::HeadRow& head,
                         const HistoryAgeOptions& options, HistoryAgeReport& report) {
  if (head.version == 0) return Status::Ok();
  XRONOX_ASSIGN_OR_RETURN(AgedMark mark, ReadAgedMark(b, head.id));
  if (mark.removing && !options.dry_run) XRONOX_RETURN_IF_ERROR(FinishRemoval(b, head.id, mark));
  XRONOX_ASSIGN_OR_RETURN(int64_t through, AgeTarget(b, head, mark, options));
  if (through <= mark.through) return Status::Ok();
  Status held = CheckHold(b, HoldScope::kRecord, head.id);  // The caller checked the rest.
  if (held.reason() == "legal_hold") {
    ++report.held;
    return Status::Ok();
  }
  XRONOX_RETURN_IF_ERROR(held);
  const int64_t aged_before = mark.through;
  if (!options.dry_run) {
    XRONOX_RETURN_IF_ERROR(AgeVersions(b, head.id, mark, through, options.keep_alive));
  }
  report.versions_removed += through - aged_before;
  return Status::Ok();
}

}  // namespace xronox
