// Random identifiers. Thread-safety: safe from many threads.
#pragma once

#include <string>

#include "xronox/types.h"

namespace xronox {

/// A new record id: 26 characters, time-ordered (milliseconds) then 80 random bits,
/// Crockford base32, lowercase.
std::string NewRecordId(TimestampMicros now);
/// The first 10 characters of the ids NewRecordId makes during the millisecond of `at` (0 for an
/// instant before 1970): every such id extends it, ids of earlier milliseconds sort before it
/// and ids of later ones after.
std::string RecordIdTimePrefix(TimestampMicros at);
/// A random token of `bytes` random bytes, hex encoded.
std::string RandomHex(int bytes);

}  // namespace xronox
