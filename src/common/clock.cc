#include "common/clock.h"

#include <chrono>
#include <cstdio>
#include <ctime>

namespace xronox {

TimestampMicros SystemClock::NowMicros() {
  using namespace std::chrono;
  return duration_cast<microseconds>(system_clock::now().time_since_epoch()).count();
}

Clock* SystemClock::Default() {
  static SystemClock clock;
  return &clock;
}

namespace {

constexpr int64_t kMicrosPerSecond = 1'000'000;

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

std::tm ToUtc(TimestampMicros micros) {
  std::time_t seconds = static_cast<std::time_t>(FloorDiv(micros, kMicrosPerSecond));
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  return tm;
}

bool ReadDigits(const std::string& s, size_t& pos, int count, int& out) {
  if (pos + count > s.size()) return false;
  out = 0;
  for (int i = 0; i < count; ++i) {
    char c = s[pos + i];
    if (c < '0' || c > '9') return false;
    out = out * 10 + (c - '0');
  }
  pos += count;
  return true;
}

bool Expect(const std::string& s, size_t& pos, char c) {
  if (pos >= s.size() || (s[pos] != c && !(c == 'T' && (s[pos] == 't' || s[pos] == ' ')))) {
    return false;
  }
  ++pos;
  return true;
}

// Reads ".ffffff" (1-9 digits) into microseconds; absent fraction is zero.
bool ReadFraction(const std::string& s, size_t& pos, int64_t& micros) {
  micros = 0;
  if (pos >= s.size() || s[pos] != '.') return true;
  ++pos;
  int digits = 0;
  int64_t scale = 100000;
  while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
    if (++digits > 9) return false;
    if (scale > 0) micros += (s[pos] - '0') * scale;
    scale /= 10;
    ++pos;
  }
  return digits > 0;
}

bool ReadOffset(const std::string& s, size_t& pos, int64_t& offset_seconds) {
  offset_seconds = 0;
  if (pos >= s.size()) return false;
  char c = s[pos++];
  if (c == 'Z' || c == 'z') return true;
  if (c != '+' && c != '-') return false;
  int hours = 0, minutes = 0;
  if (!ReadDigits(s, pos, 2, hours) || !Expect(s, pos, ':') || !ReadDigits(s, pos, 2, minutes)) {
    return false;
  }
  if (hours > 23 || minutes > 59) return false;
  offset_seconds = (int64_t{hours} * 3600 + int64_t{minutes} * 60) * (c == '-' ? -1 : 1);
  return true;
}

int DaysInMonth(int year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : kDays[month - 1];
}

}  // namespace

std::string FormatRfc3339(TimestampMicros micros) {
  std::tm tm = ToUtc(micros);
  int64_t fraction = micros - FloorDiv(micros, kMicrosPerSecond) * kMicrosPerSecond;
  char buffer[96];  // Room for any int in every field, so the output is never cut.
  std::snprintf(buffer, sizeof(buffer), "%04d-%02d-%02dT%02d:%02d:%02d.%06lldZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<long long>(fraction));
  return buffer;
}

std::string FormatDate(TimestampMicros micros) {
  std::tm tm = ToUtc(micros);
  char buffer[40];  // Room for any int in every field.
  std::snprintf(buffer, sizeof(buffer), "%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1,
                tm.tm_mday);
  return buffer;
}

std::string FormatIso8601Basic(TimestampMicros micros) {
  std::tm tm = ToUtc(micros);
  char buffer[72];  // Room for any int fields, so the compiler sees no truncation.
  std::snprintf(buffer, sizeof(buffer), "%04d%02d%02dT%02d%02d%02dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
  return buffer;
}

std::optional<TimestampMicros> ParseRfc3339(const std::string& s) {
  size_t pos = 0;
  int year, month, day, hour, minute, second;
  int64_t fraction, offset;
  bool ok = ReadDigits(s, pos, 4, year) && Expect(s, pos, '-') && ReadDigits(s, pos, 2, month) &&
            Expect(s, pos, '-') && ReadDigits(s, pos, 2, day) && Expect(s, pos, 'T') &&
            ReadDigits(s, pos, 2, hour) && Expect(s, pos, ':') && ReadDigits(s, pos, 2, minute) &&
            Expect(s, pos, ':') && ReadDigits(s, pos, 2, second) &&
            ReadFraction(s, pos, fraction) && ReadOffset(s, pos, offset);
  if (!ok || pos != s.size()) return std::nullopt;
  if (month < 1 || month > 12 || day < 1 || day > DaysInMonth(year, month) || hour > 23 ||
      minute > 59 || second > 60) {
    return std::nullopt;
  }
  std::tm tm{};
  tm.tm_year = year - 1900;
  tm.tm_mon = month - 1;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  tm.tm_min = minute;
  tm.tm_sec = second;
  int64_t seconds = static_cast<int64_t>(timegm(&tm)) - offset;
  return seconds * kMicrosPerSecond + fraction;
}

}  // namespace xronox
