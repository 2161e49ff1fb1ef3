// Resolution of configured databases: which database (names, stores, concrete buckets) serves
// a (database type, tier, tenant). Tenant names come only from here, never from request input.
// Thread-safety: pure functions over a Config value.
#pragma once

#include <optional>
#include <string>

#include "xronox/config.h"
#include "xronox/status.h"
#include "xronox/types.h"

namespace xronox {

/// The four kinds of object-store bucket (docs/formats/storage-layout.md).
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
std::string& MutableFolderPrefix(FolderPrefixes& prefixes, BucketKind kind);
/// Return the S3 storage class of `kind` (empty: none, the service default).
const std::string& StorageClassOf(const StorageClasses& classes, BucketKind kind);

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

/// Return the database's object-store connection for messages: "s3 connection 'name'" or
/// "folder connection 'name'" (s3Ref wins when both are set, as in ResolveBucket); empty without
/// an object store.
std::string ObjectStoreLabel(const DatabaseConfig& database);

/// Return where the database's objects live, to tell when two connections reach one store:
/// "s3 " and the endpoint (lowercase, without trailing '/'), or "folder " and the path
/// (lexically normal). Empty without an object store or when its connection does not exist.
std::string ObjectStoreLocation(const Config& config, const DatabaseConfig& database);

/// True when keys under folder prefixes `a` and `b` can meet in one bucket: the prefixes are
/// equal, or one is a leading run of the other's '/'-separated segments (an empty prefix meets
/// every prefix, since keys are "{prefix}/{collection}/..." or "{collection}/...").
bool PrefixesOverlap(const std::string& a, const std::string& b);

/// Return the valid tenant id `t` for which SubstituteTenant(pattern, t) == name, if any (there
/// is at most one). A pattern without "{tenant}" gives none.
std::optional<std::string> TenantForName(const std::string& pattern, const std::string& name);

/// Return the bucket of `kind` for `database`: its own field, else its S3 connection's
/// `buckets` default; empty when the type does not use the kind, there is no object store, or
/// neither sets it. "{tenant}" is not substituted.
std::string ResolveBucket(const Config& config, const DatabaseConfig& database, BucketKind kind);

/// True when `tenant_id` has a listed runtime database (the template never serves it).
bool IsListedRuntimeTenant(const Config& config, const std::string& tenant_id);

/// True when a database other than `resolved` (from ResolveDatabase) can keep objects in its
/// `kind` bucket under the same folder prefix in the same object store: a listed database, or
/// runtime tenants of the template (every tenant when the template's bucket has no "{tenant}").
/// Such a key space is shared: each owner but the first keeps its keys under OwnerScope.
bool KeySpaceShared(const Config& config, const DatabaseConfig& resolved, BucketKind kind);

/// The key segment that scopes a database's objects in a shared key space: "@{type}" for a
/// generic database, "@{type}.{tenant}" for a tenant's. No collection name or folder prefix can
/// take it ('@' is outside both alphabets).
std::string OwnerScope(const DatabaseConfig& database);

/// Return the database that serves (type, tier, tenant_id), with every bucket the type uses
/// resolved to a concrete name. Tenant tier: the listed database of that tenant, else (runtime
/// only) the tenant template with "{tenant}" replaced everywhere. Generic tier takes an empty
/// tenant_id. NotFound when the type, tier or tenant is not configured; InvalidArgument for an
/// invalid tenant id, or one that would give the template invalid names, a listed database's
/// dbName, or a bucket where a listed database keeps objects under a nested (overlapping but
/// not equal) folder prefix in the same object store.
Result<DatabaseConfig> ResolveDatabase(const Config& config, DatabaseType type, Tier tier,
                                       const std::string& tenant_id);

}  // namespace xronox
