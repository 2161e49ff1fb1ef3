// The production benchmark's report (production_report.h).
#include "bench/production_report.h"

#include <cstdio>
#include <cstdlib>

namespace xronox::bench {

namespace {

std::string Format(const char* format, double value) {
  char text[48];
  std::snprintf(text, sizeof(text), format, value);
  return text;
}

}  // namespace

ComparisonRow LatencyRow(const LatencySamples& samples, const std::string& title,
                         const std::string& subject, const std::string& baseline, bool p99,
                         double limit) {
  LatencySummary s = samples.Summary(subject);
  LatencySummary b = samples.Summary(baseline);
  std::string target = limit > 0 ? Format("<= %.1fx", limit) : "(none)";
  if (s.n == 0 || b.n == 0) return {title, "not run", "not run", "-", target, "-"};
  double sv = p99 ? s.p99 : s.p50;
  double bv = p99 ? b.p99 : b.p50;
  std::string met = limit <= 0 ? "-" : sv / bv <= limit ? "yes" : "no";
  return {title, Format("%.0f us", sv), Format("%.0f us", bv), Format("%.2fx", sv / bv), target,
          met};
}

ComparisonRow ThroughputRow(const LatencySamples& samples, const std::string& title,
                            const std::string& subject, const std::string& baseline, double floor) {
  double s = samples.Throughput(subject);
  double b = samples.Throughput(baseline);
  std::string target = Format(">= %.2f", floor);
  if (s <= 0 || b <= 0) return {title, "not run", "not run", "-", target, "-"};
  return {title,  Format("%.0f writes/s", s),   Format("%.0f pairs/s", b), Format("%.2f", s / b),
          target, s / b >= floor ? "yes" : "no"};
}

void PrintComparisonRows(const std::vector<ComparisonRow>& rows) {
  std::printf(
      "\n| comparison | subject | baseline | subject/baseline | target | met |\n"
      "|---|---|---|---|---|---|\n");
  for (const ComparisonRow& r : rows) {
    std::printf("| %s | %s | %s | %s | %s | %s |\n", r.title.c_str(), r.subject.c_str(),
                r.baseline.c_str(), r.ratio.c_str(), r.target.c_str(), r.met.c_str());
  }
}

void PrintLatencyTable(const LatencySamples& samples, const std::vector<std::string>& names) {
  std::printf(
      "\n| timed operation | n | p50 (us) | p99 (us) | mean (us) | max (us) |\n"
      "|---|---|---|---|---|---|\n");
  for (const std::string& name : names) {
    LatencySummary s = samples.Summary(name);
    if (s.n == 0) continue;
    std::printf("| %s | %zu | %.0f | %.0f | %.0f | %.0f |\n", name.c_str(), s.n, s.p50, s.p99,
                s.mean, s.max);
  }
}

void PrintLoad(const char* when) {
  double load[3] = {0, 0, 0};
  if (getloadavg(load, 3) == 3) {
    std::printf("load average %s: %.2f %.2f %.2f\n", when, load[0], load[1], load[2]);
  }
}

std::string ReportedName(const std::string& name, int iterations, int threads) {
  std::string reported = name + "/iterations:" + std::to_string(iterations);
  if (threads > 1) reported += "/real_time/threads:" + std::to_string(threads);
  return reported;
}

}  // namespace xronox::bench
