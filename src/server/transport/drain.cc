#include "server/transport/drain.h"

#include <cstdlib>

namespace xronox::server {

namespace {

// After the connections are shut down, only a handler stuck in a backend call can hold Serve;
// the process then exits rather than hang past any supervisor's patience.
constexpr std::chrono::seconds kLastResort{5};

}  // namespace

void Drain::Begin() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (finished_) return;
  }
  log_.Event("info", "shutdown started: refusing new connections, draining in-flight requests",
             {{"drain_timeout_s", static_cast<double>(timeout_.count()) / 1000}});
  listener_.Stop();
  if (WaitFinished(timeout_)) return;
  size_t closed = listener_.CloseConnections();
  {
    std::lock_guard<std::mutex> lock(mutex_);
    forced_ = true;
  }
  log_.Event("error", "drain timeout: closed connections with requests still in flight",
             {{"connections", closed}});
  if (WaitFinished(kLastResort)) return;
  log_.Event("error", "shutdown: requests still running after the drain; exiting");
  std::_Exit(1);
}

void Drain::Finish() {
  std::lock_guard<std::mutex> lock(mutex_);
  finished_ = true;
  finished_cv_.notify_all();
}

bool Drain::forced() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return forced_;
}

bool Drain::WaitFinished(std::chrono::milliseconds timeout) {
  std::unique_lock<std::mutex> lock(mutex_);
  return finished_cv_.wait_for(lock, timeout, [this] { return finished_; });
}

}  // namespace xronox::server
