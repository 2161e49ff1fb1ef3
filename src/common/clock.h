// Clock (injectable for tests) and RFC 3339 time formatting.
// Thread-safety: SystemClock and ManualClock are safe from many threads.
#pragma once

#include <atomic>
#include <optional>
#include <string>

#include "xronox/types.h"

namespace xronox {

/// Microseconds in a day (policies counted in days: retention, offload).
inline constexpr TimestampMicros kDayMicros = 86'400'000'000;

class Clock {
 public:
  virtual ~Clock() = default;
  /// Microseconds since the Unix epoch.
  virtual TimestampMicros NowMicros() = 0;
};

class SystemClock final : public Clock {
 public:
  TimestampMicros NowMicros() override;
  /// The process-wide system clock.
  static Clock* Default();
};

/// A clock that moves only when told to.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(TimestampMicros start) : now_(start) {}
  TimestampMicros NowMicros() override { return now_.load(); }
  void Advance(TimestampMicros delta) { now_ += delta; }
  void Set(TimestampMicros now) { now_ = now; }

 private:
  std::atomic<TimestampMicros> now_;
};

/// Format as RFC 3339 UTC with microseconds: "2024-01-01T10:00:00.000000Z".
std::string FormatRfc3339(TimestampMicros micros);
/// Parse RFC 3339 (fraction optional, up to 9 digits, "Z" or +hh:mm offset); nullopt if invalid.
std::optional<TimestampMicros> ParseRfc3339(const std::string& text);
/// Format the UTC date "YYYY-MM-DD".
std::string FormatDate(TimestampMicros micros);
/// Format ISO 8601 basic UTC to the second (fraction dropped): "20130524T000000Z".
std::string FormatIso8601Basic(TimestampMicros micros);

}  // namespace xronox
