// Timing and failure helpers of the throughput benchmarks that time whole runs (backup, as-of).
// Thread-safety: pure functions.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "xronox/status.h"

namespace xronox::bench {

using SteadyClock = std::chrono::steady_clock;

/// Seconds since `start`.
inline double Seconds(SteadyClock::time_point start) {
  return std::chrono::duration<double>(SteadyClock::now() - start).count();
}

/// The median of `values` (the upper one of an even count).
inline double Median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}

/// Exit 1 naming `what` unless `status` is ok: a benchmark that failed measures nothing.
inline void Check(const Status& status, const char* what) {
  if (status.ok()) return;
  std::fprintf(stderr, "%s: %s\n", what, status.ToString().c_str());
  std::exit(1);
}

}  // namespace xronox::bench
