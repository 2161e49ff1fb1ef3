#include "store/hot/memory/memory_hot_store.h"

#include <algorithm>
#include <iterator>
#include <limits>
#include <mutex>

#include "common/names.h"
#include "store/hot/hot_store_rules.h"

namespace xronox::store {

Result<std::unique_ptr<MemoryHotStore>> MemoryHotStore::Open() {
  return std::unique_ptr<MemoryHotStore>(new MemoryHotStore());
}

Result<MemoryHotStore::Collection*> MemoryHotStore::Find(const CollectionRef& ref,
                                                         const char* operation) {
  XRONOX_RETURN_IF_ERROR(ValidateCollectionRef(ref));
  auto it = collections_.find(Key(ref.db, ref.collection));
  if (it == collections_.end()) {
    return NotFound(std::string(operation) + " " + StoreName(ref, "") +
                    ": collection does not exist");
  }
  return &it->second;
}

Status MemoryHotStore::EnsureCollection(const CollectionRef& ref,
                                        const std::vector<std::string>& indexed_props) {
  XRONOX_RETURN_IF_ERROR(ValidateCollectionRef(ref));
  for (const std::string& prop : indexed_props) XRONOX_RETURN_IF_ERROR(ValidateIndexedPath(prop));
  std::unique_lock lock(mu_);
  if (!collections_.count(Key(ref.db, ref.collection))) {
    std::vector<std::string> databases, collections;
    for (const auto& [key, collection] : collections_) {
      databases.push_back(key.first);
      if (key.first == ref.db) collections.push_back(key.second);
    }
    XRONOX_RETURN_IF_ERROR(CheckNameCase(ref, databases, collections));
  }
  Collection& c = collections_[Key(ref.db, ref.collection)];
  c.indexed_props.insert(indexed_props.begin(), indexed_props.end());
  return Status::Ok();
}

Result<bool> MemoryHotStore::CollectionExists(const CollectionRef& ref) {
  XRONOX_RETURN_IF_ERROR(ValidateCollectionRef(ref));
  std::shared_lock lock(mu_);
  return collections_.count(Key(ref.db, ref.collection)) != 0;
}

Result<std::vector<std::string>> MemoryHotStore::ListDatabases() {
  std::shared_lock lock(mu_);
  std::vector<std::string> names;
  for (const auto& [key, collection] : collections_) {
    if (names.empty() || names.back() != key.first) names.push_back(key.first);
  }
  return names;
}

Result<std::vector<std::string>> MemoryHotStore::ListCollections(const std::string& db) {
  XRONOX_RETURN_IF_ERROR(ValidateDatabaseName(db));
  std::shared_lock lock(mu_);
  std::vector<std::string> names;
  for (auto it = collections_.lower_bound(Key(db, "")); it != collections_.end(); ++it) {
    if (it->first.first != db) break;
    names.push_back(it->first.second);
  }
  return names;
}

Result<std::optional<HeadRow>> MemoryHotStore::GetHead(const CollectionRef& ref,
                                                       const std::string& id) {
  std::shared_lock lock(mu_);
  XRONOX_ASSIGN_OR_RETURN(Collection * c, Find(ref, "get head"));
  auto it = c->heads.find(id);
  if (it == c->heads.end()) return std::optional<HeadRow>();
  return std::optional<HeadRow>(it->second.row);
}

Status MemoryHotStore::CheckHeadWrite(const Collection& c, const std::string& table,
                                      const HeadRow& head,
                                      std::optional<int64_t> expected_version) {
  auto it = c.heads.find(head.id);
  if (!expected_version.has_value()) {
    return it == c.heads.end() ? Status::Ok() : HeadExists(table, head.id);
  }
  if (it == c.heads.end()) return HeadNotFound(table, head.id, *expected_version);
  int64_t current = it->second.row.version;
  if (current != *expected_version) {
    return HeadConflict(table, head.id, *expected_version, current);
  }
  return Status::Ok();
}

Status MemoryHotStore::CheckVersionInsert(const Collection& c, const std::string& table,
                                          const VersionRow& version) {
  auto it = c.versions.find(version.id);
  if (it != c.versions.end() && it->second.by_version.count(version.version) > 0) {
    return AlreadyExists("insert version " + table + " id '" + version.id + "' version " +
                         std::to_string(version.version) + ": version already exists");
  }
  return Status::Ok();
}

void MemoryHotStore::PutVersion(Collection& c, const VersionRow& version) {
  History& history = c.versions[version.id];
  history.by_version[version.version] = version;
  history.by_time.emplace(version.at, version.version);
}

Status MemoryHotStore::WriteHead(const CollectionRef& ref, const HeadRow& head,
                                 std::optional<int64_t> expected_version) {
  XRONOX_ASSIGN_OR_RETURN(IndexedValues indexed, ParseIndexed(head.indexed));
  std::unique_lock lock(mu_);
  XRONOX_ASSIGN_OR_RETURN(Collection * c, Find(ref, "write head"));
  XRONOX_RETURN_IF_ERROR(CheckHeadWrite(*c, StoreName(ref, "_head"), head, expected_version));
  XRONOX_RETURN_IF_ERROR(AddCountsLocked(ref, head.counts_delta));
  Head& stored = c->heads[head.id];
  stored.row = head;
  stored.row.indexed = std::move(indexed.text);
  stored.indexed = std::move(indexed.values);
  return Status::Ok();
}

Status MemoryHotStore::DeleteHead(const CollectionRef& ref, const std::string& id,
                                  int64_t expected_version) {
  std::unique_lock lock(mu_);
  XRONOX_ASSIGN_OR_RETURN(Collection * c, Find(ref, "delete head"));
  auto it = c->heads.find(id);
  const std::string table = StoreName(ref, "_head");
  if (it == c->heads.end()) return HeadNotFound(table, id, expected_version);
  if (it->second.row.version != expected_version) {
    return HeadConflict(table, id, expected_version, it->second.row.version);
  }
  c->heads.erase(it);
  return Status::Ok();
}

Status MemoryHotStore::CommitVersion(const CollectionRef& ref, const VersionRow& version,
                                     const HeadRow& head, std::optional<int64_t> expected_version) {
  XRONOX_RETURN_IF_ERROR(RequireVersioned(ref, "commit version"));
  if (version.id != head.id) {
    return InvalidArgument("commit version " + StoreName(ref, "_ver") + ": version id '" +
                           version.id + "' differs from head id '" + head.id + "'");
  }
  XRONOX_ASSIGN_OR_RETURN(IndexedValues indexed, ParseIndexed(head.indexed));
  std::unique_lock lock(mu_);
  XRONOX_ASSIGN_OR_RETURN(Collection * c, Find(ref, "commit version"));
  XRONOX_RETURN_IF_ERROR(CheckVersionInsert(*c, StoreName(ref, "_ver"), version));
  XRONOX_RETURN_IF_ERROR(CheckHeadWrite(*c, StoreName(ref, "_head"), head, expected_version));
  XRONOX_RETURN_IF_ERROR(AddCountsLocked(ref, head.counts_delta));
  PutVersion(*c, version);
  Head& stored = c->heads[head.id];
  stored.row = head;
  stored.row.indexed = std::move(indexed.text);
  stored.indexed = std::move(indexed.values);
  return Status::Ok();
}

Status MemoryHotStore::InsertVersion(const CollectionRef& ref, const VersionRow& version) {
  XRONOX_RETURN_IF_ERROR(RequireVersioned(ref, "insert version"));
  std::unique_lock lock(mu_);
  XRONOX_ASSIGN_OR_RETURN(Collection * c, Find(ref, "insert version"));
  XRONOX_RETURN_IF_ERROR(CheckVersionInsert(*c, StoreName(ref, "_ver"), version));
  PutVersion(*c, version);
  return Status::Ok();
}

Result<std::optional<VersionRow>> MemoryHotStore::GetVersion(const CollectionRef& ref,
                                                             const std::string& id,
                                                             int64_t version) {
  std::shared_lock lock(mu_);
  XRONOX_ASSIGN_OR_RETURN(Collection * c, Find(ref, "get version"));
  auto history = c->versions.find(id);
  if (history == c->versions.end()) return std::optional<VersionRow>();
  auto it = history->second.by_version.find(version);
  if (it == history->second.by_version.end()) return std::optional<VersionRow>();
  return std::optional<VersionRow>(it->second);
}

Result<std::optional<VersionRow>> MemoryHotStore::GetVersionAsOf(const CollectionRef& ref,
                                                                 const std::string& id,
                                                                 TimestampMicros at) {
  std::shared_lock lock(mu_);
  XRONOX_ASSIGN_OR_RETURN(Collection * c, Find(ref, "get version as of"));
  auto history = c->versions.find(id);
  if (history == c->versions.end()) return std::optional<VersionRow>();
  const auto& by_time = history->second.by_time;
  // The first entry after (at, max) is later than `at`; the one before it is the answer.
  auto it = by_time.upper_bound({at, std::numeric_limits<int64_t>::max()});
  if (it == by_time.begin()) return std::optional<VersionRow>();
  --it;
  return std::optional<VersionRow>(history->second.by_version.at(it->second));
}

Result<std::vector<VersionRow>> MemoryHotStore::ListVersions(const CollectionRef& ref,
                                                             const std::string& id,
                                                             std::optional<int64_t> start_after,
                                                             int limit, Order order) {
  XRONOX_RETURN_IF_ERROR(ValidateLimit(limit, "list versions"));
  std::shared_lock lock(mu_);
  XRONOX_ASSIGN_OR_RETURN(Collection * c, Find(ref, "list versions"));
  std::vector<VersionRow> rows;
  auto history = c->versions.find(id);
  if (history == c->versions.end()) return rows;
  const auto& by_version = history->second.by_version;
  if (order == Order::kAscending) {
    auto it = start_after ? by_version.upper_bound(*start_after) : by_version.begin();
    for (; it != by_version.end() && static_cast<int>(rows.size()) < limit; ++it) {
      rows.push_back(it->second);
    }
  } else {
    auto end = start_after ? by_version.lower_bound(*start_after) : by_version.end();
    for (auto it = std::make_reverse_iterator(end);
         it != by_version.rend() && static_cast<int>(rows.size()) < limit; ++it) {
      rows.push_back(it->second);
    }
  }
  return rows;
}

Result<std::vector<VersionRow>> MemoryHotStore::ScanVersions(
    const CollectionRef& ref, const VersionFilter& filter,
    const std::optional<VersionPosition>& after, int limit) {
  XRONOX_RETURN_IF_ERROR(ValidateLimit(limit, "scan versions"));
  XRONOX_RETURN_IF_ERROR(ValidateVersionFilter(filter));
  std::shared_lock lock(mu_);
  XRONOX_ASSIGN_OR_RETURN(Collection * c, Find(ref, "scan versions"));
  std::vector<VersionRow> rows;
  for (const auto& [id, history] : c->versions) {
    for (const auto& [version, row] : history.by_version) {
      if (VersionMatches(filter, after, row)) rows.push_back(row);
    }
  }
  return MergeVersionPages(std::move(rows), limit);
}

Result<std::vector<HeadRow>> MemoryHotStore::ScanHeads(const CollectionRef& ref,
                                                       const IdRange& range, int limit,
                                                       const std::vector<Condition>& conditions,
                                                       bool include_deleted) {
  XRONOX_RETURN_IF_ERROR(ValidateLimit(limit, "scan heads"));
  XRONOX_RETURN_IF_ERROR(ValidateConditions(conditions));
  std::shared_lock lock(mu_);
  XRONOX_ASSIGN_OR_RETURN(Collection * c, Find(ref, "scan heads"));
  std::vector<HeadRow> rows;
  if (!range.before_id.empty() && range.before_id <= range.after_id) return rows;
  // [first, last): the ids after after_id and before before_id.
  auto first = c->heads.upper_bound(range.after_id);
  auto last = range.before_id.empty() ? c->heads.end() : c->heads.lower_bound(range.before_id);
  auto take = [&](const Head& head) {
    if (head.row.deleted && !include_deleted) return;
    if (MatchesConditions(conditions, head.indexed)) rows.push_back(head.row);
  };
  if (range.order == Order::kAscending) {
    for (auto it = first; it != last && static_cast<int>(rows.size()) < limit; ++it) {
      take(it->second);
    }
  } else {
    for (auto it = last; it != first && static_cast<int>(rows.size()) < limit;) {
      take((--it)->second);
    }
  }
  return rows;
}

Status MemoryHotStore::InsertClaim(const CollectionRef& ref, const ClaimRow& claim) {
  std::unique_lock lock(mu_);
  XRONOX_ASSIGN_OR_RETURN(Collection * c, Find(ref, "insert claim"));
  if (!c->claims.emplace(claim.key, claim).second) {
    return AlreadyExists("insert claim " + StoreName(ref, "_locks") + " key '" + claim.key +
                         "': already claimed");
  }
  return Status::Ok();
}

Result<std::optional<ClaimRow>> MemoryHotStore::GetClaim(const CollectionRef& ref,
                                                         const std::string& key) {
  std::shared_lock lock(mu_);
  XRONOX_ASSIGN_OR_RETURN(Collection * c, Find(ref, "get claim"));
  auto it = c->claims.find(key);
  if (it == c->claims.end()) return std::optional<ClaimRow>();
  return std::optional<ClaimRow>(it->second);
}

Status MemoryHotStore::UpdateClaim(const CollectionRef& ref, const ClaimRow& claim) {
  std::unique_lock lock(mu_);
  XRONOX_ASSIGN_OR_RETURN(Collection * c, Find(ref, "update claim"));
  auto it = c->claims.find(claim.key);
  if (it == c->claims.end() || it->second.owner != claim.owner) {
    return NotFound("update claim " + StoreName(ref, "_locks") + " key '" + claim.key +
                    "': not held by owner '" + claim.owner + "'");
  }
  it->second.body = claim.body;
  return Status::Ok();
}

Status MemoryHotStore::DeleteClaim(const CollectionRef& ref, const std::string& key,
                                   const std::string& owner) {
  std::unique_lock lock(mu_);
  XRONOX_ASSIGN_OR_RETURN(Collection * c, Find(ref, "delete claim"));
  auto it = c->claims.find(key);
  if (it != c->claims.end() && it->second.owner == owner) c->claims.erase(it);
  return Status::Ok();
}

Result<std::vector<ClaimRow>> MemoryHotStore::ListClaims(const CollectionRef& ref,
                                                         const std::string& prefix) {
  std::shared_lock lock(mu_);
  XRONOX_ASSIGN_OR_RETURN(Collection * c, Find(ref, "list claims"));
  std::vector<ClaimRow> rows;
  for (auto it = c->claims.lower_bound(prefix);
       it != c->claims.end() && it->first.compare(0, prefix.size(), prefix) == 0; ++it) {
    rows.push_back(it->second);
  }
  return rows;
}

Result<int64_t> MemoryHotStore::IncrementCounter(const CollectionRef& ref, const std::string& name,
                                                 int64_t delta) {
  std::unique_lock lock(mu_);
  XRONOX_ASSIGN_OR_RETURN(Collection * c, Find(ref, "increment counter"));
  int64_t& value = c->counters[name];
  XRONOX_ASSIGN_OR_RETURN(value, AddToCounter(StoreName(ref, "_counter"), name, value, delta));
  return value;
}

Status MemoryHotStore::AddCountsLocked(const CollectionRef& ref, const CollectionCounts& delta) {
  if (delta.IsZero()) return Status::Ok();
  CollectionCounts& counts = counts_[Key(ref.CounterDb(), ref.collection)];
  XRONOX_ASSIGN_OR_RETURN(counts, SumCounts(StoreName(ref, "_counter"), counts, delta));
  return Status::Ok();
}

Result<CollectionCounts> MemoryHotStore::GetCounts(const CollectionRef& ref) {
  std::shared_lock lock(mu_);
  XRONOX_RETURN_IF_ERROR(Find(ref, "get counts").status());
  auto it = counts_.find(Key(ref.CounterDb(), ref.collection));
  return it == counts_.end() ? CollectionCounts{} : it->second;
}

Status MemoryHotStore::AddCounts(const CollectionRef& ref, const CollectionCounts& delta) {
  std::unique_lock lock(mu_);
  XRONOX_RETURN_IF_ERROR(Find(ref, "add counts").status());
  return AddCountsLocked(ref, delta);
}

Status MemoryHotStore::SetCounts(const CollectionRef& ref, const CollectionCounts& counts) {
  std::unique_lock lock(mu_);
  XRONOX_RETURN_IF_ERROR(Find(ref, "set counts").status());
  counts_[Key(ref.CounterDb(), ref.collection)] = counts;
  return Status::Ok();
}

}  // namespace xronox::store
