// Per-operation latency samples for benchmarks that report percentiles (Google Benchmark only
// reports means): each timed operation adds one sample under a name; the report reads p50/p99.
// Concurrent benchmarks also record each thread's wall-clock span, for their throughput.
// Thread-safety: LatencySamples is safe to use from many threads at once.
#pragma once

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace xronox::bench {

/// Percentiles of one sample set, in microseconds; n == 0 when nothing was recorded.
struct LatencySummary {
  size_t n = 0;
  double p50 = 0;
  double p99 = 0;
  double mean = 0;
  double max = 0;
};

/// Return the nearest-rank percentile `q` (0 < q <= 1) of `sorted` (ascending, not empty).
inline double NearestRank(const std::vector<double>& sorted, double q) {
  size_t rank = static_cast<size_t>(std::ceil(q * static_cast<double>(sorted.size())));
  return sorted[std::clamp<size_t>(rank, 1, sorted.size()) - 1];
}

class LatencySamples {
 public:
  /// Record one operation of `name` that took `micros` microseconds.
  void Add(const std::string& name, double micros) {
    std::lock_guard lock(mutex_);
    samples_[name].push_back(micros);
  }

  /// Record every sample of `micros` under `name` (one lock for a thread's whole run).
  void AddAll(const std::string& name, const std::vector<double>& micros) {
    std::lock_guard lock(mutex_);
    auto& into = samples_[name];
    into.insert(into.end(), micros.begin(), micros.end());
  }

  /// Forget the samples of `name` (before a benchmark starts over).
  void Clear(const std::string& name) {
    std::lock_guard lock(mutex_);
    samples_.erase(name);
  }

  /// Record that some thread of a concurrent benchmark `name` ran `ops` operations from
  /// `start_us` to `end_us` (SteadyMicros); the spans of all threads merge into one.
  void AddSpan(const std::string& name, double start_us, double end_us, int64_t ops) {
    std::lock_guard lock(mutex_);
    Span& span = spans_[name];
    span.start_us = std::min(span.start_us, start_us);
    span.end_us = std::max(span.end_us, end_us);
    span.ops += ops;
  }

  /// Operations per second of `name` over its merged span (first start to last end); 0 when
  /// nothing was recorded.
  double Throughput(const std::string& name) const {
    std::lock_guard lock(mutex_);
    auto it = spans_.find(name);
    if (it == spans_.end() || it->second.ops == 0) return 0;
    const Span& span = it->second;
    return static_cast<double>(span.ops) / ((span.end_us - span.start_us) / 1e6);
  }

  LatencySummary Summary(const std::string& name) const {
    std::vector<double> sorted;
    {
      std::lock_guard lock(mutex_);
      auto it = samples_.find(name);
      if (it == samples_.end() || it->second.empty()) return {};
      sorted = it->second;
    }
    std::sort(sorted.begin(), sorted.end());
    LatencySummary s;
    s.n = sorted.size();
    s.p50 = NearestRank(sorted, 0.50);
    s.p99 = NearestRank(sorted, 0.99);
    double sum = 0;
    for (double v : sorted) sum += v;
    s.mean = sum / static_cast<double>(s.n);
    s.max = sorted.back();
    return s;
  }

 private:
  struct Span {
    double start_us = 1e300;
    double end_us = 0;
    int64_t ops = 0;
  };
  mutable std::mutex mutex_;
  std::map<std::string, std::vector<double>> samples_;
  std::map<std::string, Span> spans_;
};

/// Microseconds on the steady clock (for spans).
inline double SteadyMicros() {
  return std::chrono::duration<double, std::micro>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

/// Run `fn` and return how long it took, in microseconds (steady clock).
template <typename Fn>
double TimeMicros(Fn&& fn) {
  auto start = std::chrono::steady_clock::now();
  fn();
  return std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start)
      .count();
}

}  // namespace xronox::bench
