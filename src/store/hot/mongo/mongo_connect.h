// Opening a libmongoc client pool from a connection string and MongoOptions: URI options, read
// preference and the write concern. Shared by every store that talks to MongoDB (the hot store
// and the MongoDB object store of minimal mode), so both acknowledge writes the same way.
// Thread-safety: pure functions apart from the server round trip of OpenMongoPool.
#pragma once

#include <string>

#include "store/hot/mongo/mongo_handles.h"
#include "xronox/status.h"

namespace xronox::store {

struct MongoOptions;

/// Check the numeric options and the database prefix of `options`; `what` starts the message
/// (e.g. "open mongo hot store").
Status ValidateMongoOptions(const MongoOptions& options, const std::string& what);

/// A client pool and the write concern its clients use.
struct OpenedMongoPool {
  MongoPool pool;
  MongoWriteConcern write_concern;
  /// Conditional writes filter on `_id` alone and check the condition with a read first
  /// (MongoOptions::ConditionFilters).
  bool id_only_filters = false;
};

/// Validate `options`, parse `uri`, apply the options (timeouts, pool size, app name, read
/// preference), ask the server whether it is replicated and whether it is FerretDB ("hello"
/// and "buildInfo"), set the write concern that follows, and return a pool (error API version 2).
/// InvalidArgument for a bad URI or option, Unavailable when no server answers in time. Messages
/// start with `what` and never repeat the URI (it may hold a password).
Result<OpenedMongoPool> OpenMongoPool(const std::string& uri, const MongoOptions& options,
                                      const std::string& what);

}  // namespace xronox::store
