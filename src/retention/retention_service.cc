#include "retention/retention_service.h"

#include "common/clock.h"
#include "jobs/job_lease.h"

namespace xronox {

namespace {

// The name of the lease a collection's retention runs hold (one run at a time writes marks).
constexpr const char* kRetentionJob = "retention";

}  // namespace

Json RetentionReportToJson(const RetentionReport& r) {
  return {{"days", r.days},
          {"maxPerItem", r.max_per_item},
          {"cutoff", r.cutoff > 0 ? Json(FormatRfc3339(r.cutoff)) : Json(nullptr)},
          {"examined", r.examined},
          {"removed", r.removed},
          {"versionsRemoved", r.versions_removed},
          {"held", r.held},
          {"collectionHeld", r.collection_held},
          {"dryRun", r.dry_run},
          {"problems", r.problems}};
}

Status RetentionService::CheckPolicy(const Binding& b) {
  if (b.retention && b.retention->days > 0) return Status::Ok();
  if (b.versioned && b.retention && b.retention->max_per_item > 0) return Status::Ok();
  return FailedPrecondition("collection " + TargetPath(b.target) +
                            " has no retention policy (retention.days" +
                            (b.versioned ? " or retention.maxPerItem" : "") +
                            " of its database or collection map)")
      .WithReason("no_retention");
}

Result<RetentionReport> RetentionService::Run(const Binding& b, const RetentionOptions& options) {
  XRONOX_RETURN_IF_ERROR(CheckPolicy(b));
  RetentionReport report;
  report.days = b.retention->days;
  report.max_per_item = b.versioned ? b.retention->max_per_item : 0;
  if (report.days > 0) report.cutoff = engine_.clock()->NowMicros() - report.days * kDayMicros;
  report.dry_run = options.dry_run;
  Status held = engine_.CheckNotHeld(b, "");
  if (held.reason() == "legal_hold") {
    report.collection_held = true;
    return report;
  }
  XRONOX_RETURN_IF_ERROR(held);
  std::unique_ptr<JobLease> lease;
  if (!options.dry_run) {
    const TimestampMicros ttl = engine_.options().claim_lease_seconds * 1'000'000;
    XRONOX_ASSIGN_OR_RETURN(lease,
                            JobLease::Acquire(b.hot, b.ref, kRetentionJob, engine_.clock(), ttl));
  }
  // Between records: stop when asked, and keep the lease.
  std::function<Status()> keep_alive = JobKeepAlive(options.stop, lease, "retention");
  XRONOX_RETURN_IF_ERROR(b.versioned ? AgeHistory(b, keep_alive, report)
                                     : Expire(b, keep_alive, report));
  if (lease) XRONOX_RETURN_IF_ERROR(lease->Release());
  return report;
}

Status RetentionService::Expire(const Binding& b, const std::function<Status()>& keep_alive,
                                RetentionReport& report) {
  XRONOX_ASSIGN_OR_RETURN(ExpireReport expired,
                          engine_.Expire(b, report.cutoff, report.dry_run, keep_alive));
  report.examined = expired.examined;
  report.removed = expired.removed;
  report.held = expired.held;
  return Status::Ok();
}

Status RetentionService::AgeHistory(const Binding& b, const std::function<Status()>& keep_alive,
                                    RetentionReport& report) {
  HistoryAgeOptions age;
  if (report.days > 0) age.cutoff = report.cutoff;
  age.max_per_item = report.max_per_item;
  age.dry_run = report.dry_run;
  age.keep_alive = keep_alive;
  XRONOX_ASSIGN_OR_RETURN(HistoryAgeReport aged, engine_.AgeHistory(b, age));
  report.examined = aged.examined;
  report.versions_removed = aged.versions_removed;
  report.held = aged.held;
  report.problems = std::move(aged.problems);
  return Status::Ok();
}

}  // namespace xronox
