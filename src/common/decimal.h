// Parsing of decimal numbers that come from outside (HTTP headers, cursors, object keys).
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace xronox {

/// Parse 1-19 ASCII digits (no sign, no spaces, nothing else) that fit in int64; nullopt
/// otherwise, including on overflow.
std::optional<int64_t> ParseNonNegativeDecimal(std::string_view text);

}  // namespace xronox
