#include "jobs/job_lease.h"

#include "common/ids.h"
#include "common/json_codec.h"

namespace xronox {

namespace {

TimestampMicros ExpiresAt(const store::ClaimRow& claim) {
  Json body = Json::parse(claim.body, nullptr, /*allow_exceptions=*/false);
  if (!body.is_object()) return 0;  // Unreadable: treated as expired, so it can be taken over.
  return body.value("expiresAtMicros", TimestampMicros{0});
}

}  // namespace

bool JobLease::Expired(const store::ClaimRow& claim, TimestampMicros now) {
  return ExpiresAt(claim) < now;
}

store::ClaimRow JobLease::Body(TimestampMicros now) const {
  Json body = {{"startedAt", FormatRfc3339(started_)},
               {"expiresAtMicros", now + ttl_},
               {"renewedAtMicros", now}};
  return {key_, owner_, started_, body.dump()};
}

Result<std::unique_ptr<JobLease>> JobLease::Acquire(store::HotStore* hot, store::CollectionRef ref,
                                                    const std::string& name, Clock* clock,
                                                    TimestampMicros ttl_micros) {
  std::unique_ptr<JobLease> lease(new JobLease(hot, std::move(ref), clock, ttl_micros));
  lease->key_ = kJobLeasePrefix + name;
  lease->owner_ = RandomHex(16);
  // Two rounds: the second follows a takeover of an expired lease (the insert stays the only
  // step that grants it, so two takers cannot both win).
  for (int round = 0; round < 2; ++round) {
    lease->started_ = lease->renewed_ = clock->NowMicros();
    Status inserted = hot->InsertClaim(lease->ref_, lease->Body(lease->started_));
    if (inserted.ok()) {
      lease->held_ = true;
      return lease;
    }
    if (inserted.code() != StatusCode::kAlreadyExists) return inserted;
    XRONOX_ASSIGN_OR_RETURN(auto holder, hot->GetClaim(lease->ref_, lease->key_));
    if (!holder) continue;  // Released meanwhile.
    if (!Expired(*holder, clock->NowMicros())) {
      return Conflict("job '" + name + "' of collection " + lease->ref_.collection +
                      " is running elsewhere (since " + FormatRfc3339(holder->at) + ")")
          .WithReason(kJobRunning);
    }
    XRONOX_RETURN_IF_ERROR(hot->DeleteClaim(lease->ref_, holder->key, holder->owner));
  }
  return Conflict("job '" + name + "' of collection " + lease->ref_.collection +
                  " was taken by another process")
      .WithReason(kJobRunning);
}

JobLease::~JobLease() {
  if (held_) (void)Release();
}

Status JobLease::Renew() {
  TimestampMicros now = clock_->NowMicros();
  if (now - renewed_ < ttl_ / 3) return Status::Ok();
  Status updated = hot_->UpdateClaim(ref_, Body(now));
  if (updated.code() == StatusCode::kNotFound) {
    held_ = false;
    return FailedPrecondition("the lease of " + key_ + " on " + ref_.collection +
                              " expired and another process took it over")
        .WithReason(kLeaseLost);
  }
  XRONOX_RETURN_IF_ERROR(updated);
  renewed_ = now;
  return Status::Ok();
}

Status JobLease::Release() {
  if (!held_) return Status::Ok();
  held_ = false;
  return hot_->DeleteClaim(ref_, key_, owner_);
}

std::function<Status()> JobKeepAlive(const std::atomic<bool>* stop,
                                     const std::unique_ptr<JobLease>& lease,
                                     const std::string& job) {
  return [stop, &lease, job]() -> Status {
    if (stop != nullptr && stop->load()) {
      return Unavailable("the " + job + " run was stopped").WithReason("cancelled");
    }
    return lease ? lease->Renew() : Status::Ok();
  };
}

}  // namespace xronox
