// Parts of ValidateConfig, split by concept. Each appends what it finds to `problems`.
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <vector>

#include "config/problems.h"
#include "xronox/config.h"

namespace xronox::config_internal {

/// Tenant id substituted for "{tenant}" when checking a template's names.
inline constexpr char kSampleTenant[] = "tenant1";

/// One database of a config, with the field path its problems are reported under
/// ("databases.knowledge", "databases.runtime.tenantDatabases[0]", ...).
struct DatabaseRef {
  const DatabaseConfig* db;
  std::string path;
  bool is_template;  ///< The runtime tenant template (listed last).
};

/// Every database of `config`, the tenant template last.
std::vector<DatabaseRef> ListDatabaseRefs(const Config& config);

/// Connection names, URIs, endpoints, paths, default buckets and folder prefixes.
void ValidateConnections(const Config& config, Problems* problems);
/// The database matrix, store references, names, buckets and tenant isolation.
void ValidateDatabases(const Config& config, Problems* problems);
/// S3 storage classes apply per folder prefix: kinds of one database whose prefixes are equal or
/// nested in one bucket must not have different classes.
void ValidateStorageClasses(const Config& config, Problems* problems);

/// Problems of a retention policy at `path`: negative values, or neither limit set.
void CheckRetention(const std::string& path, const RetentionPolicy& policy, Problems* problems);

}  // namespace xronox::config_internal
