#include "server/operations/background_jobs.h"

#include <algorithm>
#include <string>

#include "server/operations/job_log.h"

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

// Runs one job on a collection with the stop flag set: the refusals named in `quiet` (no
// policy, another server or a CLI run at it, the server stopping) log nothing, another failure
// is a warning, and a run that changed something is logged.
template <typename Options, typename Run>
void BackgroundJobs::RunJob(const Target& target, std::string_view job,
                            std::initializer_list<std::string_view> quiet, Run run) {
  auto collection = store_.With(target);
  if (!collection.ok()) return;
  Options options;
  options.stop = &stop_;
  auto report = run(*collection, options);
  if (!report.ok()) {
    const std::string& reason = report.status().reason();
    if (std::find(quiet.begin(), quiet.end(), reason) != quiet.end()) return;
    log_.Event("warn", "background " + std::string(job) + " " + TargetPath(target) + ": " +
                           report.status().ToString());
    return;
  }
  LogJobRun(log_, "background", target, *report);
}

void BackgroundJobs::RunRetention(const Target& target) {
  RunJob<RetentionOptions>(target, "retention", {"no_retention", "job_running", "cancelled"},
                           [](Collection& collection, const RetentionOptions& options) {
                             return collection.ApplyRetention(options);
                           });
}

void BackgroundJobs::RunOffload(const Target& target) {
  // Runtime collections are never offloadable: their refusal is quiet too.
  RunJob<OffloadOptions>(target, "offload",
                         {"no_offload", "not_offloadable", "job_running", "cancelled"},
                         [](Collection& collection, const OffloadOptions& options) {
                           return collection.Offload(options);
                         });
}

}  // namespace xronox::server
