// MongoObjectStore: the ObjectStore of minimal mode (MongoDB only, no object store). Each
// object is one document {_id: key, data: binary, size, modified_at} of the collection
// "objects.{bucket}" in one MongoDB database, beside that database's hot-store collections
// (docs/formats/mongo-layout.md). Objects larger than kMaxObjectBytes are refused with a message
// that says to configure an object store.
// Thread-safety: safe to call from many threads; each call borrows a client from a thread-safe
// pool, and the cache of known buckets is guarded by a mutex.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "store/hot/mongo/mongo_handles.h"
#include "store/hot/mongo/mongo_hot_store.h"
#include "store/object/object_store.h"

namespace xronox::store {

class MongoObjectStore final : public ObjectStore {
 public:
  /// Largest object stored, in bytes: 15 MiB, safely under MongoDB's 16 MiB document limit
  /// (the key and the other fields need room too).
  static constexpr int64_t kMaxObjectBytes = int64_t{15} << 20;
  /// Collection name prefix of a bucket: bucket "records" is collection "objects.records".
  static constexpr std::string_view kCollectionPrefix = "objects.";

  /// Connect to `uri` (one "hello", as MongoHotStore::Open) and keep the objects in the MongoDB
  /// database `{options.database_prefix}{database}`; `database` follows ValidateDatabaseName.
  /// The options mean what they mean for MongoHotStore (write concern, read preference, pool).
  static Result<std::unique_ptr<MongoObjectStore>> Open(const std::string& uri,
                                                        MongoOptions options,
                                                        const std::string& database);

  /// Return a store over the same connection pool for another database (no round trip).
  Result<std::unique_ptr<MongoObjectStore>> ForDatabase(const std::string& database) const;

  /// True: a create-only Put is an insert guarded by the unique `_id`, which is atomic on
  /// MongoDB and on FerretDB alike.
  bool CreateOnlyIsAtomic() const override { return true; }

  /// Create the bucket's collection if missing. Bucket names follow ValidateFolderBucketName
  /// and must leave the namespace "{db}.objects.{bucket}" within MongoDB's limits.
  Status EnsureBucket(const std::string& bucket) override;
  /// kCreateOnly: an insert (duplicate `_id` -> AlreadyExists). kOverwrite: a replace with
  /// upsert. InvalidArgument (reason "object_too_large") above kMaxObjectBytes; NotFound when
  /// the bucket was never ensured.
  Status Put(const std::string& bucket, const std::string& key, std::string_view bytes,
             PutMode mode) override;
  Result<std::string> Get(const std::string& bucket, const std::string& key) override;
  Result<std::optional<ObjectInfo>> Stat(const std::string& bucket,
                                         const std::string& key) override;
  Status Delete(const std::string& bucket, const std::string& key) override;
  /// A find on the `_id` range from max(prefix, after `continuation`), in `_id` order.
  Result<ListPage> List(const std::string& bucket, const std::string& prefix,
                        const std::string& continuation, int limit) override;
  /// Return none: every write is one document write, complete or absent.
  Result<std::vector<std::string>> Leftovers(const std::string& bucket, const std::string& prefix,
                                             TimestampMicros older_than, bool remove) override;

  /// Buffer the object in memory and Put it at Commit; refuse (as Put) as soon as it grows
  /// past kMaxObjectBytes. Reads (OpenRead) and Copy use the contract's defaults.
  Result<std::unique_ptr<ObjectWriter>> BeginWrite(const std::string& bucket,
                                                   const std::string& key, PutMode mode) override;

  /// The MongoDB database that holds the objects (prefix included).
  const std::string& mongo_database() const { return db_; }

  /// Drop the whole MongoDB database of this store (its hot-store collections too, if any).
  /// For tests and administration: the ObjectStore contract never removes buckets.
  Status DropDatabase();

 private:
  // Shared: every store made by ForDatabase borrows the pool of the store it came from, and the
  // pool lives until the last of them is destroyed (the router hands them out per database).
  using SharedPool = std::shared_ptr<mongoc_client_pool_t>;

  MongoObjectStore(SharedPool pool, MongoOptions options, std::string db)
      : pool_(std::move(pool)), options_(std::move(options)), db_(std::move(db)) {}

  // InvalidArgument (reason "object_too_large") when `size` is over kMaxObjectBytes.
  static Status CheckObjectSize(const std::string& operation, int64_t size);
  // Validate the bucket name and return its collection name.
  Result<std::string> CollectionOf(const std::string& bucket) const;
  Status RequireBucket(const std::string& bucket, const std::string& collection);
  Status Insert(const std::string& collection, const bson_t* doc, const std::string& what);
  Status Replace(const std::string& collection, const std::string& key, const bson_t* doc,
                 const std::string& what);
  // One found document. A struct around the pointer, because bson_t's alignment attribute does
  // not survive as a template argument.
  struct Doc {
    const bson_t* bson;
  };
  // Run a find; `each` gets every document until it returns false.
  Status Find(const std::string& collection, const bson_t* filter, const bson_t* opts,
              const std::string& what, const std::function<bool(Doc)>& each);
  std::string Target(const std::string& bucket, const std::string& key) const;

  SharedPool pool_;
  MongoOptions options_;
  std::string db_;  // MongoDB database name: prefix + database.
  std::mutex mu_;
  std::set<std::string> known_buckets_;  // Guarded by mu_: buckets seen to exist.
};

}  // namespace xronox::store
