// ValidateConfig: connections, collection maps and engine options; databases live in
// validate_databases.cc.
#include <algorithm>
#include <initializer_list>
#include <set>

#include "common/names.h"
#include "common/s3_storage_classes.h"
#include "config/resolve.h"
#include "config/server_config.h"
#include "config/validate_internal.h"

namespace xronox {

namespace config_internal {

namespace {

constexpr int64_t kMaxInlineBytes = int64_t{16} << 20;

constexpr int kMaxS3Retries = 10;
// Paths per collection map list: an index per indexed property, a claim key over the natural
// keys' values, a projection per read over the hidden fields.
constexpr size_t kMaxIndexedProps = 64;
constexpr size_t kMaxNaturalKeys = 8;
constexpr size_t kMaxHiddenFields = 100;

bool StartsWith(const std::string& text, const std::string& prefix) {
  return text.compare(0, prefix.size(), prefix) == 0;
}

void CheckOneOf(const std::string& path, const std::string& value,
                std::initializer_list<const char*> allowed, Problems* problems) {
  std::string list;
  for (const char* option : allowed) {
    if (value == option) return;
    list += std::string(list.empty() ? "" : ", ") + "'" + option + "'";
  }
  problems->Add(path, "'" + value + "' is not one of " + list);
}

void CheckAtLeast(const std::string& path, int value, int minimum, const char* unit,
                  Problems* problems) {
  if (value < minimum) {
    problems->Add(path, "must be at least " + std::to_string(minimum) + " " + unit);
  }
}

// Connection names are referenced from databases and appear in error messages.
void CheckConnectionName(const std::string& path, const std::string& name, Problems* problems) {
  bool ok = !name.empty() && name.size() <= kMaxNameBytes;
  for (char c : name) {
    bool allowed = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                   c == '_' || c == '-' || c == '.';
    ok = ok && allowed;
  }
  if (!ok) problems->Add(path, "connection name must be 1-128 bytes of [A-Za-z0-9_.-]");
}

// A prefix becomes the first part of every object key of its kind: keep it a plain relative
// path so it can never escape a folder bucket or collide with another kind's prefix syntax.
void CheckPrefix(const std::string& path, const std::string& prefix, Problems* problems) {
  if (prefix.size() > 256) return problems->Add(path, "folder prefix is longer than 256 bytes");
  if (prefix.empty()) return;
  size_t start = 0;
  while (true) {
    size_t end = prefix.find('/', start);
    std::string segment = prefix.substr(start, end == std::string::npos ? end : end - start);
    if (!ValidateFolderBucketName(segment).ok()) {
      return problems->Add(path, "folder prefix '" + prefix +
                                     "' needs '/'-separated segments of [A-Za-z0-9_.-] not "
                                     "starting with '.'");
    }
    if (end == std::string::npos) return;
    start = end + 1;
  }
}

void CheckPrefixes(const std::string& path, const FolderPrefixes& prefixes, Problems* problems) {
  for (BucketKind kind : kAllBucketKinds) {
    CheckPrefix(JoinPath(path, BucketKindName(kind)), FolderPrefix(prefixes, kind), problems);
  }
}

// Checked here so that a typo is refused when the config is loaded, not at the first write.
void CheckStorageClass(const std::string& path, const std::string& value, Problems* problems) {
  if (value.empty() || IsS3StorageClass(value)) return;
  problems->Add(path, "storage class '" + value + "' is not one of S3's: " + S3StorageClassList() +
                          " (leave it empty for the service default)");
}

void CheckS3Tuning(const std::string& path, const S3Connection& s3, Problems* problems) {
  CheckAtLeast(JoinPath(path, "connectTimeoutMs"), s3.connect_timeout_ms, 1, "(milliseconds)",
               problems);
  CheckAtLeast(JoinPath(path, "requestTimeoutMs"), s3.request_timeout_ms, 1, "(milliseconds)",
               problems);
  if (s3.max_retries < 0 || s3.max_retries > kMaxS3Retries) {
    problems->Add(JoinPath(path, "maxRetries"), "must be between 0 and 10 (retries)");
  }
  const std::string classes = JoinPath(path, "storageClasses");
  for (BucketKind kind : kAllBucketKinds) {
    CheckStorageClass(JoinPath(classes, BucketKindName(kind)),
                      StorageClassOf(s3.storage_classes, kind), problems);
  }
}

void CheckS3(const std::string& path, const S3Connection& s3, Problems* problems) {
  CheckS3Tuning(path, s3, problems);
  if (!StartsWith(s3.endpoint, "http://") && !StartsWith(s3.endpoint, "https://")) {
    problems->Add(JoinPath(path, "endpoint"), "must start with http:// or https://");
  }
  if (s3.region.empty()) problems->Add(JoinPath(path, "region"), "must not be empty");
  if (s3.access_key.empty() != s3.secret_key.empty()) {
    problems->Add(JoinPath(path, "secretKey"),
                  "accessKey and secretKey are set together or both left empty");
  }
  for (BucketKind kind : kAllBucketKinds) {
    const std::string& bucket = BucketName(s3.buckets, kind);
    if (bucket.empty()) continue;
    if (Status s = ValidateBucketName(bucket); !s.ok()) {
      problems->Add(JoinPath(JoinPath(path, "buckets"), BucketKindName(kind)), s.message());
    }
  }
  CheckPrefixes(JoinPath(path, "folderPrefixes"), s3.folder_prefixes, problems);
}

void CheckMongo(const std::string& path, const MongoConnection& mongo, Problems* problems) {
  if (!StartsWith(mongo.uri, "mongodb://") && !StartsWith(mongo.uri, "mongodb+srv://")) {
    problems->Add(JoinPath(path, "uri"), "must start with mongodb:// or mongodb+srv://");
  }
  CheckOneOf(JoinPath(path, "writeConcern"), mongo.write_concern, {"auto", "majority", "primary"},
             problems);
  CheckOneOf(JoinPath(path, "readPreference"), mongo.read_preference,
             {"primary", "primaryPreferred", "secondary", "secondaryPreferred", "nearest"},
             problems);
  CheckAtLeast(JoinPath(path, "writeTimeoutMs"), mongo.write_timeout_ms, 0,
               "(milliseconds; 0 waits forever)", problems);
  CheckAtLeast(JoinPath(path, "serverSelectionTimeoutMs"), mongo.server_selection_timeout_ms, 1,
               "(milliseconds)", problems);
  CheckAtLeast(JoinPath(path, "maxPoolSize"), mongo.max_pool_size, 1, "(connections)", problems);
}

void CheckPath(const std::string& path, const std::string& file_path, Problems* problems) {
  if (file_path.empty()) problems->Add(JoinPath(path, "path"), "must not be empty");
}

// Runs `check` on every connection of one kind under connections.<kind>.<name>.
template <typename Map, typename Check>
void ForEachConnection(const char* kind, const Map& connections, Check check, Problems* problems) {
  for (const auto& [name, connection] : connections) {
    std::string path = "connections." + std::string(kind) + "." + name;
    CheckConnectionName(path, name, problems);
    check(path, connection, problems);
  }
}

// The property paths of collectionMaps.{c}.{key}: each valid, none twice, at most `max`.
void CheckPathList(const std::string& path, const char* key, const std::vector<std::string>& list,
                   size_t max, Problems* problems) {
  std::string list_path = JoinPath(path, key);
  if (list.size() > max) {
    problems->Add(list_path, "lists " + std::to_string(list.size()) + " paths; at most " +
                                 std::to_string(max) + " are allowed");
  }
  std::set<std::string> seen;
  for (size_t i = 0; i < list.size(); ++i) {
    const std::string& prop = list[i];
    std::string prop_path = IndexPath(list_path, i);
    if (Status s = ValidatePropertyPath(prop); !s.ok()) problems->Add(prop_path, s.message());
    if (!seen.insert(prop).second) problems->Add(prop_path, "'" + prop + "' is listed twice");
  }
}

void CheckCollectionMap(const std::string& path, const CollectionMap& map, Problems* problems) {
  CheckPathList(path, "indexedProps", map.indexed_props, kMaxIndexedProps, problems);
  CheckPathList(path, "naturalKeys", map.natural_keys, kMaxNaturalKeys, problems);
  CheckPathList(path, "hiddenFields", map.hidden_fields, kMaxHiddenFields, problems);
  for (size_t i = 0; i < map.natural_keys.size(); ++i) {
    const std::string& key = map.natural_keys[i];
    bool hidden =
        std::any_of(map.hidden_fields.begin(), map.hidden_fields.end(),
                    [&](const std::string& field) { return PropertyPathsOverlap(field, key); });
    if (hidden) {
      problems->Add(IndexPath(JoinPath(path, "naturalKeys"), i),
                    "'" + key + "' is a hidden field; a natural key must be readable");
    }
  }
  if (map.s3_offload.older_than_days < 1) {
    problems->Add(JoinPath(path, "s3Offload.olderThan"), "must be at least 1 (days)");
  }
  if (map.retention) CheckRetention(JoinPath(path, "retention"), *map.retention, problems);
}

void ValidateCollectionMaps(const Config& config, Problems* problems) {
  for (const auto& [collection, map] : config.collection_maps) {
    std::string path = "collectionMaps." + collection;
    if (Status s = ValidateCollectionName(collection); !s.ok()) problems->Add(path, s.message());
    CheckCollectionMap(path, map, problems);
  }
}

void ValidateEngine(const EngineOptions& engine, Problems* problems) {
  if (engine.inline_max_bytes < 0 || engine.inline_max_bytes > kMaxInlineBytes) {
    problems->Add("engine.inlineMaxBytes", "must be between 0 and 16777216 (16 MiB)");
  }
  if (engine.claim_lease_seconds < 1) {
    problems->Add("engine.claimLeaseSeconds", "must be at least 1 (seconds)");
  }
}

}  // namespace

std::vector<DatabaseRef> ListDatabaseRefs(const Config& config) {
  std::vector<DatabaseRef> refs;
  size_t runtime_index = 0;
  for (const DatabaseConfig& db : config.databases) {
    std::string path = std::string("databases.") + DatabaseTypeName(db.type);
    if (db.type == DatabaseType::kRuntime) {
      path = IndexPath(path + ".tenantDatabases", runtime_index++);
    }
    refs.push_back({&db, path, false});
  }
  if (config.runtime_tenant_template) {
    refs.push_back({&*config.runtime_tenant_template, "databases.runtime.tenantTemplate", true});
  }
  return refs;
}

void ValidateConnections(const Config& config, Problems* problems) {
  ForEachConnection("mongo", config.mongo_connections, CheckMongo, problems);
  ForEachConnection("s3", config.s3_connections, CheckS3, problems);
  ForEachConnection(
      "sqlite", config.sqlite_connections,
      [](const std::string& path, const SqliteConnection& c, Problems* p) {
        CheckPath(path, c.path, p);
      },
      problems);
  ForEachConnection(
      "folder", config.folder_connections,
      [](const std::string& path, const FolderConnection& c, Problems* p) {
        CheckPath(path, c.path, p);
        CheckPrefixes(JoinPath(path, "folderPrefixes"), c.folder_prefixes, p);
      },
      problems);
}

}  // namespace config_internal

Status ValidateConfig(const Config& config) {
  config_internal::Problems problems;
  config_internal::ValidateConnections(config, &problems);
  config_internal::ValidateDatabases(config, &problems);
  config_internal::ValidateStorageClasses(config, &problems);
  config_internal::ValidateCollectionMaps(config, &problems);
  config_internal::ValidateEngine(config.engine, &problems);
  config_internal::ValidateApiKeys(config.server.api_keys, "server.apiKeys", &problems);
  return problems.ToStatus("invalid config");
}

}  // namespace xronox
