// RAII owners of libmongoc/libbson handles and the process-wide libmongoc runtime; the only
// place that destroys a mongoc or bson handle or calls mongoc_init/mongoc_cleanup.
// Thread-safety: MongoRuntime::Get is safe from any thread; every other owner is used by one
// thread at a time, like the handle it owns (the pool itself is thread-safe).
#pragma once

#include <mongoc/mongoc.h>

#include <memory>

namespace xronox::store {

/// The process-wide libmongoc state: mongoc_init on first use, mongoc_cleanup at process exit.
/// Every MongoHotStore calls Get() before touching libmongoc; stores must be destroyed before
/// the process exits (static destruction runs the cleanup).
class MongoRuntime {
 public:
  /// Initialize libmongoc once (thread-safe) and install the log filter.
  static MongoRuntime& Get();
  MongoRuntime(const MongoRuntime&) = delete;
  MongoRuntime& operator=(const MongoRuntime&) = delete;

 private:
  MongoRuntime();
  ~MongoRuntime();
};

struct MongoUriDeleter {
  void operator()(mongoc_uri_t* uri) const { mongoc_uri_destroy(uri); }
};
struct MongoClientDeleter {
  void operator()(mongoc_client_t* client) const { mongoc_client_destroy(client); }
};
struct MongoPoolDeleter {
  void operator()(mongoc_client_pool_t* pool) const { mongoc_client_pool_destroy(pool); }
};
struct MongoDatabaseDeleter {
  void operator()(mongoc_database_t* db) const { mongoc_database_destroy(db); }
};
struct MongoCollectionDeleter {
  void operator()(mongoc_collection_t* c) const { mongoc_collection_destroy(c); }
};
struct MongoCursorDeleter {
  void operator()(mongoc_cursor_t* c) const { mongoc_cursor_destroy(c); }
};
struct MongoWriteConcernDeleter {
  void operator()(mongoc_write_concern_t* wc) const { mongoc_write_concern_destroy(wc); }
};
struct MongoReadPrefsDeleter {
  void operator()(mongoc_read_prefs_t* prefs) const { mongoc_read_prefs_destroy(prefs); }
};
struct BsonStrvDeleter {
  void operator()(char** strv) const { bson_strfreev(strv); }
};

/// Owns a parsed connection string.
using MongoUri = std::unique_ptr<mongoc_uri_t, MongoUriDeleter>;
/// Owns a single client (not from a pool).
using MongoClient = std::unique_ptr<mongoc_client_t, MongoClientDeleter>;
/// Owns a client pool (thread-safe; every client popped from it must be pushed back first).
using MongoPool = std::unique_ptr<mongoc_client_pool_t, MongoPoolDeleter>;
using MongoDatabase = std::unique_ptr<mongoc_database_t, MongoDatabaseDeleter>;
using MongoCollection = std::unique_ptr<mongoc_collection_t, MongoCollectionDeleter>;
using MongoCursor = std::unique_ptr<mongoc_cursor_t, MongoCursorDeleter>;
using MongoWriteConcern = std::unique_ptr<mongoc_write_concern_t, MongoWriteConcernDeleter>;
using MongoReadPrefs = std::unique_ptr<mongoc_read_prefs_t, MongoReadPrefsDeleter>;
/// Owns a NULL-terminated array of strings from libmongoc (database or collection names).
using BsonStrv = std::unique_ptr<char*, BsonStrvDeleter>;

/// A client borrowed from a pool and pushed back on destruction.
class MongoPooledClient {
 public:
  /// Pop a client, blocking while the pool is exhausted.
  explicit MongoPooledClient(mongoc_client_pool_t* pool)
      : pool_(pool), client_(mongoc_client_pool_pop(pool)) {}
  ~MongoPooledClient() { mongoc_client_pool_push(pool_, client_); }
  MongoPooledClient(const MongoPooledClient&) = delete;
  MongoPooledClient& operator=(const MongoPooledClient&) = delete;
  mongoc_client_t* get() const { return client_; }

 private:
  mongoc_client_pool_t* pool_;
  mongoc_client_t* client_;
};

/// An owned BSON document, empty on construction. A class, not a unique_ptr, because bson_t's
/// alignment does not survive as a template argument.
class Bson {
 public:
  Bson() { bson_init(&doc_); }
  ~Bson() { bson_destroy(&doc_); }
  Bson(const Bson&) = delete;
  Bson& operator=(const Bson&) = delete;
  bson_t* get() { return &doc_; }
  const bson_t* get() const { return &doc_; }
  /// Empty the document for use as a libmongoc reply. libmongoc initializes a reply without
  /// destroying it first, which leaks nothing only because an empty document owns no heap.
  bson_t* Reply() {
    bson_destroy(&doc_);
    bson_init(&doc_);
    return &doc_;
  }

 private:
  bson_t doc_;
};

}  // namespace xronox::store
