// The bounded drain of a stopping server: once a stop signal arrives, stop accepting, give
// in-flight requests a drain timeout to finish, then shut their connections down, and as a
// last resort exit the process if even that does not let the server return.
// Thread-safety: Begin and Finish may be called from different threads.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>

#include "server/operations/access_log.h"
#include "server/transport/http_listener.h"

namespace xronox::server {

class Drain {
 public:
  /// Drain `listener` within `timeout`, logging to `log`; both must outlive this object.
  Drain(HttpListener& listener, std::chrono::milliseconds timeout, LogSink& log)
      : listener_(listener), timeout_(timeout), log_(log) {}

  /// Stop the listener and wait for Finish; past the timeout, close the open connections,
  /// and if Serve still has not returned 5 s later, exit with status 1. Does nothing once
  /// Finish was called.
  void Begin();
  /// Note that Serve returned.
  void Finish();
  /// True when the drain timed out and connections were closed under in-flight requests.
  bool forced() const;

 private:
  bool WaitFinished(std::chrono::milliseconds timeout);

  HttpListener& listener_;
  const std::chrono::milliseconds timeout_;
  LogSink& log_;
  mutable std::mutex mutex_;
  std::condition_variable finished_cv_;
  bool finished_ = false;
  bool forced_ = false;
};

}  // namespace xronox::server
