// The production benchmark's report: comparison rows on percentiles and throughput (subject,
// baseline, ratio, target, met) and a table of every timed operation.
// Thread-safety: call after the benchmarks have run (reads LatencySamples, which is thread-safe).
#pragma once

#include <string>
#include <vector>

#include "bench/latency_samples.h"

namespace xronox::bench {

/// One line of the comparison table.
struct ComparisonRow {
  std::string title, subject, baseline, ratio, target, met;
};

/// Compare the p50 (or p99) of two sample sets; `limit` > 0 is the target "subject/baseline <=
/// limit", 0 means none (an informative row).
ComparisonRow LatencyRow(const LatencySamples& samples, const std::string& title,
                         const std::string& subject, const std::string& baseline, bool p99,
                         double limit);

/// Compare the throughput of two concurrent runs; the target is "subject/baseline >= floor".
ComparisonRow ThroughputRow(const LatencySamples& samples, const std::string& title,
                            const std::string& subject, const std::string& baseline, double floor);

void PrintComparisonRows(const std::vector<ComparisonRow>& rows);

/// n, p50, p99, mean and max of each named sample set that has samples, in the given order.
void PrintLatencyTable(const LatencySamples& samples, const std::vector<std::string>& names);

/// Print the 1, 5 and 15 minute load averages (the machine may be shared).
void PrintLoad(const char* when);

/// The name CollectingReporter keys a run by, for a benchmark registered with Iterations(n),
/// UseRealTime() and, when threads > 1, Threads(threads) (Google Benchmark 1.7's naming).
std::string ReportedName(const std::string& name, int iterations, int threads);

}  // namespace xronox::bench
