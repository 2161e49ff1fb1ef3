#include "store/wrappers/backend_metrics.h"

namespace xronox::store {

void CallSeries::Record(double seconds, StatusCode code) {
  latency_.Observe(seconds);
  codes_[static_cast<size_t>(code)].fetch_add(1, std::memory_order_relaxed);
}

BackendCallMetrics CallSeries::Snapshot() const {
  BackendCallMetrics out;
  out.tier = tier_;
  out.connection = connection_;
  out.operation = operation_;
  HistogramSnapshot latency = latency_.Snapshot();
  out.calls = latency.count;
  out.cumulative_buckets = std::move(latency.cumulative);
  out.seconds_sum = latency.sum_seconds;
  for (size_t i = 1; i < codes_.size(); ++i) {
    uint64_t count = codes_[i].load(std::memory_order_relaxed);
    if (count > 0) out.errors[StatusCodeName(static_cast<StatusCode>(i))] = count;
  }
  return out;
}

CallSeries* BackendMetrics::Series(const std::string& tier, const std::string& connection,
                                   const std::string& operation) {
  std::lock_guard<std::mutex> lock(mutex_);
  std::unique_ptr<CallSeries>& series = series_[{tier, connection, operation}];
  if (series == nullptr) {
    series = std::make_unique<CallSeries>();
    series->tier_ = tier;
    series->connection_ = connection;
    series->operation_ = operation;
  }
  return series.get();
}

BackendMetricsSnapshot BackendMetrics::Snapshot() const {
  BackendMetricsSnapshot out;
  out.bucket_bounds_seconds.assign(kLatencyBucketBounds.begin(), kLatencyBucketBounds.end());
  std::lock_guard<std::mutex> lock(mutex_);
  for (const auto& [key, series] : series_) {
    BackendCallMetrics calls = series->Snapshot();
    if (calls.calls > 0) out.calls.push_back(std::move(calls));
  }
  return out;
}

}  // namespace xronox::store
