// Key scopes of databases that share a bucket (docs/formats/shared-buckets.md). A key space is
// one folder prefix of one bucket. Its first owner keeps the guide's keys
// ("{prefix}/{collection}/..."); every other owner keeps its keys under its scope segment
// ("{prefix}/@{type}[.{tenant}]/{collection}/..."), which no collection name can take. Small
// marker objects under the bucket's reserved "@xronox/" segment fix that choice, so adding an
// owner later never moves, hides or exposes what the first one wrote.
// Thread-safety: free functions; concurrent callers may race to write a marker, and every
// racer then reads the one that won.
#pragma once

#include <string>

#include "config/resolve.h"
#include "store/object/object_store.h"
#include "xronox/status.h"

namespace xronox {

/// First key segment of the owner markers in every bucket that holds a database's objects.
inline constexpr char kOwnerMarkerSegment[] = "@xronox";

/// One database's use of one key space.
struct KeySpaceUse {
  BucketKind kind = BucketKind::kRecords;
  std::string bucket;
  std::string prefix;   ///< The configured folder prefix of `kind` (may be empty).
  std::string owner;    ///< OwnerScope of the database, e.g. "@runtime.acme".
  bool shared = false;  ///< KeySpaceShared: another database may use the key space too.
};

/// Where a database's keys of one kind start, and whether stored markers fixed it.
struct ScopedPrefix {
  std::string key_prefix;  ///< The configured prefix, or it joined with the owner's scope.
  bool settled = false;    ///< Read from (or just written to) the markers; stable from now on.
};

/// Return where the database keeps its keys in the key space: read the markers, and where
/// none fixes it yet decide (the first owner of a key space that no other database shares keeps
/// the guide's keys; any other owner is scoped). With `record`, write the markers that fix the
/// decision (a write is about to happen); without, change nothing. FailedPrecondition naming the
/// bucket when the configuration would change existing keys: a moved folder prefix, or objects
/// from before markers existed in a key space the configuration now shares.
Result<ScopedPrefix> ResolveKeyScope(store::ObjectStore& objects, const KeySpaceUse& use,
                                     bool record);

/// List the database's objects in the key space whose keys start with `key_prefix` (from
/// ResolveKeyScope), leaving out other owners' scopes and the markers: one page after
/// `continuation` (a key from a previous page's `next`), at most `limit` keys looked at.
Result<store::ListPage> ListOwnedObjects(store::ObjectStore& objects, const std::string& bucket,
                                         const std::string& key_prefix,
                                         const std::string& continuation, int limit);

/// The collection names that are the first key segment of the database's objects under
/// `key_prefix` (ListOwnedObjects), sorted, each once: the collections a bucket holds objects
/// of, also when the hot store no longer lists them. Lists `page` keys per request.
Result<std::vector<std::string>> ListCollectionFolders(store::ObjectStore& objects,
                                                       const std::string& bucket,
                                                       const std::string& key_prefix, int page);

}  // namespace xronox
