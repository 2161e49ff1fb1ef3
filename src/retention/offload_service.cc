#include "retention/offload_service.h"

#include "engine/offload_pack.h"
#include "jobs/job_lease.h"

namespace xronox {

Json OffloadReportToJson(const OffloadReport& r) {
  return {{"olderThanDays", r.older_than_days},
          {"cutoff", FormatRfc3339(r.cutoff)},
          {"examined", r.examined},
          {"offloaded", r.offloaded},
          {"alreadyOffloaded", r.already_offloaded},
          {"skipped", r.skipped},
          {"bytesFreed", r.bytes_freed},
          {"partsWritten", r.parts_written},
          {"partsRemoved", r.parts_removed},
          {"dryRun", r.dry_run}};
}

Status OffloadService::CheckPolicy(const Binding& b, const OffloadOptions& options) {
  if (options.older_than_days && *options.older_than_days < 0) {
    return InvalidArgument("older-than must be a number of days, 0 or more");
  }
  if (b.versioned) {
    return NotSupported(
               "offload moves records of knowledge, metadata, messaging, identities and "
               "logs; a runtime record's payload is in its version objects already")
        .WithReason("not_offloadable");
  }
  if (b.offload || options.older_than_days) return Status::Ok();
  return FailedPrecondition("collection " + TargetPath(b.target) +
                            " has no offload policy (s3Offload.enabled of its collection map)")
      .WithReason("no_offload");
}

Result<OffloadReport> OffloadService::Run(const Binding& b, const OffloadOptions& options) {
  XRONOX_RETURN_IF_ERROR(CheckPolicy(b, options));
  const int days = options.older_than_days.value_or(b.offload ? b.offload->older_than_days : 0);
  OffloadRunOptions run;
  run.cutoff = engine_.clock()->NowMicros() - days * kDayMicros;
  run.dry_run = options.dry_run;
  run.max_records_per_second = options.max_records_per_second;
  std::unique_ptr<JobLease> lease;
  if (!options.dry_run) {
    const TimestampMicros ttl = engine_.options().claim_lease_seconds * 1'000'000;
    XRONOX_ASSIGN_OR_RETURN(lease,
                            JobLease::Acquire(b.hot, b.ref, kOffloadJob, engine_.clock(), ttl));
  }
  run.keep_alive = JobKeepAlive(options.stop, lease, "offload");  // Between records.
  XRONOX_ASSIGN_OR_RETURN(OffloadReport report, engine_.Offload(b, run));
  report.older_than_days = days;
  if (lease) XRONOX_RETURN_IF_ERROR(lease->Release());
  return report;
}

}  // namespace xronox
