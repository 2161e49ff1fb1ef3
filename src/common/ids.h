// Random identifiers. Thread-safety: safe from many threads.
#pragma once

#include <string>

#include "xronox/types.h"

namespace xronox {

/// A new record id: 26 characters, time-ordered (milliseconds) then 80 random bits,
/// Crockford base32, lowercase.
std::string NewRecordId(TimestampMicros now);
/// A random token of `bytes` random bytes, hex encoded.
std::string RandomHex(int bytes);

}  // namespace xronox
