// xronoxd's background jobs: every --jobs-interval seconds (the first pass one interval after
// start), the retention of every collection whose database or collection map has a policy
// (docs/formats/retention.md), then the offload of every collection whose map enables s3Offload
// (docs/formats/offload.md), at its default rate. Each run holds its collection's lease, so that of
// several servers over one store one does each collection's work; a collection another server is
// working on is skipped until the next pass. Stop() ends a pass at its next record and joins the
// thread. Thread-safety: Stop() and the destructor may be called from any thread; one thread runs
// jobs.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <initializer_list>
#include <mutex>
#include <string_view>
#include <thread>

#include "server/operations/access_log.h"
#include "xronox/xronox.h"

namespace xronox::server {

class BackgroundJobs {
 public:
  /// Starts the thread; `interval` 0 starts nothing (no background jobs).
  BackgroundJobs(Xronox& store, LogSink& log, std::chrono::milliseconds interval);
  ~BackgroundJobs();
  BackgroundJobs(const BackgroundJobs&) = delete;
  BackgroundJobs& operator=(const BackgroundJobs&) = delete;

  /// Ask the running pass to stop, and wait for the thread to end.
  void Stop();

 private:
  void Loop();
  /// One retention and one offload run over every collection with a policy.
  void RunPass();
  void RunRetention(const Target& target);
  void RunOffload(const Target& target);
  template <typename Options, typename Run>
  void RunJob(const Target& target, std::string_view job,
              std::initializer_list<std::string_view> quiet, Run run);

  Xronox& store_;
  LogSink& log_;
  std::chrono::milliseconds interval_;
  std::atomic<bool> stop_{false};
  std::mutex mutex_;
  std::condition_variable wake_;
  std::thread thread_;
};

}  // namespace xronox::server
