#include "router/router.h"

#include "common/names.h"
#include "config/resolve.h"
#include "store/hot/sqlite/sqlite_hot_store.h"
#include "store/object/fs/folder_object_store.h"

namespace xronox {

namespace {

std::string TargetKey(const Target& t) {
  return std::string(DatabaseTypeName(t.database_type)) + "/" +
         (t.tier == Tier::kTenant ? t.tenant_id : "_") + "/" + t.collection;
}

std::vector<std::string> IndexedPropsFor(const Config& config, const std::string& collection) {
  auto it = config.collection_maps.find(collection);
  return it == config.collection_maps.end() ? std::vector<std::string>{} : it->second.indexed_props;
}

}  // namespace

Result<std::unique_ptr<Router>> Router::Open(const Config& config) {
  XRONOX_RETURN_IF_ERROR(ValidateConfig(config));
  std::unique_ptr<Router> router(new Router(config));
  XRONOX_RETURN_IF_ERROR(router->OpenConnections());
  return router;
}

Status Router::OpenConnections() {
  for (const auto& [name, sqlite] : config_.sqlite_connections) {
    XRONOX_ASSIGN_OR_RETURN(hot_stores_["sqlite:" + name],
                            store::SqliteHotStore::Open(sqlite.path));
  }
  for (const auto& [name, folder] : config_.folder_connections) {
    XRONOX_ASSIGN_OR_RETURN(object_stores_["folder:" + name],
                            store::FolderObjectStore::Open(folder.path));
  }
  if (!config_.mongo_connections.empty() || !config_.s3_connections.empty()) {
    return NotSupported("MongoDB and S3 connections are not available in this build yet");
  }
  return Status::Ok();
}

Result<Binding> Router::Resolve(const Target& target) {
  XRONOX_RETURN_IF_ERROR(ValidateCollectionName(target.collection));
  if (target.database_type == DatabaseType::kRuntime && target.tier != Tier::kTenant) {
    return InvalidArgument("runtime is per tenant: name a tenant");
  }
  if (target.tier == Tier::kTenant) XRONOX_RETURN_IF_ERROR(ValidateTenantId(target.tenant_id));
  XRONOX_ASSIGN_OR_RETURN(DatabaseConfig db, ResolveDatabase(config_, target.database_type,
                                                             target.tier, target.tenant_id));
  Binding b;
  b.target = target;
  b.hot = HotStoreFor(db);
  if (HasObjectStore(db)) {
    bool folder = !db.folder_ref.empty();
    b.objects = object_stores_.at(folder ? "folder:" + db.folder_ref : "s3:" + db.s3_ref).get();
    const FolderPrefixes* prefixes = ObjectStorePrefixes(config_, db);
    if (prefixes) b.prefixes = *prefixes;
  }
  b.ref = {db.db_name, target.collection};
  b.indexed_props = IndexedPropsFor(config_, target.collection);
  b.versioned = target.database_type == DatabaseType::kRuntime;
  b.append_only = target.database_type == DatabaseType::kLogs;
  b.database = std::move(db);
  if (!b.objects) return NotSupported("databases without an object store are not available yet");
  return b;
}

Status Router::EnsureBuckets(const Binding& b) {
  for (BucketKind kind : kAllBucketKinds) {
    const std::string& bucket = BucketFor(b.database, kind);
    if (bucket.empty()) continue;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (ensured_buckets_.count(bucket)) continue;
    }
    XRONOX_RETURN_IF_ERROR(b.objects->EnsureBucket(bucket));
    std::lock_guard<std::mutex> lock(mutex_);
    ensured_buckets_.insert(bucket);
  }
  return Status::Ok();
}

Result<std::shared_ptr<const Binding>> Router::Bind(const Target& target) {
  std::string key = TargetKey(target);
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = bindings_.find(key);
    if (it != bindings_.end()) return it->second;
  }
  XRONOX_ASSIGN_OR_RETURN(Binding b, Resolve(target));
  XRONOX_RETURN_IF_ERROR(b.hot->EnsureCollection(b.ref, b.indexed_props));
  XRONOX_RETURN_IF_ERROR(EnsureBuckets(b));
  auto shared = std::make_shared<const Binding>(std::move(b));
  std::lock_guard<std::mutex> lock(mutex_);
  return bindings_.emplace(key, shared).first->second;
}

Result<std::vector<std::string>> Router::ListCollections(const Target& target) {
  Target probe = target;
  probe.collection = "_probe";
  XRONOX_RETURN_IF_ERROR(ValidateCollectionName(probe.collection));
  if (target.tier == Tier::kTenant) XRONOX_RETURN_IF_ERROR(ValidateTenantId(target.tenant_id));
  XRONOX_ASSIGN_OR_RETURN(DatabaseConfig db, ResolveDatabase(config_, target.database_type,
                                                             target.tier, target.tenant_id));
  return HotStoreFor(db)->ListCollections(db.db_name);
}

store::HotStore* Router::HotStoreFor(const DatabaseConfig& db) {
  return hot_stores_.at(db.mongo_ref.empty() ? "sqlite:" + db.sqlite_ref : "mongo:" + db.mongo_ref)
      .get();
}

Result<std::vector<std::string>> Router::ListTenants(DatabaseType type) {
  std::set<std::string> tenants;
  for (const auto& db : config_.databases) {
    if (db.type == type && db.tier == Tier::kTenant) tenants.insert(db.tenant_id);
  }
  const auto& templ = config_.runtime_tenant_template;
  if (type == DatabaseType::kRuntime && templ) {
    size_t at = templ->db_name.find(kTenantPlaceholder);
    std::string prefix = templ->db_name.substr(0, at);
    std::string suffix = templ->db_name.substr(at + std::string(kTenantPlaceholder).size());
    XRONOX_ASSIGN_OR_RETURN(auto names, HotStoreFor(*templ)->ListDatabases());
    for (const auto& name : names) {
      if (name.size() <= prefix.size() + suffix.size() || !name.starts_with(prefix) ||
          !name.ends_with(suffix)) {
        continue;
      }
      std::string tenant = name.substr(prefix.size(), name.size() - prefix.size() - suffix.size());
      auto resolved = ResolveDatabase(config_, type, Tier::kTenant, tenant);
      if (resolved.ok() && resolved->db_name == name) tenants.insert(tenant);
    }
  }
  return std::vector<std::string>(tenants.begin(), tenants.end());
}

}  // namespace xronox
