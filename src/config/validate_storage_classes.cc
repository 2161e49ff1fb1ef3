// ValidateConfig's storage-class check. The router registers each kind's S3 storage class for
// the keys under the kind's folder prefix in its bucket, and a write sends the class of the
// longest registered prefix that leads its key (S3ObjectStore::SetStorageClass). So kinds that
// share a bucket may have different classes (strategy B: one bucket, a folder prefix per kind)
// unless their folder prefixes are equal or nested (PrefixesOverlap; an empty prefix leads
// every key): then some keys of one kind would take the other kind's class. Only the kinds of
// one database are compared here: two databases that keep objects in one bucket under
// overlapping prefixes are refused already (validate_databases.cc, shared buckets).
#include <string>
#include <utility>
#include <vector>

#include "config/resolve.h"
#include "config/validate_internal.h"

namespace xronox::config_internal {

namespace {

// Where one kind of a database keeps objects, with its class and its field path.
struct KindUse {
  BucketKind kind;
  std::string bucket;  // A template's bucket keeps "{tenant}": compared as a pattern.
  std::string prefix;
  std::string storage_class;
  std::string path;
};

std::string Shown(const std::string& storage_class) {
  return storage_class.empty() ? "none (the service default)" : "'" + storage_class + "'";
}

std::string PrefixText(const std::string& prefix) {
  return prefix.empty() ? "no folder prefix" : "folder prefix '" + prefix + "'";
}

bool HasAnyClass(const StorageClasses& classes) {
  for (BucketKind kind : kAllBucketKinds) {
    if (!StorageClassOf(classes, kind).empty()) return true;
  }
  return false;
}

bool ClassesClash(const KindUse& mine, const KindUse& theirs) {
  return mine.bucket == theirs.bucket && mine.storage_class != theirs.storage_class &&
         PrefixesOverlap(mine.prefix, theirs.prefix);
}

std::string ClashText(const KindUse& mine, const KindUse& theirs, const std::string& s3_ref) {
  const std::string connection = "connections.s3." + s3_ref;
  return "bucket '" + mine.bucket + "' holds " + BucketKindName(mine.kind) + " (" +
         PrefixText(mine.prefix) + ") with storage class " + Shown(mine.storage_class) + " and " +
         BucketKindName(theirs.kind) + " (" + theirs.path + ", " + PrefixText(theirs.prefix) +
         ") with storage class " + Shown(theirs.storage_class) + " (" + connection +
         ".storageClasses, " + connection +
         ".folderPrefixes); a key takes the storage class of the longest folder prefix that "
         "leads it, so kinds under equal or nested folder prefixes of one bucket need the same "
         "class: give these kinds distinct folder prefixes, their own buckets or the same "
         "storage class";
}

}  // namespace

void ValidateStorageClasses(const Config& config, Problems* problems) {
  for (const auto& [db, path, is_template] : ListDatabaseRefs(config)) {
    auto connection = config.s3_connections.find(db->s3_ref);
    if (db->s3_ref.empty() || connection == config.s3_connections.end()) continue;
    const S3Connection& s3 = connection->second;
    if (!HasAnyClass(s3.storage_classes)) continue;
    std::vector<KindUse> seen;
    for (BucketKind kind : kAllBucketKinds) {
      KindUse mine{kind, ResolveBucket(config, *db, kind), FolderPrefix(s3.folder_prefixes, kind),
                   StorageClassOf(s3.storage_classes, kind),
                   JoinPath(path, std::string(BucketKindName(kind)) + "Bucket")};
      if (mine.bucket.empty()) continue;
      for (const KindUse& theirs : seen) {
        if (!ClassesClash(mine, theirs)) continue;
        problems->Add(mine.path, ClashText(mine, theirs, db->s3_ref));
        break;
      }
      seen.push_back(std::move(mine));
    }
  }
}

}  // namespace xronox::config_internal
