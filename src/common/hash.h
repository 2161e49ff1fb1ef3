// SHA-256 hashing (OpenSSL). Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>

namespace xronox {

/// Return the lowercase hex SHA-256 of `bytes`.
std::string Sha256Hex(std::string_view bytes);

}  // namespace xronox
