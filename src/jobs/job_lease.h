// The lease that lets one process of several run a collection's long-running work (retention,
// and the other jobs over a collection): a claim "job:{name}" in the collection's {c}_locks whose
// body says until when it holds. A holder renews it while it works; a lease not renewed in time
// (its process died) may be taken over. docs/formats/storage-layout.md ("{c}_locks").
// Thread-safety: one JobLease is used by one thread; leases coordinate through the hot store.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <string>

#include "common/clock.h"
#include "store/hot/hot_store.h"

namespace xronox {

/// Prefix of the lease claims: "job:{name}".
inline constexpr const char* kJobLeasePrefix = "job:";
/// Reason of the Conflict when another process holds the lease of the same job.
inline constexpr const char* kJobRunning = "job_running";
/// Reason of the FailedPrecondition when a holder lost its lease (it was not renewed in time).
inline constexpr const char* kLeaseLost = "lease_lost";

class JobLease {
 public:
  /// Take the lease of job `name` on `ref` for `ttl_micros`, taking over an expired one.
  /// Conflict (reason job_running) naming since when the holder runs when it is in force.
  static Result<std::unique_ptr<JobLease>> Acquire(store::HotStore* hot, store::CollectionRef ref,
                                                   const std::string& name, Clock* clock,
                                                   TimestampMicros ttl_micros);
  /// Releases the lease if it is still held (best effort: an error leaves it to expire).
  ~JobLease();
  JobLease(const JobLease&) = delete;
  JobLease& operator=(const JobLease&) = delete;

  /// Extend the lease when a third of it has passed since it was last extended (cheap to call
  /// often). FailedPrecondition (reason lease_lost) when another process took it over.
  Status Renew();
  /// Give the lease up now.
  Status Release();

  /// True when `claim` (a "job:" claim) has outlived its lease at `now`.
  static bool Expired(const store::ClaimRow& claim, TimestampMicros now);

 private:
  JobLease(store::HotStore* hot, store::CollectionRef ref, Clock* clock, TimestampMicros ttl)
      : hot_(hot), ref_(std::move(ref)), clock_(clock), ttl_(ttl) {}
  store::ClaimRow Body(TimestampMicros now) const;

  store::HotStore* hot_;
  store::CollectionRef ref_;
  Clock* clock_;
  TimestampMicros ttl_;
  std::string key_;
  std::string owner_;
  TimestampMicros started_ = 0;
  TimestampMicros renewed_ = 0;
  bool held_ = false;
};

/// The check a job runs between its steps: Unavailable (reason cancelled, naming `job`) once
/// `stop` is set, else the renewal of `lease` (none: Ok). Both are borrowed for its lifetime.
std::function<Status()> JobKeepAlive(const std::atomic<bool>* stop,
                                     const std::unique_ptr<JobLease>& lease,
                                     const std::string& job);

}  // namespace xronox
