#include "store/hot/mongo/mongo_hot_store.h"

#include <algorithm>
#include <chrono>
#include <limits>
#include <thread>

#include "common/names.h"
#include "store/hot/hot_store_rules.h"
#include "store/hot/mongo/mongo_connect.h"
#include "store/hot/mongo/mongo_docs.h"
#include "store/hot/mongo/mongo_error.h"

namespace xronox::store {

namespace {

// MongoDB refuses database names of 64 bytes or more.
constexpr size_t kMaxMongoDbName = 63;
constexpr std::string_view kHeadSuffix = "_head";

std::string CollectionOfHead(const std::string& name) {
  if (name.size() <= kHeadSuffix.size() || !name.ends_with(kHeadSuffix)) return "";
  std::string collection = name.substr(0, name.size() - kHeadSuffix.size());
  return ValidateCollectionName(collection).ok() ? collection : "";
}

std::vector<std::string> TakeNames(char** strv) {
  BsonStrv owned(strv);
  std::vector<std::string> names;
  for (char** p = strv; p != nullptr && *p != nullptr; ++p) names.emplace_back(*p);
  return names;
}

}  // namespace

Result<std::unique_ptr<MongoHotStore>> MongoHotStore::Open(const std::string& uri_text,
                                                           MongoOptions options) {
  XRONOX_ASSIGN_OR_RETURN(OpenedMongoPool opened,
                          OpenMongoPool(uri_text, options, "open mongo hot store"));
  return std::unique_ptr<MongoHotStore>(
      new MongoHotStore(std::move(opened.pool), std::move(opened.write_concern), std::move(options),
                        opened.id_only_filters));
}

Result<MongoHotStore::Names> MongoHotStore::NamesOf(const CollectionRef& ref) const {
  XRONOX_RETURN_IF_ERROR(ValidateCollectionRef(ref));
  Names names;
  names.db = options_.database_prefix + ref.db;
  if (names.db.size() > kMaxMongoDbName) {
    return InvalidArgument("database name '" + names.db + "' is longer than MongoDB's " +
                           std::to_string(kMaxMongoDbName) + " bytes");
  }
  names.head = ref.collection + "_head";
  names.ver = ref.collection + "_ver";
  names.counter = ref.collection + "_counter";
  names.locks = ref.collection + "_locks";
  names.counter_db = options_.database_prefix + ref.CounterDb();
  if (names.counter_db.size() > kMaxMongoDbName) {
    return InvalidArgument("database name '" + names.counter_db + "' is longer than MongoDB's " +
                           std::to_string(kMaxMongoDbName) + " bytes");
  }
  return names;
}

Result<MongoHotStore::Names> MongoHotStore::Resolve(const CollectionRef& ref,
                                                    const char* operation) {
  XRONOX_ASSIGN_OR_RETURN(Names names, NamesOf(ref));
  std::string key = names.db + "." + ref.collection;
  {
    std::lock_guard lock(known_mu_);
    if (known_.count(key) > 0) return names;
  }
  XRONOX_ASSIGN_OR_RETURN(bool exists, HeadCollectionExists(names));
  if (!exists) {
    return NotFound(std::string(operation) + " " + key + ": collection does not exist");
  }
  std::lock_guard lock(known_mu_);
  known_.insert(key);
  return names;
}

Result<std::vector<std::string>> MongoHotStore::CollectionNames(const std::string& mongo_db) {
  MongoPooledClient client(pool_.get());
  MongoDatabase database(mongoc_client_get_database(client.get(), mongo_db.c_str()));
  bson_error_t error;
  char** strv = mongoc_database_get_collection_names_with_opts(database.get(), nullptr, &error);
  if (strv == nullptr) return MongoStatus("list collections", mongo_db, error);
  return TakeNames(strv);
}

Result<std::vector<std::string>> MongoHotStore::DatabaseNames() {
  MongoPooledClient client(pool_.get());
  bson_error_t error;
  char** strv = mongoc_client_get_database_names_with_opts(client.get(), nullptr, &error);
  if (strv == nullptr) return MongoStatus("list databases", "server", error);
  std::vector<std::string> names;
  for (std::string& name : TakeNames(strv)) {
    if (name.size() > options_.database_prefix.size() &&
        name.starts_with(options_.database_prefix)) {
      names.push_back(name.substr(options_.database_prefix.size()));
    }
  }
  return names;
}

Result<bool> MongoHotStore::HeadCollectionExists(const Names& names) {
  XRONOX_ASSIGN_OR_RETURN(std::vector<std::string> collections, CollectionNames(names.db));
  return std::find(collections.begin(), collections.end(), names.head) != collections.end();
}

Status MongoHotStore::CreateCollection(MongoPooledClient& client, const Names& names,
                                       const std::string& collection) {
  MongoDatabase database(mongoc_client_get_database(client.get(), names.db.c_str()));
  bson_error_t error;
  MongoCollection created(
      mongoc_database_create_collection(database.get(), collection.c_str(), nullptr, &error));
  if (created == nullptr && error.code != 48) {  // 48: NamespaceExists.
    return MongoStatus("create collection", names.Target(collection), error);
  }
  return Status::Ok();
}

Result<std::set<std::string>> MongoHotStore::IndexNames(MongoPooledClient& client,
                                                        const Names& names,
                                                        const std::string& collection) {
  MongoCollection coll(
      mongoc_client_get_collection(client.get(), names.db.c_str(), collection.c_str()));
  std::set<std::string> existing;
  MongoCursor cursor(mongoc_collection_find_indexes_with_opts(coll.get(), nullptr));
  const bson_t* doc = nullptr;
  bson_iter_t it;
  while (mongoc_cursor_next(cursor.get(), &doc)) {
    if (bson_iter_init_find(&it, doc, "name") && BSON_ITER_HOLDS_UTF8(&it)) {
      existing.insert(bson_iter_utf8(&it, nullptr));
    }
  }
  bson_error_t error;
  if (mongoc_cursor_error(cursor.get(), &error)) {
    return MongoStatus("list indexes", names.Target(collection), error);
  }
  return existing;
}

Status MongoHotStore::EnsureIndexes(MongoPooledClient& client, const Names& names,
                                    const std::string& collection,
                                    const std::vector<IndexSpec>& specs) {
  XRONOX_ASSIGN_OR_RETURN(std::set<std::string> existing, IndexNames(client, names, collection));
  Bson command;
  AppendString(command.get(), "createIndexes", collection);
  bson_t indexes;
  BSON_APPEND_ARRAY_BEGIN(command.get(), "indexes", &indexes);
  int n = 0;
  for (const IndexSpec& spec : specs) {
    if (existing.count(spec.name) > 0) continue;
    std::string array_key = std::to_string(n++);  // BSON_APPEND_* evaluates the key twice.
    bson_t index, key;
    BSON_APPEND_DOCUMENT_BEGIN(&indexes, array_key.c_str(), &index);
    BSON_APPEND_DOCUMENT_BEGIN(&index, "key", &key);
    for (const auto& [field, direction] : spec.key)
      BSON_APPEND_INT32(&key, field.c_str(), direction);
    bson_append_document_end(&index, &key);
    AppendString(&index, "name", spec.name);
    if (spec.unique) BSON_APPEND_BOOL(&index, "unique", true);
    bson_append_document_end(&indexes, &index);
  }
  bson_append_array_end(command.get(), &indexes);
  if (n == 0) return Status::Ok();
  MongoDatabase database(mongoc_client_get_database(client.get(), names.db.c_str()));
  bson_error_t error;
  Bson reply;
  if (!mongoc_database_write_command_with_opts(database.get(), command.get(), nullptr,
                                               reply.Reply(), &error)) {
    return MongoStatus("create indexes", names.Target(collection), error);
  }
  return Status::Ok();
}

bool MongoHotStore::IsEnsured(const std::string& key, const std::vector<std::string>& props) {
  std::lock_guard lock(known_mu_);
  auto it = ensured_.find(key);
  if (it == ensured_.end()) return false;
  return std::all_of(props.begin(), props.end(),
                     [&](const std::string& prop) { return it->second.count(prop) > 0; });
}

Status MongoHotStore::EnsureCollection(const CollectionRef& ref,
                                       const std::vector<std::string>& indexed_props) {
  XRONOX_ASSIGN_OR_RETURN(Names names, NamesOf(ref));
  for (const std::string& prop : indexed_props) XRONOX_RETURN_IF_ERROR(ValidateIndexedPath(prop));
  std::string key = names.db + "." + ref.collection;
  // Ensured once per counter database too: a process may bind it with its counters elsewhere.
  std::string ensured_key = key + "\x1f" + names.counter_db;
  if (IsEnsured(ensured_key, indexed_props)) return Status::Ok();
  // Best effort against a concurrent creator on another client: MongoDB itself refuses a
  // database whose name differs only in case (DatabaseDifferCase), and keeps collection names
  // with case, so two racing names still land in two places.
  XRONOX_ASSIGN_OR_RETURN(std::vector<std::string> databases, DatabaseNames());
  XRONOX_ASSIGN_OR_RETURN(std::vector<std::string> collections, ListCollections(ref.db));
  XRONOX_RETURN_IF_ERROR(CheckNameCase(ref, databases, collections));
  // FerretDB v1 can drop the connection when several clients create one collection's indexes
  // at once (several servers binding a new tenant): the steps are idempotent, so try again.
  Status ensured;
  for (int attempt = 0; attempt < kEnsureAttempts; ++attempt) {
    if (attempt > 0) std::this_thread::sleep_for(std::chrono::milliseconds(100 << attempt));
    ensured = EnsureCollectionOnce(names, indexed_props, ref.versioned);
    if (ensured.code() != StatusCode::kUnavailable) break;
  }
  XRONOX_RETURN_IF_ERROR(ensured);
  std::lock_guard lock(known_mu_);
  ensured_[ensured_key].insert(indexed_props.begin(), indexed_props.end());
  known_.insert(key);
  return Status::Ok();
}

Status MongoHotStore::EnsureCollectionOnce(const Names& names,
                                           const std::vector<std::string>& indexed_props,
                                           bool versioned) {
  MongoPooledClient client(pool_.get());
  // The unique indexes are the mutual exclusion, so they exist before the head collection,
  // whose existence is what marks the collection as there.
  if (versioned) {
    XRONOX_RETURN_IF_ERROR(CreateCollection(client, names, names.ver));
    // ScanVersions reads these three in order: by time, by actor and time, by field and time.
    constexpr const char* kFieldsIndex = "fields_at_id_version";
    XRONOX_ASSIGN_OR_RETURN(std::set<std::string> existing, IndexNames(client, names, names.ver));
    if (existing.count(kFieldsIndex) == 0) XRONOX_RETURN_IF_ERROR(FillVersionFields(names));
    XRONOX_RETURN_IF_ERROR(EnsureIndexes(
        client, names, names.ver,
        {{"id_version", {{"id", 1}, {"version", 1}}, true},
         {"id_at_version", {{"id", 1}, {"at", -1}, {"version", -1}}, false},
         {"at_id_version", {{"at", -1}, {"id", -1}, {"version", -1}}, false},
         {"actor_at_id_version", {{"actor", 1}, {"at", -1}, {"id", -1}, {"version", -1}}, false},
         {kFieldsIndex, {{"fields", 1}, {"at", -1}, {"id", -1}, {"version", -1}}, false}}));
  }
  Names counters = names.Counters();
  XRONOX_RETURN_IF_ERROR(CreateCollection(client, counters, counters.counter));
  XRONOX_RETURN_IF_ERROR(EnsureIndexes(client, counters, counters.counter,
                                       {{"name_seq", {{"name", 1}, {"seq", 1}}, true}}));
  XRONOX_RETURN_IF_ERROR(CreateCollection(client, names, names.locks));
  XRONOX_RETURN_IF_ERROR(CreateCollection(client, names, names.head));
  std::vector<IndexSpec> prop_indexes;
  for (const std::string& prop : indexed_props) {
    std::string field = "idx." + EscapeIndexedPath(prop);
    prop_indexes.push_back({field, {{field, 1}}, false});
  }
  return EnsureIndexes(client, names, names.head, prop_indexes);
}

Result<bool> MongoHotStore::CollectionExists(const CollectionRef& ref) {
  Result<Names> names = Resolve(ref, "look up collection");
  if (names.ok()) return true;
  if (names.status().code() == StatusCode::kNotFound) return false;
  return names.status();
}

Result<std::vector<std::string>> MongoHotStore::ListDatabases() {
  XRONOX_ASSIGN_OR_RETURN(std::vector<std::string> databases, DatabaseNames());
  std::vector<std::string> names;
  for (const std::string& db : databases) {
    if (!ValidateDatabaseName(db).ok()) continue;
    XRONOX_ASSIGN_OR_RETURN(std::vector<std::string> collections, ListCollections(db));
    if (!collections.empty()) names.push_back(db);
  }
  std::sort(names.begin(), names.end());
  return names;
}

Result<std::vector<std::string>> MongoHotStore::ListCollections(const std::string& db) {
  XRONOX_RETURN_IF_ERROR(ValidateDatabaseName(db));
  XRONOX_ASSIGN_OR_RETURN(std::vector<std::string> collections,
                          CollectionNames(options_.database_prefix + db));
  std::vector<std::string> names;
  for (const std::string& name : collections) {
    std::string collection = CollectionOfHead(name);
    if (!collection.empty()) names.push_back(std::move(collection));
  }
  std::sort(names.begin(), names.end());
  return names;
}

Status MongoHotStore::DropPrefixedDatabases() {
  if (options_.database_prefix.empty()) {
    return InvalidArgument("drop prefixed databases: the store has no database prefix");
  }
  XRONOX_ASSIGN_OR_RETURN(std::vector<std::string> databases, DatabaseNames());
  MongoPooledClient client(pool_.get());
  for (const std::string& db : databases) {
    std::string name = options_.database_prefix + db;
    MongoDatabase database(mongoc_client_get_database(client.get(), name.c_str()));
    bson_error_t error;
    if (!mongoc_database_drop_with_opts(database.get(), nullptr, &error)) {
      return MongoStatus("drop database", name, error);
    }
  }
  std::lock_guard lock(known_mu_);
  ensured_.clear();
  known_.clear();
  return Status::Ok();
}

}  // namespace xronox::store
