#include "common/latency_histogram.h"

#include <algorithm>
#include <cmath>

namespace xronox {

void LatencyHistogram::Observe(double seconds) {
  seconds = std::max(seconds, 0.0);
  auto bound = std::lower_bound(kLatencyBucketBounds.begin(), kLatencyBucketBounds.end(), seconds);
  buckets_[bound - kLatencyBucketBounds.begin()].fetch_add(1, std::memory_order_relaxed);
  // The sum is kept in whole microseconds: an atomic double add is a CAS loop, and a
  // microsecond is far below what the buckets resolve.
  sum_micros_.fetch_add(static_cast<uint64_t>(std::llround(seconds * 1e6)),
                        std::memory_order_relaxed);
}

HistogramSnapshot LatencyHistogram::Snapshot() const {
  HistogramSnapshot out;
  uint64_t running = 0;
  for (const auto& bucket : buckets_) {
    running += bucket.load(std::memory_order_relaxed);
    out.cumulative.push_back(running);
  }
  out.count = running;
  out.sum_seconds = static_cast<double>(sum_micros_.load(std::memory_order_relaxed)) / 1e6;
  return out;
}

}  // namespace xronox
