// A latency histogram with fixed bucket bounds, updated lock-free from many threads, for the
// Prometheus metrics of the server and of the backend calls.
// Thread-safety: Observe and Snapshot may be called from many threads at once.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <vector>

namespace xronox {

/// Upper bounds (seconds) of the latency buckets, from 0.5 ms to 10 s; +Inf is implied.
inline constexpr std::array<double, 14> kLatencyBucketBounds = {
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};

/// A consistent-enough copy of a histogram (each field read atomically on its own).
struct HistogramSnapshot {
  std::vector<uint64_t> cumulative;  ///< Observations <= kLatencyBucketBounds[i]; then +Inf.
  uint64_t count = 0;                ///< Equal to cumulative.back().
  double sum_seconds = 0;
};

class LatencyHistogram {
 public:
  /// Record one observation of `seconds`.
  void Observe(double seconds);
  /// Cumulative bucket counts, count and sum.
  HistogramSnapshot Snapshot() const;

 private:
  // One slot per bound plus +Inf; not cumulative here, so Observe touches one counter.
  std::array<std::atomic<uint64_t>, kLatencyBucketBounds.size() + 1> buckets_{};
  std::atomic<uint64_t> sum_micros_{0};
};

}  // namespace xronox
