// ConfigToJson: writes the format ParseConfigJson reads, so that a config round-trips.
#include "config/resolve.h"
#include "config/server_config.h"
#include "xronox/config.h"

namespace xronox {

namespace {

const char* TierName(Tier tier) { return tier == Tier::kTenant ? "tenant" : "generic"; }

void PutIfSet(Json& object, const char* key, const std::string& value) {
  if (!value.empty()) object[key] = value;
}

Json BucketsJson(const BucketNames& buckets) {
  Json object = Json::object();
  for (BucketKind kind : kAllBucketKinds) {
    PutIfSet(object, BucketKindName(kind), BucketName(buckets, kind));
  }
  return object;
}

Json PrefixesJson(const FolderPrefixes& prefixes) {
  Json object = Json::object();
  for (BucketKind kind : kAllBucketKinds)
    object[BucketKindName(kind)] = FolderPrefix(prefixes, kind);
  return object;
}

Json StorageClassesJson(const StorageClasses& classes) {
  Json object = Json::object();
  PutIfSet(object, "records", classes.records);
  PutIfSet(object, "versions", classes.versions);
  PutIfSet(object, "content", classes.content);
  PutIfSet(object, "backups", classes.backups);
  return object;
}

Json S3Json(const S3Connection& s3) {
  return Json{{"endpoint", s3.endpoint},
              {"region", s3.region},
              {"accessKey", s3.access_key},
              {"secretKey", s3.secret_key},
              {"buckets", BucketsJson(s3.buckets)},
              {"folderPrefixes", PrefixesJson(s3.folder_prefixes)},
              {"forcePathStyle", s3.force_path_style},
              {"connectTimeoutMs", s3.connect_timeout_ms},
              {"requestTimeoutMs", s3.request_timeout_ms},
              {"maxRetries", s3.max_retries},
              {"storageClasses", StorageClassesJson(s3.storage_classes)}};
}

Json MongoJson(const MongoConnection& mongo) {
  return Json{{"uri", mongo.uri},
              {"writeConcern", mongo.write_concern},
              {"journal", mongo.journal},
              {"writeTimeoutMs", mongo.write_timeout_ms},
              {"readPreference", mongo.read_preference},
              {"serverSelectionTimeoutMs", mongo.server_selection_timeout_ms},
              {"maxPoolSize", mongo.max_pool_size}};
}

Json ConnectionsJson(const Config& config) {
  Json connections = Json::object();
  for (const auto& [name, mongo] : config.mongo_connections) {
    connections["mongo"][name] = MongoJson(mongo);
  }
  for (const auto& [name, s3] : config.s3_connections) connections["s3"][name] = S3Json(s3);
  for (const auto& [name, sqlite] : config.sqlite_connections) {
    connections["sqlite"][name] = Json{{"path", sqlite.path}};
  }
  for (const auto& [name, folder] : config.folder_connections) {
    connections["folder"][name] =
        Json{{"path", folder.path}, {"folderPrefixes", PrefixesJson(folder.folder_prefixes)}};
  }
  return connections;
}

Json RetentionJson(const RetentionPolicy& policy) {
  Json json = Json::object();
  if (policy.days > 0) json["days"] = policy.days;
  if (policy.max_per_item > 0) json["maxPerItem"] = policy.max_per_item;
  return json;
}

Json DatabaseJson(const DatabaseConfig& db) {
  Json object = Json::object();
  if (db.type == DatabaseType::kMessaging) {
    object["tier"] = TierName(db.tier);
  } else if (db.type != DatabaseType::kRuntime) {
    object["type"] = TierName(db.tier);  // The seed's spelling for generic databases.
  }
  PutIfSet(object, "tenantId", db.tenant_id);
  PutIfSet(object, "mongoRef", db.mongo_ref);
  PutIfSet(object, "sqliteRef", db.sqlite_ref);
  PutIfSet(object, "s3Ref", db.s3_ref);
  PutIfSet(object, "folderRef", db.folder_ref);
  PutIfSet(object, "dbName", db.db_name);
  PutIfSet(object, "analyticsDbName", db.analytics_db_name);
  for (BucketKind kind : kAllBucketKinds) {
    PutIfSet(object, (std::string(BucketKindName(kind)) + "Bucket").c_str(), BucketFor(db, kind));
  }
  if (db.enable_versioning) object["enableVersioning"] = *db.enable_versioning;
  if (db.type == DatabaseType::kMessaging || db.capture_deliveries) {
    object["captureDeliveries"] = db.capture_deliveries;
  }
  if (db.retention) object["retention"] = RetentionJson(*db.retention);
  return object;
}

Json DatabasesJson(const Config& config) {
  Json databases = Json::object();
  for (const DatabaseConfig& db : config.databases) {
    if (db.type == DatabaseType::kRuntime) {
      databases["runtime"]["tenantDatabases"].push_back(DatabaseJson(db));
    } else {
      databases[DatabaseTypeName(db.type)] = DatabaseJson(db);
    }
  }
  if (config.runtime_tenant_template) {
    databases["runtime"]["tenantTemplate"] = DatabaseJson(*config.runtime_tenant_template);
  }
  return databases;
}

Json CollectionMapsJson(const Config& config) {
  Json maps = Json::object();
  for (const auto& [collection, map] : config.collection_maps) {
    maps[collection] = Json{
        {"indexedProps", map.indexed_props},
        {"s3Offload",
         {{"enabled", map.s3_offload.enabled}, {"olderThan", map.s3_offload.older_than_days}}}};
    if (!map.natural_keys.empty()) maps[collection]["naturalKeys"] = map.natural_keys;
    if (!map.hidden_fields.empty()) maps[collection]["hiddenFields"] = map.hidden_fields;
    if (map.retention) maps[collection]["retention"] = RetentionJson(*map.retention);
  }
  return maps;
}

}  // namespace

Json ConfigToJson(const Config& config) {
  Json json{{"connections", ConnectionsJson(config)},
            {"databases", DatabasesJson(config)},
            {"collectionMaps", CollectionMapsJson(config)},
            {"engine",
             {{"inlineMaxBytes", config.engine.inline_max_bytes},
              {"claimLeaseSeconds", config.engine.claim_lease_seconds}}}};
  if (!config.server.api_keys.empty()) {
    json["server"] = config_internal::ServerConfigToJson(config.server);
  }
  return json;
}

}  // namespace xronox
