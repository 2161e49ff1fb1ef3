#include "server/operations/background_jobs.h"

#include "common/clock.h"

namespace xronox::server {

BackgroundJobs::BackgroundJobs(Xronox& store, LogSink& log, std::chrono::milliseconds interval)
    : store_(store), log_(log), interval_(interval) {
  if (interval_.count() > 0) thread_ = std::thread([this] { Loop(); });
}

BackgroundJobs::~BackgroundJobs() { Stop(); }

void BackgroundJobs::Stop() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void BackgroundJobs::Loop() {
  while (true) {
    {
      std::unique_lock<std::mutex> lock(mutex_);
      if (wake_.wait_for(lock, interval_, [this] { return stop_.load(); })) return;
    }
    RunPass();
  }
}

void BackgroundJobs::RunPass() {
  auto databases = store_.ListDatabaseTargets();
  if (!databases.ok()) {
    log_.Event("warn", "background jobs: " + databases.status().ToString());
    return;
  }
  for (Target target : *databases) {
    auto names = store_.ListCollections(target);
    if (!names.ok()) {
      log_.Event("warn", "background jobs: " + names.status().ToString());
      continue;
    }
    for (const std::string& name : *names) {
      if (stop_) return;
      target.collection = name;
      RunRetention(target);
      if (stop_) return;
      RunOffload(target);
    }
  }
}

void BackgroundJobs::RunRetention(const Target& target) {
  auto collection = store_.With(target);
  if (!collection.ok()) return;
  RetentionOptions options;
  options.stop = &stop_;
  auto report = collection->ApplyRetention(options);
  if (!report.ok()) {
    const std::string& reason = report.status().reason();
    // No policy, or another server (or a CLI run) is at it, or the server is stopping.
    if (reason == "no_retention" || reason == "job_running" || reason == "cancelled") return;
    log_.Event("warn",
               "background retention " + TargetPath(target) + ": " + report.status().ToString());
    return;
  }
  if (report->removed == 0 && report->versions_removed == 0 && report->held == 0) return;
  log_.Event("info", "background retention " + TargetPath(target),
             {{"collection", TargetPath(target)}, {"retention", RetentionReportToJson(*report)}});
}

void BackgroundJobs::RunOffload(const Target& target) {
  auto collection = store_.With(target);
  if (!collection.ok()) return;
  OffloadOptions options;
  options.stop = &stop_;
  auto report = collection->Offload(options);
  if (!report.ok()) {
    const std::string& reason = report.status().reason();
    // No policy or none possible (runtime), another server is at it, or the server is stopping.
    if (reason == "no_offload" || reason == "not_offloadable" || reason == "job_running" ||
        reason == "cancelled") {
      return;
    }
    log_.Event("warn",
               "background offload " + TargetPath(target) + ": " + report.status().ToString());
    return;
  }
  if (report->offloaded == 0 && report->parts_removed == 0) return;
  log_.Event("info", "background offload " + TargetPath(target),
             {{"collection", TargetPath(target)}, {"offload", OffloadReportToJson(*report)}});
}

}  // namespace xronox::server
