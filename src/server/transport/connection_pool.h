// The task queue behind the HTTP listener. cpp-httplib runs each accepted connection (all its
// keep-alive requests) as one job on its task queue; its own ThreadPool queues jobs without
// bound, so once every worker holds a connection a new client waits, silently, until one
// frees up. This queue runs a connection at once while fewer than `max_connections` are open
// (starting threads on demand) and otherwise hands it to a small rejecting pool that answers
// 503 (see ConnectionMode).
// Thread-safety: enqueue and shutdown may be called from many threads at once.
#pragma once

#include <httplib.h>

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace xronox::server {

/// How the current thread must treat the connection it is about to process.
enum class ConnectionMode {
  kServe,   ///< Serve its requests.
  kReject,  ///< Over the connection limit: answer 503 with Retry-After and close.
  kDrop,    ///< Over the limit while the rejecting pool is full too: close at once.
};

/// The mode of the connection job running on this thread (kServe outside the rejecting pool).
ConnectionMode CurrentConnectionMode();

/// Threads that run jobs, started on demand up to a maximum of busy plus queued jobs.
class WorkerPool {
 public:
  /// Allow at most `max_jobs` jobs running or waiting; start `prestart` threads now.
  WorkerPool(size_t max_jobs, size_t prestart, ConnectionMode mode);
  ~WorkerPool();
  /// Queue `job` unless the pool holds `max_jobs` already or is shut down; false then.
  bool Submit(std::function<void()>& job);
  /// Finish every queued job, then join the threads.
  void Shutdown();

 private:
  void Work();

  const size_t max_jobs_;
  const ConnectionMode mode_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::function<void()>> jobs_;
  std::vector<std::thread> threads_;
  size_t busy_ = 0;
  bool shutdown_ = false;
};

/// Runs connections up to a limit and rejects the rest with an answer rather than a wait.
class ConnectionQueue final : public httplib::TaskQueue {
 public:
  /// Serve up to `max_connections` at once, with `prestart` threads started now.
  ConnectionQueue(size_t max_connections, size_t prestart);
  /// Run a connection job now, or in reject (or drop) mode when the limit is reached.
  void enqueue(std::function<void()> fn) override;
  /// Let every running and queued connection finish, then join the threads.
  void shutdown() override;

 private:
  WorkerPool serving_;
  WorkerPool rejecting_;
};

}  // namespace xronox::server
