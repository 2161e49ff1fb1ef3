// ValidateConfig's storage-class check: an S3 storage class is set per bucket (every write into
// the bucket carries it), so the kinds that share one bucket must share its class too.
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "config/resolve.h"
#include "config/validate_internal.h"

namespace xronox::config_internal {

namespace {

// The first kind seen in a bucket of one S3 connection, with its class and where it was seen.
struct BucketClass {
  BucketKind kind;
  std::string storage_class;
  std::string path;
};

std::string Shown(const std::string& storage_class) {
  return storage_class.empty() ? "none (the service default)" : "'" + storage_class + "'";
}

// Every database with the field path its problems are reported under (template last).
std::vector<std::pair<const DatabaseConfig*, std::string>> DatabasePaths(const Config& config) {
  std::vector<std::pair<const DatabaseConfig*, std::string>> out;
  size_t runtime_index = 0;
  for (const DatabaseConfig& db : config.databases) {
    std::string path = std::string("databases.") + DatabaseTypeName(db.type);
    if (db.type == DatabaseType::kRuntime) {
      path = IndexPath(path + ".tenantDatabases", runtime_index++);
    }
    out.emplace_back(&db, std::move(path));
  }
  if (config.runtime_tenant_template) {
    out.emplace_back(&*config.runtime_tenant_template, "databases.runtime.tenantTemplate");
  }
  return out;
}

bool HasAnyClass(const StorageClasses& classes) {
  for (BucketKind kind : kAllBucketKinds) {
    if (!StorageClassOf(classes, kind).empty()) return true;
  }
  return false;
}

}  // namespace

void ValidateStorageClasses(const Config& config, Problems* problems) {
  // (connection, bucket) -> first use. A template's bucket is compared as its pattern.
  std::map<std::pair<std::string, std::string>, BucketClass> seen;
  for (const auto& [db, path] : DatabasePaths(config)) {
    auto connection = config.s3_connections.find(db->s3_ref);
    if (db->s3_ref.empty() || connection == config.s3_connections.end()) continue;
    const StorageClasses& classes = connection->second.storage_classes;
    if (!HasAnyClass(classes)) continue;
    for (BucketKind kind : kAllBucketKinds) {
      const std::string bucket = ResolveBucket(config, *db, kind);
      if (bucket.empty()) continue;
      const std::string kind_path = JoinPath(path, std::string(BucketKindName(kind)) + "Bucket");
      BucketClass mine{kind, StorageClassOf(classes, kind), kind_path};
      auto [it, fresh] = seen.emplace(std::make_pair(db->s3_ref, bucket), mine);
      if (fresh || it->second.storage_class == mine.storage_class) continue;
      problems->Add(kind_path,
                    "bucket '" + bucket + "' holds " + BucketKindName(kind) +
                        " with storage class " + Shown(mine.storage_class) + " and " +
                        BucketKindName(it->second.kind) + " (" + it->second.path +
                        ") with storage class " + Shown(it->second.storage_class) +
                        " (connections.s3." + db->s3_ref +
                        ".storageClasses); a storage class applies to a whole bucket: give "
                        "these kinds their own buckets or the same storage class");
    }
  }
}

}  // namespace xronox::config_internal
