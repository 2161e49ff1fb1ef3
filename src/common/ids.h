// Random identifiers. Thread-safety: safe from many threads.
#pragma once

#include <optional>
#include <string>
#include <string_view>

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

/// An opaque page cursor: `kind` (a letter naming what pages it continues) and the lowercase hex
/// of `text`.
std::string EncodeHexCursor(char kind, std::string_view text);
/// The text of a cursor EncodeHexCursor made with `kind`; nullopt for any other string, or one
/// longer than `max_chars`.
std::optional<std::string> DecodeHexCursor(char kind, std::string_view cursor, size_t max_chars);

}  // namespace xronox
