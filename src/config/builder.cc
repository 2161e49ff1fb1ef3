// ConfigBuilder: assembles a Config in the seed's builder style; Build() validates it.
#include "config/resolve.h"
#include "xronox/config.h"

namespace xronox {

ConfigBuilder& ConfigBuilder::AddMongoConnection(const std::string& name, const std::string& uri) {
  MongoConnection mongo;
  mongo.uri = uri;
  return AddMongoConnection(name, mongo);
}

ConfigBuilder& ConfigBuilder::AddMongoConnection(const std::string& name,
                                                 const MongoConnection& connection) {
  config_.mongo_connections[name] = connection;
  return *this;
}

ConfigBuilder& ConfigBuilder::AddS3Connection(const std::string& name,
                                              const S3Connection& connection) {
  config_.s3_connections[name] = connection;
  return *this;
}

ConfigBuilder& ConfigBuilder::AddSqliteConnection(const std::string& name,
                                                  const std::string& path) {
  config_.sqlite_connections[name] = SqliteConnection{path};
  return *this;
}

ConfigBuilder& ConfigBuilder::AddFolderConnection(const std::string& name,
                                                  const std::string& path) {
  FolderConnection folder;
  folder.path = path;
  config_.folder_connections[name] = folder;
  return *this;
}

ConfigBuilder& ConfigBuilder::AddKnowledgeDatabase(DatabaseConfig database) {
  return AddDatabase(DatabaseType::kKnowledge, std::move(database));
}

ConfigBuilder& ConfigBuilder::AddMetadataDatabase(DatabaseConfig database) {
  return AddDatabase(DatabaseType::kMetadata, std::move(database));
}

ConfigBuilder& ConfigBuilder::AddRuntimeDatabase(DatabaseConfig database) {
  return AddDatabase(DatabaseType::kRuntime, std::move(database));
}

ConfigBuilder& ConfigBuilder::AddMessagingDatabase(DatabaseConfig database) {
  return AddDatabase(DatabaseType::kMessaging, std::move(database));
}

ConfigBuilder& ConfigBuilder::AddIdentitiesDatabase(DatabaseConfig database) {
  return AddDatabase(DatabaseType::kIdentities, std::move(database));
}

ConfigBuilder& ConfigBuilder::AddLogsDatabase(DatabaseConfig database) {
  return AddDatabase(DatabaseType::kLogs, std::move(database));
}

ConfigBuilder& ConfigBuilder::AddCollectionMap(const std::string& collection, CollectionMap map) {
  config_.collection_maps[collection] = std::move(map);
  return *this;
}

ConfigBuilder& ConfigBuilder::SetEngineOptions(EngineOptions options) {
  config_.engine = options;
  return *this;
}

// The tier of the other types is kept as given, so that a wrong one is reported by Build().
ConfigBuilder& ConfigBuilder::AddDatabase(DatabaseType type, DatabaseConfig database) {
  database.type = type;
  if (type != DatabaseType::kRuntime) {
    config_.databases.push_back(std::move(database));
    return *this;
  }
  database.tier = Tier::kTenant;
  // A second template is kept in the list, where validation reports it rather than letting
  // it silently replace the first.
  const bool is_template = database.tenant_id.find(kTenantPlaceholder) != std::string::npos;
  if (is_template && !config_.runtime_tenant_template) {
    config_.runtime_tenant_template = std::move(database);
  } else {
    config_.databases.push_back(std::move(database));
  }
  return *this;
}

Result<Config> ConfigBuilder::Build() const {
  XRONOX_RETURN_IF_ERROR(ValidateConfig(config_));
  return config_;
}

}  // namespace xronox
