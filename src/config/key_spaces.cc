// Who else can keep objects under a database's folder prefix of a bucket (a key space), so that
// the router knows when keys need an owner scope (docs/formats/shared-buckets.md).
#include <optional>
#include <string>

#include "config/resolve.h"
#include "xronox/config.h"

namespace xronox {

namespace {

bool SameOwner(const DatabaseConfig& a, const DatabaseConfig& b) {
  return a.type == b.type && a.tier == b.tier && a.tenant_id == b.tenant_id;
}

// True when `other` (listed, or the template when `pattern_owner`) keeps objects of some kind
// in `bucket` under `prefix` in the store at `location`. A template bucket is a pattern: it
// shares the bucket with every tenant when it has no "{tenant}", else with the one tenant whose
// name gives `bucket` (unless that tenant is listed, or is `resolved` itself).
bool Uses(const Config& config, const DatabaseConfig& other, bool is_template,
          const DatabaseConfig& resolved, const std::string& location, const std::string& bucket,
          const std::string& prefix) {
  const FolderPrefixes* prefixes = ObjectStorePrefixes(config, other);
  if (prefixes == nullptr || ObjectStoreLocation(config, other) != location) return false;
  for (BucketKind kind : kAllBucketKinds) {
    if (FolderPrefix(*prefixes, kind) != prefix) continue;
    const std::string pattern = ResolveBucket(config, other, kind);
    if (pattern.empty()) continue;
    if (!is_template) {
      if (pattern == bucket) return true;
      continue;
    }
    if (pattern.find(kTenantPlaceholder) == std::string::npos) {
      if (pattern == bucket) return true;
      continue;
    }
    std::optional<std::string> tenant = TenantForName(pattern, bucket);
    if (tenant && !IsListedRuntimeTenant(config, *tenant) &&
        !(resolved.type == DatabaseType::kRuntime && resolved.tenant_id == *tenant)) {
      return true;
    }
  }
  return false;
}

}  // namespace

bool IsListedRuntimeTenant(const Config& config, const std::string& tenant_id) {
  for (const DatabaseConfig& db : config.databases) {
    if (db.type == DatabaseType::kRuntime && db.tenant_id == tenant_id) return true;
  }
  return false;
}

bool KeySpaceShared(const Config& config, const DatabaseConfig& resolved, BucketKind kind) {
  const FolderPrefixes* prefixes = ObjectStorePrefixes(config, resolved);
  const std::string& bucket = BucketFor(resolved, kind);
  if (prefixes == nullptr || bucket.empty()) return false;
  const std::string location = ObjectStoreLocation(config, resolved);
  const std::string& prefix = FolderPrefix(*prefixes, kind);
  for (const DatabaseConfig& other : config.databases) {
    if (SameOwner(other, resolved)) continue;
    if (Uses(config, other, false, resolved, location, bucket, prefix)) return true;
  }
  const std::optional<DatabaseConfig>& templ = config.runtime_tenant_template;
  return templ && Uses(config, *templ, true, resolved, location, bucket, prefix);
}

std::string OwnerScope(const DatabaseConfig& database) {
  std::string scope = std::string("@") + DatabaseTypeName(database.type);
  if (database.tier == Tier::kTenant) scope += "." + database.tenant_id;
  return scope;
}

}  // namespace xronox
