#include "server/operations/job_log.h"

#include <string>

namespace xronox::server {

namespace {

void LogEvent(LogSink& log, std::string_view origin, std::string_view job, const Target& target,
              Json report) {
  std::string path = TargetPath(target);
  log.Event("info", std::string(origin) + " " + std::string(job) + " " + path,
            {{"collection", path}, {std::string(job), std::move(report)}});
}

}  // namespace

void LogJobRun(LogSink& log, std::string_view origin, const Target& target,
               const RetentionReport& report) {
  if (report.dry_run) return;
  if (report.removed == 0 && report.versions_removed == 0 && report.held == 0) return;
  LogEvent(log, origin, "retention", target, RetentionReportToJson(report));
}

void LogJobRun(LogSink& log, std::string_view origin, const Target& target,
               const OffloadReport& report) {
  if (report.dry_run) return;
  if (report.offloaded == 0 && report.parts_removed == 0) return;
  LogEvent(log, origin, "offload", target, OffloadReportToJson(report));
}

}  // namespace xronox::server
