#include "retention/retention_service.h"

#include "common/clock.h"

namespace xronox {

namespace {

constexpr TimestampMicros kDayMicros = 86'400'000'000;

}  // namespace

Json RetentionReportToJson(const RetentionReport& r) {
  return {{"days", r.days},         {"cutoff", FormatRfc3339(r.cutoff)},
          {"examined", r.examined}, {"removed", r.removed},
          {"held", r.held},         {"collectionHeld", r.collection_held},
          {"dryRun", r.dry_run}};
}

Status RetentionService::CheckPolicy(const Binding& b) {
  if (b.retention && b.retention->days > 0) return Status::Ok();
  return FailedPrecondition("collection " + TargetPath(b.target) +
                            " has no retention by age (retention.days of its database or "
                            "collection map)")
      .WithReason("no_retention");
}

Result<RetentionReport> RetentionService::Run(const Binding& b, const RetentionOptions& options) {
  XRONOX_RETURN_IF_ERROR(CheckPolicy(b));
  RetentionReport report;
  report.days = b.retention->days;
  report.cutoff = engine_.clock()->NowMicros() - report.days * kDayMicros;
  report.dry_run = options.dry_run;
  Status held = engine_.CheckNotHeld(b, "");
  if (held.reason() == "legal_hold") {
    report.collection_held = true;
    return report;
  }
  XRONOX_RETURN_IF_ERROR(held);
  XRONOX_ASSIGN_OR_RETURN(ExpireReport expired, engine_.Expire(b, report.cutoff, options.dry_run));
  report.examined = expired.examined;
  report.removed = expired.removed;
  report.held = expired.held;
  return report;
}

}  // namespace xronox
