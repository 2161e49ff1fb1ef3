// MongoHotStore: heads ({c}_head), versions ({c}_ver) and the shared find/insert/update calls.
#include "common/fault_point.h"
#include "store/hot/hot_store_rules.h"
#include "store/hot/mongo/mongo_docs.h"
#include "store/hot/mongo/mongo_error.h"
#include "store/hot/mongo/mongo_hot_store.h"

namespace xronox::store {

namespace {

std::string IdTarget(const std::string& target, const std::string& id) {
  return target + " id '" + id + "'";
}

void AppendIdVersion(bson_t* doc, const std::string& id, int64_t version) {
  AppendString(doc, "id", id);
  BSON_APPEND_INT64(doc, "version", version);
}

// {sort: {<a>: dir, ...}, limit: n}; limit 0 means none.
void BuildFindOpts(bson_t* opts, std::initializer_list<std::pair<const char*, int>> sort,
                   int64_t limit) {
  bson_t sort_doc;
  BSON_APPEND_DOCUMENT_BEGIN(opts, "sort", &sort_doc);
  for (const auto& [field, direction] : sort) BSON_APPEND_INT32(&sort_doc, field, direction);
  bson_append_document_end(opts, &sort_doc);
  if (limit > 0) BSON_APPEND_INT64(opts, "limit", limit);
}

// Sets results[i] to AlreadyExists for each document of a failed unordered insert_many that
// the reply's writeErrors name as a duplicate id; an error of the call otherwise.
Status DuplicatesOfBatch(const bson_t* reply, const std::vector<HeadRow>& heads,
                         const bson_error_t& error, const std::string& table,
                         std::vector<Status>& results) {
  bson_iter_t errors, each;
  if (!bson_iter_init_find(&errors, reply, "writeErrors") || !BSON_ITER_HOLDS_ARRAY(&errors) ||
      !bson_iter_recurse(&errors, &each)) {
    return MongoStatus("create heads in", table, error);
  }
  while (bson_iter_next(&each)) {
    bson_iter_t field;
    if (!BSON_ITER_HOLDS_DOCUMENT(&each) || !bson_iter_recurse(&each, &field)) continue;
    int64_t index = -1;
    bson_error_t one = {};
    while (bson_iter_next(&field)) {
      std::string_view key = bson_iter_key(&field);
      if (key == "index") index = bson_iter_as_int64(&field);
      if (key == "code") one.code = static_cast<uint32_t>(bson_iter_as_int64(&field));
    }
    if (index < 0 || index >= static_cast<int64_t>(heads.size()) || !IsDuplicateKey(one)) {
      return MongoStatus("create heads in", table, error);
    }
    results[static_cast<size_t>(index)] = HeadExists(table, heads[static_cast<size_t>(index)].id);
  }
  return Status::Ok();
}

}  // namespace

Status MongoHotStore::Find(const Names& names, const std::string& collection, const bson_t* filter,
                           const bson_t* opts, const std::string& what, const DocVisitor& each) {
  MongoPooledClient client(pool_.get());
  MongoCollection coll(
      mongoc_client_get_collection(client.get(), names.db.c_str(), collection.c_str()));
  MongoCursor cursor(mongoc_collection_find_with_opts(coll.get(), filter, opts, nullptr));
  const bson_t* doc = nullptr;
  while (mongoc_cursor_next(cursor.get(), &doc)) {
    if (!each(Doc{doc})) return Status::Ok();
  }
  bson_error_t error;
  if (mongoc_cursor_error(cursor.get(), &error)) {
    return MongoStatus(what, names.Target(collection), error);
  }
  return Status::Ok();
}

Status MongoHotStore::InsertOne(const Names& names, const std::string& collection,
                                const bson_t* doc, const std::string& what) {
  MongoPooledClient client(pool_.get());
  MongoCollection coll(
      mongoc_client_get_collection(client.get(), names.db.c_str(), collection.c_str()));
  bson_error_t error;
  Bson reply;
  if (!mongoc_collection_insert_one(coll.get(), doc, nullptr, reply.Reply(), &error)) {
    return MongoStatus(what, names.Target(collection), error);
  }
  return Status::Ok();
}

Result<int64_t> MongoHotStore::UpdateMatched(const Names& names, const std::string& collection,
                                             const bson_t* filter, const bson_t* update,
                                             bool replace, const std::string& what) {
  MongoPooledClient client(pool_.get());
  MongoCollection coll(
      mongoc_client_get_collection(client.get(), names.db.c_str(), collection.c_str()));
  bson_error_t error;
  Bson reply;
  bool ok = replace ? mongoc_collection_replace_one(coll.get(), filter, update, nullptr,
                                                    reply.Reply(), &error)
                    : mongoc_collection_update_one(coll.get(), filter, update, nullptr,
                                                   reply.Reply(), &error);
  if (!ok) return MongoStatus(what, names.Target(collection), error);
  return Int64Field(reply.get(), "matchedCount").value_or(0);
}

Result<std::optional<HeadRow>> MongoHotStore::GetHead(const CollectionRef& ref,
                                                      const std::string& id) {
  XRONOX_ASSIGN_OR_RETURN(Names names, Resolve(ref, "get head"));
  Bson filter, opts;
  AppendString(filter.get(), "_id", id);
  BSON_APPEND_INT64(opts.get(), "limit", 1);
  std::optional<HeadRow> head;
  XRONOX_RETURN_IF_ERROR(
      Find(names, names.head, filter.get(), opts.get(), "get head", [&](Doc found) {
        const bson_t* doc = found.bson;
        head = ReadHeadDoc(doc);
        return false;
      }));
  return head;
}

// The version of the head of `id`; nullopt when absent.
Result<std::optional<int64_t>> MongoHotStore::HeadVersion(const Names& names,
                                                          const std::string& id) {
  Bson filter, opts;
  AppendString(filter.get(), "_id", id);
  BSON_APPEND_INT64(opts.get(), "limit", 1);
  std::optional<int64_t> current;
  XRONOX_RETURN_IF_ERROR(
      Find(names, names.head, filter.get(), opts.get(), "replace head", [&](Doc found) {
        const bson_t* doc = found.bson;
        current = Int64Field(doc, "version").value_or(0);
        return false;
      }));
  return current;
}

// Names why replacing the head at `expected` matched nothing: absent, or another version.
// Ok when the head is at `expected` (the id-only check before a replace).
Status MongoHotStore::HeadWriteFailure(const Names& names, const std::string& id,
                                       int64_t expected) {
  XRONOX_ASSIGN_OR_RETURN(std::optional<int64_t> current, HeadVersion(names, id));
  std::string table = names.Target(names.head);
  if (!current.has_value()) return HeadNotFound(table, id, expected);
  if (*current == expected) return Status::Ok();
  return HeadConflict(table, id, expected, *current);
}

Status MongoHotStore::PutHead(const Names& names, const HeadRow& head,
                              std::optional<int64_t> expected) {
  XRONOX_ASSIGN_OR_RETURN(IndexedValues indexed, ParseIndexed(head.indexed));
  Bson doc;
  BuildHeadDoc(doc.get(), head, indexed.text, indexed.values);
  std::string table = names.Target(names.head);
  if (!expected.has_value()) {
    Status inserted =
        InsertOne(names, names.head, doc.get(), "insert head " + IdTarget(table, head.id));
    if (inserted.code() == StatusCode::kAlreadyExists) return HeadExists(table, head.id);
    return inserted;
  }
  // kIdOnly: check the version with a read, then replace by `_id`.
  if (id_only_filters_) XRONOX_RETURN_IF_ERROR(HeadWriteFailure(names, head.id, *expected));
  Bson filter;
  AppendString(filter.get(), "_id", head.id);
  if (!id_only_filters_) BSON_APPEND_INT64(filter.get(), "version", *expected);
  XRONOX_ASSIGN_OR_RETURN(int64_t matched,
                          UpdateMatched(names, names.head, filter.get(), doc.get(), true,
                                        "replace head " + IdTarget(table, head.id)));
  if (matched == 1) return Status::Ok();
  Status failure = HeadWriteFailure(names, head.id, *expected);
  // Matched nothing, yet at the expected version now: it moved and came back meanwhile.
  return failure.ok() ? HeadConflict(table, head.id, *expected, *expected) : failure;
}

Status MongoHotStore::WriteHead(const CollectionRef& ref, const HeadRow& head,
                                std::optional<int64_t> expected_version) {
  XRONOX_RETURN_IF_ERROR(ParseIndexed(head.indexed).status());
  XRONOX_ASSIGN_OR_RETURN(Names names, Resolve(ref, "write head"));
  return PutHead(names, head, expected_version);
}

// One unordered insert_many: a duplicate id fails its document alone (a write error naming its
// index); any other write error fails the call.
Result<std::vector<Status>> MongoHotStore::CreateHeads(const CollectionRef& ref,
                                                       const std::vector<HeadRow>& heads) {
  XRONOX_ASSIGN_OR_RETURN(Names names, Resolve(ref, "create heads"));
  std::vector<Status> results(heads.size());
  if (heads.empty()) return results;
  std::vector<Bson> docs(heads.size());
  // bson_t's alignment attribute is lost on a template argument (GCC warns), so the pointers
  // are held in a one-member struct, pointer-interconvertible with its member.
  struct DocPointer {
    const bson_t* doc;
  };
  std::vector<DocPointer> pointers;
  pointers.reserve(heads.size());
  for (size_t i = 0; i < heads.size(); ++i) {
    XRONOX_ASSIGN_OR_RETURN(IndexedValues indexed, ParseIndexed(heads[i].indexed));
    BuildHeadDoc(docs[i].get(), heads[i], indexed.text, indexed.values);
    pointers.push_back({docs[i].get()});
  }
  const std::string table = names.Target(names.head);
  MongoPooledClient client(pool_.get());
  MongoCollection coll(
      mongoc_client_get_collection(client.get(), names.db.c_str(), names.head.c_str()));
  Bson opts, reply;
  BSON_APPEND_BOOL(opts.get(), "ordered", false);
  bson_error_t error;
  if (mongoc_collection_insert_many(coll.get(), reinterpret_cast<const bson_t**>(pointers.data()),
                                    pointers.size(), opts.get(), reply.Reply(), &error)) {
    return results;
  }
  XRONOX_RETURN_IF_ERROR(DuplicatesOfBatch(reply.get(), heads, error, table, results));
  return results;
}

Status MongoHotStore::DeleteHead(const CollectionRef& ref, const std::string& id,
                                 int64_t expected_version) {
  XRONOX_ASSIGN_OR_RETURN(Names names, Resolve(ref, "delete head"));
  const std::string table = names.Target(names.head);
  // kIdOnly: check the version with a read, then delete by `_id`.
  if (id_only_filters_) XRONOX_RETURN_IF_ERROR(HeadWriteFailure(names, id, expected_version));
  MongoPooledClient client(pool_.get());
  MongoCollection coll(
      mongoc_client_get_collection(client.get(), names.db.c_str(), names.head.c_str()));
  Bson filter, reply;
  AppendString(filter.get(), "_id", id);
  if (!id_only_filters_) BSON_APPEND_INT64(filter.get(), "version", expected_version);
  bson_error_t error;
  if (!mongoc_collection_delete_one(coll.get(), filter.get(), nullptr, reply.Reply(), &error)) {
    return MongoStatus("delete head", IdTarget(table, id), error);
  }
  bson_iter_t deleted;
  if (bson_iter_init_find(&deleted, reply.get(), "deletedCount") &&
      bson_iter_as_int64(&deleted) == 1) {
    return Status::Ok();
  }
  Status failure = HeadWriteFailure(names, id, expected_version);
  return failure.ok() ? HeadConflict(table, id, expected_version, expected_version) : failure;
}

Status MongoHotStore::DeleteVersion(const Names& names, const VersionRow& version) {
  MongoPooledClient client(pool_.get());
  MongoCollection coll(
      mongoc_client_get_collection(client.get(), names.db.c_str(), names.ver.c_str()));
  Bson filter, reply;
  AppendIdVersion(filter.get(), version.id, version.version);
  bson_error_t error;
  if (!mongoc_collection_delete_one(coll.get(), filter.get(), nullptr, reply.Reply(), &error)) {
    return MongoStatus("withdraw version",
                       IdTarget(names.Target(names.ver), version.id) + " version " +
                           std::to_string(version.version),
                       error);
  }
  return Status::Ok();
}

Status MongoHotStore::CommitVersion(const CollectionRef& ref, const VersionRow& version,
                                    const HeadRow& head, std::optional<int64_t> expected_version) {
  XRONOX_RETURN_IF_ERROR(RequireVersioned(ref, "commit version"));
  XRONOX_ASSIGN_OR_RETURN(Names names, NamesOf(ref));
  if (version.id != head.id) {
    return InvalidArgument("commit version " + names.Target(names.ver) + ": version id '" +
                           version.id + "' differs from head id '" + head.id + "'");
  }
  XRONOX_RETURN_IF_ERROR(ParseIndexed(head.indexed).status());
  XRONOX_ASSIGN_OR_RETURN(names, Resolve(ref, "commit version"));
  // The version row's unique (id, version) insert is the mutual exclusion: of concurrent
  // committers of one version exactly one gets here; the head write follows.
  XRONOX_RETURN_IF_ERROR(InsertVersion(ref, version));
  FaultPoint("version_row_inserted");
  Status status = PutHead(names, head, expected_version);
  if (status.ok()) return status;
  // The head refused the write. If the head already reached this version, someone finished
  // this very commit from the row (a roll-forward): the row is in use and stays. Otherwise
  // withdraw the row this call inserted (no one else can have inserted it), so that a refused
  // commit changes nothing.
  XRONOX_ASSIGN_OR_RETURN(auto current, GetHead(ref, head.id));
  if (current && current->version >= version.version) return status;
  Status withdrawn = DeleteVersion(names, version);
  if (!withdrawn.ok()) {
    return Status(status.code(), status.message() + "; and then " + withdrawn.message());
  }
  return status;
}

Status MongoHotStore::InsertVersion(const CollectionRef& ref, const VersionRow& version) {
  XRONOX_RETURN_IF_ERROR(RequireVersioned(ref, "insert version"));
  XRONOX_ASSIGN_OR_RETURN(Names names, Resolve(ref, "insert version"));
  Bson doc;
  BuildVersionDoc(doc.get(), version);
  std::string what = "insert version " + IdTarget(names.Target(names.ver), version.id) +
                     " version " + std::to_string(version.version);
  Status status = InsertOne(names, names.ver, doc.get(), what);
  if (status.code() == StatusCode::kAlreadyExists) {
    return AlreadyExists(what + ": version already exists");
  }
  return status;
}

Result<std::optional<VersionRow>> MongoHotStore::GetVersion(const CollectionRef& ref,
                                                            const std::string& id,
                                                            int64_t version) {
  XRONOX_ASSIGN_OR_RETURN(Names names, Resolve(ref, "get version"));
  Bson filter, opts;
  AppendIdVersion(filter.get(), id, version);
  BSON_APPEND_INT64(opts.get(), "limit", 1);
  std::optional<VersionRow> row;
  XRONOX_RETURN_IF_ERROR(Find(names, names.ver, filter.get(), opts.get(),
                              "get version" + IdTarget("", id), [&](Doc found) {
                                const bson_t* doc = found.bson;
                                row = ReadVersionDoc(doc);
                                return false;
                              }));
  return row;
}

Result<std::optional<VersionRow>> MongoHotStore::GetVersionAsOf(const CollectionRef& ref,
                                                                const std::string& id,
                                                                TimestampMicros at) {
  XRONOX_ASSIGN_OR_RETURN(Names names, Resolve(ref, "get version as of"));
  Bson filter, opts;
  AppendString(filter.get(), "id", id);
  bson_t range;
  BSON_APPEND_DOCUMENT_BEGIN(filter.get(), "at", &range);
  BSON_APPEND_INT64(&range, "$lte", at);
  bson_append_document_end(filter.get(), &range);
  // Served by the {id: 1, at: -1, version: -1} index.
  BuildFindOpts(opts.get(), {{"at", -1}, {"version", -1}}, 1);
  std::optional<VersionRow> row;
  XRONOX_RETURN_IF_ERROR(Find(names, names.ver, filter.get(), opts.get(),
                              "get version as of" + IdTarget("", id), [&](Doc found) {
                                const bson_t* doc = found.bson;
                                row = ReadVersionDoc(doc);
                                return false;
                              }));
  return row;
}

Result<std::vector<VersionRow>> MongoHotStore::ListVersions(const CollectionRef& ref,
                                                            const std::string& id,
                                                            std::optional<int64_t> start_after,
                                                            int limit, Order order) {
  XRONOX_RETURN_IF_ERROR(ValidateLimit(limit, "list versions"));
  XRONOX_ASSIGN_OR_RETURN(Names names, Resolve(ref, "list versions"));
  bool ascending = order == Order::kAscending;
  Bson filter, opts;
  AppendString(filter.get(), "id", id);
  if (start_after.has_value()) {
    bson_t range;
    BSON_APPEND_DOCUMENT_BEGIN(filter.get(), "version", &range);
    BSON_APPEND_INT64(&range, ascending ? "$gt" : "$lt", *start_after);
    bson_append_document_end(filter.get(), &range);
  }
  BuildFindOpts(opts.get(), {{"version", ascending ? 1 : -1}}, limit);
  std::vector<VersionRow> rows;
  XRONOX_RETURN_IF_ERROR(Find(names, names.ver, filter.get(), opts.get(),
                              "list versions" + IdTarget("", id), [&](Doc found) {
                                const bson_t* doc = found.bson;
                                rows.push_back(ReadVersionDoc(doc));
                                return static_cast<int>(rows.size()) < limit;
                              }));
  return rows;
}

namespace {

// The ScanVersions filter: the conditions of `filter`, and with `after`, the versions after it in
// the scan's order: at < a, or at = a and id < i, or at = a, id = i and version < v.
void BuildVersionScanFilter(bson_t* doc, const VersionFilter& filter,
                            const std::optional<VersionPosition>& after) {
  if (!filter.actor.empty()) AppendString(doc, "actor", filter.actor);
  if (!filter.field.empty()) {
    bson_t keys, any;
    BSON_APPEND_DOCUMENT_BEGIN(doc, "fields", &keys);
    BSON_APPEND_ARRAY_BEGIN(&keys, "$in", &any);
    int n = 0;
    for (const std::string& key : FieldQueryKeys(filter.field)) {
      std::string index = std::to_string(n++);  // BSON_APPEND_* evaluates the key twice.
      AppendString(&any, index.c_str(), key);
    }
    bson_append_array_end(&keys, &any);
    bson_append_document_end(doc, &keys);
  }
  if (filter.from != 0 || filter.to != 0) {
    bson_t range;
    BSON_APPEND_DOCUMENT_BEGIN(doc, "at", &range);
    if (filter.from != 0) BSON_APPEND_INT64(&range, "$gte", filter.from);
    if (filter.to != 0) BSON_APPEND_INT64(&range, "$lt", filter.to);
    bson_append_document_end(doc, &range);
  }
  if (!after) return;
  bson_t any, branch, less;
  BSON_APPEND_ARRAY_BEGIN(doc, "$or", &any);
  for (int level = 0; level < 3; ++level) {
    std::string index = std::to_string(level);  // BSON_APPEND_* evaluates the key twice.
    BSON_APPEND_DOCUMENT_BEGIN(&any, index.c_str(), &branch);
    BSON_APPEND_DOCUMENT_BEGIN(&branch, level == 0 ? "at" : level == 1 ? "id" : "version", &less);
    if (level == 1) {
      AppendString(&less, "$lt", after->id);
    } else {
      BSON_APPEND_INT64(&less, "$lt", level == 0 ? after->at : after->version);
    }
    bson_append_document_end(&branch, &less);
    if (level >= 1) BSON_APPEND_INT64(&branch, "at", after->at);
    if (level == 2) AppendString(&branch, "id", after->id);
    bson_append_document_end(&any, &branch);
  }
  bson_append_array_end(doc, &any);
}

}  // namespace

Result<std::vector<VersionRow>> MongoHotStore::ScanVersions(
    const CollectionRef& ref, const VersionFilter& filter,
    const std::optional<VersionPosition>& after, int limit) {
  XRONOX_RETURN_IF_ERROR(ValidateLimit(limit, "scan versions"));
  XRONOX_RETURN_IF_ERROR(ValidateVersionFilter(filter));
  XRONOX_ASSIGN_OR_RETURN(Names names, Resolve(ref, "scan versions"));
  std::vector<VersionRow> rows;
  if (!ref.versioned) return rows;  // No version index.
  Bson query, opts;
  BuildVersionScanFilter(query.get(), filter, after);
  BuildFindOpts(opts.get(), {{"at", -1}, {"id", -1}, {"version", -1}}, limit);
  XRONOX_RETURN_IF_ERROR(
      Find(names, names.ver, query.get(), opts.get(), "scan versions", [&](Doc found) {
        VersionRow row = ReadVersionDoc(found.bson);
        // The reference rule decides, whatever the server matched.
        if (VersionMatches(filter, after, row)) rows.push_back(row);
        return static_cast<int>(rows.size()) < limit;
      }));
  return rows;
}

Status MongoHotStore::FillVersionFields(const Names& names) {
  Bson missing, opts;
  bson_t absent;
  BSON_APPEND_DOCUMENT_BEGIN(missing.get(), "fields", &absent);
  BSON_APPEND_BOOL(&absent, "$exists", false);
  bson_append_document_end(missing.get(), &absent);
  // A batch at a time: each one updated drops out of the next find.
  while (true) {
    std::vector<VersionRow> rows;
    XRONOX_RETURN_IF_ERROR(Find(names, names.ver, missing.get(), opts.get(),
                                "find versions without fields", [&](Doc found) {
                                  rows.push_back(ReadVersionDoc(found.bson));
                                  return rows.size() < 1000;
                                }));
    if (rows.empty()) return Status::Ok();
    for (const VersionRow& row : rows) {
      Bson filter, update;
      AppendString(filter.get(), "id", row.id);
      BSON_APPEND_INT64(filter.get(), "version", row.version);
      bson_t set;
      BSON_APPEND_DOCUMENT_BEGIN(update.get(), "$set", &set);
      AppendVersionFields(&set, row.changed_fields);
      bson_append_document_end(update.get(), &set);
      XRONOX_RETURN_IF_ERROR(UpdateMatched(names, names.ver, filter.get(), update.get(),
                                           /*replace=*/false, "index fields of versions")
                                 .status());
    }
  }
}

Result<std::vector<HeadRow>> MongoHotStore::ScanHeads(const CollectionRef& ref,
                                                      const IdRange& range, int limit,
                                                      const std::vector<Condition>& conditions,
                                                      bool include_deleted) {
  XRONOX_RETURN_IF_ERROR(ValidateLimit(limit, "scan heads"));
  XRONOX_RETURN_IF_ERROR(ValidateConditions(conditions));
  XRONOX_ASSIGN_OR_RETURN(Names names, Resolve(ref, "scan heads"));
  Bson filter, opts;
  BuildScanFilter(filter.get(), range, conditions, include_deleted);
  // The server filter may over-match (and skips what it cannot push down exactly), so
  // conditions are re-checked here and the cursor read until `limit` heads match.
  BuildFindOpts(opts.get(), {{"_id", range.order == Order::kAscending ? 1 : -1}},
                conditions.empty() ? limit : 0);
  if (!conditions.empty()) BSON_APPEND_INT32(opts.get(), "batchSize", std::max(limit, 100));
  std::vector<HeadRow> rows;
  Status parse_error;
  XRONOX_RETURN_IF_ERROR(
      Find(names, names.head, filter.get(), opts.get(), "scan heads", [&](Doc found) {
        const bson_t* doc = found.bson;
        HeadRow head = ReadHeadDoc(doc);
        Result<IndexedValues> indexed = ParseIndexed(head.indexed);
        if (!indexed.ok()) {
          parse_error = Corruption("scan heads " + IdTarget(names.Target(names.head), head.id) +
                                   ": " + indexed.status().message());
          return false;
        }
        if (MatchesConditions(conditions, indexed->values)) rows.push_back(std::move(head));
        return static_cast<int>(rows.size()) < limit;
      }));
  XRONOX_RETURN_IF_ERROR(parse_error);
  return rows;
}

}  // namespace xronox::store
