// Rules every ObjectStore backend applies to keys and list arguments, so that all backends
// accept and refuse exactly the same input. Header-only because each backend is its own
// library and this is their only shared code.
// Thread-safety: pure functions.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "xronox/status.h"

namespace xronox::store {

/// Longest accepted object key, in bytes.
inline constexpr size_t kMaxObjectKeyBytes = 1024;
/// Longest accepted '/'-separated key segment, in bytes (a file name on every filesystem).
inline constexpr size_t kMaxObjectKeySegmentBytes = 255;
/// Key segments may not start with this: the folder store names its temp files so.
inline constexpr std::string_view kReservedSegmentPrefix = ".xronox-tmp";
/// Largest `limit` List accepts.
inline constexpr int kMaxListLimit = 1000;

namespace object_key_internal {

// Quotes a key for an error message without echoing control bytes or megabytes.
inline std::string Printable(std::string_view key) {
  std::string out = "'";
  for (char c : key.substr(0, 64)) {
    unsigned char u = static_cast<unsigned char>(c);
    out += (u < 0x20 || u == 0x7f) ? '?' : c;
  }
  return out + (key.size() > 64 ? "...'" : "'");
}

inline bool IsControl(char c) {
  unsigned char u = static_cast<unsigned char>(c);
  return u < 0x20 || u == 0x7f;
}

}  // namespace object_key_internal

/// Check one key segment: 1-255 bytes, not "." or "..", no control byte, not starting with
/// kReservedSegmentPrefix. Return a short reason, or an empty string when it is valid.
inline std::string_view ObjectKeySegmentProblem(std::string_view segment) {
  if (segment.empty()) return "has an empty segment (leading, trailing or double '/')";
  if (segment == "." || segment == "..") return "has a '.' or '..' segment";
  if (segment.size() > kMaxObjectKeySegmentBytes) return "has a segment over 255 bytes";
  if (segment.substr(0, kReservedSegmentPrefix.size()) == kReservedSegmentPrefix) {
    return "has a segment starting with the reserved '.xronox-tmp'";
  }
  for (char c : segment) {
    if (object_key_internal::IsControl(c)) return "holds a NUL or control byte";
  }
  return {};
}

/// Validate an object key: 1-1024 bytes of '/'-separated segments that each pass
/// ObjectKeySegmentProblem (so no leading '/', no "a//b", no "..").
inline Status ValidateObjectKey(std::string_view key) {
  if (key.empty()) return InvalidArgument("object key must not be empty");
  if (key.size() > kMaxObjectKeyBytes) {
    return InvalidArgument("object key " + object_key_internal::Printable(key) +
                           " is longer than 1024 bytes");
  }
  size_t start = 0;
  while (true) {
    size_t end = key.find('/', start);
    std::string_view segment = key.substr(start, end == std::string_view::npos ? end : end - start);
    std::string_view problem = ObjectKeySegmentProblem(segment);
    if (!problem.empty()) {
      return InvalidArgument("object key " + object_key_internal::Printable(key) + " " +
                             std::string(problem));
    }
    if (end == std::string_view::npos) return Status::Ok();
    start = end + 1;
  }
}

/// Validate the `limit` of a List call: 1..kMaxListLimit.
inline Status ValidateListLimit(int limit) {
  if (limit < 1 || limit > kMaxListLimit) {
    return InvalidArgument("list limit " + std::to_string(limit) + " is outside 1..1000");
  }
  return Status::Ok();
}

}  // namespace xronox::store
