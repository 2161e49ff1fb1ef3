#include "store/hot/sqlite/sqlite_rows.h"

#include <iterator>
#include <type_traits>

#include "store/hot/hot_store_rules.h"

namespace xronox::store {

void BindHeadFields(Statement& stmt, const HeadRow& head, const std::string& indexed) {
  stmt.BindInt(head.version)
      .BindInt(head.deleted ? 1 : 0)
      .BindText(head.data)
      .BindText(head.payload_key)
      .BindText(head.payload_hash)
      .BindText(head.entry_hash)
      .BindInt(head.created_at)
      .BindInt(head.updated_at)
      .BindText(head.actor)
      .BindText(head.reason)
      .BindText(indexed)
      .BindText(head.on_behalf_of)
      .BindInt(head.tally.created)
      .BindInt(head.tally.updated)
      .BindInt(head.tally.deleted);
}

HeadRow ReadHead(const Statement& stmt) {
  HeadRow head;
  head.id = stmt.ColumnText(0);
  head.version = stmt.ColumnInt(1);
  head.deleted = stmt.ColumnInt(2) != 0;
  head.data = stmt.ColumnText(3);
  head.payload_key = stmt.ColumnText(4);
  head.payload_hash = stmt.ColumnText(5);
  head.entry_hash = stmt.ColumnText(6);
  head.created_at = stmt.ColumnInt(7);
  head.updated_at = stmt.ColumnInt(8);
  head.actor = stmt.ColumnText(9);
  head.reason = stmt.ColumnText(10);
  head.indexed = stmt.ColumnText(11);
  head.on_behalf_of = stmt.ColumnText(12);
  head.tally = {stmt.ColumnInt(13), stmt.ColumnInt(14), stmt.ColumnInt(15)};
  return head;
}

void BindVersion(Statement& stmt, const VersionRow& version) {
  stmt.BindText(version.id)
      .BindInt(version.version)
      .BindText(version.op)
      .BindText(version.actor)
      .BindText(version.reason)
      .BindInt(version.at)
      .BindText(version.changed_fields)
      .BindText(version.payload_key)
      .BindText(version.entry_hash)
      .BindText(version.prev_hash)
      .BindInt(version.deleted ? 1 : 0)
      .BindText(version.idempotency_key)
      .BindText(version.on_behalf_of);
}

VersionRow ReadVersion(const Statement& stmt) {
  VersionRow version;
  version.id = stmt.ColumnText(0);
  version.version = stmt.ColumnInt(1);
  version.op = stmt.ColumnText(2);
  version.actor = stmt.ColumnText(3);
  version.reason = stmt.ColumnText(4);
  version.at = stmt.ColumnInt(5);
  version.changed_fields = stmt.ColumnText(6);
  version.payload_key = stmt.ColumnText(7);
  version.entry_hash = stmt.ColumnText(8);
  version.prev_hash = stmt.ColumnText(9);
  version.deleted = stmt.ColumnInt(10) != 0;
  version.idempotency_key = stmt.ColumnText(11);
  version.on_behalf_of = stmt.ColumnText(12);
  return version;
}

ClaimRow ReadClaim(const Statement& stmt) {
  ClaimRow claim;
  claim.key = stmt.ColumnText(0);
  claim.owner = stmt.ColumnText(1);
  claim.at = stmt.ColumnInt(2);
  claim.body = stmt.ColumnText(3);
  return claim;
}

Status AddCountRows(SqliteConnection& conn, const SqliteTables& t, const CollectionCounts& delta) {
  if (delta.IsZero()) return Status::Ok();
  // A write moves each counter by at most one, so the sums in SQL cannot reach 2^63 (where
  // SQLite would turn them into floats); AddCounts checks in C++ for arbitrary deltas.
  XRONOX_ASSIGN_OR_RETURN(Statement add, conn.PrepareStable(t.add_count, "add record counts"));
  add.BindInt(delta.created).BindInt(delta.updated).BindInt(delta.deleted).BindInt(delta.live);
  return add.Run();
}

Status SetCountRows(SqliteConnection& conn, const SqliteTables& t, const CollectionCounts& counts) {
  std::string what = "set counts " + t.counter;
  for (size_t i = 0; i < std::size(kCountFields); ++i) {
    XRONOX_ASSIGN_OR_RETURN(Statement upsert, conn.Prepare(UpsertCounterSql(t), what));
    upsert.BindText(kCountNames[i]).BindInt(counts.*kCountFields[i]);
    XRONOX_RETURN_IF_ERROR(upsert.Run());
  }
  return Status::Ok();
}

Result<CollectionCounts> ReadCountRows(SqliteConnection& conn, const SqliteTables& t) {
  CollectionCounts counts;
  std::string what = "get counts " + t.counter;
  for (size_t i = 0; i < std::size(kCountFields); ++i) {
    XRONOX_ASSIGN_OR_RETURN(Statement select, conn.Prepare(SelectCounterSql(t), what));
    select.BindText(kCountNames[i]);
    XRONOX_ASSIGN_OR_RETURN(bool found, select.Step());
    if (found) counts.*kCountFields[i] = select.ColumnInt(0);
  }
  return counts;
}

void BindParams(Statement& stmt, const std::vector<SqlParam>& params) {
  for (const SqlParam& param : params) {
    std::visit(
        [&](const auto& value) {
          using T = std::decay_t<decltype(value)>;
          if constexpr (std::is_same_v<T, std::nullptr_t>) {
            stmt.BindNull();
          } else if constexpr (std::is_same_v<T, int64_t>) {
            stmt.BindInt(value);
          } else if constexpr (std::is_same_v<T, double>) {
            stmt.BindDouble(value);
          } else {
            stmt.BindText(value);
          }
        },
        param);
  }
}

}  // namespace xronox::store
