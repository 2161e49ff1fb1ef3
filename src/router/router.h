// Router: opens the backends a config names (the backend registry) and binds targets
// (database type, tier, tenant, collection) to a hot store, an object store and names.
// A database on MongoDB without an object store (minimal mode) keeps its objects in its own
// MongoDB database: each binding gets its database's MongoObjectStore, all of one connection
// sharing one client pool, with buckets "records", "versions", "content" and "backups".
// Thread-safety: safe from many threads; bindings are cached and immutable.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <tuple>
#include <utility>

#include "config/resolve.h"
#include "router/binding.h"
#include "store/wrappers/backend_metrics.h"
#include "xronox/config.h"
#include "xronox/status.h"

namespace xronox {

// The backends behind the router stay out of its users' includes (libmongoc, libcurl).
namespace store {
class MongoObjectStore;
class S3ObjectStore;
}  // namespace store

class Router {
 public:
  ~Router();
  /// Open every connection of `config` (creating embedded files and folders).
  static Result<std::unique_ptr<Router>> Open(const Config& config);

  /// Resolve a target: names validated, database, buckets and prefixes from the configuration.
  /// Creates nothing: reads never create state; PrepareWrite does, for the first write.
  Result<std::shared_ptr<const Binding>> Bind(const Target& target);
  /// Create what writes to the binding's collection need (hot-store collection and indexes,
  /// buckets, owner markers), once per process, and replace `binding` with one whose key
  /// prefixes are scoped. InvalidArgument (reason "name_case_conflict") when a stored database
  /// or collection name differs from the binding's only in letter case.
  Status PrepareWrite(std::shared_ptr<const Binding>& binding);
  /// True when the binding's collection exists under exactly its names; then `binding` is
  /// replaced with one whose key prefixes are scoped (read from the owner markers). Creates
  /// nothing.
  Result<bool> Exists(std::shared_ptr<const Binding>& binding);
  /// The binding with its keys scoped by the owner markers, whether or not its collection
  /// exists in the hot store (backups outlive the collection they copy). Remembers nothing.
  Result<std::shared_ptr<const Binding>> ScopedKeys(const std::shared_ptr<const Binding>& binding) {
    return WithKeyScopes(binding, /*record=*/false);
  }
  /// Names of the collections of the target's database (its collection is ignored).
  Result<std::vector<std::string>> ListCollections(const Target& target);

  /// Tenants of a tenant-tier type: configured ones, and those a tenant template has created.
  Result<std::vector<std::string>> ListTenants(DatabaseType type);

  /// Stored names that differ only in letter case, one line each: hot-store databases and a
  /// database's collections on every hot-store connection, and the bucket folders of every
  /// folder connection (written before such names were refused, or by hand).
  Result<std::vector<std::string>> NameCaseCollisions();

  /// Ok when every connection answers a small request (hot stores: list databases; object
  /// stores: list a probe bucket, where "no such bucket" is an answer); otherwise the first
  /// failure's code with every failing connection named.
  Status CheckReady();

  const Config& config() const { return config_; }

  /// Calls to every backend so far: each store the router opens is wrapped in a metered
  /// decorator, labelled with its connection ("sqlite:default", "s3:primary", "mongo:main").
  BackendMetricsSnapshot MetricsSnapshot() const { return metrics_.Snapshot(); }

 private:
  explicit Router(Config config);
  Status OpenConnections();
  Status OpenMongo(const std::string& name, const MongoConnection& mongo);
  Status OpenS3(const std::string& name, const S3Connection& s3);
  Result<Binding> Resolve(const Target& target);
  // Point `b` at the database's object store: its S3 or folder connection, else (minimal mode)
  // the MongoDB object store of its hot-store database.
  Status BindObjects(const DatabaseConfig& db, Binding* b);
  Result<std::shared_ptr<store::ObjectStore>> MinimalObjectsFor(const DatabaseConfig& db);
  Status EnsureBuckets(const Binding& binding);
  // Set the binding's key prefixes from the owner markers of its key spaces (router_key_scopes.cc,
  // docs/formats/shared-buckets.md); with `record`, write the markers (before a first write).
  Status ScopeKeys(Binding* b, bool record);
  Result<std::shared_ptr<const Binding>> WithKeyScopes(
      const std::shared_ptr<const Binding>& binding, bool record);
  // Refuse at start-up a configuration that would change the keys of a listed database.
  Status CheckKeyScopes();
  // Register the kind's storage class (S3Connection::storage_classes) with the S3 store for the
  // keys under the kind's folder prefix in `bucket`.
  Status ApplyStorageClass(const Binding& b, BucketKind kind, const std::string& bucket);
  store::HotStore* HotStoreFor(const DatabaseConfig& db);

  Config config_;
  // Declared before the stores: their decorators record into it until they are destroyed.
  store::BackendMetrics metrics_;
  std::map<std::string, std::unique_ptr<store::HotStore>> hot_stores_;        // By connection.
  std::map<std::string, std::unique_ptr<store::ObjectStore>> object_stores_;  // By connection.
  std::map<std::string, store::S3ObjectStore*> s3_stores_;  // Borrowed from object_stores_.
  std::mutex mutex_;                                        // Guards the caches below.
  // Minimal mode: by MongoDB connection, the object store that opened the connection's pool
  // (for its first database); every database's handle shares that pool.
  std::map<std::string, std::unique_ptr<store::MongoObjectStore>> minimal_pools_;
  // Bindings of collections known to exist (by TargetKey), and which of them PrepareWrite has
  // prepared. Only collections that exist are kept, so reads of any number of names that do
  // not exist leave nothing behind.
  std::map<std::string, std::shared_ptr<const Binding>> bindings_;
  std::set<std::string> prepared_;
  void Remember(const std::shared_ptr<const Binding>& binding, bool prepared);
  std::set<std::pair<const store::ObjectStore*, std::string>> ensured_buckets_;
  // Key prefixes that owner markers have fixed, by (store, bucket, owner scope, kind).
  using KeySpaceKey = std::tuple<const store::ObjectStore*, std::string, std::string, BucketKind>;
  std::map<KeySpaceKey, std::string> settled_key_prefixes_;
  // A storage class registered for one folder prefix of a bucket, and the kind that did it.
  struct PrefixClass {
    std::string storage_class;
    BucketKind kind;
  };
  // Per (S3 store, bucket): folder prefix -> class. A prefix that overlaps a registered one
  // (PrefixesOverlap) with another class is refused: some keys would take the wrong class.
  std::map<std::pair<const store::ObjectStore*, std::string>, std::map<std::string, PrefixClass>>
      prefix_classes_;
};

}  // namespace xronox
