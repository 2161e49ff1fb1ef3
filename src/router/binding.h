// Binding: everything the engine needs to operate on one collection, resolved from config.
// Thread-safety: immutable once built; shared by every Collection handle of the target.
#pragma once

#include <memory>
#include <string>

#include "store/hot/hot_store.h"
#include "store/object/object_store.h"
#include "xronox/config.h"
#include "xronox/types.h"

namespace xronox {

struct Binding {
  Target target;
  DatabaseConfig database;                ///< Resolved: tenant substituted, buckets concrete.
  store::HotStore* hot = nullptr;         ///< Borrowed from the router, which outlives bindings.
  store::ObjectStore* objects = nullptr;  ///< Borrowed; null in hot-store-only mode.
  /// In minimal mode, the database's own handle on its connection's pool, which `objects`
  /// points at: owned by the bindings that use it, so that binding any number of names that do
  /// not exist leaves nothing behind in the router.
  std::shared_ptr<store::ObjectStore> own_objects;
  store::CollectionRef ref;  ///< {dbName, collection, versioned: runtime only}.
  /// Where each kind's keys start: the configured folder prefix, joined with the database's
  /// owner scope in a shared key space (router/key_scopes.h) once `keys_scoped`.
  FolderPrefixes prefixes;
  /// The router has set `prefixes` from the owner markers (Router::Exists or PrepareWrite); until
  /// then they are the configured ones, and only the hot store may be used.
  bool keys_scoped = false;
  std::vector<std::string> indexed_props;
  /// The collection map's naturalKeys: paths whose values name at most one live record.
  std::vector<std::string> natural_keys;
  /// The collection map's hiddenFields: paths that reads leave out unless asked with permission.
  std::vector<std::string> hidden_fields;
  bool versioned = false;    ///< Runtime: every write is a new immutable version.
  bool append_only = false;  ///< Logs: update and delete are refused.
  /// The collection map's retention, else its database's; nullopt when neither has one.
  std::optional<RetentionPolicy> retention;
  /// The collection map's s3Offload when enabled; nullopt otherwise.
  std::optional<OffloadPolicy> offload;
};

}  // namespace xronox
