#include "config/resolve.h"

#include <vector>

#include "common/names.h"

namespace xronox {

namespace {

// Picks the member of kind `kind` from BucketNames or FolderPrefixes (const or not).
template <typename PerKind>
auto& PickByKind(PerKind& per_kind, BucketKind kind) {
  switch (kind) {
    case BucketKind::kRecords:
      return per_kind.records;
    case BucketKind::kVersions:
      return per_kind.versions;
    case BucketKind::kContent:
      return per_kind.content;
    case BucketKind::kBackups:
      return per_kind.backups;
  }
  return per_kind.records;
}

// Database names the template must never hand to a tenant: those of listed databases.
Status CheckNotShared(const Config& config, const DatabaseConfig& resolved) {
  for (const DatabaseConfig& other : config.databases) {
    for (const std::string* name : {&other.db_name, &other.analytics_db_name}) {
      if (name->empty()) continue;
      if (*name == resolved.db_name || *name == resolved.analytics_db_name) {
        return InvalidArgument("tenant id '" + resolved.tenant_id +
                               "': the runtime tenant template would give it database '" + *name +
                               "', which the " + DatabaseTypeName(other.type) +
                               " database already uses");
      }
    }
  }
  return Status::Ok();
}

Status CheckResolvedNames(const DatabaseConfig& resolved) {
  const std::string what = "tenant id '" + resolved.tenant_id + "' in the runtime template: ";
  if (Status s = ValidateDatabaseName(resolved.db_name); !s.ok()) {
    return InvalidArgument(what + s.message());
  }
  if (!resolved.analytics_db_name.empty()) {
    if (Status s = ValidateDatabaseName(resolved.analytics_db_name); !s.ok()) {
      return InvalidArgument(what + s.message());
    }
  }
  for (BucketKind kind : kAllBucketKinds) {
    const std::string& bucket = BucketFor(resolved, kind);
    if (bucket.empty()) continue;
    if (Status s = ValidateBucketNameFor(resolved, bucket); !s.ok()) {
      return InvalidArgument(what + s.message());
    }
  }
  return Status::Ok();
}

DatabaseConfig WithResolvedBuckets(const Config& config, DatabaseConfig database) {
  BucketNames resolved;
  for (BucketKind kind : kAllBucketKinds) {
    MutableBucketName(resolved, kind) = ResolveBucket(config, database, kind);
  }
  database.buckets = resolved;
  return database;
}

DatabaseConfig Instantiate(const Config& config, const DatabaseConfig& tmpl,
                           const std::string& tenant_id) {
  DatabaseConfig database = WithResolvedBuckets(config, tmpl);
  database.tenant_id = tenant_id;
  database.db_name = SubstituteTenant(database.db_name, tenant_id);
  database.analytics_db_name = SubstituteTenant(database.analytics_db_name, tenant_id);
  for (BucketKind kind : kAllBucketKinds) {
    std::string& bucket = MutableBucketName(database.buckets, kind);
    bucket = SubstituteTenant(bucket, tenant_id);
  }
  return database;
}

const DatabaseConfig* FindListed(const Config& config, DatabaseType type, Tier tier,
                                 const std::string& tenant_id) {
  for (const DatabaseConfig& database : config.databases) {
    if (database.type != type || database.tier != tier) continue;
    if (tier == Tier::kGeneric || database.tenant_id == tenant_id) return &database;
  }
  return nullptr;
}

Result<DatabaseConfig> ResolveTenant(const Config& config, DatabaseType type,
                                     const std::string& tenant_id) {
  XRONOX_RETURN_IF_ERROR(ValidateTenantId(tenant_id));
  if (const DatabaseConfig* listed = FindListed(config, type, Tier::kTenant, tenant_id)) {
    return WithResolvedBuckets(config, *listed);
  }
  if (type != DatabaseType::kRuntime || !config.runtime_tenant_template) {
    return NotFound(std::string("no ") + DatabaseTypeName(type) +
                    " database configured for tenant '" + tenant_id + "'");
  }
  DatabaseConfig database = Instantiate(config, *config.runtime_tenant_template, tenant_id);
  XRONOX_RETURN_IF_ERROR(CheckResolvedNames(database));
  XRONOX_RETURN_IF_ERROR(CheckNotShared(config, database));
  return database;
}

}  // namespace

const char* BucketKindName(BucketKind kind) {
  switch (kind) {
    case BucketKind::kRecords:
      return "records";
    case BucketKind::kVersions:
      return "versions";
    case BucketKind::kContent:
      return "content";
    case BucketKind::kBackups:
      return "backups";
  }
  return "records";
}

bool UsesBucketKind(DatabaseType type, BucketKind kind) {
  switch (kind) {
    case BucketKind::kRecords:
    case BucketKind::kContent:
      return true;
    case BucketKind::kVersions:
      return type == DatabaseType::kRuntime;
    case BucketKind::kBackups:
      return type != DatabaseType::kLogs;
  }
  return false;
}

const std::string& BucketName(const BucketNames& names, BucketKind kind) {
  return PickByKind(names, kind);
}

std::string& MutableBucketName(BucketNames& names, BucketKind kind) {
  return PickByKind(names, kind);
}

const std::string& FolderPrefix(const FolderPrefixes& prefixes, BucketKind kind) {
  return PickByKind(prefixes, kind);
}

const std::string& BucketFor(const DatabaseConfig& database, BucketKind kind) {
  return BucketName(database.buckets, kind);
}

std::string SubstituteTenant(const std::string& text, const std::string& tenant_id) {
  const std::string placeholder = kTenantPlaceholder;
  std::string out;
  size_t start = 0;
  for (size_t at; (at = text.find(placeholder, start)) != std::string::npos;
       start = at + placeholder.size()) {
    out.append(text, start, at - start).append(tenant_id);
  }
  return out.append(text, start, std::string::npos);
}

bool HasObjectStore(const DatabaseConfig& database) {
  return !database.s3_ref.empty() || !database.folder_ref.empty();
}

Status ValidateBucketNameFor(const DatabaseConfig& database, const std::string& bucket) {
  return database.s3_ref.empty() ? ValidateFolderBucketName(bucket) : ValidateBucketName(bucket);
}

const FolderPrefixes* ObjectStorePrefixes(const Config& config, const DatabaseConfig& database) {
  if (!database.s3_ref.empty()) {
    auto it = config.s3_connections.find(database.s3_ref);
    return it == config.s3_connections.end() ? nullptr : &it->second.folder_prefixes;
  }
  if (!database.folder_ref.empty()) {
    auto it = config.folder_connections.find(database.folder_ref);
    return it == config.folder_connections.end() ? nullptr : &it->second.folder_prefixes;
  }
  return nullptr;
}

std::string ResolveBucket(const Config& config, const DatabaseConfig& database, BucketKind kind) {
  if (!UsesBucketKind(database.type, kind) || !HasObjectStore(database)) return "";
  const std::string& own = BucketFor(database, kind);
  if (!own.empty()) return own;
  // Folder connections have no connection-wide bucket defaults; S3 connections may.
  auto it = config.s3_connections.find(database.s3_ref);
  if (database.s3_ref.empty() || it == config.s3_connections.end()) return "";
  return BucketName(it->second.buckets, kind);
}

Result<DatabaseConfig> ResolveDatabase(const Config& config, DatabaseType type, Tier tier,
                                       const std::string& tenant_id) {
  if (tier == Tier::kTenant) return ResolveTenant(config, type, tenant_id);
  if (!tenant_id.empty()) {
    return InvalidArgument("tenant id '" + tenant_id + "' given for the generic tier of " +
                           DatabaseTypeName(type) + " (generic databases have no tenant)");
  }
  const DatabaseConfig* listed = FindListed(config, type, Tier::kGeneric, "");
  if (listed == nullptr) {
    return NotFound(std::string("no generic ") + DatabaseTypeName(type) + " database configured");
  }
  return WithResolvedBuckets(config, *listed);
}

}  // namespace xronox
