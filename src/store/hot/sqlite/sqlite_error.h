// Conversion of SQLite result codes to Status: the one place that interprets them.
// Thread-safety: pure function; reads the connection's last error, so call it on the thread
// that got `rc`, before using the connection again.
#pragma once

#include <sqlite3.h>

#include <string_view>

#include "xronox/status.h"

namespace xronox::store {

/// Convert a failed SQLite call's result code `rc` on `db` (may be null) into a Status whose
/// message starts with `what` (operation and table): BUSY/LOCKED -> Unavailable, unique or
/// primary key constraint -> AlreadyExists, "no such table" -> NotFound (the collection does
/// not exist), CORRUPT/NOTADB -> Corruption, FULL -> ResourceExhausted, CANTOPEN/IOERR ->
/// Unavailable, READONLY/PERM -> PermissionDenied, anything else -> Internal.
Status SqliteStatus(int rc, sqlite3* db, std::string_view what);

}  // namespace xronox::store
