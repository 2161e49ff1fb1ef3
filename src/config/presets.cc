// Presets: ready-made configurations.
#include <filesystem>
#include <vector>

#include "common/names.h"
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

constexpr char kPrimary[] = "primary";
constexpr char kLocal[] = "local";

constexpr DatabaseType kGenericTypes[] = {DatabaseType::kKnowledge, DatabaseType::kMetadata,
                                          DatabaseType::kMessaging, DatabaseType::kIdentities,
                                          DatabaseType::kLogs};

// Add a generic database of `type` to the builder.
void AddGeneric(ConfigBuilder& builder, DatabaseConfig db) {
  switch (db.type) {
    case DatabaseType::kKnowledge:
      builder.AddKnowledgeDatabase(std::move(db));
      break;
    case DatabaseType::kMetadata:
      builder.AddMetadataDatabase(std::move(db));
      break;
    case DatabaseType::kMessaging:
      builder.AddMessagingDatabase(std::move(db));
      break;
    case DatabaseType::kIdentities:
      builder.AddIdentitiesDatabase(std::move(db));
      break;
    case DatabaseType::kLogs:
      builder.AddLogsDatabase(std::move(db));
      break;
    case DatabaseType::kRuntime:
      builder.AddRuntimeDatabase(std::move(db));
      break;
  }
}

// Set every bucket the type uses to "<stem>-<kind>".
void SetBuckets(DatabaseConfig& db, const std::string& stem) {
  for (BucketKind kind : kAllBucketKinds) {
    if (UsesBucketKind(db.type, kind)) {
      MutableBucketName(db.buckets, kind) = stem + "-" + BucketKindName(kind);
    }
  }
}

DatabaseConfig MongoDatabase(DatabaseType type, const std::string& db_name) {
  DatabaseConfig db;
  db.type = type;
  db.mongo_ref = kPrimary;
  db.db_name = db_name;
  return db;
}

DatabaseConfig MongoRuntimeTemplate(const std::string& db_name) {
  DatabaseConfig db = MongoDatabase(DatabaseType::kRuntime, db_name);
  db.tier = Tier::kTenant;
  db.tenant_id = kTenantPlaceholder;
  return db;
}

// Check that "<stem>-<kind>" is a valid S3 bucket for every kind of `type`; report it as
// `what` ("bucket prefix 'x'" or "tenant 'y'").
void CheckS3Stem(DatabaseType type, const std::string& stem, const std::string& what,
                 std::vector<std::string>* problems) {
  for (BucketKind kind : kAllBucketKinds) {
    if (!UsesBucketKind(type, kind)) continue;
    const std::string bucket = stem + "-" + BucketKindName(kind);
    if (Status s = ValidateBucketName(bucket); !s.ok()) {
      problems->push_back(what + " cannot form a valid S3 bucket name: " + s.message());
      return;
    }
  }
}

Status ProblemsStatus(const std::string& what, const std::vector<std::string>& problems) {
  if (problems.empty()) return Status::Ok();
  std::string text = what + ": " + std::to_string(problems.size()) + " problem" +
                     (problems.size() == 1 ? "" : "s");
  for (const std::string& p : problems) text += "\n  " + p;
  return InvalidArgument(text);
}

}  // namespace

Result<Config> CreateDevConfig(const DevConfigOptions& options) {
  std::vector<std::string> problems;
  if (options.mongo_uri.empty()) problems.push_back("mongo_uri must not be empty");
  if (options.base_path.empty()) problems.push_back("base_path must not be empty");
  if (options.db_name.empty()) problems.push_back("db_name must not be empty");
  XRONOX_RETURN_IF_ERROR(ProblemsStatus("dev config", problems));
  ConfigBuilder builder;
  builder.AddMongoConnection(kPrimary, options.mongo_uri)
      .AddFolderConnection(kLocal, (std::filesystem::path(options.base_path) / "objects").string());
  auto with_folder = [&](DatabaseConfig db, const std::string& stem) {
    db.folder_ref = kLocal;
    SetBuckets(db, stem);
    return db;
  };
  for (DatabaseType type : kGenericTypes) {
    const std::string name = DatabaseTypeName(type);
    AddGeneric(builder,
               with_folder(MongoDatabase(type, options.db_name + "_" + name), "xronox-" + name));
  }
  DatabaseConfig runtime =
      with_folder(MongoRuntimeTemplate(options.db_name + "_runtime_" + kTenantPlaceholder),
                  std::string("xronox-runtime-") + kTenantPlaceholder);
  runtime.analytics_db_name = options.db_name + "_analytics_" + kTenantPlaceholder;
  builder.AddRuntimeDatabase(std::move(runtime));
  return builder.Build();
}

Result<Config> CreateProductionConfig(const ProductionConfigOptions& options) {
  const std::string& prefix = options.bucket_prefix;
  std::vector<std::string> problems;
  if (options.mongo_uri.empty()) problems.push_back("mongo_uri must not be empty");
  if (options.s3_endpoint.empty()) problems.push_back("s3_endpoint must not be empty");
  if (prefix.empty()) {
    problems.push_back("bucket_prefix must not be empty");
  } else {
    for (DatabaseType type : kGenericTypes) {
      CheckS3Stem(type, prefix + "-" + DatabaseTypeName(type), "bucket prefix '" + prefix + "'",
                  &problems);
      if (!problems.empty()) break;
    }
  }
  if (options.tenants.empty()) {
    problems.push_back("tenants must list at least one runtime tenant");
  }
  for (const std::string& tenant : options.tenants) {
    if (Status s = ValidateTenantId(tenant); !s.ok()) {
      problems.push_back("tenant: " + s.message());
      continue;
    }
    if (!prefix.empty()) {
      CheckS3Stem(DatabaseType::kRuntime, prefix + "-runtime-" + tenant, "tenant '" + tenant + "'",
                  &problems);
    }
  }
  XRONOX_RETURN_IF_ERROR(ProblemsStatus("production config", problems));

  S3Connection s3;
  s3.endpoint = options.s3_endpoint;
  s3.region = options.s3_region;
  s3.access_key = options.s3_access_key;
  s3.secret_key = options.s3_secret_key;
  ConfigBuilder builder;
  builder.AddMongoConnection(kPrimary, options.mongo_uri).AddS3Connection(kPrimary, s3);
  auto with_s3 = [&](DatabaseConfig db, const std::string& stem) {
    db.s3_ref = kPrimary;
    SetBuckets(db, stem);
    return db;
  };
  for (DatabaseType type : kGenericTypes) {
    const std::string name = DatabaseTypeName(type);
    AddGeneric(builder, with_s3(MongoDatabase(type, prefix + "_" + name), prefix + "-" + name));
  }
  for (const std::string& tenant : options.tenants) {
    DatabaseConfig runtime =
        with_s3(MongoDatabase(DatabaseType::kRuntime, prefix + "_runtime_" + tenant),
                prefix + "-runtime-" + tenant);
    runtime.tier = Tier::kTenant;
    runtime.tenant_id = tenant;
    runtime.analytics_db_name = prefix + "_analytics_" + tenant;
    builder.AddRuntimeDatabase(std::move(runtime));
  }
  return builder.Build();
}

Result<Config> CreateMinimalConfig(const std::string& mongo_uri) {
  if (mongo_uri.empty()) return InvalidArgument("minimal config: mongo_uri must not be empty");
  ConfigBuilder builder;
  builder.AddMongoConnection(kPrimary, mongo_uri);
  for (DatabaseType type : kGenericTypes) {
    AddGeneric(builder, MongoDatabase(type, std::string("xronox_") + DatabaseTypeName(type)));
  }
  builder.AddRuntimeDatabase(
      MongoRuntimeTemplate(std::string("xronox_runtime_") + kTenantPlaceholder));
  return builder.Build();
}

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
