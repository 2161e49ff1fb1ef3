// ValidateConfig's database checks: the matrix of docs/architecture.md, store references, names,
// buckets and tenant isolation.
#include <map>
#include <optional>
#include <vector>

#include "common/names.h"
#include "config/resolve.h"
#include "config/validate_internal.h"

namespace xronox::config_internal {

namespace {

bool HasPlaceholder(const std::string& text) {
  return text.find(kTenantPlaceholder) != std::string::npos;
}

std::string Quote(const std::string& text) { return "'" + text + "'"; }

void CheckTenantId(const std::string& path, const std::string& tenant_id, Problems* problems) {
  if (HasPlaceholder(tenant_id)) {
    return problems->Add(path,
                         "'{tenant}' belongs only in databases.runtime.tenantTemplate "
                         "(a config has one tenant template)");
  }
  if (Status s = ValidateTenantId(tenant_id); !s.ok()) problems->Add(path, s.message());
}

void CheckTemplateTier(const DatabaseRef& ref, Problems* problems) {
  const DatabaseConfig& db = *ref.db;
  if (db.type != DatabaseType::kRuntime) {
    problems->Add(ref.path, "a tenant template must be a runtime database");
  }
  if (db.tier != Tier::kTenant) problems->Add(ref.path, "runtime is tenant tier");
  if (db.tenant_id != kTenantPlaceholder) {
    problems->Add(JoinPath(ref.path, "tenantId"),
                  "a tenant template's tenantId must be '{tenant}'");
  }
}

// The matrix's tier column: runtime per tenant, messaging either, the rest generic.
void CheckTier(const DatabaseRef& ref, Problems* problems) {
  if (ref.is_template) return CheckTemplateTier(ref, problems);
  const DatabaseConfig& db = *ref.db;
  const std::string tenant_path = JoinPath(ref.path, "tenantId");
  if (db.type == DatabaseType::kRuntime) {
    if (db.tier != Tier::kTenant) problems->Add(ref.path, "runtime is tenant tier");
    return CheckTenantId(tenant_path, db.tenant_id, problems);
  }
  if (db.type == DatabaseType::kMessaging && db.tier == Tier::kTenant) {
    return CheckTenantId(tenant_path, db.tenant_id, problems);
  }
  if (db.tier != Tier::kGeneric) {
    problems->Add(JoinPath(ref.path, "type"),
                  std::string(DatabaseTypeName(db.type)) + " is generic tier (shared by tenants)");
  } else if (!db.tenant_id.empty()) {
    problems->Add(tenant_path, "only a tenant-tier database names a tenant");
  }
}

// Retention deletes log records by age and bounds runtime history; the other types
// keep their records until deleted.
void CheckDatabaseRetention(const DatabaseRef& ref, Problems* problems) {
  const DatabaseConfig& db = *ref.db;
  if (!db.retention) return;
  const std::string path = JoinPath(ref.path, "retention");
  CheckRetention(path, *db.retention, problems);
  if (db.type == DatabaseType::kLogs && db.retention->max_per_item > 0) {
    problems->Add(JoinPath(path, "maxPerItem"), "logs keep no versions; retention of logs is days");
  } else if (db.type != DatabaseType::kLogs && db.type != DatabaseType::kRuntime) {
    problems->Add(path, "retention deletes log records and bounds runtime history; a " +
                            std::string(DatabaseTypeName(db.type)) +
                            " database keeps its records until they are deleted");
  }
}

// Fields that only some database types have.
void CheckTypeFields(const DatabaseRef& ref, Problems* problems) {
  const DatabaseConfig& db = *ref.db;
  const bool runtime = db.type == DatabaseType::kRuntime;
  const std::string versioning_path = JoinPath(ref.path, "enableVersioning");
  if (runtime && db.enable_versioning == false) {
    problems->Add(versioning_path, "runtime is always versioned; remove it or set it to true");
  }
  if (!runtime && db.enable_versioning == true) {
    problems->Add(versioning_path, "only runtime is versioned; " +
                                       std::string(DatabaseTypeName(db.type)) +
                                       " keeps no versions");
  }
  if (db.capture_deliveries && db.type != DatabaseType::kMessaging) {
    problems->Add(JoinPath(ref.path, "captureDeliveries"), "only messaging captures deliveries");
  }
  if (!runtime && !db.analytics_db_name.empty()) {
    problems->Add(JoinPath(ref.path, "analyticsDbName"), "only runtime has an analytics database");
  }
  CheckDatabaseRetention(ref, problems);
}

template <typename Map>
void CheckRef(const std::string& path, const char* kind, const std::string& ref, const Map& map,
              Problems* problems) {
  if (!ref.empty() && map.find(ref) == map.end()) {
    problems->Add(path, std::string("no ") + kind + " connection named " + Quote(ref));
  }
}

// Exactly one hot store and at most one object store, each an existing connection.
void CheckStores(const Config& config, const DatabaseRef& ref, Problems* problems) {
  const DatabaseConfig& db = *ref.db;
  if (db.mongo_ref.empty() && db.sqlite_ref.empty()) {
    problems->Add(ref.path, "needs a hot store: set mongoRef or sqliteRef");
  } else if (!db.mongo_ref.empty() && !db.sqlite_ref.empty()) {
    problems->Add(ref.path, "names two hot stores: set only one of mongoRef and sqliteRef");
  }
  if (!db.s3_ref.empty() && !db.folder_ref.empty()) {
    problems->Add(ref.path, "names two object stores: set at most one of s3Ref and folderRef");
  }
  CheckRef(JoinPath(ref.path, "mongoRef"), "mongo", db.mongo_ref, config.mongo_connections,
           problems);
  CheckRef(JoinPath(ref.path, "sqliteRef"), "sqlite", db.sqlite_ref, config.sqlite_connections,
           problems);
  CheckRef(JoinPath(ref.path, "s3Ref"), "s3", db.s3_ref, config.s3_connections, problems);
  CheckRef(JoinPath(ref.path, "folderRef"), "folder", db.folder_ref, config.folder_connections,
           problems);
}

void CheckIsolated(const std::string& path, const std::string& name, const char* what,
                   Problems* problems) {
  if (!HasPlaceholder(name)) {
    problems->Add(path, "must contain '{tenant}', or every tenant would share " +
                            std::string(what) + " " + Quote(name) + " (tenant isolation)");
  }
}

void CheckDbName(const DatabaseRef& ref, const char* field, const std::string& name,
                 Problems* problems) {
  const std::string path = JoinPath(ref.path, field);
  const std::string concrete = ref.is_template ? SubstituteTenant(name, kSampleTenant) : name;
  if (Status s = ValidateDatabaseName(concrete); !s.ok()) problems->Add(path, s.message());
  if (ref.is_template) CheckIsolated(path, name, "database", problems);
}

void CheckNames(const DatabaseRef& ref, Problems* problems) {
  const DatabaseConfig& db = *ref.db;
  if (db.db_name.empty()) {
    problems->Add(JoinPath(ref.path, "dbName"), "is required");
  } else {
    CheckDbName(ref, "dbName", db.db_name, problems);
  }
  if (!db.analytics_db_name.empty()) {
    CheckDbName(ref, "analyticsDbName", db.analytics_db_name, problems);
  }
}

// A bucket the type does not use: the matrix's bucket column.
void CheckUnusedBucket(const DatabaseRef& ref, BucketKind kind, const std::string& path,
                       Problems* problems) {
  if (BucketFor(*ref.db, kind).empty()) return;
  if (kind == BucketKind::kVersions) {
    problems->Add(path, "only runtime keeps versions; a " +
                            std::string(DatabaseTypeName(ref.db->type)) +
                            " database has no versions bucket");
  } else {
    problems->Add(path, "logs keep no backups (retention deletes them)");
  }
}

void CheckBucket(const Config& config, const DatabaseRef& ref, BucketKind kind,
                 Problems* problems) {
  const DatabaseConfig& db = *ref.db;
  const std::string kind_name = BucketKindName(kind);
  const std::string path = JoinPath(ref.path, kind_name + "Bucket");
  if (!UsesBucketKind(db.type, kind)) return CheckUnusedBucket(ref, kind, path, problems);
  const std::string& own = BucketFor(db, kind);
  if (!HasObjectStore(db)) {
    if (!own.empty()) problems->Add(path, "set without an object store (s3Ref or folderRef)");
    return;
  }
  if (ObjectStorePrefixes(config, db) == nullptr) return;  // Unknown connection: reported.
  const std::string resolved = ResolveBucket(config, db, kind);
  if (resolved.empty()) {
    problems->Add(path,
                  "no " + kind_name + " bucket: set " + kind_name + "Bucket" +
                      (db.s3_ref.empty() ? "" : " or the s3 connection's buckets." + kind_name));
    return;
  }
  // Connection defaults are checked once, under connections.
  if (!own.empty()) {
    const std::string concrete = ref.is_template ? SubstituteTenant(own, kSampleTenant) : own;
    if (Status s = ValidateBucketNameFor(db, concrete); !s.ok()) {
      problems->Add(path, s.message());
    }
  }
}

// No two databases share a hot-store database name (analytics names included).
void CheckUniqueNames(const std::vector<DatabaseRef>& refs, Problems* problems) {
  std::map<std::string, std::string> owners;
  for (const DatabaseRef& ref : refs) {
    const std::pair<const char*, const std::string*> names[] = {
        {"dbName", &ref.db->db_name}, {"analyticsDbName", &ref.db->analytics_db_name}};
    for (const auto& [field, name] : names) {
      if (name->empty()) continue;
      const std::string path = JoinPath(ref.path, field);
      auto [it, fresh] = owners.emplace(*name, path);
      if (!fresh) problems->Add(path, Quote(*name) + " is already used by " + it->second);
    }
  }
}

// One database per type; runtime has one per tenant.
void CheckOnePerType(const std::vector<DatabaseRef>& refs, Problems* problems) {
  std::map<DatabaseType, std::string> type_owners;
  std::map<std::string, std::string> tenant_owners;
  for (const DatabaseRef& ref : refs) {
    if (ref.is_template) continue;
    if (ref.db->type != DatabaseType::kRuntime) {
      if (!type_owners.emplace(ref.db->type, ref.path).second) {
        problems->Add(ref.path, std::string("more than one ") + DatabaseTypeName(ref.db->type) +
                                    " database (one per type; runtime has one per tenant)");
      }
      continue;
    }
    auto [it, fresh] = tenant_owners.emplace(ref.db->tenant_id, ref.path);
    if (!fresh) {
      problems->Add(JoinPath(ref.path, "tenantId"), "tenant " + Quote(ref.db->tenant_id) +
                                                        " is already configured at " + it->second);
    }
  }
}

// ---- Shared buckets: object keys name neither the database nor the tenant. ----

// Where a database keeps objects of one kind. A template's bucket keeps "{tenant}".
struct ObjectUse {
  BucketKind kind;
  std::string bucket;
  std::string prefix;
};

// A database's objects: the store (ObjectStoreLocation), its label for messages, and per kind.
struct StoreUse {
  std::string location;
  std::string label;
  std::vector<ObjectUse> objects;
};

StoreUse StoreUseOf(const Config& config, const DatabaseRef& ref) {
  StoreUse use{ObjectStoreLocation(config, *ref.db), ObjectStoreLabel(*ref.db), {}};
  const FolderPrefixes* prefixes = ObjectStorePrefixes(config, *ref.db);
  // No object store, or an unknown connection (reported by CheckStores): nothing to share.
  if (use.location.empty() || prefixes == nullptr) return use;
  for (BucketKind kind : kAllBucketKinds) {
    std::string bucket = ResolveBucket(config, *ref.db, kind);
    if (bucket.empty()) continue;
    use.objects.push_back({kind, std::move(bucket), FolderPrefix(*prefixes, kind)});
  }
  return use;
}

std::string Describe(const DatabaseRef& ref) {
  if (ref.is_template || ref.db->tenant_id.empty()) return ref.path;
  return ref.path + " (tenant " + Quote(ref.db->tenant_id) + ")";
}

std::string KindsText(const ObjectUse& mine, const ObjectUse& theirs) {
  return std::string(BucketKindName(mine.kind)) + " under " + Quote(mine.prefix) + " here and " +
         BucketKindName(theirs.kind) + " under " + Quote(theirs.prefix) + " there";
}

// Describes how the owner's `mine` and the other database's `theirs` nest; empty when they
// cannot. Equal prefixes are a shared key space (each owner keeps its own scope, see
// docs/formats/shared-buckets.md); nested ones are not: one's keys would fall under the other's
// prefix. A template's bucket is a pattern: it meets a listed bucket it produces for a tenant
// that the template serves (a listed runtime tenant is never served by it).
std::string SharedKeys(const Config& config, const DatabaseRef& owner, const ObjectUse& mine,
                       const ObjectUse& theirs) {
  if (mine.prefix == theirs.prefix || !PrefixesOverlap(mine.prefix, theirs.prefix)) return "";
  const std::string kinds = " for " + KindsText(mine, theirs);
  if (!owner.is_template || !HasPlaceholder(mine.bucket)) {
    return mine.bucket == theirs.bucket ? Quote(theirs.bucket) + kinds : "";
  }
  std::optional<std::string> tenant = TenantForName(mine.bucket, theirs.bucket);
  if (!tenant || IsListedRuntimeTenant(config, *tenant)) return "";
  return Quote(theirs.bucket) + " (tenant " + Quote(*tenant) + ")" + kinds;
}

std::string JoinList(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& item : items) out += (out.empty() ? "" : ", ") + item;
  return out;
}

void CheckPairBuckets(const Config& config, const DatabaseRef& owner, const StoreUse& owner_use,
                      const DatabaseRef& other, const StoreUse& other_use, Problems* problems) {
  if (owner_use.location.empty() || owner_use.location != other_use.location) return;
  std::vector<std::string> shared;
  for (const ObjectUse& mine : owner_use.objects) {
    for (const ObjectUse& theirs : other_use.objects) {
      std::string text = SharedKeys(config, owner, mine, theirs);
      if (!text.empty()) shared.push_back(std::move(text));
    }
  }
  if (shared.empty()) return;
  std::string store = owner_use.label;
  if (other_use.label != owner_use.label) store += " (the same store as " + other_use.label + ")";
  problems->Add(owner.path, std::string("shares ") + (shared.size() == 1 ? "a bucket" : "buckets") +
                                " with " + Describe(other) + " on " + store +
                                " under nested folder prefixes: " + JoinList(shared) +
                                "; one's keys would fall under the other's prefix: databases "
                                "may share a bucket under equal or disjoint folder prefixes");
}

// Every pair of databases in one object store: one bucket, nested folder prefixes. The template is
// last in `refs`, so it is always the owner of its pairs.
void CheckSharedBuckets(const Config& config, const std::vector<DatabaseRef>& refs,
                        Problems* problems) {
  std::vector<StoreUse> uses;
  for (const DatabaseRef& ref : refs) uses.push_back(StoreUseOf(config, ref));
  for (size_t owner = 1; owner < refs.size(); ++owner) {
    for (size_t other = 0; other < owner; ++other) {
      if (refs[other].is_template) continue;
      CheckPairBuckets(config, refs[owner], uses[owner], refs[other], uses[other], problems);
    }
  }
}

}  // namespace

void ValidateDatabases(const Config& config, Problems* problems) {
  const std::vector<DatabaseRef> refs = ListDatabaseRefs(config);
  for (const DatabaseRef& ref : refs) {
    CheckTier(ref, problems);
    CheckTypeFields(ref, problems);
    CheckStores(config, ref, problems);
    CheckNames(ref, problems);
    for (BucketKind kind : kAllBucketKinds) CheckBucket(config, ref, kind, problems);
  }
  CheckUniqueNames(refs, problems);
  CheckOnePerType(refs, problems);
  CheckSharedBuckets(config, refs, problems);
}

void CheckRetention(const std::string& path, const RetentionPolicy& policy, Problems* problems) {
  if (policy.days < 0) problems->Add(JoinPath(path, "days"), "must not be negative");
  if (policy.max_per_item < 0) problems->Add(JoinPath(path, "maxPerItem"), "must not be negative");
  if (policy.days <= 0 && policy.max_per_item <= 0) {
    problems->Add(path,
                  "needs days or maxPerItem of at least 1 (an empty policy keeps everything)");
  }
}

}  // namespace xronox::config_internal
