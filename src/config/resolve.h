// Resolution of configured databases: which database (names, stores, concrete buckets) serves
// a (database type, tier, tenant). Tenant names come only from here, never from request input.
// Thread-safety: pure functions over a Config value.
#pragma once

#include <string>

#include "xronox/config.h"
#include "xronox/status.h"
#include "xronox/types.h"

namespace xronox {

/// The four kinds of object-store bucket (DESIGN section 4).
enum class BucketKind { kRecords, kVersions, kContent, kBackups };

inline constexpr BucketKind kAllBucketKinds[] = {BucketKind::kRecords, BucketKind::kVersions,
                                                 BucketKind::kContent, BucketKind::kBackups};

/// Placeholder for the tenant id in a runtime tenant template's names.
inline constexpr char kTenantPlaceholder[] = "{tenant}";

/// Return "records", "versions", "content" or "backups".
const char* BucketKindName(BucketKind kind);

/// True when databases of `type` keep objects of `kind`: records and content always, versions
/// on runtime only, backups on every type but logs.
bool UsesBucketKind(DatabaseType type, BucketKind kind);

/// Return the bucket name of `kind` in `names` (empty: not set there).
const std::string& BucketName(const BucketNames& names, BucketKind kind);
std::string& MutableBucketName(BucketNames& names, BucketKind kind);
/// Return the key prefix of `kind`.
const std::string& FolderPrefix(const FolderPrefixes& prefixes, BucketKind kind);

/// Return the database's bucket of `kind` as set on it. On a database from ResolveDatabase this
/// is the concrete bucket (empty: the type does not use the kind, or there is no object store).
const std::string& BucketFor(const DatabaseConfig& database, BucketKind kind);

/// Replace every "{tenant}" in `text` with `tenant_id`.
std::string SubstituteTenant(const std::string& text, const std::string& tenant_id);

/// True when the database names an object store (s3Ref or folderRef).
bool HasObjectStore(const DatabaseConfig& database);

/// Check a bucket name by the rules of the database's object store: S3 (ValidateBucketName)
/// or folder (ValidateFolderBucketName).
Status ValidateBucketNameFor(const DatabaseConfig& database, const std::string& bucket);

/// Return the folder prefixes of the database's object-store connection; nullptr when it has
/// none or the connection does not exist.
const FolderPrefixes* ObjectStorePrefixes(const Config& config, const DatabaseConfig& database);

/// Return the bucket of `kind` for `database`: its own field, else its S3 connection's
/// `buckets` default; empty when the type does not use the kind, there is no object store, or
/// neither sets it. "{tenant}" is not substituted.
std::string ResolveBucket(const Config& config, const DatabaseConfig& database, BucketKind kind);

/// Return the database that serves (type, tier, tenant_id), with every bucket the type uses
/// resolved to a concrete name. Tenant tier: the listed database of that tenant, else (runtime
/// only) the tenant template with "{tenant}" replaced everywhere. Generic tier takes an empty
/// tenant_id. NotFound when the type, tier or tenant is not configured; InvalidArgument for an
/// invalid tenant id, or one that would give the template invalid or already used names.
Result<DatabaseConfig> ResolveDatabase(const Config& config, DatabaseType type, Tier tier,
                                       const std::string& tenant_id);

}  // namespace xronox
