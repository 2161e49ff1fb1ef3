// Retention, offload and legal holds through the public API (docs/formats/retention.md,
// offload.md, holds.md).
#include "common/exception_guard.h"
#include "xronox/xronox.h"
#include "xronox/xronox_state.h"

namespace xronox {

Result<LegalHold> Collection::PlaceHold(HoldScope scope, const std::string& id,
                                        const WriteOptions& audit) {
  return GuardExceptions(
      [&]() -> Result<LegalHold> { return state_->holds->Place(*binding_, scope, id, audit); });
}

Result<LegalHold> Collection::LiftHold(HoldScope scope, const std::string& id,
                                       const WriteOptions& audit) {
  return GuardExceptions(
      [&]() -> Result<LegalHold> { return state_->holds->Lift(*binding_, scope, id, audit); });
}

namespace {

// What a retention or an offload run shares: the policy check, an empty report for a collection
// that does not exist yet, the run, and the store's counters for a run that was not a dry run.
template <typename Report, typename Exists, typename Run, typename Count>
Result<Report> RunCollectionJob(const Status& policy, Exists exists_now, bool dry_run, Run run,
                                Count count) {
  XRONOX_RETURN_IF_ERROR(policy);
  XRONOX_ASSIGN_OR_RETURN(bool exists, exists_now());
  if (!exists) {
    Report empty;
    empty.dry_run = dry_run;
    return empty;
  }
  XRONOX_ASSIGN_OR_RETURN(Report report, run());
  if (!report.dry_run) count(report);
  return report;
}

}  // namespace

Result<RetentionReport> Collection::ApplyRetention(const RetentionOptions& options) {
  return GuardExceptions([&]() -> Result<RetentionReport> {
    return RunCollectionJob<RetentionReport>(
        RetentionService::CheckPolicy(*binding_), [this] { return Exists(); }, options.dry_run,
        [&] { return state_->retention->Run(*binding_, options); },
        [&](const RetentionReport& report) {
          state_->retention_runs.fetch_add(1);
          state_->retention_removed.fetch_add(static_cast<uint64_t>(report.removed));
          state_->retention_held.fetch_add(static_cast<uint64_t>(report.held));
          state_->retention_versions_removed.fetch_add(
              static_cast<uint64_t>(report.versions_removed));
        });
  });
}

Result<OffloadReport> Collection::Offload(const OffloadOptions& options) {
  return GuardExceptions([&]() -> Result<OffloadReport> {
    return RunCollectionJob<OffloadReport>(
        OffloadService::CheckPolicy(*binding_, options), [this] { return Exists(); },
        options.dry_run, [&] { return state_->offload->Run(*binding_, options); },
        [&](const OffloadReport& report) {
          state_->offload_runs.fetch_add(1);
          state_->offload_moved.fetch_add(static_cast<uint64_t>(report.offloaded));
          state_->offload_bytes_freed.fetch_add(static_cast<uint64_t>(report.bytes_freed));
        });
  });
}

Result<std::vector<LegalHold>> Collection::ListHolds() {
  return GuardExceptions(
      [&]() -> Result<std::vector<LegalHold>> { return state_->holds->List(*binding_); });
}

Result<std::vector<HoldEvent>> Collection::HoldLog() {
  return GuardExceptions(
      [&]() -> Result<std::vector<HoldEvent>> { return state_->holds->Log(*binding_); });
}

}  // namespace xronox
