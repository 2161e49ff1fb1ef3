// Presets: ready-made configurations.
#include <filesystem>

#include "config/resolve.h"
#include "xronox/config.h"

namespace xronox {

namespace {

constexpr char kEmbedded[] = "embedded";

DatabaseConfig EmbeddedDatabase(DatabaseType type) {
  const std::string name = DatabaseTypeName(type);
  DatabaseConfig db;
  db.type = type;
  db.sqlite_ref = kEmbedded;
  db.folder_ref = kEmbedded;
  db.db_name = "xronox_" + name;
  for (BucketKind kind : kAllBucketKinds) {
    if (UsesBucketKind(type, kind)) {
      MutableBucketName(db.buckets, kind) = "xronox-" + name + "-" + BucketKindName(kind);
    }
  }
  return db;
}

DatabaseConfig EmbeddedRuntimeTemplate() {
  DatabaseConfig db;
  db.type = DatabaseType::kRuntime;
  db.tier = Tier::kTenant;
  db.tenant_id = kTenantPlaceholder;
  db.sqlite_ref = kEmbedded;
  db.folder_ref = kEmbedded;
  db.db_name = std::string("xronox_runtime_") + kTenantPlaceholder;
  for (BucketKind kind : kAllBucketKinds) {
    MutableBucketName(db.buckets, kind) =
        std::string("xronox-runtime-") + kTenantPlaceholder + "-" + BucketKindName(kind);
  }
  return db;
}

}  // namespace

Result<Config> CreateEmbeddedConfig(const std::string& base_path) {
  if (base_path.empty()) return InvalidArgument("embedded config: base path must not be empty");
  const std::filesystem::path base(base_path);
  ConfigBuilder builder;
  builder.AddSqliteConnection(kEmbedded, (base / "hot.sqlite").string())
      .AddFolderConnection(kEmbedded, (base / "objects").string())
      .AddKnowledgeDatabase(EmbeddedDatabase(DatabaseType::kKnowledge))
      .AddMetadataDatabase(EmbeddedDatabase(DatabaseType::kMetadata))
      .AddRuntimeDatabase(EmbeddedRuntimeTemplate())
      .AddMessagingDatabase(EmbeddedDatabase(DatabaseType::kMessaging))
      .AddIdentitiesDatabase(EmbeddedDatabase(DatabaseType::kIdentities))
      .AddLogsDatabase(EmbeddedDatabase(DatabaseType::kLogs));
  return builder.Build();
}

}  // namespace xronox
