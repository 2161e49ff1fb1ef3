// MongoHotStore: claims ({c}_locks).
#include "store/hot/hot_store_rules.h"
#include "store/hot/mongo/mongo_docs.h"
#include "store/hot/mongo/mongo_error.h"
#include "store/hot/mongo/mongo_hot_store.h"

namespace xronox::store {

namespace {

std::string KeyTarget(const std::string& target, const std::string& key) {
  return target + " key '" + key + "'";
}

}  // namespace

Status MongoHotStore::InsertClaim(const CollectionRef& ref, const ClaimRow& claim) {
  XRONOX_ASSIGN_OR_RETURN(Names names, Resolve(ref, "insert claim"));
  Bson doc;
  BuildClaimDoc(doc.get(), claim);
  std::string what = "insert claim " + KeyTarget(names.Target(names.locks), claim.key);
  Status status = InsertOne(names, names.locks, doc.get(), what);
  if (status.code() == StatusCode::kAlreadyExists) return AlreadyExists(what + ": already claimed");
  return status;
}

Result<std::optional<ClaimRow>> MongoHotStore::GetClaim(const CollectionRef& ref,
                                                        const std::string& key) {
  XRONOX_ASSIGN_OR_RETURN(Names names, Resolve(ref, "get claim"));
  Bson filter, opts;
  AppendString(filter.get(), "_id", key);
  BSON_APPEND_INT64(opts.get(), "limit", 1);
  std::optional<ClaimRow> claim;
  XRONOX_RETURN_IF_ERROR(Find(names, names.locks, filter.get(), opts.get(),
                              "get claim" + KeyTarget("", key), [&](Doc found) {
                                const bson_t* doc = found.bson;
                                claim = ReadClaimDoc(doc);
                                return false;
                              }));
  return claim;
}

// NotFound unless `owner` holds the claim `key` (the id-only check before a write by `_id`).
Status MongoHotStore::CheckClaimOwner(const CollectionRef& ref, const std::string& key,
                                      const std::string& owner, const std::string& what) {
  XRONOX_ASSIGN_OR_RETURN(std::optional<ClaimRow> held, GetClaim(ref, key));
  if (held && held->owner == owner) return Status::Ok();
  return NotFound(what + ": not held by owner '" + owner + "'");
}

Status MongoHotStore::UpdateClaim(const CollectionRef& ref, const ClaimRow& claim) {
  XRONOX_ASSIGN_OR_RETURN(Names names, Resolve(ref, "update claim"));
  std::string what = "update claim " + KeyTarget(names.Target(names.locks), claim.key);
  if (id_only_filters_) XRONOX_RETURN_IF_ERROR(CheckClaimOwner(ref, claim.key, claim.owner, what));
  Bson filter, update;
  AppendString(filter.get(), "_id", claim.key);
  if (!id_only_filters_) AppendString(filter.get(), "owner", claim.owner);
  bson_t set;
  BSON_APPEND_DOCUMENT_BEGIN(update.get(), "$set", &set);
  AppendString(&set, "body", claim.body);
  bson_append_document_end(update.get(), &set);
  XRONOX_ASSIGN_OR_RETURN(
      int64_t matched, UpdateMatched(names, names.locks, filter.get(), update.get(), false, what));
  if (matched == 1) return Status::Ok();
  return NotFound(what + ": not held by owner '" + claim.owner + "'");
}

Status MongoHotStore::DeleteClaim(const CollectionRef& ref, const std::string& key,
                                  const std::string& owner) {
  XRONOX_ASSIGN_OR_RETURN(Names names, Resolve(ref, "delete claim"));
  if (id_only_filters_) {
    // kIdOnly: delete by `_id` only when `owner` holds the claim (ok otherwise: a no-op).
    Status held = CheckClaimOwner(ref, key, owner, "delete claim");
    if (held.code() == StatusCode::kNotFound) return Status::Ok();
    XRONOX_RETURN_IF_ERROR(held);
  }
  MongoPooledClient client(pool_.get());
  MongoCollection coll(
      mongoc_client_get_collection(client.get(), names.db.c_str(), names.locks.c_str()));
  Bson filter, reply;
  AppendString(filter.get(), "_id", key);
  if (!id_only_filters_) AppendString(filter.get(), "owner", owner);
  bson_error_t error;
  if (!mongoc_collection_delete_one(coll.get(), filter.get(), nullptr, reply.Reply(), &error)) {
    return MongoStatus("delete claim", KeyTarget(names.Target(names.locks), key), error);
  }
  return Status::Ok();
}

Result<std::vector<ClaimRow>> MongoHotStore::ListClaims(const CollectionRef& ref,
                                                        const std::string& prefix) {
  XRONOX_ASSIGN_OR_RETURN(Names names, Resolve(ref, "list claims"));
  // Keys compare bytewise, so the keys with the prefix are one run starting at the prefix.
  Bson filter, opts;
  bson_t range, sort;
  BSON_APPEND_DOCUMENT_BEGIN(filter.get(), "_id", &range);
  AppendString(&range, "$gte", prefix);
  bson_append_document_end(filter.get(), &range);
  BSON_APPEND_DOCUMENT_BEGIN(opts.get(), "sort", &sort);
  BSON_APPEND_INT32(&sort, "_id", 1);
  bson_append_document_end(opts.get(), &sort);
  std::vector<ClaimRow> rows;
  XRONOX_RETURN_IF_ERROR(Find(names, names.locks, filter.get(), opts.get(),
                              "list claims prefix '" + prefix + "' in", [&](Doc found) {
                                const bson_t* doc = found.bson;
                                ClaimRow claim = ReadClaimDoc(doc);
                                if (!claim.key.starts_with(prefix)) return false;
                                rows.push_back(std::move(claim));
                                return true;
                              }));
  return rows;
}

}  // namespace xronox::store
