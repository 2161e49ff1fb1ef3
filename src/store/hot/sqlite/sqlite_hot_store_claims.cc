// SqliteHotStore: claims ({c}_locks) and counters ({c}_counter).
#include "store/hot/hot_store_rules.h"
#include "store/hot/sqlite/sqlite_hot_store.h"
#include "store/hot/sqlite/sqlite_rows.h"

namespace xronox::store {

namespace {

std::string ClaimTarget(const SqliteTables& t, const std::string& key) {
  return t.locks + " key '" + key + "'";
}

}  // namespace

Status SqliteHotStore::InsertClaim(const CollectionRef& ref, const ClaimRow& claim) {
  XRONOX_ASSIGN_OR_RETURN(const SqliteTables* tables, Existing(ref));
  const SqliteTables& t = *tables;
  std::string what = "insert claim " + ClaimTarget(t, claim.key);
  return Write(what, [&](SqliteConnection& conn) {
    XRONOX_ASSIGN_OR_RETURN(Statement insert, conn.Prepare(InsertClaimSql(t), what));
    insert.BindText(claim.key).BindText(claim.owner).BindInt(claim.at).BindText(claim.body);
    return insert.Run();
  });
}

Result<std::optional<ClaimRow>> SqliteHotStore::GetClaim(const CollectionRef& ref,
                                                         const std::string& key) {
  XRONOX_ASSIGN_OR_RETURN(const SqliteTables* tables, Existing(ref));
  const SqliteTables& t = *tables;
  XRONOX_ASSIGN_OR_RETURN(SqlitePool::Lease conn, pool_.Acquire());
  XRONOX_ASSIGN_OR_RETURN(Statement select,
                          conn->Prepare(SelectClaimSql(t), "get claim " + ClaimTarget(t, key)));
  select.BindText(key);
  XRONOX_ASSIGN_OR_RETURN(bool found, select.Step());
  if (!found) return std::optional<ClaimRow>();
  return std::optional<ClaimRow>(ReadClaim(select));
}

Status SqliteHotStore::UpdateClaim(const CollectionRef& ref, const ClaimRow& claim) {
  XRONOX_ASSIGN_OR_RETURN(const SqliteTables* tables, Existing(ref));
  const SqliteTables& t = *tables;
  std::string what = "update claim " + ClaimTarget(t, claim.key);
  return Write(what, [&](SqliteConnection& conn) {
    {
      XRONOX_ASSIGN_OR_RETURN(Statement update, conn.Prepare(UpdateClaimSql(t), what));
      update.BindText(claim.body).BindText(claim.key).BindText(claim.owner);
      XRONOX_RETURN_IF_ERROR(update.Run());
    }
    if (conn.Changes() == 1) return Status::Ok();
    return NotFound(what + ": not held by owner '" + claim.owner + "'");
  });
}

Status SqliteHotStore::DeleteClaim(const CollectionRef& ref, const std::string& key,
                                   const std::string& owner) {
  XRONOX_ASSIGN_OR_RETURN(const SqliteTables* tables, Existing(ref));
  const SqliteTables& t = *tables;
  std::string what = "delete claim " + ClaimTarget(t, key);
  return Write(what, [&](SqliteConnection& conn) {
    XRONOX_ASSIGN_OR_RETURN(Statement erase, conn.Prepare(DeleteClaimSql(t), what));
    erase.BindText(key).BindText(owner);
    return erase.Run();
  });
}

Result<std::vector<ClaimRow>> SqliteHotStore::ListClaims(const CollectionRef& ref,
                                                         const std::string& prefix) {
  XRONOX_ASSIGN_OR_RETURN(const SqliteTables* tables, Existing(ref));
  const SqliteTables& t = *tables;
  XRONOX_ASSIGN_OR_RETURN(SqlitePool::Lease conn, pool_.Acquire());
  XRONOX_ASSIGN_OR_RETURN(
      Statement select,
      conn->Prepare(ListClaimsSql(t), "list claims " + t.locks + " prefix '" + prefix + "'"));
  select.BindText(prefix);
  std::vector<ClaimRow> rows;
  // Keys sort bytewise, so the keys with the prefix are one run starting at the prefix.
  while (true) {
    XRONOX_ASSIGN_OR_RETURN(bool found, select.Step());
    if (!found) return rows;
    ClaimRow claim = ReadClaim(select);
    if (!claim.key.starts_with(prefix)) return rows;
    rows.push_back(std::move(claim));
  }
}

Result<int64_t> SqliteHotStore::IncrementCounter(const CollectionRef& ref, const std::string& name,
                                                 int64_t delta) {
  XRONOX_ASSIGN_OR_RETURN(const SqliteTables* tables, Existing(ref));
  const SqliteTables& t = *tables;
  std::string what = "increment counter " + t.counter + " '" + name + "'";
  int64_t result = 0;
  XRONOX_RETURN_IF_ERROR(Write(what, [&](SqliteConnection& conn) {
    int64_t current = 0;
    {
      XRONOX_ASSIGN_OR_RETURN(Statement select, conn.Prepare(SelectCounterSql(t), what));
      select.BindText(name);
      XRONOX_ASSIGN_OR_RETURN(bool found, select.Step());
      if (found) current = select.ColumnInt(0);
    }
    // Checked in C++: SQLite would silently turn an overflowing sum into a float.
    XRONOX_ASSIGN_OR_RETURN(result, AddToCounter(t.counter, name, current, delta));
    XRONOX_ASSIGN_OR_RETURN(Statement upsert, conn.Prepare(UpsertCounterSql(t), what));
    upsert.BindText(name).BindInt(result);
    return upsert.Run();
  }));
  return result;
}

Result<CollectionCounts> SqliteHotStore::GetCounts(const CollectionRef& ref) {
  XRONOX_ASSIGN_OR_RETURN(const SqliteTables* tables, Existing(ref));
  XRONOX_ASSIGN_OR_RETURN(SqlitePool::Lease conn, pool_.Acquire());
  {
    // Made by EnsureCollection in the counter database the collection had then (an analytics
    // database, or its own); reads make nothing.
    XRONOX_ASSIGN_OR_RETURN(Statement exists,
                            conn->Prepare(TableExistsSql(), "look up table " + tables->counter));
    exists.BindText(tables->counter);
    XRONOX_ASSIGN_OR_RETURN(bool found, exists.Step());
    if (!found) return CollectionCounts{};
  }
  return ReadCountRows(*conn, *tables);
}

Status SqliteHotStore::AddCounts(const CollectionRef& ref, const CollectionCounts& delta) {
  XRONOX_ASSIGN_OR_RETURN(const SqliteTables* tables, Existing(ref));
  const SqliteTables& t = *tables;
  return Write("add counts " + t.counter, [&](SqliteConnection& conn) -> Status {
    XRONOX_ASSIGN_OR_RETURN(CollectionCounts current, ReadCountRows(conn, t));
    // Checked in C++ (an arbitrary delta could overflow), then set.
    XRONOX_ASSIGN_OR_RETURN(CollectionCounts sum, SumCounts(t.counter, current, delta));
    return SetCountRows(conn, t, sum);
  });
}

Status SqliteHotStore::SetCounts(const CollectionRef& ref, const CollectionCounts& counts) {
  XRONOX_ASSIGN_OR_RETURN(const SqliteTables* tables, Existing(ref));
  const SqliteTables& t = *tables;
  return Write("set counts " + t.counter,
               [&](SqliteConnection& conn) { return SetCountRows(conn, t, counts); });
}

}  // namespace xronox::store
