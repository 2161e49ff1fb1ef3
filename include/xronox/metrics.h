// Counters and latencies of the calls Xronox makes to its backends, for monitoring (xronoxd
// renders them as Prometheus metrics).
// Thread-safety: plain values; Xronox::BackendMetrics may be called from many threads.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace xronox {

/// The calls of one operation on one backend connection since the store was opened.
struct BackendCallMetrics {
  std::string tier;        ///< "hot" or "object".
  std::string connection;  ///< Connection as configured, e.g. "sqlite:default", "s3:primary".
  std::string operation;   ///< Contract operation, e.g. "GetHead", "Put".
  uint64_t calls = 0;      ///< Completed calls, failed ones included.
  /// Failed calls by status code name ("not_found", "unavailable", ...). Some codes are normal
  /// answers of some operations (not_found from Get, already_exists from a claim).
  std::map<std::string, uint64_t> errors;
  /// Calls that took at most bucket_bounds_seconds[i]; the last entry counts every call.
  std::vector<uint64_t> cumulative_buckets;
  double seconds_sum = 0;  ///< Total time spent in these calls, in seconds.
};

/// Work of the services over the engine since the store was opened.
struct ServiceMetrics {
  uint64_t retention_runs = 0;              ///< Retention runs that were not dry runs.
  uint64_t retention_records_removed = 0;   ///< Records those runs deleted.
  uint64_t retention_records_held = 0;      ///< Records old enough that a hold kept.
  uint64_t retention_versions_removed = 0;  ///< Runtime version payloads those runs removed.
  uint64_t offload_runs = 0;                ///< Offload runs that were not dry runs.
  uint64_t offload_records_moved = 0;       ///< Records those runs moved to the object store.
  uint64_t offload_bytes_freed = 0;         ///< Hot-store bytes of data those moves freed.
};

/// Every operation that was called at least once, ordered by tier, connection, operation.
struct BackendMetricsSnapshot {
  std::vector<double> bucket_bounds_seconds;  ///< Upper bounds of the latency buckets; +Inf last.
  std::vector<BackendCallMetrics> calls;
  ServiceMetrics services;
};

}  // namespace xronox
