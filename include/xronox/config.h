// Configuration: connections, databases per type, collection maps; builder, presets, JSON files.
// Thread-safety: plain values; ConfigBuilder is not thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "xronox/status.h"
#include "xronox/types.h"

namespace xronox {

/// Bucket name per bucket kind. Empty means "not set here".
struct BucketNames {
  std::string records;
  std::string versions;
  std::string content;
  std::string backups;
};

/// Key prefix per bucket kind (seed: folderPrefixes). Defaults are the kind names.
struct FolderPrefixes {
  std::string records = "records";
  std::string versions = "versions";
  std::string content = "content";
  std::string backups = "backups";
};

/// A MongoDB deployment (hot store; in minimal mode also the objects).
/// JSON: {"uri": "mongodb://...", "writeConcern": "auto", ...}.
struct MongoConnection {
  std::string uri;
  /// How writes are acknowledged: "auto" (default: "majority" on a replica set or sharded
  /// cluster, "primary" on a standalone server), "majority" or "primary" (w: 1).
  std::string write_concern = "auto";
  /// Wait for the journal before acknowledging (j: true); default true.
  bool journal = true;
  /// Longest wait for a write acknowledgement, in milliseconds; 0 waits forever; default 10000.
  int write_timeout_ms = 10000;
  /// "primary" (default), "primaryPreferred", "secondary", "secondaryPreferred" or "nearest".
  std::string read_preference = "primary";
  /// Longest wait for a usable server, in milliseconds; default 10000.
  int server_selection_timeout_ms = 10000;
  /// Most connections per server in the client pool; default 100.
  int max_pool_size = 100;
};

/// S3 storage class per bucket kind, sent as x-amz-storage-class on every write of that kind's
/// objects (keys under its folder prefix in its bucket), so kinds sharing a bucket under distinct
/// prefixes (strategy B) may differ. Empty (the default) sends no header: the service's default
/// class.
struct StorageClasses {
  std::string records;
  std::string versions;
  std::string content;
  std::string backups;
};

/// An S3-compatible service (object store).
struct S3Connection {
  std::string endpoint;  ///< e.g. "https://s3.amazonaws.com".
  std::string region = "us-east-1";
  std::string access_key;  ///< Empty: taken from AWS_ACCESS_KEY_ID.
  std::string secret_key;  ///< Empty: taken from AWS_SECRET_ACCESS_KEY.
  BucketNames buckets;     ///< Connection-wide defaults (strategies A and B).
  FolderPrefixes folder_prefixes;
  bool force_path_style = true;
  /// Connection timeout, in milliseconds; default 5000.
  int connect_timeout_ms = 5000;
  /// Timeout of one request attempt, in milliseconds; default 60000.
  int request_timeout_ms = 60000;
  /// Retries after the first attempt on 5xx, SlowDown and timeouts; 0..10, default 4.
  int max_retries = 4;
  StorageClasses storage_classes;
};

/// An embedded SQLite hot store: one database file.
struct SqliteConnection {
  std::string path;  ///< File path; created when missing.
};

/// An embedded object store: one directory per bucket under `path`.
struct FolderConnection {
  std::string path;  ///< Root directory; created when missing.
  FolderPrefixes folder_prefixes;
};

/// How long records or versions are kept (`retention: {"days", "maxPerItem"}`): on logs,
/// records are deleted `days` after they were written; on runtime the two would bound each
/// record's version payloads (not acted on yet). 0 is no limit; at least one is set.
struct RetentionPolicy {
  int days = 0;
  int max_per_item = 0;
};

/// One database: a database type on a tier (and tenant), bound to a hot and an object store.
struct DatabaseConfig {
  DatabaseType type = DatabaseType::kKnowledge;
  Tier tier = Tier::kGeneric;
  std::string tenant_id;   ///< Runtime (and tenant-tier messaging): the tenant; may hold
                           ///< "{tenant}" in a tenant template.
  std::string mongo_ref;   ///< Hot store: name of a MongoDB connection, or
  std::string sqlite_ref;  ///< name of a SQLite connection (exactly one of the two).
  std::string s3_ref;      ///< Object store: name of an S3 connection, or
  std::string folder_ref;  ///< name of a folder connection (at most one of the two).
  std::string db_name;     ///< Hot store database name; "{tenant}" allowed in templates.
  /// Runtime: hot-store database that holds the tenant's collection counters ({c}_counter);
  /// empty keeps them in db_name. "{tenant}" allowed in templates.
  std::string analytics_db_name;
  BucketNames buckets;  ///< recordsBucket, versionsBucket, contentBucket, backupsBucket.
  std::optional<bool> enable_versioning;  ///< Runtime: must be true or unset.
  /// Logs: delete records by age. Runtime: version retention (not acted on yet).
  std::optional<RetentionPolicy> retention;
  bool capture_deliveries = false;  ///< Messaging only.
};

/// Move records older than a number of days to the object store (seed: s3Offload).
struct OffloadPolicy {
  bool enabled = false;
  int older_than_days = 30;
};

/// Per-collection settings (seed: addCollectionMap).
struct CollectionMap {
  std::vector<std::string> indexed_props;  ///< Top-level or dotted fields indexed for Query.
  OffloadPolicy s3_offload;
  /// Overrides its database's retention for collections of this name.
  std::optional<RetentionPolicy> retention;
  /// Property paths whose values together name at most one live record of the collection:
  /// creates refuse a taken combination, and Collection::Upsert merges into its record.
  std::vector<std::string> natural_keys;
  /// Property paths that reads return only to callers allowed to read hidden fields, and that
  /// diff, history, blame and `where` never show.
  std::vector<std::string> hidden_fields;
};

/// Engine tuning.
struct EngineOptions {
  /// Payloads up to this many bytes are kept in the hot store beside the head (default 16 KiB);
  /// larger ones live only in the object store.
  int64_t inline_max_bytes = int64_t{16} << 10;
  /// Seconds after which an unfinished write's claim may be recovered by another writer.
  int64_t claim_lease_seconds = 30;
};

/// What an API key may do: `operations` on the records of `database_types` x `tenants`. "*" in
/// a list matches anything.
struct ApiKeyScope {
  std::vector<std::string> database_types;  ///< Database type names ("runtime", ...) or "*".
  std::vector<std::string> tenants;         ///< Tenant ids, "_" for the generic tier, or "*".
  std::vector<std::string> operations;      ///< "read", "write", "admin", or "*".
};

/// A bearer token that xronoxd accepts. Only the token's SHA-256 is kept, never the token.
struct ApiKey {
  std::string principal;            ///< Recorded as the actor of every write made with this key.
  std::string secret_sha256;        ///< Lower-case hex SHA-256 of the whole token text.
  std::vector<ApiKeyScope> scopes;  ///< At least one; a request must fit one of them.
};

/// Settings of the HTTP server, xronoxd (config key "server"); the library ignores them.
struct ServerConfig {
  /// Accepted API keys. Empty: requests are not authenticated, and xronoxd listens on loopback
  /// only unless started with --insecure-no-auth.
  std::vector<ApiKey> api_keys;
};

/// A complete, validated configuration. Build it with ConfigBuilder, a preset or LoadConfig*.
struct Config {
  std::map<std::string, MongoConnection> mongo_connections;
  std::map<std::string, S3Connection> s3_connections;
  std::map<std::string, SqliteConnection> sqlite_connections;
  std::map<std::string, FolderConnection> folder_connections;
  std::vector<DatabaseConfig> databases;
  /// Runtime database used for any tenant not listed in `databases` ("{tenant}" in names).
  std::optional<DatabaseConfig> runtime_tenant_template;
  std::map<std::string, CollectionMap> collection_maps;
  EngineOptions engine;
  ServerConfig server;
};

/// Assembles a Config; Build() checks it against the database matrix.
class ConfigBuilder {
 public:
  ConfigBuilder& AddMongoConnection(const std::string& name, const std::string& uri);
  ConfigBuilder& AddMongoConnection(const std::string& name, const MongoConnection& connection);
  ConfigBuilder& AddS3Connection(const std::string& name, const S3Connection& connection);
  ConfigBuilder& AddSqliteConnection(const std::string& name, const std::string& path);
  ConfigBuilder& AddFolderConnection(const std::string& name, const std::string& path);
  ConfigBuilder& AddKnowledgeDatabase(DatabaseConfig database);
  ConfigBuilder& AddMetadataDatabase(DatabaseConfig database);
  /// Add a runtime database for one tenant; "{tenant}" in tenant_id makes it the template.
  ConfigBuilder& AddRuntimeDatabase(DatabaseConfig database);
  ConfigBuilder& AddMessagingDatabase(DatabaseConfig database);
  ConfigBuilder& AddIdentitiesDatabase(DatabaseConfig database);
  ConfigBuilder& AddLogsDatabase(DatabaseConfig database);
  ConfigBuilder& AddCollectionMap(const std::string& collection, CollectionMap map);
  ConfigBuilder& SetEngineOptions(EngineOptions options);

  /// Validate and return the config, or one InvalidArgument listing every violation.
  Result<Config> Build() const;

 private:
  ConfigBuilder& AddDatabase(DatabaseType type, DatabaseConfig database);
  Config config_;
};

/// Check a config against the database matrix and references; one error lists every problem.
Status ValidateConfig(const Config& config);

/// One line per setting of `config` that is valid but not acted on yet (captureDeliveries,
/// s3Offload), naming its field: xronoxd logs each as a warning at start-up
/// and the CLI prints each on stderr. Empty when every setting is acted on.
std::vector<std::string> ConfigFieldsNotActedOn(const Config& config);

/// Embedded default: SQLite file and local folder under `base_path`; all six database types
/// enabled; runtime accepts any valid tenant id.
Result<Config> CreateEmbeddedConfig(const std::string& base_path);

/// Options of CreateDevConfig (seed: createDevConfig).
struct DevConfigOptions {
  std::string mongo_uri;  ///< MongoDB hot store, e.g. "mongodb://localhost:27017".
  std::string base_path;  ///< Local folder object store root.
  std::string db_name;    ///< Base of the database names, e.g. "myapp_dev".
};

/// Development: MongoDB hot store ("primary") and a local folder object store ("local") under
/// `base_path`; all six types; database names "<db_name>_<type>", runtime as a tenant template
/// "<db_name>_runtime_{tenant}" (any valid tenant id).
Result<Config> CreateDevConfig(const DevConfigOptions& options);

/// Options of CreateProductionConfig (seed: createProductionConfig).
struct ProductionConfigOptions {
  std::string mongo_uri;
  std::string s3_endpoint;  ///< e.g. "https://s3.amazonaws.com".
  std::string s3_region = "us-east-1";
  std::string s3_access_key;         ///< Empty: taken from AWS_ACCESS_KEY_ID.
  std::string s3_secret_key;         ///< Empty: taken from AWS_SECRET_ACCESS_KEY.
  std::vector<std::string> tenants;  ///< Runtime tenants; at least one.
  std::string bucket_prefix;         ///< e.g. "myapp".
};

/// Production: MongoDB ("primary") and S3 ("primary"), bucket strategy C: generic types use
/// "<prefix>-<type>-<kind>", each listed tenant's runtime "<prefix>-runtime-<tenant>-<kind>";
/// database names "<prefix>_<type>", runtime "<prefix>_runtime_<tenant>" and analytics
/// "<prefix>_analytics_<tenant>". InvalidArgument when a tenant or the prefix cannot form valid
/// (lowercase) S3 bucket names.
Result<Config> CreateProductionConfig(const ProductionConfigOptions& options);

/// Minimal: MongoDB only ("primary"), no object store; all six types, runtime as a tenant
/// template; database names "xronox_<type>", runtime "xronox_runtime_{tenant}".
Result<Config> CreateMinimalConfig(const std::string& mongo_uri);

/// A config migrated from the seed's v2.4.x raw format, with notes for the operator.
struct MigrationResult {
  Config config;
  std::vector<std::string> warnings;
};

/// Convert a v2.4.x raw config (top-level knowledge/metadata with genericDatabase, runtime with
/// tenantDatabases, messaging/identities/logs; dbConnRef/spaceConnRef refs) into a validated
/// Config. Connection definitions come from the text's new-form "connections" object, or from
/// `connections_json` (new-form JSON holding only "connections") when given; refs without a
/// definition are an error naming them. Unknown keys are errors naming them.
Result<MigrationResult> MigrateLegacyConfig(const std::string& json_text,
                                            const std::string& connections_json = "");

/// Parse a config from JSON text with the seed's field names; unknown keys are an error.
Result<Config> ParseConfigJson(const std::string& text);
/// Read and parse a config file.
Result<Config> LoadConfigFile(const std::string& path);
/// Read a file holding only API keys, {"apiKeys": [...]} in the form of the config's
/// "server.apiKeys" (for xronoxd --api-keys); validated like the config's.
Result<std::vector<ApiKey>> LoadApiKeysFile(const std::string& path);
/// Return the lower-case hex SHA-256 of a token: the `secret_sha256` that accepts it.
std::string HashApiKeyToken(const std::string& token);
/// Return a new random API key token: "xrx_" and 64 hex digits (256 bits from the system's
/// random source). Give it to the client once; keep only its HashApiKeyToken.
std::string NewApiKeyToken();
/// Serialize a config to JSON (secrets included as given; callers must not log it).
Json ConfigToJson(const Config& config);

}  // namespace xronox
