// A whole runtime collection back to its state at an instant: every record ever written (live
// or deleted) is examined once, in id order. A record last written at or before the instant is
// already as it was then and costs no read; any other is looked up in the version index at the
// instant and, unless its data is already that of then, gets one version: a restore of its
// data then (reverting a change or reviving a delete) or a delete (it did not exist then). Each
// write expects the version it was planned from, so a concurrent writer makes the record be planned
// again, never overwritten blindly.
#include "engine/engine.h"
#include "engine/engine_internal.h"
#include "xronox/backup.h"

namespace xronox {

namespace {

constexpr int kHeadPage = 256;
// A record written to this many times while it is being restored is left with an error.
constexpr int kMaxAttemptsPerRecord = 5;

enum class AsOfStep { kNone, kRevert, kRevive, kDelete };

struct AsOfPlan {
  AsOfStep step = AsOfStep::kNone;
  int64_t version = 0;  ///< kRevert, kRevive: the version current at the instant.
};

Result<AsOfPlan> PlanAsOf(const Binding& b, const store::HeadRow& head, TimestampMicros as_of) {
  if (head.updated_at <= as_of) return AsOfPlan{};
  XRONOX_ASSIGN_OR_RETURN(auto then, b.hot->GetVersionAsOf(b.ref, head.id, as_of));
  if (!then || then->deleted) {
    return AsOfPlan{head.deleted ? AsOfStep::kNone : AsOfStep::kDelete, 0};
  }
  return AsOfPlan{head.deleted ? AsOfStep::kRevive : AsOfStep::kRevert, then->version};
}

void Count(AsOfRestoreReport& report, AsOfStep step, bool unchanged) {
  if (unchanged || step == AsOfStep::kNone) {
    ++report.unchanged;
  } else if (step == AsOfStep::kRevert) {
    ++report.reverted;
  } else {
    ++(step == AsOfStep::kRevive ? report.revived : report.deleted);
  }
}

// The intent that makes `id` as planned; on a dry run, whether it would change nothing. A revert
// to equal data (a record changed and changed back, or restored by an earlier run) is no
// change: the put finds it a no-op, and a dry run compares the two states' data.
Result<WriteIntent> AsOfIntent(Engine& engine, const Binding& b, const std::string& id,
                               AsOfStep step, int64_t version, bool dry_run, bool* unchanged) {
  WriteIntent intent;
  if (step == AsOfStep::kDelete) {
    intent.kind = WriteIntent::Kind::kDelete;
    return intent;
  }
  GetOptions then;
  then.version = version;
  XRONOX_ASSIGN_OR_RETURN(Record old, engine.Get(b, id, then));
  if (dry_run && step == AsOfStep::kRevert) {
    XRONOX_ASSIGN_OR_RETURN(Record now, engine.Get(b, id, {}));
    *unchanged = old.data == now.data;
  }
  // A put that restores: a restore version, also of a deleted record, and no-op when equal. Its
  // content references are those the record had then, whose blobs runtime keeps.
  intent.kind = WriteIntent::Kind::kPut;
  intent.body = std::move(old.data);
  intent.restores_backup = true;
  intent.sets_content = true;
  return intent;
}

}  // namespace

// Bring one record to its state at `as_of`, planning again when a concurrent write moved it.
Status Engine::RestoreRecordAsOf(const Binding& b, store::HeadRow head,
                                 const AsOfRestoreOptions& options, const WriteOptions& write,
                                 AsOfRestoreReport& report) {
  for (int attempt = 0; attempt < kMaxAttemptsPerRecord; ++attempt) {
    XRONOX_ASSIGN_OR_RETURN(AsOfPlan plan, PlanAsOf(b, head, options.as_of));
    bool unchanged = false;
    if (plan.step != AsOfStep::kNone) {
      XRONOX_ASSIGN_OR_RETURN(
          WriteIntent intent,
          AsOfIntent(*this, b, head.id, plan.step, plan.version, options.dry_run, &unchanged));
      if (!options.dry_run) {
        WriteOptions expecting = write;
        expecting.expected_version = head.version;
        Result<WriteResult> written = Write(b, head.id, intent, expecting);
        if (!written.ok() && written.status().code() == StatusCode::kFailedPrecondition) {
          XRONOX_ASSIGN_OR_RETURN(auto moved, b.hot->GetHead(b.ref, head.id));
          if (!moved) return Corruption("record '" + head.id + "' lost its head while restored");
          head = std::move(*moved);
          continue;
        }
        XRONOX_RETURN_IF_ERROR(written.status());
        unchanged = written->unchanged;
      }
    }
    Count(report, plan.step, unchanged);
    return Status::Ok();
  }
  return Conflict("record '" + head.id + "' was written " + std::to_string(kMaxAttemptsPerRecord) +
                  " times while it was restored; run the restore again");
}

Result<AsOfRestoreReport> Engine::RestoreAsOf(const Binding& b, const AsOfRestoreOptions& options) {
  if (!b.versioned) return NotVersioned(b, "restoring a collection to an instant");
  if (options.as_of > clock_->NowMicros()) {
    return InvalidArgument("the instant to restore to is in the future").WithReason("as_of_future");
  }
  WriteOptions write = options.write;
  write.reason = "restore of the collection to " + FormatRfc3339(options.as_of) +
                 (options.write.reason.empty() ? "" : ": " + options.write.reason);
  if (options.write.actor.empty() || options.write.reason.empty()) {
    return InvalidArgument("a restore to an instant needs an actor and a reason")
        .WithReason("audit_required");
  }
  AsOfRestoreReport report;
  report.as_of = options.as_of;
  report.dry_run = options.dry_run;
  std::string after;
  while (true) {
    XRONOX_ASSIGN_OR_RETURN(auto heads, b.hot->ScanHeads(b.ref, after, kHeadPage, {}, true));
    for (store::HeadRow& head : heads) {
      after = head.id;
      ++report.examined;
      XRONOX_RETURN_IF_ERROR(RestoreRecordAsOf(b, std::move(head), options, write, report));
    }
    if (options.on_progress) options.on_progress({report.examined, 0, -1});
    if (static_cast<int>(heads.size()) < kHeadPage) return report;
  }
}

}  // namespace xronox
