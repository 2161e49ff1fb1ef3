#include "store/hot/sqlite/sqlite_hot_store.h"

#include <algorithm>
#include <filesystem>
#include <limits>
#include <map>
#include <system_error>

#include "common/names.h"
#include "store/hot/hot_store_rules.h"
#include "store/hot/sqlite/sqlite_rows.h"

namespace xronox::store {

namespace {

// Tables created before a column existed get it on first use, with the value the column means
// for old rows (on_behalf_of: '' = not given; n_created: -1 = written before heads kept
// tallies); docs/formats/storage-layout.md lists them.
Status AddMissingColumns(SqliteConnection& conn, const SqliteTables& t, bool versioned) {
  struct Added {
    const std::string* table;
    const std::string* q_table;
    const char* column;
    const char* definition;
  };
  const Added added[] = {{&t.head, &t.q_head, "on_behalf_of", "TEXT NOT NULL DEFAULT ''"},
                         {&t.ver, &t.q_ver, "on_behalf_of", "TEXT NOT NULL DEFAULT ''"},
                         {&t.head, &t.q_head, "n_created", "INTEGER NOT NULL DEFAULT -1"},
                         {&t.head, &t.q_head, "n_updated", "INTEGER NOT NULL DEFAULT 0"},
                         {&t.head, &t.q_head, "n_deleted", "INTEGER NOT NULL DEFAULT 0"}};
  for (const Added& a : added) {
    if (a.table == &t.ver && !versioned) continue;
    XRONOX_ASSIGN_OR_RETURN(Statement count, conn.Prepare(CountColumnSql(*a.table, a.column),
                                                          "inspect columns of " + *a.table));
    XRONOX_ASSIGN_OR_RETURN(bool row, count.Step());
    if (row && count.ColumnInt(0) == 1) continue;
    XRONOX_RETURN_IF_ERROR(conn.Exec(AddColumnSql(*a.q_table, a.column, a.definition),
                                     std::string("add column ") + a.column + " to " + *a.table));
  }
  return Status::Ok();
}

std::string Target(const std::string& table, const std::string& id) {
  return table + " id '" + id + "'";
}

Status CreateParentDirectory(const std::string& path) {
  std::filesystem::path parent = std::filesystem::path(path).parent_path();
  if (parent.empty()) return Status::Ok();
  std::error_code ec;
  std::filesystem::create_directories(parent, ec);
  if (ec) {
    return Unavailable("open sqlite hot store " + path + ": cannot create directory " +
                       parent.string() + ": " + ec.message());
  }
  return Status::Ok();
}

Status InsertHead(SqliteConnection& conn, const SqliteTables& t, const HeadRow& head,
                  const std::string& indexed) {
  XRONOX_ASSIGN_OR_RETURN(Statement insert,
                          conn.Prepare(InsertHeadSql(t), "insert head " + Target(t.head, head.id)));
  insert.BindText(head.id);
  BindHeadFields(insert, head, indexed);
  return insert.Run();
}

// The canonical text of each head's indexed values, for a batch of head writes.
Result<std::vector<std::string>> IndexedTexts(const std::vector<HeadRow>& heads) {
  std::vector<std::string> texts;
  texts.reserve(heads.size());
  for (const HeadRow& head : heads) {
    XRONOX_ASSIGN_OR_RETURN(IndexedValues indexed, ParseIndexed(head.indexed));
    texts.push_back(std::move(indexed.text));
  }
  return texts;
}

// Replaces the head only at `expected`; otherwise names why (absent or current version).
Status ReplaceHead(SqliteConnection& conn, const SqliteTables& t, const HeadRow& head,
                   const std::string& indexed, int64_t expected) {
  std::string what = "replace head " + Target(t.head, head.id);
  {
    XRONOX_ASSIGN_OR_RETURN(Statement update, conn.Prepare(UpdateHeadSql(t), what));
    BindHeadFields(update, head, indexed);
    update.BindText(head.id).BindInt(expected);
    XRONOX_RETURN_IF_ERROR(update.Run());
  }
  if (conn.Changes() == 1) return Status::Ok();
  XRONOX_ASSIGN_OR_RETURN(Statement select, conn.Prepare(SelectHeadVersionSql(t), what));
  select.BindText(head.id);
  XRONOX_ASSIGN_OR_RETURN(bool found, select.Step());
  if (!found) return HeadNotFound(t.head, head.id, expected);
  return HeadConflict(t.head, head.id, expected, select.ColumnInt(0));
}

// Delete the head of `id` at `expected` (NotFound when absent, Conflict at another version).
Status RemoveHead(SqliteConnection& conn, const SqliteTables& t, const std::string& id,
                  int64_t expected, const std::string& what) {
  {
    XRONOX_ASSIGN_OR_RETURN(Statement remove, conn.Prepare(DeleteHeadSql(t), what));
    remove.BindText(id).BindInt(expected);
    XRONOX_RETURN_IF_ERROR(remove.Run());
  }
  if (conn.Changes() == 1) return Status::Ok();
  XRONOX_ASSIGN_OR_RETURN(Statement select, conn.Prepare(SelectHeadVersionSql(t), what));
  select.BindText(id);
  XRONOX_ASSIGN_OR_RETURN(bool found, select.Step());
  if (!found) return HeadNotFound(t.head, id, expected);
  return HeadConflict(t.head, id, expected, select.ColumnInt(0));
}

// Run `body` in a BEGIN IMMEDIATE transaction on `conn`; commit when it succeeds, else roll back.
Status RunTransaction(SqliteConnection& conn, const std::string& what,
                      const std::function<Status(SqliteConnection&)>& body) {
  {
    XRONOX_ASSIGN_OR_RETURN(Statement begin, conn.Prepare("BEGIN IMMEDIATE", "begin " + what));
    XRONOX_RETURN_IF_ERROR(begin.Run());
  }
  Status status = body(conn);
  if (status.ok()) {
    Result<Statement> commit = conn.Prepare("COMMIT", "commit " + what);
    status = commit.ok() ? commit->Run() : commit.status();
  }
  if (!status.ok() && conn.InTransaction()) {
    // The pool drops the connection if this rollback fails too; `status` is what matters.
    (void)conn.Exec("ROLLBACK", "roll back " + what);
  }
  return status;
}

Status PutHead(SqliteConnection& conn, const SqliteTables& t, const HeadRow& head,
               const std::string& indexed, std::optional<int64_t> expected_version) {
  if (!expected_version.has_value()) return InsertHead(conn, t, head, indexed);
  return ReplaceHead(conn, t, head, indexed, *expected_version);
}

// Index the version under each field it changed, in {c}_verf (ScanVersions by field).
Status PutVersionFields(SqliteConnection& conn, const SqliteTables& t, const std::string& id,
                        int64_t version, TimestampMicros at, const std::string& changed_fields) {
  for (const std::string& key : VersionFieldKeys(changed_fields)) {
    XRONOX_ASSIGN_OR_RETURN(Statement insert, conn.Prepare(InsertVersionFieldSql(t),
                                                           "index fields of " + Target(t.ver, id)));
    insert.BindText(key).BindInt(at).BindText(id).BindInt(version);
    XRONOX_RETURN_IF_ERROR(insert.Run());
  }
  return Status::Ok();
}

Status PutVersion(SqliteConnection& conn, const SqliteTables& t, const VersionRow& version) {
  XRONOX_ASSIGN_OR_RETURN(
      Statement insert,
      conn.Prepare(InsertVersionSql(t), "insert version " + Target(t.ver, version.id) +
                                            " version " + std::to_string(version.version)));
  BindVersion(insert, version);
  XRONOX_RETURN_IF_ERROR(insert.Run());
  return PutVersionFields(conn, t, version.id, version.version, version.at, version.changed_fields);
}

// Whether {c}_verf is still to be created (a runtime collection made before it, or a new one).
Result<bool> VersionFieldsMissing(SqliteConnection& conn, const SqliteTables& t) {
  XRONOX_ASSIGN_OR_RETURN(Statement exists, conn.Prepare(TableExistsSql(), "look up " + t.verf));
  exists.BindText(t.verf);
  XRONOX_ASSIGN_OR_RETURN(bool found, exists.Step());
  return !found;
}

// {c}_verf came after the version index: index the versions written before it, once, in the
// write transaction that created the table.
Status FillVersionFields(SqliteConnection& conn, const SqliteTables& t) {
  XRONOX_ASSIGN_OR_RETURN(Statement sources, conn.Prepare(SelectVersionFieldSourcesSql(t),
                                                          "read the versions of " + t.ver));
  while (true) {
    XRONOX_ASSIGN_OR_RETURN(bool row, sources.Step());
    if (!row) return Status::Ok();
    XRONOX_RETURN_IF_ERROR(PutVersionFields(conn, t, sources.ColumnText(0), sources.ColumnInt(1),
                                            sources.ColumnInt(2), sources.ColumnText(3)));
  }
}

// Returns the collection named by a table name in [db + ".", db + "/"), or "" for other
// tables.
std::string CollectionOfHeadTable(const std::string& db, const std::string& table) {
  static constexpr std::string_view kSuffix = "_head";
  size_t prefix = db.size() + 1;
  if (table.size() <= prefix + kSuffix.size() || !table.ends_with(kSuffix)) return "";
  std::string collection = table.substr(prefix, table.size() - prefix - kSuffix.size());
  return ValidateCollectionName(collection).ok() ? collection : "";
}

// The head tables of the file by database: head tables are named "{db}.{c}_head" and database
// names hold no '.'.
Result<std::map<std::string, std::vector<std::string>>> HeadTablesByDatabase(
    SqliteConnection& conn) {
  XRONOX_ASSIGN_OR_RETURN(Statement list, conn.Prepare(ListHeadTablesSql(), "list head tables"));
  std::map<std::string, std::vector<std::string>> tables;
  while (true) {
    XRONOX_ASSIGN_OR_RETURN(bool row, list.Step());
    if (!row) return tables;
    std::string table = list.ColumnText(0);
    size_t dot = table.find('.');
    if (dot != std::string::npos && dot > 0) tables[table.substr(0, dot)].push_back(table);
  }
}

// Refuses `ref` when a stored database or collection name differs from its names only in case:
// SQLite compares table names without case, so "{db}.{c}_head" would be the stored table.
Status CheckTableNameCase(SqliteConnection& conn, const CollectionRef& ref) {
  XRONOX_ASSIGN_OR_RETURN(auto tables, HeadTablesByDatabase(conn));
  std::vector<std::string> databases, collections;
  for (const auto& [db, heads] : tables) databases.push_back(db);
  auto own = tables.find(ref.db);
  if (own != tables.end()) {
    for (const std::string& head : own->second) {
      collections.push_back(CollectionOfHeadTable(ref.db, head));
    }
  }
  return CheckNameCase(ref, databases, collections);
}

}  // namespace

Result<std::unique_ptr<SqliteHotStore>> SqliteHotStore::Open(const std::string& path) {
  // Each pooled connection to ":memory:" or "" would see its own private database.
  if (path.empty() || path == ":memory:") {
    return InvalidArgument("open sqlite hot store: a file path is required, got '" + path + "'");
  }
  XRONOX_RETURN_IF_ERROR(CreateParentDirectory(path));
  std::unique_ptr<SqliteHotStore> store(new SqliteHotStore(path));
  {
    // Open one connection now, so a bad path or file fails here rather than on first use.
    XRONOX_ASSIGN_OR_RETURN(SqlitePool::Lease probe, store->pool_.Acquire());
  }
  return store;
}

Status SqliteHotStore::Write(const std::string& what, const WriteBody& body, Sync sync) {
  XRONOX_ASSIGN_OR_RETURN(SqlitePool::Lease conn, pool_.Acquire());
  std::lock_guard writer(write_mu_);
  if (sync == Sync::kLazy) {
    XRONOX_RETURN_IF_ERROR(conn->Exec("PRAGMA synchronous=NORMAL", "lazy commit of " + what));
  }
  Status status = RunTransaction(*conn, what, body);
  if (sync == Sync::kLazy && !conn->Exec("PRAGMA synchronous=FULL", "after " + what).ok()) {
    // Never lend out a connection whose commits would not wait for the disk.
    conn.Discard();
  }
  return status;
}

bool SqliteHotStore::IsEnsured(const std::string& key, const std::vector<std::string>& props) {
  std::lock_guard lock(ensured_mu_);
  auto it = ensured_.find(key);
  if (it == ensured_.end()) return false;
  return std::all_of(props.begin(), props.end(),
                     [&](const std::string& prop) { return it->second.count(prop) > 0; });
}

void SqliteHotStore::MarkEnsured(const std::string& key, const std::vector<std::string>& props) {
  std::lock_guard lock(ensured_mu_);
  ensured_[key].insert(props.begin(), props.end());
}

Status SqliteHotStore::EnsureCollection(const CollectionRef& ref,
                                        const std::vector<std::string>& indexed_props) {
  XRONOX_ASSIGN_OR_RETURN(const SqliteTables* tables, TablesFor(ref));
  const SqliteTables& t = *tables;
  for (const std::string& prop : indexed_props) XRONOX_RETURN_IF_ERROR(ValidateIndexedPath(prop));
  // Ensured once per counter table too: a process may bind it with its counters elsewhere.
  if (IsEnsured(t.head + '\x1f' + t.counter, indexed_props)) return Status::Ok();
  std::string what = "ensure collection " + StoreName(ref, "");
  XRONOX_RETURN_IF_ERROR(Write(what, [&](SqliteConnection& conn) {
    // In the write transaction, so that two names that differ only in case cannot both pass.
    XRONOX_RETURN_IF_ERROR(CheckTableNameCase(conn, ref));
    bool fill_fields = false;
    if (ref.versioned) {
      XRONOX_ASSIGN_OR_RETURN(fill_fields, VersionFieldsMissing(conn, t));
    }
    XRONOX_RETURN_IF_ERROR(
        conn.Exec(CreateCollectionSql(t, ref.versioned), "create tables " + t.head));
    XRONOX_RETURN_IF_ERROR(AddMissingColumns(conn, t, ref.versioned));
    if (fill_fields) XRONOX_RETURN_IF_ERROR(FillVersionFields(conn, t));
    for (const std::string& prop : indexed_props) {
      XRONOX_RETURN_IF_ERROR(
          conn.Exec(CreateIndexSql(t, prop), "create index " + t.head + " '" + prop + "'"));
    }
    return Status::Ok();
  }));
  MarkEnsured(t.head + '\x1f' + t.counter, indexed_props);
  {
    std::lock_guard lock(ensured_mu_);
    present_.insert(t.head);
  }
  return Status::Ok();
}

// SQLite would find a table whose name differs only in case (another tenant's or
// collection's), so every operation but EnsureCollection first checks, once per collection and
// process, that the tables exist under exactly this name.
Result<const SqliteTables*> SqliteHotStore::Existing(const CollectionRef& ref) {
  XRONOX_ASSIGN_OR_RETURN(const SqliteTables* tables, TablesFor(ref));
  {
    std::lock_guard lock(ensured_mu_);
    if (present_.count(tables->head)) return tables;
  }
  XRONOX_ASSIGN_OR_RETURN(bool exists, CollectionExists(ref));
  if (!exists) return NotFound("collection " + StoreName(ref, "") + " does not exist");
  std::lock_guard lock(ensured_mu_);
  present_.insert(tables->head);
  return tables;
}

Result<bool> SqliteHotStore::CollectionExists(const CollectionRef& ref) {
  XRONOX_RETURN_IF_ERROR(ValidateCollectionRef(ref));
  // Not through TablesFor, which keeps the names of every collection it is asked about.
  std::string head = StoreName(ref, "_head");
  XRONOX_ASSIGN_OR_RETURN(SqlitePool::Lease conn, pool_.Acquire());
  XRONOX_ASSIGN_OR_RETURN(Statement select,
                          conn->Prepare(TableExistsSql(), "look up table " + head));
  select.BindText(head);
  return select.Step();
}

Result<std::vector<std::string>> SqliteHotStore::ListDatabases() {
  XRONOX_ASSIGN_OR_RETURN(SqlitePool::Lease conn, pool_.Acquire());
  XRONOX_ASSIGN_OR_RETURN(auto tables, HeadTablesByDatabase(*conn));
  std::vector<std::string> names;
  for (const auto& [db, heads] : tables) names.push_back(db);
  return names;
}

Result<std::vector<std::string>> SqliteHotStore::ListCollections(const std::string& db) {
  XRONOX_RETURN_IF_ERROR(ValidateDatabaseName(db));
  XRONOX_ASSIGN_OR_RETURN(SqlitePool::Lease conn, pool_.Acquire());
  XRONOX_ASSIGN_OR_RETURN(Statement list,
                          conn->Prepare(ListTablesSql(), "list collections of " + db));
  // Database names hold no '.', so "{db}." prefixes exactly this database's tables.
  list.BindText(db + ".").BindText(db + "/");
  std::vector<std::string> names;
  while (true) {
    XRONOX_ASSIGN_OR_RETURN(bool row, list.Step());
    if (!row) break;
    std::string collection = CollectionOfHeadTable(db, list.ColumnText(0));
    if (!collection.empty()) names.push_back(std::move(collection));
  }
  std::sort(names.begin(), names.end());
  return names;
}

Result<std::optional<HeadRow>> SqliteHotStore::GetHead(const CollectionRef& ref,
                                                       const std::string& id) {
  XRONOX_ASSIGN_OR_RETURN(const SqliteTables* tables, Existing(ref));
  const SqliteTables& t = *tables;
  XRONOX_ASSIGN_OR_RETURN(SqlitePool::Lease conn, pool_.Acquire());
  XRONOX_ASSIGN_OR_RETURN(Statement select,
                          conn->PrepareStable(t.select_head, What("get head", t.head, id)));
  select.BindText(id);
  XRONOX_ASSIGN_OR_RETURN(bool found, select.Step());
  if (!found) return std::optional<HeadRow>();
  return std::optional<HeadRow>(ReadHead(select));
}

Status SqliteHotStore::WriteHead(const CollectionRef& ref, const HeadRow& head,
                                 std::optional<int64_t> expected_version) {
  XRONOX_ASSIGN_OR_RETURN(const SqliteTables* tables, Existing(ref));
  const SqliteTables& t = *tables;
  XRONOX_ASSIGN_OR_RETURN(IndexedValues indexed, ParseIndexed(head.indexed));
  return Write("write head " + Target(t.head, head.id), [&](SqliteConnection& conn) {
    XRONOX_RETURN_IF_ERROR(PutHead(conn, t, head, indexed.text, expected_version));
    return AddCountRows(conn, t, head.counts_delta);
  });
}

Status SqliteHotStore::DeleteHead(const CollectionRef& ref, const std::string& id,
                                  int64_t expected_version) {
  XRONOX_ASSIGN_OR_RETURN(const SqliteTables* tables, Existing(ref));
  const SqliteTables& t = *tables;
  const std::string what = "delete head " + Target(t.head, id);
  return Write(what, [&](SqliteConnection& conn) {
    return RemoveHead(conn, t, id, expected_version, what);
  });
}

Result<std::vector<Status>> SqliteHotStore::ShrinkHeads(const CollectionRef& ref,
                                                        const std::vector<HeadRow>& heads) {
  XRONOX_ASSIGN_OR_RETURN(const SqliteTables* tables, Existing(ref));
  const SqliteTables& t = *tables;
  XRONOX_ASSIGN_OR_RETURN(std::vector<std::string> indexed_texts, IndexedTexts(heads));
  std::vector<Status> results;
  const std::string what = "shrink heads of " + t.head;
  Status batch = Write(
      what,
      [&](SqliteConnection& conn) -> Status {
        for (size_t i = 0; i < heads.size(); ++i) {
          Status removed = RemoveHead(conn, t, heads[i].id, heads[i].version, what);
          if (removed.ok()) {
            XRONOX_RETURN_IF_ERROR(InsertHead(conn, t, heads[i], indexed_texts[i]));
            XRONOX_RETURN_IF_ERROR(AddCountRows(conn, t, heads[i].counts_delta));
          } else if (!IsStaleHeadRefusal(removed)) {
            return removed;
          }
          results.push_back(std::move(removed));
        }
        return Status::Ok();
      },
      Sync::kLazy);
  XRONOX_RETURN_IF_ERROR(batch);
  return results;
}

Result<std::vector<Status>> SqliteHotStore::CreateHeads(const CollectionRef& ref,
                                                        const std::vector<HeadRow>& heads) {
  XRONOX_ASSIGN_OR_RETURN(const SqliteTables* tables, Existing(ref));
  const SqliteTables& t = *tables;
  XRONOX_ASSIGN_OR_RETURN(std::vector<std::string> indexed_texts, IndexedTexts(heads));
  std::vector<Status> results;
  Status batch = Write("create heads in " + t.head, [&](SqliteConnection& conn) -> Status {
    CollectionCounts added;
    for (size_t i = 0; i < heads.size(); ++i) {
      // A failed insert undoes that statement only; the transaction goes on.
      Status inserted = InsertHead(conn, t, heads[i], indexed_texts[i]);
      if (inserted.ok()) {
        added += heads[i].counts_delta;
      } else if (inserted.code() != StatusCode::kAlreadyExists) {
        return inserted;
      }
      results.push_back(std::move(inserted));
    }
    return AddCountRows(conn, t, added);
  });
  XRONOX_RETURN_IF_ERROR(batch);
  return results;
}

Status SqliteHotStore::CommitVersion(const CollectionRef& ref, const VersionRow& version,
                                     const HeadRow& head, std::optional<int64_t> expected_version) {
  XRONOX_RETURN_IF_ERROR(RequireVersioned(ref, "commit version"));
  XRONOX_ASSIGN_OR_RETURN(const SqliteTables* tables, Existing(ref));
  const SqliteTables& t = *tables;
  if (version.id != head.id) {
    return InvalidArgument("commit version " + t.ver + ": version id '" + version.id +
                           "' differs from head id '" + head.id + "'");
  }
  XRONOX_ASSIGN_OR_RETURN(IndexedValues indexed, ParseIndexed(head.indexed));
  return Write("commit version " + Target(t.ver, version.id), [&](SqliteConnection& conn) {
    XRONOX_RETURN_IF_ERROR(PutVersion(conn, t, version));
    XRONOX_RETURN_IF_ERROR(PutHead(conn, t, head, indexed.text, expected_version));
    return AddCountRows(conn, t, head.counts_delta);
  });
}

Status SqliteHotStore::InsertVersion(const CollectionRef& ref, const VersionRow& version) {
  XRONOX_RETURN_IF_ERROR(RequireVersioned(ref, "insert version"));
  XRONOX_ASSIGN_OR_RETURN(const SqliteTables* tables, Existing(ref));
  const SqliteTables& t = *tables;
  return Write("insert version " + Target(t.ver, version.id),
               [&](SqliteConnection& conn) { return PutVersion(conn, t, version); });
}

Result<std::optional<VersionRow>> SqliteHotStore::GetVersion(const CollectionRef& ref,
                                                             const std::string& id,
                                                             int64_t version) {
  XRONOX_ASSIGN_OR_RETURN(const SqliteTables* tables, Existing(ref));
  if (!ref.versioned) return std::optional<VersionRow>();  // No version index.
  const SqliteTables& t = *tables;
  XRONOX_ASSIGN_OR_RETURN(SqlitePool::Lease conn, pool_.Acquire());
  XRONOX_ASSIGN_OR_RETURN(Statement select,
                          conn->Prepare(SelectVersionSql(t), "get version " + Target(t.ver, id)));
  select.BindText(id).BindInt(version);
  XRONOX_ASSIGN_OR_RETURN(bool found, select.Step());
  if (!found) return std::optional<VersionRow>();
  return std::optional<VersionRow>(ReadVersion(select));
}

Result<std::optional<VersionRow>> SqliteHotStore::GetVersionAsOf(const CollectionRef& ref,
                                                                 const std::string& id,
                                                                 TimestampMicros at) {
  XRONOX_ASSIGN_OR_RETURN(const SqliteTables* tables, Existing(ref));
  if (!ref.versioned) return std::optional<VersionRow>();  // No version index.
  const SqliteTables& t = *tables;
  XRONOX_ASSIGN_OR_RETURN(SqlitePool::Lease conn, pool_.Acquire());
  XRONOX_ASSIGN_OR_RETURN(
      Statement select, conn->Prepare(VersionAsOfSql(t), "get version as of " + Target(t.ver, id)));
  select.BindText(id).BindInt(at);
  XRONOX_ASSIGN_OR_RETURN(bool found, select.Step());
  if (!found) return std::optional<VersionRow>();
  return std::optional<VersionRow>(ReadVersion(select));
}

Result<std::vector<VersionRow>> SqliteHotStore::ListVersions(const CollectionRef& ref,
                                                             const std::string& id,
                                                             std::optional<int64_t> start_after,
                                                             int limit, Order order) {
  XRONOX_ASSIGN_OR_RETURN(const SqliteTables* tables, Existing(ref));
  const SqliteTables& t = *tables;
  XRONOX_RETURN_IF_ERROR(ValidateLimit(limit, "list versions"));
  if (!ref.versioned) return std::vector<VersionRow>();  // No version index.
  bool ascending = order == Order::kAscending;
  int64_t after = start_after.value_or(ascending ? std::numeric_limits<int64_t>::min()
                                                 : std::numeric_limits<int64_t>::max());
  XRONOX_ASSIGN_OR_RETURN(SqlitePool::Lease conn, pool_.Acquire());
  XRONOX_ASSIGN_OR_RETURN(Statement select, conn->Prepare(ListVersionsSql(t, order),
                                                          "list versions " + Target(t.ver, id)));
  select.BindText(id).BindInt(after).BindInt(limit);
  std::vector<VersionRow> rows;
  while (true) {
    XRONOX_ASSIGN_OR_RETURN(bool found, select.Step());
    if (!found) return rows;
    rows.push_back(ReadVersion(select));
  }
}

Result<std::vector<VersionRow>> SqliteHotStore::ScanVersions(
    const CollectionRef& ref, const VersionFilter& filter,
    const std::optional<VersionPosition>& after, int limit) {
  XRONOX_ASSIGN_OR_RETURN(const SqliteTables* tables, Existing(ref));
  if (!ref.versioned) return std::vector<VersionRow>();  // No version index.
  const SqliteTables& t = *tables;
  XRONOX_RETURN_IF_ERROR(ValidateLimit(limit, "scan versions"));
  XRONOX_RETURN_IF_ERROR(ValidateVersionFilter(filter));
  std::vector<std::string> keys = {""};
  if (!filter.field.empty()) keys = FieldQueryKeys(filter.field);
  XRONOX_ASSIGN_OR_RETURN(SqlitePool::Lease conn, pool_.Acquire());
  std::vector<VersionRow> rows;
  // One range per key, each read in order; their pages merged (a version may be in several).
  for (const std::string& key : keys) {
    SqlQuery query = ScanVersionsQuery(t, filter, key, after, limit);
    XRONOX_ASSIGN_OR_RETURN(Statement select, conn->Prepare(query.sql, "scan versions " + t.ver));
    BindParams(select, query.params);
    while (true) {
      XRONOX_ASSIGN_OR_RETURN(bool found, select.Step());
      if (!found) break;
      rows.push_back(ReadVersion(select));
    }
  }
  return MergeVersionPages(std::move(rows), limit);
}

Result<std::vector<HeadRow>> SqliteHotStore::ScanHeads(const CollectionRef& ref,
                                                       const IdRange& range, int limit,
                                                       const std::vector<Condition>& conditions,
                                                       bool include_deleted) {
  XRONOX_ASSIGN_OR_RETURN(const SqliteTables* tables, Existing(ref));
  const SqliteTables& t = *tables;
  XRONOX_RETURN_IF_ERROR(ValidateLimit(limit, "scan heads"));
  XRONOX_RETURN_IF_ERROR(ValidateConditions(conditions));
  SqlQuery query = ScanHeadsQuery(t, range, limit, conditions, include_deleted);
  XRONOX_ASSIGN_OR_RETURN(SqlitePool::Lease conn, pool_.Acquire());
  XRONOX_ASSIGN_OR_RETURN(Statement select, conn->Prepare(query.sql, "scan heads " + t.head));
  BindParams(select, query.params);
  std::vector<HeadRow> rows;
  while (true) {
    XRONOX_ASSIGN_OR_RETURN(bool found, select.Step());
    if (!found) return rows;
    rows.push_back(ReadHead(select));
  }
}

}  // namespace xronox::store
