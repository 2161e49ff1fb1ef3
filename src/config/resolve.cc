#include "config/resolve.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <optional>
#include <vector>

#include "common/names.h"

namespace xronox {

namespace {

// Picks the member of kind `kind` from BucketNames, FolderPrefixes or StorageClasses (const or
// not).
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

// Returns the kind of `listed`'s objects in `bucket` of the store at `location` whose folder
// prefix nests with `prefix` without being equal to it, if any.
std::optional<BucketKind> KindUnderNestedPrefix(const Config& config, const DatabaseConfig& listed,
                                                const std::string& location,
                                                const std::string& bucket,
                                                const std::string& prefix) {
  const FolderPrefixes* prefixes = ObjectStorePrefixes(config, listed);
  if (prefixes == nullptr || ObjectStoreLocation(config, listed) != location) return std::nullopt;
  for (BucketKind kind : kAllBucketKinds) {
    const std::string& theirs = FolderPrefix(*prefixes, kind);
    if (ResolveBucket(config, listed, kind) == bucket && theirs != prefix &&
        PrefixesOverlap(prefix, theirs)) {
      return kind;
    }
  }
  return std::nullopt;
}

// Databases may share a bucket under one folder prefix (each then keeps its keys under its own
// scope, docs/formats/shared-buckets.md), but not under nested prefixes: the keys of one would
// fall under the other's prefix. ValidateConfig refuses what it can foresee from the template's
// patterns; this covers every tenant id at the moment it is used.
Status CheckBucketsNotNested(const Config& config, const DatabaseConfig& resolved) {
  const FolderPrefixes* prefixes = ObjectStorePrefixes(config, resolved);
  if (prefixes == nullptr) return Status::Ok();
  const std::string location = ObjectStoreLocation(config, resolved);
  for (const DatabaseConfig& other : config.databases) {
    for (BucketKind kind : kAllBucketKinds) {
      const std::string& bucket = BucketFor(resolved, kind);
      if (bucket.empty()) continue;
      std::optional<BucketKind> theirs =
          KindUnderNestedPrefix(config, other, location, bucket, FolderPrefix(*prefixes, kind));
      if (!theirs) continue;
      const std::string owner =
          other.tenant_id.empty() ? "" : " of tenant '" + other.tenant_id + "'";
      return InvalidArgument(
          "tenant id '" + resolved.tenant_id + "': the runtime tenant template would give it " +
          BucketKindName(kind) + " bucket '" + bucket + "' on " + ObjectStoreLabel(resolved) +
          ", where the " + DatabaseTypeName(other.type) + " database" + owner + " keeps its " +
          BucketKindName(*theirs) +
          " under a nested folder prefix (databases may share a bucket under equal or "
          "disjoint folder prefixes only)");
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
  XRONOX_RETURN_IF_ERROR(CheckBucketsNotNested(config, database));
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

std::string& MutableFolderPrefix(FolderPrefixes& prefixes, BucketKind kind) {
  return PickByKind(prefixes, kind);
}

const std::string& StorageClassOf(const StorageClasses& classes, BucketKind kind) {
  return PickByKind(classes, kind);
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

std::string ObjectStoreLabel(const DatabaseConfig& database) {
  if (!database.s3_ref.empty()) return "s3 connection '" + database.s3_ref + "'";
  if (!database.folder_ref.empty()) return "folder connection '" + database.folder_ref + "'";
  return "";
}

std::string ObjectStoreLocation(const Config& config, const DatabaseConfig& database) {
  if (!database.s3_ref.empty()) {
    auto it = config.s3_connections.find(database.s3_ref);
    if (it == config.s3_connections.end()) return "";
    std::string endpoint = it->second.endpoint;
    while (endpoint.ends_with('/')) endpoint.pop_back();
    std::transform(endpoint.begin(), endpoint.end(), endpoint.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return "s3 " + endpoint;
  }
  if (!database.folder_ref.empty()) {
    auto it = config.folder_connections.find(database.folder_ref);
    if (it == config.folder_connections.end()) return "";
    std::string path = std::filesystem::path(it->second.path).lexically_normal().string();
    while (path.size() > 1 && path.ends_with('/')) path.pop_back();
    return "folder " + path;
  }
  return "";
}

bool PrefixesOverlap(const std::string& a, const std::string& b) {
  auto leads = [](const std::string& shorter, const std::string& longer) {
    return shorter.empty() || longer == shorter ||
           (longer.size() > shorter.size() && longer.starts_with(shorter) &&
            longer[shorter.size()] == '/');
  };
  return leads(a, b) || leads(b, a);
}

std::optional<std::string> TenantForName(const std::string& pattern, const std::string& name) {
  const std::string placeholder = kTenantPlaceholder;
  const size_t first = pattern.find(placeholder);
  if (first == std::string::npos) return std::nullopt;
  size_t count = 0;
  for (size_t at = first; at != std::string::npos;
       at = pattern.find(placeholder, at + placeholder.size())) {
    ++count;
  }
  // Every placeholder takes the same tenant id, so its length and start are fixed by `name`.
  const size_t literal = pattern.size() - count * placeholder.size();
  if (name.size() <= literal || (name.size() - literal) % count != 0) return std::nullopt;
  std::string tenant = name.substr(first, (name.size() - literal) / count);
  if (!ValidateTenantId(tenant).ok() || SubstituteTenant(pattern, tenant) != name) {
    return std::nullopt;
  }
  return tenant;
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
