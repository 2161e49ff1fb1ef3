#include "store/hot/sqlite/sqlite_rows.h"

#include <type_traits>

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
      .BindText(head.on_behalf_of);
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
