#include "server/operations/key_limiter.h"

namespace xronox::server {

KeyLimiter::KeyLimiter(const Authenticator& keys, int max_in_flight)
    : max_in_flight_(max_in_flight) {
  for (const ApiKey* key : keys.Keys()) in_flight_[key] = std::make_unique<std::atomic<int>>(0);
}

std::optional<KeyLimiter::Slot> KeyLimiter::Acquire(const ApiKey& key) const {
  auto found = in_flight_.find(&key);
  if (found == in_flight_.end()) return std::nullopt;
  std::atomic<int>& count = *found->second;
  if (count.fetch_add(1) >= max_in_flight_) {
    count.fetch_sub(1);
    return std::nullopt;
  }
  return Slot(&count);
}

}  // namespace xronox::server
