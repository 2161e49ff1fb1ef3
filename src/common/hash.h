// SHA-256 and HMAC-SHA256 (OpenSSL), and lowercase hex encoding. Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>

#include "xronox/status.h"

namespace xronox {

/// Return the lowercase hex SHA-256 of `bytes`.
std::string Sha256Hex(std::string_view bytes);

/// Return the raw 32-byte HMAC-SHA256 of `data` under `key`; Internal if OpenSSL fails.
Result<std::string> HmacSha256(std::string_view key, std::string_view data);

/// Return `bytes` as lowercase hex, two characters a byte.
std::string HexEncode(std::string_view bytes);

}  // namespace xronox
