// A limit on the requests one API key has in flight, so that one key (a read key looping over
// slow queries, a client uploading many contents at once) cannot hold every worker thread.
// Thread-safety: Acquire and the slots it returns are safe from many threads.
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <optional>

#include "server/api/auth.h"

namespace xronox::server {

/// Default number of requests one API key may have in flight (xronoxd --max-requests-per-key).
inline constexpr int kDefaultMaxRequestsPerKey = 32;

class KeyLimiter {
 public:
  /// A request's place among its key's requests in flight; given back when destroyed.
  class Slot {
   public:
    explicit Slot(std::atomic<int>* count) : count_(count) {}
    Slot(Slot&& other) noexcept : count_(other.count_) { other.count_ = nullptr; }
    Slot(const Slot&) = delete;
    Slot& operator=(const Slot&) = delete;
    Slot& operator=(Slot&&) = delete;
    ~Slot() {
      if (count_ != nullptr) count_->fetch_sub(1);
    }

   private:
    std::atomic<int>* count_;
  };

  /// Limit each of `keys` (their addresses must stay valid) to `max_in_flight` requests.
  KeyLimiter(const Authenticator& keys, int max_in_flight);

  /// A slot for one more request of `key`; nullopt when the key has max_in_flight already.
  std::optional<Slot> Acquire(const ApiKey& key) const;
  int max_in_flight() const { return max_in_flight_; }

 private:
  const int max_in_flight_;
  // One counter per key, made up front: the keys are fixed for the server's life.
  std::map<const ApiKey*, std::unique_ptr<std::atomic<int>>> in_flight_;
};

}  // namespace xronox::server
