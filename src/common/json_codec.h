// Strict JSON for values that come from outside. nlohmann::json does the parsing; this layer
// refuses what it would silently alter: numbers that do not survive a round trip (big
// integers, over-precise or infinite floats), nesting deeper than a limit.
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>

#include "xronox/status.h"
#include "xronox/types.h"

namespace xronox {

/// Deepest accepted nesting of arrays and objects.
inline constexpr int kMaxJsonDepth = 100;

/// Parse JSON text; InvalidArgument (with the byte offset) for anything that is not valid
/// UTF-8 JSON, nests deeper than kMaxJsonDepth, or holds a number that would be altered.
Result<Json> ParseJsonStrict(std::string_view text);
/// As ParseJsonStrict, and require a JSON object at the top.
Result<Json> ParseJsonObject(std::string_view text, const std::string& what);
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
