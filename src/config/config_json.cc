// ParseConfigJson and LoadConfigFile: the project's config format, or the guide's
// (guide_config.cc), read strictly into one Config.
#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/json_codec.h"
#include "config/config_readers.h"
#include "config/json_reader.h"
#include "config/resolve.h"
#include "config/server_config.h"
#include "xronox/config.h"

namespace xronox {

namespace {

using config_internal::IndexPath;
using config_internal::JoinPath;
using config_internal::ObjectReader;
using config_internal::Problems;
using config_internal::ReadCollectionMaps;
using config_internal::ReadDatabaseFields;
using config_internal::ReadEngine;
using config_internal::ReadS3;

constexpr std::uintmax_t kMaxConfigFileBytes = std::uintmax_t{16} << 20;

void ReadBuckets(ObjectReader& parent, BucketNames* buckets) {
  const Json* object = parent.Object("buckets");
  if (object == nullptr) return;
  ObjectReader reader(*object, parent.PathOf("buckets"), parent.problems());
  for (BucketKind kind : kAllBucketKinds) {
    reader.String(BucketKindName(kind), &MutableBucketName(*buckets, kind));
  }
  reader.Finish();
}

void ReadPrefixes(ObjectReader& parent, FolderPrefixes* prefixes) {
  const Json* object = parent.Object("folderPrefixes");
  if (object == nullptr) return;
  ObjectReader reader(*object, parent.PathOf("folderPrefixes"), parent.problems());
  reader.String("records", &prefixes->records);
  reader.String("versions", &prefixes->versions);
  reader.String("content", &prefixes->content);
  reader.String("backups", &prefixes->backups);
  reader.Finish();
}

void ReadStorageClasses(ObjectReader& parent, StorageClasses* classes) {
  const Json* object = parent.Object("storageClasses");
  if (object == nullptr) return;
  ObjectReader reader(*object, parent.PathOf("storageClasses"), parent.problems());
  reader.String("records", &classes->records);
  reader.String("versions", &classes->versions);
  reader.String("content", &classes->content);
  reader.String("backups", &classes->backups);
  reader.Finish();
}

void ReadMongo(ObjectReader& reader, MongoConnection* mongo) {
  reader.String("uri", &mongo->uri);
  reader.String("writeConcern", &mongo->write_concern);
  reader.Bool("journal", &mongo->journal);
  reader.Int("writeTimeoutMs", &mongo->write_timeout_ms);
  reader.String("readPreference", &mongo->read_preference);
  reader.Int("serverSelectionTimeoutMs", &mongo->server_selection_timeout_ms);
  reader.Int("maxPoolSize", &mongo->max_pool_size);
}

}  // namespace

namespace config_internal {

void ReadS3(ObjectReader& reader, S3Connection* s3) {
  reader.String("endpoint", &s3->endpoint);
  reader.String("region", &s3->region);
  reader.String("accessKey", &s3->access_key);
  reader.String("secretKey", &s3->secret_key);
  ReadBuckets(reader, &s3->buckets);
  ReadPrefixes(reader, &s3->folder_prefixes);
  reader.Bool("forcePathStyle", &s3->force_path_style);
  reader.Int("connectTimeoutMs", &s3->connect_timeout_ms);
  reader.Int("requestTimeoutMs", &s3->request_timeout_ms);
  reader.Int("maxRetries", &s3->max_retries);
  ReadStorageClasses(reader, &s3->storage_classes);
}

}  // namespace config_internal

namespace {

void ReadSqlite(ObjectReader& reader, SqliteConnection* sqlite) {
  reader.String("path", &sqlite->path);
}

void ReadFolder(ObjectReader& reader, FolderConnection* folder) {
  reader.String("path", &folder->path);
  ReadPrefixes(reader, &folder->folder_prefixes);
}

// Reads connections.<kind>: a map from connection name to one connection object.
template <typename Connection, typename ReadOne>
void ReadConnectionMap(ObjectReader& connections, const char* kind,
                       std::map<std::string, Connection>* out, ReadOne read_one) {
  const Json* object = connections.Object(kind);
  if (object == nullptr) return;
  for (const auto& [name, value] : object->items()) {
    ObjectReader reader(value, JoinPath(connections.PathOf(kind), name), connections.problems());
    Connection connection;
    read_one(reader, &connection);
    reader.Finish();
    (*out)[name] = std::move(connection);
  }
}

void ReadConnections(ObjectReader& root, Config* config) {
  const Json* object = root.Object("connections");
  if (object == nullptr) return;
  ObjectReader reader(*object, root.PathOf("connections"), root.problems());
  ReadConnectionMap(reader, "mongo", &config->mongo_connections, ReadMongo);
  ReadConnectionMap(reader, "s3", &config->s3_connections, ReadS3);
  ReadConnectionMap(reader, "sqlite", &config->sqlite_connections, ReadSqlite);
  ReadConnectionMap(reader, "folder", &config->folder_connections, ReadFolder);
  reader.Finish();
}

// The fields every database object may hold; ValidateConfig decides which a type may use,
// so that a misplaced field gets a rule, not just "unknown key".
}  // namespace

namespace config_internal {

void ReadDatabaseFields(ObjectReader& reader, DatabaseConfig* db) {
  reader.String("tenantId", &db->tenant_id);
  reader.String("mongoRef", &db->mongo_ref);
  reader.String("sqliteRef", &db->sqlite_ref);
  reader.String("s3Ref", &db->s3_ref);
  reader.String("folderRef", &db->folder_ref);
  reader.String("dbName", &db->db_name);
  reader.String("analyticsDbName", &db->analytics_db_name);
  for (BucketKind kind : kAllBucketKinds) {
    reader.String((std::string(BucketKindName(kind)) + "Bucket").c_str(),
                  &MutableBucketName(db->buckets, kind));
  }
  reader.OptionalBool("enableVersioning", &db->enable_versioning);
  reader.Bool("captureDeliveries", &db->capture_deliveries);
  ReadRetention(reader, &db->retention);
}

void ReadRetention(ObjectReader& reader, std::optional<RetentionPolicy>* out) {
  const Json* object = reader.Object("retention");
  if (object == nullptr) return;
  ObjectReader retention(*object, reader.PathOf("retention"), reader.problems());
  RetentionPolicy policy;
  retention.Int("days", &policy.days);
  retention.Int("maxPerItem", &policy.max_per_item);
  retention.Finish();
  *out = policy;
}

}  // namespace config_internal

namespace {

// The seed writes the tier as "type" on generic databases and "tier" on messaging; both are
// accepted, and must agree when both are given.
void ReadTier(ObjectReader& reader, DatabaseConfig* db) {
  std::optional<std::string> type_name;
  std::optional<std::string> tier_name;
  reader.OptionalString("type", &type_name);
  reader.OptionalString("tier", &tier_name);
  if (type_name && tier_name && *type_name != *tier_name) {
    return reader.problems()->Add(reader.PathOf("tier"), "disagrees with type");
  }
  const char* key = tier_name ? "tier" : "type";
  const std::optional<std::string>& name = tier_name ? tier_name : type_name;
  if (!name) return;
  if (*name == "generic") {
    db->tier = Tier::kGeneric;
  } else if (*name == "tenant") {
    db->tier = Tier::kTenant;
  } else {
    reader.problems()->Add(reader.PathOf(key), "must be 'generic' or 'tenant'");
  }
}

void ReadSingleDatabase(ObjectReader& databases, DatabaseType type, Config* config) {
  const char* key = DatabaseTypeName(type);
  const Json* object = databases.Object(key);
  if (object == nullptr) return;
  ObjectReader reader(*object, databases.PathOf(key), databases.problems());
  DatabaseConfig db;
  db.type = type;
  ReadTier(reader, &db);
  ReadDatabaseFields(reader, &db);
  reader.Finish();
  config->databases.push_back(std::move(db));
}

DatabaseConfig ReadRuntimeDatabase(const Json& value, const std::string& path, Problems* problems,
                                   const std::string& default_tenant) {
  ObjectReader reader(value, path, problems);
  DatabaseConfig db;
  db.type = DatabaseType::kRuntime;
  db.tier = Tier::kTenant;
  db.tenant_id = default_tenant;
  ReadDatabaseFields(reader, &db);
  reader.Finish();
  return db;
}

void ReadRuntime(ObjectReader& databases, Config* config) {
  const Json* object = databases.Object("runtime");
  if (object == nullptr) return;
  ObjectReader reader(*object, databases.PathOf("runtime"), databases.problems());
  if (const Json* list = reader.Array("tenantDatabases")) {
    for (size_t i = 0; i < list->size(); ++i) {
      config->databases.push_back(ReadRuntimeDatabase(
          (*list)[i], IndexPath(reader.PathOf("tenantDatabases"), i), reader.problems(), ""));
    }
  }
  if (const Json* tmpl = reader.Object("tenantTemplate")) {
    config->runtime_tenant_template = ReadRuntimeDatabase(*tmpl, reader.PathOf("tenantTemplate"),
                                                          reader.problems(), kTenantPlaceholder);
  }
  reader.Finish();
}

void ReadDatabases(ObjectReader& root, Config* config) {
  const Json* object = root.Object("databases");
  if (object == nullptr) return;
  ObjectReader reader(*object, root.PathOf("databases"), root.problems());
  // Fixed order (the DatabaseType order), whatever the order of keys in the text.
  for (DatabaseType type :
       {DatabaseType::kKnowledge, DatabaseType::kMetadata, DatabaseType::kRuntime,
        DatabaseType::kMessaging, DatabaseType::kIdentities, DatabaseType::kLogs}) {
    if (type == DatabaseType::kRuntime) {
      ReadRuntime(reader, config);
    } else {
      ReadSingleDatabase(reader, type, config);
    }
  }
  reader.Finish();
}

void ReadCollectionMap(ObjectReader& reader, CollectionMap* map) {
  reader.StringArray("indexedProps", &map->indexed_props);
  reader.StringArray("naturalKeys", &map->natural_keys);
  reader.StringArray("hiddenFields", &map->hidden_fields);
  if (const Json* offload = reader.Object("s3Offload")) {
    ObjectReader offload_reader(*offload, reader.PathOf("s3Offload"), reader.problems());
    offload_reader.Bool("enabled", &map->s3_offload.enabled);
    offload_reader.Int("olderThan", &map->s3_offload.older_than_days);
    offload_reader.Finish();
  }
  config_internal::ReadRetention(reader, &map->retention);
}

}  // namespace

namespace config_internal {

void ReadCollectionMaps(ObjectReader& root, Config* config) {
  const Json* object = root.Object("collectionMaps");
  if (object == nullptr) return;
  for (const auto& [collection, value] : object->items()) {
    ObjectReader reader(value, JoinPath(root.PathOf("collectionMaps"), collection),
                        root.problems());
    CollectionMap map;
    ReadCollectionMap(reader, &map);
    reader.Finish();
    config->collection_maps[collection] = std::move(map);
  }
}

}  // namespace config_internal

namespace {}  // namespace

namespace config_internal {

void ReadEngine(ObjectReader& root, EngineOptions* engine) {
  const Json* object = root.Object("engine");
  if (object == nullptr) return;
  ObjectReader reader(*object, root.PathOf("engine"), root.problems());
  reader.Int64("inlineMaxBytes", &engine->inline_max_bytes);
  reader.Int64("claimLeaseSeconds", &engine->claim_lease_seconds);
  reader.Finish();
}

}  // namespace config_internal

namespace {

// Parses without validating: LoadConfigFile resolves paths in between.
Result<Config> ParseUnvalidated(const std::string& text) {
  Result<Json> json = ParseJsonStrict(text);
  if (!json.ok()) return InvalidArgument("invalid config: " + json.status().message());
  Problems problems;
  config_internal::SubstituteEnvironment(*json, "", &problems);
  XRONOX_RETURN_IF_ERROR(problems.ToStatus("invalid config"));
  Config config;
  ObjectReader root(*json, "", &problems);
  if (config_internal::IsGuideShape(*json)) {
    config_internal::ReadGuideConfig(root, &config);
  } else {
    ReadConnections(root, &config);
    ReadDatabases(root, &config);
    ReadCollectionMaps(root, &config);
    ReadEngine(root, &config.engine);
    config_internal::ReadServerConfig(root, &config.server);
  }
  root.Finish();
  config_internal::DefaultVersionsBuckets(&config, &problems);
  XRONOX_RETURN_IF_ERROR(problems.ToStatus("invalid config"));
  return config;
}

Result<std::string> ReadConfigText(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    return NotFound("config file '" + path + "': not found or not a regular file");
  }
  const std::uintmax_t size = std::filesystem::file_size(path, ec);
  if (ec || size > kMaxConfigFileBytes) {
    return InvalidArgument("config file '" + path + "': larger than 16 MiB or unreadable");
  }
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  if (!in.good() && !in.eof()) return Unavailable("config file '" + path + "': read failed");
  return text.str();
}

void ResolvePath(const std::filesystem::path& base_dir, std::string* path) {
  if (path->empty() || std::filesystem::path(*path).is_absolute()) return;
  *path = (base_dir / *path).lexically_normal().string();
}

Status InFile(const std::string& path, const Status& status) {
  return Status(status.code(), "config file '" + path + "': " + status.message());
}

}  // namespace

namespace config_internal {

Result<Config> ParseConfigJsonUnvalidated(const std::string& text) {
  return ParseUnvalidated(text);
}

}  // namespace config_internal

Result<Config> ParseConfigJson(const std::string& text) {
  XRONOX_ASSIGN_OR_RETURN(Config config, ParseUnvalidated(text));
  XRONOX_RETURN_IF_ERROR(ValidateConfig(config));
  return config;
}

Result<Config> LoadConfigFile(const std::string& path) {
  XRONOX_ASSIGN_OR_RETURN(std::string text, ReadConfigText(path));
  Result<Config> parsed = ParseUnvalidated(text);
  if (!parsed.ok()) return InFile(path, parsed.status());
  Config config = std::move(parsed).value();
  std::error_code ec;
  const std::filesystem::path base_dir = std::filesystem::absolute(path, ec).parent_path();
  if (ec) return InFile(path, InvalidArgument("cannot make the path absolute: " + ec.message()));
  for (auto& [name, sqlite] : config.sqlite_connections) ResolvePath(base_dir, &sqlite.path);
  for (auto& [name, folder] : config.folder_connections) ResolvePath(base_dir, &folder.path);
  if (Status s = ValidateConfig(config); !s.ok()) return InFile(path, s);
  return config;
}

Result<std::vector<ApiKey>> LoadApiKeysFile(const std::string& path) {
  XRONOX_ASSIGN_OR_RETURN(std::string text, ReadConfigText(path));
  Result<Json> json = ParseJsonStrict(text);
  if (!json.ok())
    return InFile(path, InvalidArgument("invalid API keys: " + json.status().message()));
  config_internal::Problems problems;
  std::vector<ApiKey> keys;
  config_internal::ObjectReader root(*json, "", &problems);
  config_internal::ReadApiKeys(root, &keys);
  root.Finish();
  if (problems.empty() && keys.empty()) problems.Add("apiKeys", "must list at least one key");
  config_internal::ValidateApiKeys(keys, "apiKeys", &problems);
  if (Status s = problems.ToStatus("invalid API keys"); !s.ok()) return InFile(path, s);
  return keys;
}

}  // namespace xronox
