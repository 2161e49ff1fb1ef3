// MongoHotStore: counters ({c}_counter, in the collection's counter database).
//
// Named counters (IncrementCounter) are chains of entries {name, seq, value}; the entry with the
// highest seq holds the value. An increment inserts entry seq+1 under the unique (name, seq)
// index, so of concurrent incrementers of one seq exactly one succeeds and the others re-read
// and retry: no increment is lost even where $inc/findAndModify are not atomic (FerretDB v1).
//
// The record counts (docs/formats/counters.md) are a base document {_id: "records", the four
// counts, folded: [delta ids]} and delta documents {_id: "records.delta/{random}", name:
// "records.delta", the four changes}. An add inserts one delta: an insert of a fresh _id, which
// every server makes atomically and which no two adders contend for. The counts are the base
// plus every delta not listed in `folded`. Every so often an adder folds: holding the claim
// "counts:fold" in {c}_locks (so the base has one writer at a time), it deletes the deltas the
// base already lists (left by a fold that died before deleting them), writes the base plus the
// other deltas with those listed in `folded`, then deletes them. A fold that dies at any point
// leaves a state that reads the same counts; its claim expires after kFoldLeaseMicros.
#include <chrono>
#include <limits>
#include <set>
#include <thread>
#include <utility>

#include "common/clock.h"
#include "common/ids.h"
#include "store/hot/hot_store_rules.h"
#include "store/hot/mongo/mongo_docs.h"
#include "store/hot/mongo/mongo_error.h"
#include "store/hot/mongo/mongo_hot_store.h"

namespace xronox::store {

namespace {

constexpr const char* kCountsBaseId = "records";
constexpr const char* kDeltaName = "records.delta";
constexpr const char* kFoldClaimKey = "counts:fold";
// An adder folds after every kFoldEvery-th add of its process, taking at most kMaxFolded
// deltas, so a read finds about kFoldEvery deltas per writing process.
constexpr uint64_t kFoldEvery = 32;
constexpr int kMaxFolded = 1000;
// A fold claim older than this belongs to a folder that died; the next folder removes it.
constexpr int64_t kFoldLeaseMicros = int64_t{60} * 1'000'000;
constexpr int kSetAttempts = 200;  // SetCounts waits up to about 10 s for the fold claim.
const char* const kCountFieldNames[] = {"created", "updated", "deleted", "live"};

CollectionCounts ReadCountFields(const bson_t* doc) {
  CollectionCounts counts;
  for (size_t i = 0; i < std::size(kCountFields); ++i) {
    counts.*kCountFields[i] = Int64Field(doc, kCountFieldNames[i]).value_or(0);
  }
  return counts;
}

void AppendCountFields(bson_t* doc, const CollectionCounts& counts) {
  for (size_t i = 0; i < std::size(kCountFields); ++i) {
    BSON_APPEND_INT64(doc, kCountFieldNames[i], counts.*kCountFields[i]);
  }
}

std::set<std::string> StringArray(const bson_t* doc, const char* key) {
  std::set<std::string> out;
  bson_iter_t it, child;
  if (!bson_iter_init_find(&it, doc, key) || !BSON_ITER_HOLDS_ARRAY(&it) ||
      !bson_iter_recurse(&it, &child)) {
    return out;
  }
  while (bson_iter_next(&child)) {
    if (BSON_ITER_HOLDS_UTF8(&child)) out.insert(bson_iter_utf8(&child, nullptr));
  }
  return out;
}

// `values` as an array at `key` of `parent`.
void AppendStringArray(bson_t* parent, const char* key, const std::vector<std::string>& values) {
  bson_t array;
  BSON_APPEND_ARRAY_BEGIN(parent, key, &array);
  for (size_t i = 0; i < values.size(); ++i) {
    std::string index = std::to_string(i);
    AppendString(&array, index.c_str(), values[i]);
  }
  bson_append_array_end(parent, &array);
}

}  // namespace

struct MongoHotStore::CountsState {
  CollectionCounts base;
  std::set<std::string> folded;  // Delta ids the base already holds.
  bool base_exists = false;
  std::vector<std::pair<std::string, CollectionCounts>> deltas;  // (id, change)
  // The counts this state reads as: the base plus every delta it does not hold.
  Result<CollectionCounts> Total(const std::string& table) const {
    CollectionCounts total = base;
    for (const auto& [id, change] : deltas) {
      if (folded.count(id)) continue;
      XRONOX_ASSIGN_OR_RETURN(total, SumCounts(table, total, change));
    }
    return total;
  }
};

Result<int64_t> MongoHotStore::IncrementCounter(const CollectionRef& ref, const std::string& name,
                                                int64_t delta) {
  XRONOX_ASSIGN_OR_RETURN(Names names, Resolve(ref, "increment counter"));
  Names counters = names.Counters();
  std::string table = counters.Target(counters.counter);
  std::string what = "increment counter " + table + " '" + name + "'";
  for (int attempt = 0; attempt < kMaxCounterAttempts; ++attempt) {
    Bson filter, opts;
    AppendString(filter.get(), "name", name);
    bson_t sort;
    BSON_APPEND_DOCUMENT_BEGIN(opts.get(), "sort", &sort);
    BSON_APPEND_INT32(&sort, "seq", -1);
    bson_append_document_end(opts.get(), &sort);
    BSON_APPEND_INT64(opts.get(), "limit", 1);
    int64_t seq = -1;
    int64_t value = 0;
    XRONOX_RETURN_IF_ERROR(
        Find(counters, counters.counter, filter.get(), opts.get(), what, [&](Doc found) {
          seq = Int64Field(found.bson, "seq").value_or(0);
          value = Int64Field(found.bson, "value").value_or(0);
          return false;
        }));
    XRONOX_ASSIGN_OR_RETURN(int64_t sum, AddToCounter(table, name, value, delta));
    if (delta == 0) return sum;
    Bson entry;
    AppendString(entry.get(), "name", name);
    BSON_APPEND_INT64(entry.get(), "seq", seq + 1);
    BSON_APPEND_INT64(entry.get(), "value", sum);
    Status inserted = InsertOne(counters, counters.counter, entry.get(), what);
    if (inserted.ok()) return sum;
    if (inserted.code() != StatusCode::kAlreadyExists) return inserted;
  }
  return Unavailable(what + ": still contended after " + std::to_string(kMaxCounterAttempts) +
                     " attempts");
}

// The deltas are read before the base: a fold that lands in between has put the deltas it
// deleted into the base's `folded`, so none is counted twice or missed.
Result<MongoHotStore::CountsState> MongoHotStore::ReadCountsState(const Names& counters,
                                                                  int max_deltas) {
  CountsState state;
  std::string what = "read counts " + counters.Target(counters.counter);
  Bson deltas, opts;
  AppendString(deltas.get(), "name", kDeltaName);
  BSON_APPEND_INT64(opts.get(), "limit", max_deltas);
  XRONOX_RETURN_IF_ERROR(
      Find(counters, counters.counter, deltas.get(), opts.get(), what, [&](Doc doc) {
        state.deltas.emplace_back(StringField(doc.bson, "_id"), ReadCountFields(doc.bson));
        return true;
      }));
  Bson base;
  AppendString(base.get(), "_id", kCountsBaseId);
  XRONOX_RETURN_IF_ERROR(Find(counters, counters.counter, base.get(), nullptr, what, [&](Doc doc) {
    state.base = ReadCountFields(doc.bson);
    state.folded = StringArray(doc.bson, "folded");
    state.base_exists = true;
    return false;
  }));
  return state;
}

Result<CollectionCounts> MongoHotStore::GetCounts(const CollectionRef& ref) {
  XRONOX_ASSIGN_OR_RETURN(Names names, Resolve(ref, "get counts"));
  Names counters = names.Counters();
  XRONOX_ASSIGN_OR_RETURN(CountsState state,
                          ReadCountsState(counters, std::numeric_limits<int32_t>::max()));
  return state.Total(counters.Target(counters.counter));
}

Status MongoHotStore::AddCounts(const CollectionRef& ref, const CollectionCounts& delta) {
  if (delta.IsZero()) return Status::Ok();
  XRONOX_ASSIGN_OR_RETURN(Names names, Resolve(ref, "add counts"));
  Names counters = names.Counters();
  std::string what = "add counts " + counters.Target(counters.counter);
  // Not checked against overflow here (that would read every delta on every add): a sum
  // that overflows is refused where it is made, by the read or the fold.
  Bson doc;
  AppendString(doc.get(), "_id", std::string(kDeltaName) + "/" + RandomHex(12));
  AppendString(doc.get(), "name", kDeltaName);
  AppendCountFields(doc.get(), delta);
  XRONOX_RETURN_IF_ERROR(InsertOne(counters, counters.counter, doc.get(), what));
  if (count_adds_.fetch_add(1) % kFoldEvery == kFoldEvery - 1) {
    // The add is made; a fold that fails (or finds the claim taken) leaves its deltas for the
    // next one, and they count all the same.
    (void)FoldCounts(ref, counters, std::nullopt);
  }
  return Status::Ok();
}

Status MongoHotStore::SetCounts(const CollectionRef& ref, const CollectionCounts& counts) {
  XRONOX_ASSIGN_OR_RETURN(Names names, Resolve(ref, "set counts"));
  Names counters = names.Counters();
  Status folded;
  for (int attempt = 0; attempt < kSetAttempts; ++attempt) {
    folded = FoldCounts(ref, counters, counts);
    if (folded.code() != StatusCode::kUnavailable) return folded;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return folded;
}

Status MongoHotStore::FoldCounts(const CollectionRef& ref, const Names& counters,
                                 const std::optional<CollectionCounts>& set_to) {
  std::string table = counters.Target(counters.counter);
  ClaimRow claim{kFoldClaimKey, RandomHex(8), SystemClock::Default()->NowMicros(), ""};
  Status claimed = InsertClaim(ref, claim);
  if (claimed.code() == StatusCode::kAlreadyExists) {
    XRONOX_ASSIGN_OR_RETURN(auto holder, GetClaim(ref, kFoldClaimKey));
    if (holder && holder->at >= SystemClock::Default()->NowMicros() - kFoldLeaseMicros) {
      return Unavailable("fold counts " + table + ": another process is folding");
    }
    if (holder) XRONOX_RETURN_IF_ERROR(DeleteClaim(ref, kFoldClaimKey, holder->owner));
    claimed = InsertClaim(ref, claim);
    if (claimed.code() == StatusCode::kAlreadyExists) {
      return Unavailable("fold counts " + table + ": another process is folding");
    }
  }
  XRONOX_RETURN_IF_ERROR(claimed);
  Status status = FoldHoldingClaim(counters, set_to);
  Status released = DeleteClaim(ref, kFoldClaimKey, claim.owner);
  return status.ok() ? released : status;
}

// Holding the fold claim: the base has no other writer.
Status MongoHotStore::FoldHoldingClaim(const Names& counters,
                                       const std::optional<CollectionCounts>& set_to) {
  std::string table = counters.Target(counters.counter);
  XRONOX_ASSIGN_OR_RETURN(
      CountsState state,
      ReadCountsState(counters, set_to ? std::numeric_limits<int32_t>::max() : kMaxFolded));
  // First the deltas the base already holds (a fold died before deleting them): once the base
  // stops listing them they would count again.
  XRONOX_RETURN_IF_ERROR(DeleteCountDeltas(
      counters, std::vector<std::string>(state.folded.begin(), state.folded.end())));
  CollectionCounts base = state.base;
  std::vector<std::string> fresh;
  for (const auto& [id, change] : state.deltas) {
    if (state.folded.count(id)) continue;
    fresh.push_back(id);
    if (!set_to) {
      XRONOX_ASSIGN_OR_RETURN(base, SumCounts(table, base, change));
    }
  }
  if (set_to) base = *set_to;
  Bson doc;
  AppendString(doc.get(), "_id", kCountsBaseId);
  AppendCountFields(doc.get(), base);
  AppendStringArray(doc.get(), "folded", fresh);
  std::string what = "fold counts " + table;
  if (state.base_exists) {
    Bson filter;
    AppendString(filter.get(), "_id", kCountsBaseId);
    XRONOX_RETURN_IF_ERROR(
        UpdateMatched(counters, counters.counter, filter.get(), doc.get(), true, what).status());
  } else {
    XRONOX_RETURN_IF_ERROR(InsertOne(counters, counters.counter, doc.get(), what));
  }
  return DeleteCountDeltas(counters, fresh);
}

Status MongoHotStore::DeleteCountDeltas(const Names& counters,
                                        const std::vector<std::string>& ids) {
  if (ids.empty()) return Status::Ok();
  Bson filter;
  bson_t id_filter;
  BSON_APPEND_DOCUMENT_BEGIN(filter.get(), "_id", &id_filter);
  AppendStringArray(&id_filter, "$in", ids);
  bson_append_document_end(filter.get(), &id_filter);
  MongoPooledClient client(pool_.get());
  MongoCollection coll(
      mongoc_client_get_collection(client.get(), counters.db.c_str(), counters.counter.c_str()));
  bson_error_t error;
  Bson reply;
  if (!mongoc_collection_delete_many(coll.get(), filter.get(), nullptr, reply.Reply(), &error)) {
    return MongoStatus("delete folded counts", counters.Target(counters.counter), error);
  }
  return Status::Ok();
}

}  // namespace xronox::store
