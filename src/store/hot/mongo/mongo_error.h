// Conversion of libmongoc errors to Status: the one place that interprets them.
// Thread-safety: pure function.
#pragma once

#include <mongoc/mongoc.h>

#include <string_view>

#include "xronox/status.h"

namespace xronox::store {

/// The server codes of a duplicate key (unique index or _id) error.
bool IsDuplicateKey(const bson_error_t& error);

/// Convert a failed libmongoc call's `error` into a Status whose message is
/// "<operation> <target>: <mongoc message> (code N)": duplicate key (11000, 11001, 12582) ->
/// AlreadyExists; server selection, connection and stream errors, and the server's
/// not-primary/shutdown codes -> Unavailable; socket timeouts, MaxTimeMSExpired (50) and
/// write concern timeouts (64) -> DeadlineExceeded; authentication -> Unauthenticated;
/// Unauthorized (13) -> PermissionDenied; anything else -> Internal.
Status MongoStatus(std::string_view operation, std::string_view target, const bson_error_t& error);

}  // namespace xronox::store
