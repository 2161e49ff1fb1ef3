// Filter shapes on a MongoDB-wire server (production_filters.h), through the same libmongoc
// pool code as MongoHotStore (OpenMongoPool, default MongoOptions).
#include "bench/production_filters.h"

#include <functional>

#include "store/hot/mongo/mongo_connect.h"
#include "store/hot/mongo/mongo_handles.h"
#include "store/hot/mongo/mongo_hot_store.h"

namespace xronox::bench {

namespace {

using store::Bson;

void AppendUtf8(bson_t* doc, const char* key, const std::string& value) {
  bson_append_utf8(doc, key, -1, value.data(), static_cast<int>(value.size()));
}

// {_id: id} plus, when `field` is set, {field: value}.
void Filter(Bson& filter, const std::string& id, const char* field = nullptr, int64_t version = 0,
            const char* owner = nullptr) {
  AppendUtf8(filter.Reply(), "_id", id);
  if (field != nullptr && owner != nullptr) AppendUtf8(filter.get(), field, owner);
  if (field != nullptr && owner == nullptr) BSON_APPEND_INT64(filter.get(), field, version);
}

void Document(Bson& doc, const std::string& id, int64_t version, const std::string& data) {
  AppendUtf8(doc.Reply(), "_id", id);
  BSON_APPEND_INT64(doc.get(), "version", version);
  AppendUtf8(doc.get(), "owner", "owner");
  AppendUtf8(doc.get(), "data", data);
}

class Shapes {
 public:
  Shapes(mongoc_client_pool_t* pool, const std::string& db)
      : client_(pool), coll_(mongoc_client_get_collection(client_.get(), db.c_str(), "filters")) {}

  bool Insert(const Bson& doc) {
    return mongoc_collection_insert_one(coll_.get(), doc.get(), nullptr, nullptr, nullptr);
  }
  bool Find(const Bson& filter) {
    Bson opts;
    BSON_APPEND_INT64(opts.get(), "limit", 1);
    store::MongoCursor cursor(
        mongoc_collection_find_with_opts(coll_.get(), filter.get(), opts.get(), nullptr));
    const bson_t* doc = nullptr;
    while (mongoc_cursor_next(cursor.get(), &doc)) {
    }
    return !mongoc_cursor_error(cursor.get(), nullptr);
  }
  bool Replace(const Bson& filter, const Bson& doc) {
    Bson reply;
    return mongoc_collection_replace_one(coll_.get(), filter.get(), doc.get(), nullptr,
                                         reply.Reply(), nullptr);
  }
  bool Delete(const Bson& filter) {
    Bson reply;
    return mongoc_collection_delete_one(coll_.get(), filter.get(), nullptr, reply.Reply(), nullptr);
  }

 private:
  store::MongoPooledClient client_;
  store::MongoCollection coll_;
};

}  // namespace

void RunFilterShapes(benchmark::State& state, const std::string& name, const Fixture& f,
                     LatencySamples& samples, int docs) {
  auto opened = store::OpenMongoPool(f.mongo_uri, store::MongoOptions{}, "filter shapes");
  if (!opened.ok()) return state.SkipWithError(opened.status().ToString().c_str());
  Shapes shapes(opened->pool.get(), f.run + "_raw");
  const std::string data = NumberedDocument(0).dump();
  Bson doc, filter, owned;
  for (int i = 0; i < docs; ++i) {
    Document(doc, "s" + std::to_string(i), 0, data);
    if (!shapes.Insert(doc)) return state.SkipWithError("filter shapes: insert failed");
  }
  const std::string last = "s" + std::to_string(docs - 1);
  int64_t version = 0;
  int64_t n = 0;
  auto timed = [&](const char* shape, const std::function<bool()>& op) {
    bool ok = true;
    samples.Add(name + shape, TimeMicros([&] { ok = op(); }));
    if (!ok) state.SkipWithError((std::string("filter shapes: ") + shape + " failed").c_str());
    return ok;
  };
  auto insert = [&](const std::string& id) {
    Document(owned, id, 0, "");
    if (shapes.Insert(owned)) return true;
    state.SkipWithError("filter shapes: insert failed");
    return false;
  };
  for (auto _ : state) {
    const std::string claim = "k" + std::to_string(n++);
    bool ok = timed(".find_id",
                    [&] {
                      Filter(filter, last);
                      return shapes.Find(filter);
                    }) &&
              timed(".find_id_version",
                    [&] {
                      Filter(filter, last, "version", version);
                      return shapes.Find(filter);
                    }) &&
              timed(".replace_id_version",
                    [&] {
                      Filter(filter, last, "version", version);
                      Document(doc, last, version + 1, data);
                      return shapes.Replace(filter, doc);
                    }) &&
              timed(".replace_id",
                    [&] {
                      Filter(filter, last);
                      Document(doc, last, version + 2, data);
                      return shapes.Replace(filter, doc);
                    }) &&
              insert(claim) &&
              timed(".delete_id_owner",
                    [&] {
                      Filter(filter, claim, "owner", 0, "owner");
                      return shapes.Delete(filter);
                    }) &&
              insert(claim) && timed(".delete_id", [&] {
                Filter(filter, claim);
                return shapes.Delete(filter);
              });
    if (!ok) break;
    version += 2;
  }
}

}  // namespace xronox::bench
