// The production benchmark's fixture: endpoints from the environment, its own flags, a store
// opened through the public API on MongoDB + S3, and the raw clients of the baselines.
//
// The fairest "raw insert of the same document": the store keeps a record of this size inline
// in its head document, so the baseline inserts exactly that head document (same fields, same
// BSON layout, same kind of collection and indexes) with MongoHotStore::WriteHead of a fresh id,
// which is one insertOne. A plain application that keeps the record in MongoDB does that one
// insert and nothing else. The S3 half PUTs the document's JSON text (what the caller asked to
// store) with kOverwrite under records/{c}/{id}/current.json, a key as deep as the store's
// version keys. The raw clients are a MongoHotStore and an S3ObjectStore of their own, opened
// with the options the router gives the store's (the public API does not lend its clients
// out): the same libmongoc pool code and write concern (w:1, j:true on a standalone server), the
// same libcurl transport and SigV4 signer, the same servers.
// Thread-safety: opened once by main; afterwards the stores are used from many threads, and the
// plain fields are only read (BuildHistories runs once, under a once_flag).
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "store/hot/mongo/mongo_hot_store.h"
#include "store/object/s3/s3_object_store.h"
#include "xronox/xronox.h"

namespace xronox::bench {

/// This benchmark's own flags (Google Benchmark's are left to it).
struct ProductionFlags {
  int samples = 400;                ///< Operations per single-writer latency benchmark.
  int writers = 16;                 ///< Threads of the concurrency comparison.
  int writer_iterations = 50;       ///< Writes per thread there.
  int as_of_samples = 50;           ///< As-of reads on the collection holding the long history.
  int size_samples = 40;            ///< Operations per collection size in BM_Op_ByCollectionSize.
  int64_t history = 10000;          ///< Versions of the long history.
  int64_t history_fallback = 2000;  ///< Versions built instead when the budget would be exceeded.
  double history_budget_s = 180;    ///< Longest acceptable build of the long history, in seconds.
  bool keep = false;                ///< Keep this run's MongoDB databases.
};

/// Consume this benchmark's flags from argv; false (after printing why) on a bad one.
bool ParseProductionFlags(int* argc, char** argv, ProductionFlags& flags);

struct Endpoints {
  std::string mongo_uri, s3_endpoint, s3_access_key, s3_secret_key, s3_region;
};

/// The services from XRONOX_TEST_*; nullopt (after printing what to do) when one is unset.
std::optional<Endpoints> ReadEndpoints();

/// The document every write stores (412 bytes of JSON, as in embedded_bench.cc), with "seq": n.
Json NumberedDocument(int64_t n);
/// The actor and reason every runtime write needs.
WriteOptions Audit();
/// Microseconds since the Unix epoch.
TimestampMicros NowMicros();

struct Fixture {
  ProductionFlags flags;
  std::string run;  ///< "xb" + 10 hex digits: prefix of every database and bucket of this run.
  std::string mongo_uri;
  std::unique_ptr<Xronox> xronox;
  std::optional<Collection> orders;         ///< (a), (b), (c).
  std::optional<Collection> update_alone;   ///< (b) again, on a collection of one record.
  std::optional<Collection> writers_alone;  ///< (c) again, on a collection of its writers' records.
  std::optional<Collection> history;        ///< (d): the long history and a 10-version record.
  std::optional<Collection> history_alone;  ///< (d): a 10-version record alone.
  std::unique_ptr<store::MongoHotStore> raw_mongo;  ///< Database prefix "<run>_".
  std::unique_ptr<store::S3ObjectStore> raw_s3;
  store::CollectionRef raw_ref;  ///< "<run>_raw".orders: the baselines' records.
  std::string raw_bucket;        ///< "<run>-raw"
  std::string versions_bucket;   ///< The store's versions bucket.
  std::string version_object;    ///< Bytes of a version object the store wrote for the document.
  int64_t replace_version = 0;   ///< Version of the raw head "op-replace".
  // (d), built on first use: the write time of each version of each record.
  std::once_flag history_once;
  Status history_status;
  std::vector<TimestampMicros> alone_times, short_times, long_times;

  /// A raw collection (database "<run>_raw"); OpenFixture ensures "orders", "ops" (a few
  /// records: single operations), "inserts", "replay" and "inplace".
  static store::CollectionRef Raw(const std::string& collection) { return {"raw", collection}; }
  /// The store's own hot-store collection `collection`, addressed through raw_mongo.
  static store::CollectionRef StoreRef(const std::string& collection) {
    return {"runtime_bench", collection};
  }
};

/// Open the store (production preset: tenant "bench", databases and buckets under `run`), the
/// raw clients, and the records and objects the benchmarks read.
Status OpenFixture(Fixture& f, const Endpoints& endpoints);

/// Build the histories of (d) through the public API; see the definition.
Status BuildHistories(Fixture& f);

/// The head document the store would insert for this record (inline data; see the top comment).
store::HeadRow RawHead(const std::string& id, int64_t version, const std::string& text);
/// A version row like the store's for version `version` of `id`.
store::VersionRow RawVersionRow(const std::string& id, int64_t version);
/// Key of the raw baseline's object of `id`.
std::string RawKey(const std::string& id);
/// The baseline write: one raw Mongo insert of the document plus one raw S3 PUT of its bytes.
Status RawInsertPlusPut(Fixture& f, const std::string& id, const Json& data);

}  // namespace xronox::bench
