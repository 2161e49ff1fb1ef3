#include "router/router.h"

#include <filesystem>

#include "common/names.h"
#include "config/resolve.h"
#include "store/hot/mongo/mongo_hot_store.h"
#include "store/hot/sqlite/sqlite_hot_store.h"
#include "store/object/fs/folder_object_store.h"
#include "store/object/mongo/mongo_object_store.h"
#include "store/object/s3/s3_object_store.h"
#include "store/wrappers/metered_hot_store.h"
#include "store/wrappers/metered_object_store.h"

namespace xronox {

Router::Router(Config config) : config_(std::move(config)) {}

Router::~Router() = default;

namespace {

// Bucket names of minimal mode: one collection "objects.<kind>" per kind in the database.
DatabaseConfig WithMinimalBuckets(DatabaseConfig db) {
  for (BucketKind kind : kAllBucketKinds) {
    MutableBucketName(db.buckets, kind) = UsesBucketKind(db.type, kind) ? BucketKindName(kind) : "";
  }
  return db;
}

Result<store::MongoOptions> MongoOptionsFor(const MongoConnection& mongo) {
  store::MongoOptions options;
  if (mongo.write_concern == "auto") {
    options.write_ack = store::MongoOptions::WriteAck::kAuto;
  } else if (mongo.write_concern == "majority") {
    options.write_ack = store::MongoOptions::WriteAck::kMajority;
  } else if (mongo.write_concern == "primary") {
    options.write_ack = store::MongoOptions::WriteAck::kPrimary;
  } else {
    return InvalidArgument("unknown writeConcern '" + mongo.write_concern + "'");
  }
  options.journal = mongo.journal;
  options.write_timeout_ms = mongo.write_timeout_ms;
  options.read_preference = mongo.read_preference;
  options.server_selection_timeout_ms = mongo.server_selection_timeout_ms;
  options.max_pool_size = mongo.max_pool_size;
  return options;
}

// The keys stay out of every message: a failure names the connection and the backend's reason,
// whose messages never carry keys or connection strings.
Status InConnection(const std::string& what, const Status& status) {
  return Status(status.code(), what + ": " + status.message()).WithReason(status.reason());
}

std::string TargetKey(const Target& t) {
  return std::string(DatabaseTypeName(t.database_type)) + "/" +
         (t.tier == Tier::kTenant ? t.tenant_id : "_") + "/" + t.collection;
}

// Keys of a kind are "{prefix}/{collection}/..." or, with an empty prefix, "{collection}/..."
// (src/engine/keys.cc); the '/' keeps prefix "records" from leading "recordsX/...".
std::string KeyPrefixOf(const std::string& folder_prefix) {
  return folder_prefix.empty() ? std::string() : folder_prefix + "/";
}

std::string KindAt(BucketKind kind, const std::string& folder_prefix) {
  return std::string(BucketKindName(kind)) + (folder_prefix.empty()
                                                  ? " (no folder prefix)"
                                                  : " (folder prefix '" + folder_prefix + "')");
}

std::string ClassText(const std::string& storage_class) {
  return storage_class.empty() ? "none (the service default)" : "'" + storage_class + "'";
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
  XRONOX_RETURN_IF_ERROR(router->CheckKeyScopes());
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
  for (const auto& [name, mongo] : config_.mongo_connections) {
    XRONOX_RETURN_IF_ERROR(OpenMongo(name, mongo));
  }
  for (const auto& [name, s3] : config_.s3_connections) XRONOX_RETURN_IF_ERROR(OpenS3(name, s3));
  for (auto& [name, hot] : hot_stores_) {
    hot = std::make_unique<store::MeteredHotStore>(std::move(hot), name, metrics_);
  }
  for (auto& [name, objects] : object_stores_) {
    objects = std::make_unique<store::MeteredObjectStore>(std::move(objects), name, metrics_);
  }
  return Status::Ok();
}

Status Router::OpenMongo(const std::string& name, const MongoConnection& mongo) {
  const std::string what = "open mongo connection '" + name + "'";
  XRONOX_ASSIGN_OR_RETURN(store::MongoOptions options, MongoOptionsFor(mongo));
  auto opened = store::MongoHotStore::Open(mongo.uri, options);
  if (!opened.ok()) return InConnection(what, opened.status());
  hot_stores_["mongo:" + name] = std::move(opened).value();
  return Status::Ok();
}

Status Router::OpenS3(const std::string& name, const S3Connection& s3) {
  store::S3Options options;
  options.endpoint = s3.endpoint;
  options.region = s3.region;
  // Empty keys: the transport reads AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and
  // AWS_SESSION_TOKEN from the environment.
  options.access_key = s3.access_key;
  options.secret_key = s3.secret_key;
  options.path_style = s3.force_path_style;
  options.connect_timeout_ms = s3.connect_timeout_ms;
  options.request_timeout_ms = s3.request_timeout_ms;
  options.max_retries = s3.max_retries;
  auto opened = store::S3ObjectStore::Open(std::move(options));
  if (!opened.ok()) return InConnection("open s3 connection '" + name + "'", opened.status());
  s3_stores_["s3:" + name] = opened->get();
  object_stores_["s3:" + name] = std::move(opened).value();
  return Status::Ok();
}

Result<Binding> Router::Resolve(const Target& target) {
  XRONOX_RETURN_IF_ERROR(ValidateCollectionName(target.collection));
  if (IsReservedCollectionName(target.collection)) {
    return InvalidArgument("collection names starting with '" + std::string(kReservedPrefix) +
                           "' are reserved for the store's own use")
        .WithReason("invalid_collection_name");
  }
  if (target.database_type == DatabaseType::kRuntime && target.tier != Tier::kTenant) {
    return InvalidArgument("runtime is per tenant: name a tenant");
  }
  if (target.tier == Tier::kTenant) XRONOX_RETURN_IF_ERROR(ValidateTenantId(target.tenant_id));
  XRONOX_ASSIGN_OR_RETURN(DatabaseConfig db, ResolveDatabase(config_, target.database_type,
                                                             target.tier, target.tenant_id));
  Binding b;
  b.target = target;
  b.hot = HotStoreFor(db);
  if (!HasObjectStore(db) && !db.mongo_ref.empty()) db = WithMinimalBuckets(std::move(db));
  XRONOX_RETURN_IF_ERROR(BindObjects(db, &b));
  b.ref = {db.db_name, target.collection, target.database_type == DatabaseType::kRuntime,
           db.analytics_db_name};
  b.indexed_props = IndexedPropsFor(config_, target.collection);
  auto map = config_.collection_maps.find(target.collection);
  b.retention = map != config_.collection_maps.end() && map->second.retention
                    ? map->second.retention
                    : db.retention;
  if (map != config_.collection_maps.end()) {
    if (map->second.s3_offload.enabled) b.offload = map->second.s3_offload;
    b.natural_keys = map->second.natural_keys;
    b.hidden_fields = map->second.hidden_fields;
  }
  b.versioned = target.database_type == DatabaseType::kRuntime;
  b.append_only = target.database_type == DatabaseType::kLogs;
  b.database = std::move(db);
  return b;
}

Status Router::BindObjects(const DatabaseConfig& db, Binding* b) {
  if (HasObjectStore(db)) {
    bool folder = !db.folder_ref.empty();
    b->objects = object_stores_.at(folder ? "folder:" + db.folder_ref : "s3:" + db.s3_ref).get();
    const FolderPrefixes* prefixes = ObjectStorePrefixes(config_, db);
    if (prefixes) b->prefixes = *prefixes;
    return Status::Ok();
  }
  if (db.mongo_ref.empty()) {
    return NotSupported("database '" + db.db_name +
                        "' has no object store: configure one (s3Ref or folderRef); only a "
                        "MongoDB hot store can also keep the objects (minimal mode)");
  }
  XRONOX_ASSIGN_OR_RETURN(b->own_objects, MinimalObjectsFor(db));
  b->objects = b->own_objects.get();
  return Status::Ok();
}

// One pool per connection: the first database opens it (one round trip, under the router's
// mutex, once per connection); each binding gets its database's own handle on it (no I/O).
Result<std::shared_ptr<store::ObjectStore>> Router::MinimalObjectsFor(const DatabaseConfig& db) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto pool = minimal_pools_.find(db.mongo_ref);
  if (pool == minimal_pools_.end()) {
    const MongoConnection& mongo = config_.mongo_connections.at(db.mongo_ref);
    auto options = MongoOptionsFor(mongo);
    auto opened = options.ok() ? store::MongoObjectStore::Open(mongo.uri, *options, db.db_name)
                               : Result<std::unique_ptr<store::MongoObjectStore>>(options.status());
    if (!opened.ok()) {
      return InConnection("open objects of database '" + db.db_name + "' on mongo connection '" +
                              db.mongo_ref + "'",
                          opened.status());
    }
    pool = minimal_pools_.emplace(db.mongo_ref, std::move(opened).value()).first;
  }
  XRONOX_ASSIGN_OR_RETURN(std::unique_ptr<store::MongoObjectStore> own,
                          pool->second->ForDatabase(db.db_name));
  return std::shared_ptr<store::ObjectStore>(std::make_shared<store::MeteredObjectStore>(
      std::move(own), "mongo:" + db.mongo_ref, metrics_));
}

Status Router::EnsureBuckets(const Binding& b) {
  for (BucketKind kind : kAllBucketKinds) {
    const std::string& bucket = BucketFor(b.database, kind);
    if (bucket.empty()) continue;
    XRONOX_RETURN_IF_ERROR(ApplyStorageClass(b, kind, bucket));
    const std::pair<const store::ObjectStore*, std::string> key{b.objects, bucket};
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (ensured_buckets_.count(key)) continue;
    }
    XRONOX_RETURN_IF_ERROR(b.objects->EnsureBucket(bucket));
    std::lock_guard<std::mutex> lock(mutex_);
    ensured_buckets_.insert(key);
  }
  return Status::Ok();
}

Status Router::ApplyStorageClass(const Binding& b, BucketKind kind, const std::string& bucket) {
  auto s3 = s3_stores_.find("s3:" + b.database.s3_ref);
  if (b.database.s3_ref.empty() || s3 == s3_stores_.end()) return Status::Ok();
  // Classes go by the configured prefix: every owner's scope under it shares its class.
  const std::string& prefix = FolderPrefix(*ObjectStorePrefixes(config_, b.database), kind);
  const std::string& storage_class =
      StorageClassOf(config_.s3_connections.at(b.database.s3_ref).storage_classes, kind);
  std::lock_guard<std::mutex> lock(mutex_);
  std::map<std::string, PrefixClass>& registered = prefix_classes_[{b.objects, bucket}];
  // ValidateConfig compares a template's buckets as patterns; two that differ may still give
  // one tenant the same bucket. This is the last guard.
  for (const auto& [other, had] : registered) {
    if (had.storage_class == storage_class || !PrefixesOverlap(prefix, other)) continue;
    return InvalidArgument(
        "bucket '" + bucket + "' on s3 connection '" + b.database.s3_ref + "' would hold " +
        KindAt(kind, prefix) + " with storage class " + ClassText(storage_class) + " and " +
        KindAt(had.kind, other) + " with storage class " + ClassText(had.storage_class) +
        ": a key takes the class of the longest folder prefix that leads it, so kinds under "
        "equal or nested folder prefixes of one bucket need the same class");
  }
  if (!registered.emplace(prefix, PrefixClass{storage_class, kind}).second) return Status::Ok();
  // Still under the mutex (SetStorageClass sends nothing), so that no Bind of this bucket
  // returns before the class is in place.
  Status set = s3->second->SetStorageClass(bucket, KeyPrefixOf(prefix), storage_class);
  if (!set.ok()) registered.erase(prefix);
  return set;
}

Result<std::shared_ptr<const Binding>> Router::Bind(const Target& target) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = bindings_.find(TargetKey(target));
    if (it != bindings_.end()) return it->second;
  }
  XRONOX_ASSIGN_OR_RETURN(Binding b, Resolve(target));
  return std::make_shared<const Binding>(std::move(b));
}

void Router::Remember(const std::shared_ptr<const Binding>& binding, bool prepared) {
  std::string key = TargetKey(binding->target);
  std::lock_guard<std::mutex> lock(mutex_);
  // A prepared binding's scopes come from markers just recorded: they replace any read before.
  if (!prepared) {
    bindings_.emplace(key, binding);
    return;
  }
  bindings_.insert_or_assign(key, binding);
  prepared_.insert(key);
}

Status Router::PrepareWrite(std::shared_ptr<const Binding>& binding) {
  const std::string key = TargetKey(binding->target);
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (prepared_.count(key)) {
      binding = bindings_.at(key);
      return Status::Ok();
    }
  }
  XRONOX_RETURN_IF_ERROR(binding->hot->EnsureCollection(binding->ref, binding->indexed_props));
  XRONOX_RETURN_IF_ERROR(EnsureBuckets(*binding));
  XRONOX_ASSIGN_OR_RETURN(binding, WithKeyScopes(binding, /*record=*/true));
  Remember(binding, /*prepared=*/true);
  return Status::Ok();
}

Result<bool> Router::Exists(std::shared_ptr<const Binding>& binding) {
  const std::string key = TargetKey(binding->target);
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto known = bindings_.find(key);
    if (known != bindings_.end()) {
      binding = known->second;
      return true;
    }
  }
  XRONOX_ASSIGN_OR_RETURN(bool exists, binding->hot->CollectionExists(binding->ref));
  if (!exists) return false;
  XRONOX_ASSIGN_OR_RETURN(binding, WithKeyScopes(binding, /*record=*/false));
  Remember(binding, /*prepared=*/false);
  return true;
}

Result<std::vector<std::string>> Router::ListCollections(const Target& target) {
  Target probe = target;
  probe.collection = "_probe";
  XRONOX_RETURN_IF_ERROR(ValidateCollectionName(probe.collection));
  if (target.tier == Tier::kTenant) XRONOX_RETURN_IF_ERROR(ValidateTenantId(target.tenant_id));
  XRONOX_ASSIGN_OR_RETURN(DatabaseConfig db, ResolveDatabase(config_, target.database_type,
                                                             target.tier, target.tenant_id));
  XRONOX_ASSIGN_OR_RETURN(std::vector<std::string> names,
                          HotStoreFor(db)->ListCollections(db.db_name));
  std::erase_if(names, [](const std::string& name) { return IsReservedCollectionName(name); });
  return names;
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

namespace {

void NoteCollisions(const std::string& where, const std::string& what,
                    const std::vector<std::string>& names, std::vector<std::string>& found) {
  for (const std::vector<std::string>& group : CaseCollisions(names)) {
    std::string list;
    for (const std::string& name : group) list += (list.empty() ? "'" : ", '") + name + "'";
    found.push_back(where + ": " + what + " " + list + " differ only in letter case");
  }
}

// The bucket folders under a folder connection's root (none when it does not exist yet).
std::vector<std::string> FolderBuckets(const std::string& root) {
  std::vector<std::string> buckets;
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(root, error)) {
    std::string name = entry.path().filename().string();
    if (!name.starts_with(".") && entry.is_directory(error)) buckets.push_back(name);
  }
  return buckets;
}

}  // namespace

Result<std::vector<std::string>> Router::NameCaseCollisions() {
  std::vector<std::string> found;
  for (const auto& [name, hot] : hot_stores_) {
    XRONOX_ASSIGN_OR_RETURN(std::vector<std::string> databases, hot->ListDatabases());
    NoteCollisions(name, "databases", databases, found);
    for (const std::string& db : databases) {
      XRONOX_ASSIGN_OR_RETURN(std::vector<std::string> collections, hot->ListCollections(db));
      NoteCollisions(name + " database '" + db + "'", "collections", collections, found);
    }
  }
  for (const auto& [name, folder] : config_.folder_connections) {
    NoteCollisions("folder:" + name, "buckets", FolderBuckets(folder.path), found);
  }
  return found;
}

Status Router::CheckReady() {
  // A bucket name no configuration uses: listing it reaches the service without touching data.
  static const std::string kProbeBucket = "xronox-ready-probe";
  std::string failures;
  StatusCode code = StatusCode::kOk;
  auto note = [&](const std::string& connection, const Status& status) {
    if (status.ok() || status.code() == StatusCode::kNotFound) return;
    if (code == StatusCode::kOk) code = status.code();
    failures += (failures.empty() ? "" : "; ") + connection + ": " + status.message();
  };
  for (const auto& [name, hot] : hot_stores_) note(name, hot->ListDatabases().status());
  for (const auto& [name, objects] : object_stores_) {
    note(name, objects->List(kProbeBucket, "", "", 1).status());
  }
  if (code == StatusCode::kOk) return Status::Ok();
  return Status(code, "not ready: " + failures);
}

}  // namespace xronox
