// Router: opens the backends a config names (the backend registry) and binds targets
// (database type, tier, tenant, collection) to a hot store, an object store and names.
// Thread-safety: safe from many threads; bindings are cached and immutable.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>

#include "router/binding.h"
#include "xronox/config.h"
#include "xronox/status.h"

namespace xronox {

class Router {
 public:
  /// Open every connection of `config` (creating embedded files and folders).
  static Result<std::unique_ptr<Router>> Open(const Config& config);

  /// Resolve and prepare a target: names validated, collection and buckets created.
  Result<std::shared_ptr<const Binding>> Bind(const Target& target);
  /// Names of the collections of the target's database (its collection is ignored).
  Result<std::vector<std::string>> ListCollections(const Target& target);

  /// Tenants of a tenant-tier type: configured ones, and those a tenant template has created.
  Result<std::vector<std::string>> ListTenants(DatabaseType type);

  const Config& config() const { return config_; }

 private:
  explicit Router(Config config) : config_(std::move(config)) {}
  Status OpenConnections();
  Result<Binding> Resolve(const Target& target);
  Status EnsureBuckets(const Binding& binding);
  store::HotStore* HotStoreFor(const DatabaseConfig& db);

  Config config_;
  std::map<std::string, std::unique_ptr<store::HotStore>> hot_stores_;        // By connection.
  std::map<std::string, std::unique_ptr<store::ObjectStore>> object_stores_;  // By connection.
  std::mutex mutex_;  // Guards the two caches below.
  std::map<std::string, std::shared_ptr<const Binding>> bindings_;
  std::set<std::string> ensured_buckets_;
};

}  // namespace xronox
