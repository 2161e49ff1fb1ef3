// Collects benchmark results and prints each result beside its same-run baseline.
#pragma once

#include <benchmark/benchmark.h>

#include <cstdio>
#include <map>
#include <string>
#include <vector>

namespace xronox::bench {

class CollectingReporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    for (const auto& run : runs) {
      double seconds = run.real_accumulated_time / static_cast<double>(run.iterations);
      std::string name = run.benchmark_name();
      const std::string suffix = "/real_time";
      if (name.ends_with(suffix)) name.resize(name.size() - suffix.size());
      latency_us_[name] = seconds * 1e6;
    }
    ConsoleReporter::ReportRuns(runs);
  }
  /// Mean real time per iteration in microseconds; negative when the benchmark did not run.
  double LatencyMicros(const std::string& name) const {
    auto it = latency_us_.find(name);
    return it == latency_us_.end() ? -1 : it->second;
  }

 private:
  std::map<std::string, double> latency_us_;
};

struct Comparison {
  std::string title;
  std::string subject;
  std::string baseline;
  std::string target;
};

inline void PrintComparison(const CollectingReporter& reporter,
                            const std::vector<Comparison>& comparisons) {
  std::printf(
      "\n| comparison | subject (us/op) | baseline (us/op) | subject/baseline latency | "
      "subject/baseline throughput | target |\n|---|---|---|---|---|---|\n");
  for (const auto& c : comparisons) {
    double subject = reporter.LatencyMicros(c.subject);
    double baseline = reporter.LatencyMicros(c.baseline);
    if (subject <= 0 || baseline <= 0) {
      std::printf("| %s | not run | not run | - | - | %s |\n", c.title.c_str(), c.target.c_str());
      continue;
    }
    std::printf("| %s | %.1f | %.1f | %.2fx | %.2f | %s |\n", c.title.c_str(), subject, baseline,
                subject / baseline, baseline / subject, c.target.c_str());
  }
}

}  // namespace xronox::bench
