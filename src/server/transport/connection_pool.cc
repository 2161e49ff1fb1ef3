#include "server/transport/connection_pool.h"

#include <algorithm>

namespace xronox::server {

namespace {

// Rejecting is quick (read the request, write 503), so two threads and a short queue suffice;
// past that, closing at once is the only answer that does not pile up work under a flood.
constexpr size_t kRejectingThreads = 2;
constexpr size_t kRejectingJobs = 64;

thread_local ConnectionMode current_mode = ConnectionMode::kServe;

}  // namespace

ConnectionMode CurrentConnectionMode() { return current_mode; }

WorkerPool::WorkerPool(size_t max_jobs, size_t prestart, ConnectionMode mode)
    : max_jobs_(std::max<size_t>(max_jobs, 1)), mode_(mode) {
  std::lock_guard<std::mutex> lock(mutex_);
  for (size_t i = 0; i < std::min(prestart, max_jobs_); ++i)
    threads_.emplace_back([this] { Work(); });
}

WorkerPool::~WorkerPool() { Shutdown(); }

bool WorkerPool::Submit(std::function<void()>& job) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (shutdown_ || busy_ + jobs_.size() >= max_jobs_) return false;
  jobs_.push_back(std::move(job));
  // Every idle thread will take a queued job; start one more only when they would not suffice.
  if (threads_.size() - busy_ < jobs_.size()) threads_.emplace_back([this] { Work(); });
  wake_.notify_one();
  return true;
}

void WorkerPool::Shutdown() {
  std::vector<std::thread> threads;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    shutdown_ = true;
    threads.swap(threads_);
  }
  wake_.notify_all();
  for (std::thread& thread : threads) thread.join();
}

void WorkerPool::Work() {
  current_mode = mode_;
  std::unique_lock<std::mutex> lock(mutex_);
  while (true) {
    wake_.wait(lock, [this] { return shutdown_ || !jobs_.empty(); });
    if (jobs_.empty()) return;  // Shut down with nothing left to do.
    std::function<void()> job = std::move(jobs_.front());
    jobs_.pop_front();
    ++busy_;
    lock.unlock();
    job();
    lock.lock();
    --busy_;
  }
}

ConnectionQueue::ConnectionQueue(size_t max_connections, size_t prestart)
    : serving_(max_connections, prestart, ConnectionMode::kServe),
      rejecting_(kRejectingJobs, kRejectingThreads, ConnectionMode::kReject) {}

void ConnectionQueue::enqueue(std::function<void()> fn) {
  if (serving_.Submit(fn) || rejecting_.Submit(fn)) return;
  // Runs on the accept thread: the job only closes the socket in this mode.
  current_mode = ConnectionMode::kDrop;
  fn();
  current_mode = ConnectionMode::kServe;
}

void ConnectionQueue::shutdown() {
  serving_.Shutdown();
  rejecting_.Shutdown();
}

}  // namespace xronox::server
