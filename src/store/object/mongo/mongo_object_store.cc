#include "store/object/mongo/mongo_object_store.h"

#include "common/clock.h"
#include "common/names.h"
#include "store/hot/mongo/mongo_connect.h"
#include "store/hot/mongo/mongo_docs.h"
#include "store/hot/mongo/mongo_error.h"
#include "store/object/object_key.h"

namespace xronox::store {

namespace {

// MongoDB refuses database names of 64 bytes or more.
constexpr size_t kMaxMongoDbName = 63;
// FerretDB v1 accepts collection names of at most 235 bytes; MongoDB namespaces ("db.coll") of
// at most 255.
constexpr size_t kMaxCollectionName = 235;
constexpr size_t kMaxNamespace = 255;
// Attempts of an overwrite that loses an upsert race to another overwrite of the same new key.
constexpr int kMaxUpsertAttempts = 10;
constexpr int kNamespaceExists = 48;

Status CheckDatabase(const std::string& database, const std::string& full) {
  XRONOX_RETURN_IF_ERROR(ValidateDatabaseName(database));
  if (full.size() > kMaxMongoDbName) {
    return InvalidArgument("database name '" + full + "' is longer than MongoDB's " +
                           std::to_string(kMaxMongoDbName) + " bytes");
  }
  return Status::Ok();
}

// The longest leading part of `text` that is valid UTF-8: a query bound that BSON can carry
// and that sorts at or before `text` (byte order).
std::string Utf8Floor(const std::string& text) {
  size_t end = text.size();
  while (end > 0 && !bson_utf8_validate(text.data(), end, false)) --end;
  return text.substr(0, end);
}

void AppendBinary(bson_t* doc, const char* key, std::string_view bytes) {
  bson_append_binary(doc, key, -1, BSON_SUBTYPE_BINARY,
                     reinterpret_cast<const uint8_t*>(bytes.data()),
                     static_cast<uint32_t>(bytes.size()));
}

void BuildObjectDoc(bson_t* doc, const std::string& key, std::string_view bytes) {
  AppendString(doc, "_id", key);
  AppendBinary(doc, "data", bytes);
  BSON_APPEND_INT64(doc, "size", static_cast<int64_t>(bytes.size()));
  BSON_APPEND_INT64(doc, "modified_at", SystemClock::Default()->NowMicros());
}

ObjectInfo ReadInfo(const bson_t* doc) {
  ObjectInfo info;
  bson_iter_t it;
  if (bson_iter_init_find(&it, doc, "_id") && BSON_ITER_HOLDS_UTF8(&it)) {
    uint32_t length = 0;
    const char* text = bson_iter_utf8(&it, &length);
    info.key.assign(text, length);
  }
  info.size = Int64Field(doc, "size").value_or(0);
  info.modified_at = Int64Field(doc, "modified_at").value_or(0);
  return info;
}

// {projection: {data: 0}}: listings and Stat never carry the payload.
void ExcludeData(bson_t* opts) {
  bson_t projection;
  BSON_APPEND_DOCUMENT_BEGIN(opts, "projection", &projection);
  BSON_APPEND_INT32(&projection, "data", 0);
  bson_append_document_end(opts, &projection);
}

Status KeyUtf8(const std::string& key) {
  if (bson_utf8_validate(key.data(), key.size(), false)) return Status::Ok();
  return InvalidArgument("object key is not valid UTF-8 (MongoDB keeps keys as strings)");
}

}  // namespace

Result<std::unique_ptr<MongoObjectStore>> MongoObjectStore::Open(const std::string& uri,
                                                                 MongoOptions options,
                                                                 const std::string& database) {
  const std::string what = "open mongo object store";
  XRONOX_RETURN_IF_ERROR(ValidateMongoOptions(options, what));
  std::string full = options.database_prefix + database;
  XRONOX_RETURN_IF_ERROR(CheckDatabase(database, full));
  XRONOX_ASSIGN_OR_RETURN(OpenedMongoPool opened, OpenMongoPool(uri, options, what));
  SharedPool pool(opened.pool.release(), MongoPoolDeleter());
  return std::unique_ptr<MongoObjectStore>(
      new MongoObjectStore(std::move(pool), std::move(options), std::move(full)));
}

Result<std::unique_ptr<MongoObjectStore>> MongoObjectStore::ForDatabase(
    const std::string& database) const {
  std::string full = options_.database_prefix + database;
  XRONOX_RETURN_IF_ERROR(CheckDatabase(database, full));
  return std::unique_ptr<MongoObjectStore>(new MongoObjectStore(pool_, options_, std::move(full)));
}

Result<std::string> MongoObjectStore::CollectionOf(const std::string& bucket) const {
  XRONOX_RETURN_IF_ERROR(ValidateFolderBucketName(bucket));
  std::string collection = std::string(kCollectionPrefix) + bucket;
  if (collection.size() > kMaxCollectionName ||
      db_.size() + 1 + collection.size() > kMaxNamespace) {
    return InvalidArgument("bucket name '" + bucket + "' is too long for MongoDB: '" + db_ + "." +
                           collection + "' exceeds 255 bytes or its collection 235");
  }
  return collection;
}

std::string MongoObjectStore::Target(const std::string& bucket, const std::string& key) const {
  return db_ + "." + std::string(kCollectionPrefix) + bucket + " key '" + key + "'";
}

Status MongoObjectStore::EnsureBucket(const std::string& bucket) {
  XRONOX_ASSIGN_OR_RETURN(std::string collection, CollectionOf(bucket));
  {
    std::lock_guard lock(mu_);
    if (known_buckets_.count(bucket) > 0) return Status::Ok();
  }
  MongoPooledClient client(pool_.get());
  MongoDatabase database(mongoc_client_get_database(client.get(), db_.c_str()));
  bson_error_t error;
  MongoCollection created(
      mongoc_database_create_collection(database.get(), collection.c_str(), nullptr, &error));
  if (created == nullptr && error.code != kNamespaceExists) {
    return MongoStatus("create bucket", db_ + "." + collection, error);
  }
  std::lock_guard lock(mu_);
  known_buckets_.insert(bucket);
  return Status::Ok();
}

// Puts would create a missing collection silently; the contract wants NotFound instead, as
// on every backend. Only existence is cached: the contract never removes buckets.
Status MongoObjectStore::RequireBucket(const std::string& bucket, const std::string& collection) {
  {
    std::lock_guard lock(mu_);
    if (known_buckets_.count(bucket) > 0) return Status::Ok();
  }
  MongoPooledClient client(pool_.get());
  MongoDatabase database(mongoc_client_get_database(client.get(), db_.c_str()));
  bson_error_t error{};
  bool exists = mongoc_database_has_collection(database.get(), collection.c_str(), &error);
  if (!exists && error.code != 0) {
    return MongoStatus("find bucket", db_ + "." + collection, error);
  }
  if (!exists) return NotFound("bucket '" + bucket + "' does not exist in " + db_);
  std::lock_guard lock(mu_);
  known_buckets_.insert(bucket);
  return Status::Ok();
}

Status MongoObjectStore::Insert(const std::string& collection, const bson_t* doc,
                                const std::string& what) {
  MongoPooledClient client(pool_.get());
  MongoCollection coll(mongoc_client_get_collection(client.get(), db_.c_str(), collection.c_str()));
  bson_error_t error;
  Bson reply;
  if (!mongoc_collection_insert_one(coll.get(), doc, nullptr, reply.Reply(), &error)) {
    return MongoStatus("put", what, error);
  }
  return Status::Ok();
}

Status MongoObjectStore::Replace(const std::string& collection, const std::string& key,
                                 const bson_t* doc, const std::string& what) {
  MongoPooledClient client(pool_.get());
  MongoCollection coll(mongoc_client_get_collection(client.get(), db_.c_str(), collection.c_str()));
  Bson filter, opts;
  AppendString(filter.get(), "_id", key);
  BSON_APPEND_BOOL(opts.get(), "upsert", true);
  bson_error_t error;
  for (int attempt = 1;; ++attempt) {
    Bson reply;
    if (mongoc_collection_replace_one(coll.get(), filter.get(), doc, opts.get(), reply.Reply(),
                                      &error)) {
      return Status::Ok();
    }
    // Two upserts of a new key may both try the insert; the loser retries as a replace.
    if (!IsDuplicateKey(error) || attempt >= kMaxUpsertAttempts) break;
  }
  return MongoStatus("put", what, error);
}

Status MongoObjectStore::CheckObjectSize(const std::string& operation, int64_t size) {
  if (size <= kMaxObjectBytes) return Status::Ok();
  return InvalidArgument(operation + ": " + std::to_string(size) +
                         " bytes is over the hot store's limit of " +
                         std::to_string(kMaxObjectBytes) +
                         " bytes per object (MongoDB documents hold at most 16 MiB); "
                         "configure an object store (S3 or folder) for objects this large")
      .WithReason("object_too_large");
}

// Buffers in memory (at most kMaxObjectBytes: the limit is checked on every Write, so an
// oversized stream fails as soon as it passes the limit, not after buffering all of it).
Result<std::unique_ptr<ObjectWriter>> MongoObjectStore::BeginWrite(const std::string& bucket,
                                                                   const std::string& key,
                                                                   PutMode mode) {
  XRONOX_RETURN_IF_ERROR(CollectionOf(bucket).status());
  XRONOX_RETURN_IF_ERROR(ValidateObjectKey(key));
  const std::string operation = "put " + bucket + "/" + key;
  return std::unique_ptr<ObjectWriter>(new BufferedObjectWriter(
      *this, bucket, key, mode,
      [operation](int64_t size) { return CheckObjectSize(operation, size); }));
}

Status MongoObjectStore::Put(const std::string& bucket, const std::string& key,
                             std::string_view bytes, PutMode mode) {
  XRONOX_ASSIGN_OR_RETURN(std::string collection, CollectionOf(bucket));
  XRONOX_RETURN_IF_ERROR(ValidateObjectKey(key));
  XRONOX_RETURN_IF_ERROR(KeyUtf8(key));
  const std::string operation = "put " + bucket + "/" + key;
  XRONOX_RETURN_IF_ERROR(CheckObjectSize(operation, static_cast<int64_t>(bytes.size())));
  XRONOX_RETURN_IF_ERROR(RequireBucket(bucket, collection));
  Bson doc;
  BuildObjectDoc(doc.get(), key, bytes);
  if (mode == PutMode::kOverwrite) return Replace(collection, key, doc.get(), Target(bucket, key));
  Status inserted = Insert(collection, doc.get(), Target(bucket, key));
  if (inserted.code() == StatusCode::kAlreadyExists) {
    return AlreadyExists(operation + ": object already exists");
  }
  return inserted;
}

Status MongoObjectStore::Find(const std::string& collection, const bson_t* filter,
                              const bson_t* opts, const std::string& what,
                              const std::function<bool(Doc)>& each) {
  MongoPooledClient client(pool_.get());
  MongoCollection coll(mongoc_client_get_collection(client.get(), db_.c_str(), collection.c_str()));
  MongoCursor cursor(mongoc_collection_find_with_opts(coll.get(), filter, opts, nullptr));
  const bson_t* doc = nullptr;
  while (mongoc_cursor_next(cursor.get(), &doc)) {
    if (!each(Doc{doc})) return Status::Ok();
  }
  bson_error_t error;
  if (mongoc_cursor_error(cursor.get(), &error)) return MongoStatus(what, collection, error);
  return Status::Ok();
}

Result<std::string> MongoObjectStore::Get(const std::string& bucket, const std::string& key) {
  XRONOX_ASSIGN_OR_RETURN(std::string collection, CollectionOf(bucket));
  XRONOX_RETURN_IF_ERROR(ValidateObjectKey(key));
  const std::string operation = "get " + bucket + "/" + key;
  if (!KeyUtf8(key).ok()) return NotFound(operation + ": no such object");
  Bson filter, opts;
  AppendString(filter.get(), "_id", key);
  BSON_APPEND_INT64(opts.get(), "limit", 1);
  std::optional<std::string> data;
  bool malformed = false;
  XRONOX_RETURN_IF_ERROR(
      Find(collection, filter.get(), opts.get(), "get " + Target(bucket, key), [&](Doc d) {
        bson_iter_t it;
        if (!bson_iter_init_find(&it, d.bson, "data") || !BSON_ITER_HOLDS_BINARY(&it)) {
          malformed = true;
          return false;
        }
        bson_subtype_t subtype;
        uint32_t length = 0;
        const uint8_t* bytes = nullptr;
        bson_iter_binary(&it, &subtype, &length, &bytes);
        data.emplace(reinterpret_cast<const char*>(bytes), length);
        return false;
      }));
  if (malformed) return Corruption(operation + ": the document has no binary 'data' field");
  if (!data) return NotFound(operation + ": no such object");
  return std::move(*data);
}

Result<std::optional<ObjectInfo>> MongoObjectStore::Stat(const std::string& bucket,
                                                         const std::string& key) {
  XRONOX_ASSIGN_OR_RETURN(std::string collection, CollectionOf(bucket));
  XRONOX_RETURN_IF_ERROR(ValidateObjectKey(key));
  if (!KeyUtf8(key).ok()) return std::optional<ObjectInfo>();
  Bson filter, opts;
  AppendString(filter.get(), "_id", key);
  BSON_APPEND_INT64(opts.get(), "limit", 1);
  ExcludeData(opts.get());
  std::optional<ObjectInfo> info;
  XRONOX_RETURN_IF_ERROR(
      Find(collection, filter.get(), opts.get(), "stat " + Target(bucket, key), [&](Doc doc) {
        info = ReadInfo(doc.bson);
        return false;
      }));
  return info;
}

Status MongoObjectStore::Delete(const std::string& bucket, const std::string& key) {
  XRONOX_ASSIGN_OR_RETURN(std::string collection, CollectionOf(bucket));
  XRONOX_RETURN_IF_ERROR(ValidateObjectKey(key));
  if (!KeyUtf8(key).ok()) return Status::Ok();  // No such key can exist.
  MongoPooledClient client(pool_.get());
  MongoCollection coll(mongoc_client_get_collection(client.get(), db_.c_str(), collection.c_str()));
  Bson filter, reply;
  AppendString(filter.get(), "_id", key);
  bson_error_t error;
  if (!mongoc_collection_delete_one(coll.get(), filter.get(), nullptr, reply.Reply(), &error)) {
    return MongoStatus("delete", Target(bucket, key), error);
  }
  return Status::Ok();
}

// Keys sort by their bytes on the server (binary string comparison), so the keys under `prefix`
// after `continuation` are one `_id` range: the query starts at its lower bound and the
// client stops at the first key past the prefix. Bounds that are not valid UTF-8 are lowered
// to a valid one and the client skips what lies before the exact bound.
Result<ListPage> MongoObjectStore::List(const std::string& bucket, const std::string& prefix,
                                        const std::string& continuation, int limit) {
  XRONOX_ASSIGN_OR_RETURN(std::string collection, CollectionOf(bucket));
  XRONOX_RETURN_IF_ERROR(ValidateListLimit(limit));
  const std::string& lower = continuation > prefix ? continuation : prefix;
  Bson filter, opts;
  bson_t range;
  BSON_APPEND_DOCUMENT_BEGIN(filter.get(), "_id", &range);
  AppendString(&range, "$gte", Utf8Floor(lower));
  bson_append_document_end(filter.get(), &range);
  bson_t sort;
  BSON_APPEND_DOCUMENT_BEGIN(opts.get(), "sort", &sort);
  BSON_APPEND_INT32(&sort, "_id", 1);
  bson_append_document_end(opts.get(), &sort);
  BSON_APPEND_INT32(opts.get(), "batchSize", limit + 1);
  ExcludeData(opts.get());
  ListPage page;
  XRONOX_RETURN_IF_ERROR(Find(
      collection, filter.get(), opts.get(), "list " + bucket + "/" + prefix + "*", [&](Doc doc) {
        ObjectInfo info = ReadInfo(doc.bson);
        if (info.key < prefix || (!continuation.empty() && info.key <= continuation)) return true;
        if (!info.key.starts_with(prefix)) return false;
        page.objects.push_back(std::move(info));
        return page.objects.size() <= static_cast<size_t>(limit);
      }));
  if (page.objects.size() > static_cast<size_t>(limit)) {
    page.objects.pop_back();
    page.next = page.objects.back().key;
  }
  return page;
}

Status MongoObjectStore::DropDatabase() {
  MongoPooledClient client(pool_.get());
  MongoDatabase database(mongoc_client_get_database(client.get(), db_.c_str()));
  bson_error_t error;
  if (!mongoc_database_drop_with_opts(database.get(), nullptr, &error)) {
    return MongoStatus("drop database", db_, error);
  }
  std::lock_guard lock(mu_);
  known_buckets_.clear();
  return Status::Ok();
}

Result<std::vector<std::string>> MongoObjectStore::Leftovers(const std::string& bucket,
                                                             const std::string& prefix,
                                                             TimestampMicros older_than,
                                                             bool remove) {
  XRONOX_RETURN_IF_ERROR(CollectionOf(bucket).status());
  return std::vector<std::string>();
}

}  // namespace xronox::store
