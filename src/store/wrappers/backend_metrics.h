// Counters and latency histograms of backend calls, one series per (tier, connection,
// operation), filled by the metered decorators and read as a snapshot by Xronox.
// Thread-safety: every method may be called from many threads at once.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <tuple>
#include <type_traits>

#include "common/latency_histogram.h"
#include "xronox/metrics.h"
#include "xronox/status.h"

namespace xronox::store {

/// The calls of one operation on one connection.
class CallSeries {
 public:
  /// Record one call that took `seconds` and ended with `code`.
  void Record(double seconds, StatusCode code);
  /// Calls, errors by code name, cumulative buckets and sum.
  BackendCallMetrics Snapshot() const;

 private:
  friend class BackendMetrics;
  std::string tier_, connection_, operation_;
  LatencyHistogram latency_;
  std::array<std::atomic<uint64_t>, static_cast<size_t>(StatusCode::kInternal) + 1> codes_{};
};

class BackendMetrics {
 public:
  /// The series of (tier, connection, operation), created on first use; it lives as long as
  /// this registry.
  CallSeries* Series(const std::string& tier, const std::string& connection,
                     const std::string& operation);
  /// Every series with at least one call, ordered by tier, connection, operation.
  BackendMetricsSnapshot Snapshot() const;

 private:
  mutable std::mutex mutex_;
  std::map<std::tuple<std::string, std::string, std::string>, std::unique_ptr<CallSeries>> series_;
};

/// Run `call` (returning Status or Result<T>) and record its time and outcome in `series`.
template <typename Call>
auto Timed(CallSeries* series, Call&& call) -> decltype(call()) {
  auto start = std::chrono::steady_clock::now();
  auto outcome = call();
  std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
  if constexpr (std::is_same_v<decltype(outcome), Status>) {
    series->Record(took.count(), outcome.code());
  } else {
    series->Record(took.count(), outcome.status().code());
  }
  return outcome;
}

}  // namespace xronox::store
