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

Result<RetentionReport> Collection::ApplyRetention(const RetentionOptions& options) {
  return GuardExceptions([&]() -> Result<RetentionReport> {
    XRONOX_RETURN_IF_ERROR(RetentionService::CheckPolicy(*binding_));
    XRONOX_ASSIGN_OR_RETURN(bool exists, Exists());
    if (!exists) {
      RetentionReport empty;
      empty.dry_run = options.dry_run;
      return empty;
    }
    XRONOX_ASSIGN_OR_RETURN(RetentionReport report, state_->retention->Run(*binding_, options));
    if (!report.dry_run) {
      state_->retention_runs.fetch_add(1);
      state_->retention_removed.fetch_add(static_cast<uint64_t>(report.removed));
      state_->retention_held.fetch_add(static_cast<uint64_t>(report.held));
      state_->retention_versions_removed.fetch_add(static_cast<uint64_t>(report.versions_removed));
    }
    return report;
  });
}

Result<OffloadReport> Collection::Offload(const OffloadOptions& options) {
  return GuardExceptions([&]() -> Result<OffloadReport> {
    XRONOX_RETURN_IF_ERROR(OffloadService::CheckPolicy(*binding_, options));
    XRONOX_ASSIGN_OR_RETURN(bool exists, Exists());
    if (!exists) {
      OffloadReport empty;
      empty.dry_run = options.dry_run;
      return empty;
    }
    XRONOX_ASSIGN_OR_RETURN(OffloadReport report, state_->offload->Run(*binding_, options));
    if (!report.dry_run) {
      state_->offload_runs.fetch_add(1);
      state_->offload_moved.fetch_add(static_cast<uint64_t>(report.offloaded));
      state_->offload_bytes_freed.fetch_add(static_cast<uint64_t>(report.bytes_freed));
    }
    return report;
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
