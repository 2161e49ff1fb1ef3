// Strict JSON for values that come from outside. nlohmann::json does the parsing; this layer
// refuses what it would silently alter: numbers that do not survive a round trip (big
// integers, over-precise or infinite floats), nesting deeper than a limit.
// Thread-safety: pure functions.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "xronox/status.h"
#include "xronox/types.h"

namespace xronox {

/// Deepest accepted nesting of arrays and objects.
inline constexpr int kMaxJsonDepth = 100;

/// Most memory a parsed JSON document may take (estimated while parsing), by default: about a
/// million numbers in an array, or 300,000 object members. Every parsed value costs 16 bytes
/// or more, so a text of small values can take eight times its size once parsed.
inline constexpr size_t kMaxJsonDomBytes = size_t{32} << 20;

/// Parse JSON text; InvalidArgument (with the byte offset) for anything that is not valid
/// UTF-8 JSON, nests deeper than kMaxJsonDepth, or holds a number that would be altered;
/// ResourceExhausted (reason "json_too_large") when it would take more than `max_dom_bytes`
/// once parsed. Messages are bounded: they quote at most 64 bytes of any name and name at
/// most three duplicate keys (counting the rest).
Result<Json> ParseJsonStrict(std::string_view text, size_t max_dom_bytes = kMaxJsonDomBytes);
/// As ParseJsonStrict, and require a JSON object at the top.
Result<Json> ParseJsonObject(std::string_view text, const std::string& what,
                             size_t max_dom_bytes = kMaxJsonDomBytes);
/// Empty `value` (leaving null) without allocating. nlohmann::json's destructor first copies a
/// container's children onto a vector of their number, so destroying a large value needs
/// memory; out of memory, that throws from a destructor and ends the process. This takes the
/// tree apart bottom-up instead (recursion depth is the value's nesting).
void ReleaseJson(Json& value) noexcept;

/// Calls ReleaseJson on a value when the scope ends, however it ends.
class ReleaseOnExit {
 public:
  explicit ReleaseOnExit(Json& value) : value_(value) {}
  ~ReleaseOnExit() { ReleaseJson(value_); }
  ReleaseOnExit(const ReleaseOnExit&) = delete;
  ReleaseOnExit& operator=(const ReleaseOnExit&) = delete;

 private:
  Json& value_;
};

/// A shared, immutable JSON value released with ReleaseJson when its last owner goes.
std::shared_ptr<const Json> ShareJson(Json value);

/// Serialize compactly; InvalidArgument if a string holds invalid UTF-8.
Result<std::string> DumpJson(const Json& value);
/// True when `value` nests deeper than `max_depth`.
bool ExceedsDepth(const Json& value, int max_depth);
/// Compare two JSON numbers exactly (-1, 0, 1). nlohmann's operators cast uint64 to int64 and
/// int64 to double, so 2^64-1 would equal -1; this does not. Both must be numbers.
int CompareJsonNumbers(const Json& a, const Json& b);
/// True when the decimal number `text` and `value`'s shortest form denote the same number.
bool NumberTextMatches(std::string_view text, double value);

}  // namespace xronox
