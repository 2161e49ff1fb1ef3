// SqliteHotStore beyond the conformance suite: persistence, several instances (processes) on
// one file, schema and query plans, error mapping.
#include "store/hot/sqlite/sqlite_hot_store.h"

#include <gtest/gtest.h>

#include <fstream>
#include <latch>
#include <set>
#include <thread>

#include "conformance/hot_store_test_util.h"
#include "store/hot/sqlite/sqlite_error.h"
#include "store/hot/sqlite/sqlite_handles.h"
#include "store/hot/sqlite/sqlite_sql.h"

namespace xronox::store {
namespace {

using testing::ExpectHeadEq;
using testing::ExpectVersionEq;
using testing::MakeHead;
using testing::MakeVersion;
using testing::TempDir;

// A raw connection to inspect the file the way another tool would.
SqliteDb OpenRaw(const std::string& path) {
  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READWRITE, nullptr);
  SqliteDb db(raw);
  EXPECT_EQ(rc, SQLITE_OK) << path;
  sqlite3_busy_timeout(raw, 10000);
  return db;
}

// Runs `sql` (binding `params` as text) and returns the rows, columns joined by '|'.
std::vector<std::string> Query(sqlite3* db, const std::string& sql,
                               const std::vector<std::string>& params = {}) {
  sqlite3_stmt* raw = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(db, sql.c_str(), -1, &raw, nullptr), SQLITE_OK)
      << sql << ": " << sqlite3_errmsg(db);
  SqliteStmt stmt(raw);
  for (size_t i = 0; i < params.size(); ++i) {
    sqlite3_bind_text(raw, static_cast<int>(i + 1), params[i].c_str(), -1, SQLITE_TRANSIENT);
  }
  std::vector<std::string> rows;
  while (raw != nullptr && sqlite3_step(raw) == SQLITE_ROW) {
    std::string row;
    for (int c = 0; c < sqlite3_column_count(raw); ++c) {
      const unsigned char* text = sqlite3_column_text(raw, c);
      row += (c > 0 ? "|" : "") + std::string(text ? reinterpret_cast<const char*>(text) : "");
    }
    rows.push_back(row);
  }
  return rows;
}

std::string JoinPlan(sqlite3* db, const std::string& sql) {
  std::string plan;
  for (const std::string& row : Query(db, "EXPLAIN QUERY PLAN " + sql)) plan += row + "\n";
  return plan;
}

class SqliteHotStoreTest : public ::testing::Test {
 protected:
  std::string Path() const { return (dir_.path() / "data" / "hot.sqlite").string(); }

  std::unique_ptr<SqliteHotStore> Open() {
    Result<std::unique_ptr<SqliteHotStore>> store = SqliteHotStore::Open(Path());
    EXPECT_TRUE(store.ok()) << store.status().ToString();
    return store.ok() ? std::move(store).value() : nullptr;
  }

  TempDir dir_;
  CollectionRef ref_{"appdb", "items"};
};

TEST_F(SqliteHotStoreTest, OpenCreatesParentDirectoriesAndUsesWal) {
  std::unique_ptr<SqliteHotStore> store = Open();
  ASSERT_NE(store, nullptr);
  EXPECT_TRUE(std::filesystem::exists(Path()));
  SqliteDb db = OpenRaw(Path());
  EXPECT_EQ(Query(db.get(), "PRAGMA journal_mode"), std::vector<std::string>{"wal"});
}

TEST_F(SqliteHotStoreTest, OpenFailsOnUnusablePaths) {
  std::filesystem::path file = dir_.path() / "plain-file";
  { std::ofstream(file) << "x"; }
  Result<std::unique_ptr<SqliteHotStore>> under_file =
      SqliteHotStore::Open((file / "hot.sqlite").string());
  EXPECT_EQ(under_file.status().code(), StatusCode::kUnavailable) << under_file.status().ToString();

  EXPECT_EQ(SqliteHotStore::Open("").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(SqliteHotStore::Open(":memory:").status().code(), StatusCode::kInvalidArgument);

  std::filesystem::path garbage = dir_.path() / "garbage.sqlite";
  { std::ofstream(garbage) << std::string(8192, 'z'); }
  Result<std::unique_ptr<SqliteHotStore>> corrupt = SqliteHotStore::Open(garbage.string());
  EXPECT_EQ(corrupt.status().code(), StatusCode::kCorruption) << corrupt.status().ToString();
}

// Files written before the on_behalf_of column existed: the store adds it on first use, old
// rows read with it empty, and new rows keep it.
TEST_F(SqliteHotStoreTest, TablesWithoutTheOnBehalfOfColumnAreUpgradedInPlace) {
  { ASSERT_NE(Open(), nullptr); }  // Creates the file.
  {
    SqliteDb db = OpenRaw(Path());
    const char* old_schema =
        "CREATE TABLE \"appdb.items_head\" (id TEXT PRIMARY KEY NOT NULL, version INTEGER NOT "
        "NULL, deleted INTEGER NOT NULL, data TEXT NOT NULL, payload_key TEXT NOT NULL, "
        "payload_hash TEXT NOT NULL, entry_hash TEXT NOT NULL, created_at INTEGER NOT NULL, "
        "updated_at INTEGER NOT NULL, actor TEXT NOT NULL, reason TEXT NOT NULL, \"indexed\" "
        "TEXT NOT NULL) WITHOUT ROWID;"
        "CREATE TABLE \"appdb.items_ver\" (id TEXT NOT NULL, version INTEGER NOT NULL, op TEXT "
        "NOT NULL, actor TEXT NOT NULL, reason TEXT NOT NULL, at INTEGER NOT NULL, changed_fields "
        "TEXT NOT NULL, payload_key TEXT NOT NULL, entry_hash TEXT NOT NULL, prev_hash TEXT NOT "
        "NULL, deleted INTEGER NOT NULL, idempotency_key TEXT NOT NULL, PRIMARY KEY (id, "
        "version)) WITHOUT ROWID;"
        "INSERT INTO \"appdb.items_head\" VALUES ('old', 0, 0, '{}', '', 'ph', 'eh', 1, 1, 'a', "
        "'r', '{}');"
        "INSERT INTO \"appdb.items_ver\" VALUES ('old', 0, 'create', 'a', 'r', 1, '[]', 'k', "
        "'eh', '', 0, '');";
    ASSERT_EQ(sqlite3_exec(db.get(), old_schema, nullptr, nullptr, nullptr), SQLITE_OK)
        << sqlite3_errmsg(db.get());
  }
  std::unique_ptr<SqliteHotStore> store = Open();
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->EnsureCollection(ref_, {}).ok());
  Result<std::optional<HeadRow>> old_head = store->GetHead(ref_, "old");
  ASSERT_TRUE(old_head.ok() && old_head->has_value()) << testing::StatusOf(old_head).ToString();
  EXPECT_EQ((*old_head)->actor, "a");
  EXPECT_EQ((*old_head)->on_behalf_of, "");
  Result<std::optional<VersionRow>> old_version = store->GetVersion(ref_, "old", 0);
  ASSERT_TRUE(old_version.ok() && old_version->has_value());
  EXPECT_EQ((*old_version)->on_behalf_of, "");
  HeadRow head = MakeHead("new", 0);
  VersionRow version = MakeVersion("new", 0, 5);
  ASSERT_TRUE(store->CommitVersion(ref_, version, head, std::nullopt).ok());
  ExpectHeadEq(**store->GetHead(ref_, "new"), head);
  ExpectVersionEq(**store->GetVersion(ref_, "new", 0), version);
  // A second open finds the column present and changes nothing.
  store.reset();
  store = Open();
  ASSERT_TRUE(store->EnsureCollection(ref_, {}).ok());
  ExpectHeadEq(**store->GetHead(ref_, "new"), head);
}

TEST_F(SqliteHotStoreTest, DataSurvivesCloseAndReopen) {
  HeadRow head = MakeHead("r1", 1, R"({"status":"open"})");
  VersionRow v1 = MakeVersion("r1", 1, 200);
  {
    std::unique_ptr<SqliteHotStore> store = Open();
    ASSERT_NE(store, nullptr);
    HOT_ASSERT_OK(store->EnsureCollection(ref_, {"status"}));
    HOT_ASSERT_OK(
        store->CommitVersion(ref_, MakeVersion("r1", 0, 100), MakeHead("r1", 0), std::nullopt));
    HOT_ASSERT_OK(store->CommitVersion(ref_, v1, head, 0));
    HOT_ASSERT_OK(store->InsertClaim(ref_, {"k", "owner", 5, "{}"}));
    HOT_ASSERT_OK(store->IncrementCounter(ref_, "n", 41));
  }
  std::unique_ptr<SqliteHotStore> store = Open();
  ASSERT_NE(store, nullptr);
  // No EnsureCollection: the tables are in the file.
  HOT_ASSERT_OK_AND_ASSIGN(std::optional<HeadRow> got, store->GetHead(ref_, "r1"));
  ASSERT_TRUE(got.has_value());
  ExpectHeadEq(*got, head);
  HOT_ASSERT_OK_AND_ASSIGN(std::optional<VersionRow> version,
                           store->GetVersionAsOf(ref_, "r1", 250));
  ASSERT_TRUE(version.has_value());
  ExpectVersionEq(*version, v1);
  HOT_ASSERT_OK_AND_ASSIGN(std::optional<ClaimRow> claim, store->GetClaim(ref_, "k"));
  EXPECT_EQ(claim->owner, "owner");
  HOT_ASSERT_OK_AND_ASSIGN(int64_t n, store->IncrementCounter(ref_, "n", 1));
  EXPECT_EQ(n, 42);
  HOT_ASSERT_OK_AND_ASSIGN(std::vector<std::string> names, store->ListCollections("appdb"));
  EXPECT_EQ(names, std::vector<std::string>{"items"});
}

TEST_F(SqliteHotStoreTest, TwoInstancesOnOneFileSeeEachOthersWrites) {
  std::unique_ptr<SqliteHotStore> a = Open();
  std::unique_ptr<SqliteHotStore> b = Open();
  ASSERT_TRUE(a && b);
  HOT_ASSERT_OK(a->EnsureCollection(ref_, {"status"}));
  HOT_ASSERT_OK_AND_ASSIGN(std::vector<std::string> names, b->ListCollections("appdb"));
  EXPECT_EQ(names, std::vector<std::string>{"items"});

  HOT_ASSERT_OK(a->CommitVersion(ref_, MakeVersion("r1", 0, 1), MakeHead("r1", 0), std::nullopt));
  HOT_ASSERT_OK_AND_ASSIGN(std::optional<HeadRow> seen, b->GetHead(ref_, "r1"));
  ASSERT_TRUE(seen.has_value());
  EXPECT_EQ(seen->version, 0);
  HOT_ASSERT_OK(b->CommitVersion(ref_, MakeVersion("r1", 1, 2), MakeHead("r1", 1), 0));
  Status stale = a->CommitVersion(ref_, MakeVersion("r1", 2, 3), MakeHead("r1", 2), 0);
  EXPECT_EQ(stale.code(), StatusCode::kConflict) << stale.ToString();
  EXPECT_EQ(stale.current_version(), std::optional<int64_t>(1));
  HOT_EXPECT_CODE(a->InsertClaim(ref_, {"lock", "a", 1, "{}"}), StatusCode::kOk);
  HOT_EXPECT_CODE(b->InsertClaim(ref_, {"lock", "b", 1, "{}"}), StatusCode::kAlreadyExists);
  HOT_ASSERT_OK_AND_ASSIGN(std::vector<HeadRow> rows, a->ScanHeads(ref_, "", 10, {}, false));
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].version, 1);
}

TEST_F(SqliteHotStoreTest, TwoInstancesRacingOnOneVersionHaveExactlyOneWinner) {
  std::unique_ptr<SqliteHotStore> a = Open();
  std::unique_ptr<SqliteHotStore> b = Open();
  ASSERT_TRUE(a && b);
  HOT_ASSERT_OK(a->EnsureCollection(ref_, {}));
  HOT_ASSERT_OK(
      a->CommitVersion(ref_, MakeVersion("race", 0, 1), MakeHead("race", 0), std::nullopt));
  constexpr int kThreads = 8;
  std::latch start(kThreads);
  std::vector<Status> results(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      HotStore& store = t % 2 == 0 ? static_cast<HotStore&>(*a) : *b;
      start.arrive_and_wait();
      results[t] = store.CommitVersion(ref_, MakeVersion("race", 1, 2), MakeHead("race", 1), 0);
    });
  }
  for (std::thread& thread : threads) thread.join();
  int wins = 0;
  for (const Status& status : results) {
    if (status.ok()) {
      ++wins;
    } else {
      EXPECT_EQ(status.code(), StatusCode::kAlreadyExists) << status.ToString();
    }
  }
  EXPECT_EQ(wins, 1);
}

TEST_F(SqliteHotStoreTest, WriterWaitsForAnotherProcessesTransaction) {
  std::unique_ptr<SqliteHotStore> store = Open();
  ASSERT_NE(store, nullptr);
  HOT_ASSERT_OK(store->EnsureCollection(ref_, {}));
  SqliteDb other = OpenRaw(Path());
  ASSERT_EQ(sqlite3_exec(other.get(), "BEGIN IMMEDIATE", nullptr, nullptr, nullptr), SQLITE_OK);
  std::latch started(2);
  std::thread releaser([&] {
    started.arrive_and_wait();
    // Hold the write lock briefly while the store's write is already waiting for it.
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    sqlite3_exec(other.get(), "COMMIT", nullptr, nullptr, nullptr);
  });
  started.arrive_and_wait();
  Status written = store->WriteHead(ref_, MakeHead("r1", 0), std::nullopt);
  releaser.join();
  HOT_ASSERT_OK(written);
  HOT_ASSERT_OK_AND_ASSIGN(std::optional<HeadRow> head, store->GetHead(ref_, "r1"));
  EXPECT_TRUE(head.has_value());
}

TEST_F(SqliteHotStoreTest, SchemaUsesExactTableNamesAndIndexes) {
  std::unique_ptr<SqliteHotStore> store = Open();
  ASSERT_NE(store, nullptr);
  HOT_ASSERT_OK(store->EnsureCollection(ref_, {"status", "address.city"}));
  HOT_ASSERT_OK(store->EnsureCollection(ref_, {"status", "owner's name"}));
  SqliteDb db = OpenRaw(Path());
  EXPECT_EQ(Query(db.get(), "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"),
            (std::vector<std::string>{"appdb.items_counter", "appdb.items_head",
                                      "appdb.items_locks", "appdb.items_ver", "appdb.items_verf"}));
  EXPECT_EQ(Query(db.get(), "SELECT name FROM pragma_index_info('appdb.items_ver:id_at')"),
            (std::vector<std::string>{"id", "at", "version"}));
  EXPECT_EQ(
      Query(db.get(),
            "SELECT name FROM sqlite_master WHERE type = 'index' AND "
            "tbl_name = 'appdb.items_head' AND name LIKE '%:ix:%' ORDER BY name"),
      (std::vector<std::string>{"appdb.items_head:ix:address.city",
                                "appdb.items_head:ix:owner's name", "appdb.items_head:ix:status"}));
}

TEST_F(SqliteHotStoreTest, LookupsUseIndexesWhateverTheHistoryLength) {
  std::unique_ptr<SqliteHotStore> store = Open();
  ASSERT_NE(store, nullptr);
  HOT_ASSERT_OK(store->EnsureCollection(ref_, {"address.city"}));
  HOT_ASSERT_OK_AND_ASSIGN(const SqliteTables* tables, TablesFor(ref_));
  const SqliteTables& t = *tables;
  SqliteDb db = OpenRaw(Path());

  std::string as_of = JoinPlan(db.get(), VersionAsOfSql(t));
  EXPECT_NE(as_of.find("USING INDEX appdb.items_ver:id_at (id=? AND at<?)"), std::string::npos)
      << as_of;
  EXPECT_EQ(as_of.find("TEMP B-TREE"), std::string::npos) << as_of;

  for (Order order : {Order::kAscending, Order::kDescending}) {
    std::string list = JoinPlan(db.get(), ListVersionsSql(t, order));
    EXPECT_NE(list.find("SEARCH"), std::string::npos) << list;
    EXPECT_EQ(list.find("TEMP B-TREE"), std::string::npos) << list;
  }

  // A page of a version query reads one index in order, whatever the history holds.
  const VersionPosition after{100, "r1", 2};
  for (const VersionFilter& filter :
       {VersionFilter{}, VersionFilter{.actor = "ada"}, VersionFilter{.from = 1, .to = 5},
        VersionFilter{.field = "/address"}, VersionFilter{.actor = "ada", .field = "/a"}}) {
    for (bool paged : {false, true}) {
      SqlQuery versions = ScanVersionsQuery(t, filter, filter.field,
                                            paged ? std::optional(after) : std::nullopt, 10);
      std::string plan = JoinPlan(db.get(), versions.sql);
      EXPECT_EQ(plan.find("TEMP B-TREE"), std::string::npos) << versions.sql << "\n" << plan;
      EXPECT_EQ(plan.find("SCAN v\n"), std::string::npos) << versions.sql << "\n" << plan;
      std::string index = !filter.field.empty()   ? "SEARCH f USING PRIMARY KEY (field=?"
                          : !filter.actor.empty() ? "USING INDEX appdb.items_ver:actor_at"
                                                  : "USING INDEX appdb.items_ver:at";
      EXPECT_NE(plan.find(index), std::string::npos) << versions.sql << "\n" << plan;
    }
  }

  SqlQuery scan = ScanHeadsQuery(t, "", 10, {{"address.city", Condition::Op::kEq, "Paris"}}, false);
  std::string plan = JoinPlan(db.get(), scan.sql);
  EXPECT_NE(plan.find("INDEX appdb.items_head:ix:address.city (<expr>=?"), std::string::npos)
      << plan;
}

// A file whose runtime collection was made before {c}_verf: the next EnsureCollection creates it
// and indexes every version already there by field.
TEST_F(SqliteHotStoreTest, VersionsWrittenBeforeTheFieldIndexAreFoundByField) {
  {
    std::unique_ptr<SqliteHotStore> store = Open();
    ASSERT_NE(store, nullptr);
    HOT_ASSERT_OK(store->EnsureCollection(ref_, {}));
    VersionRow old = MakeVersion("r1", 0, 100);
    old.changed_fields = R"(["address"])";
    HOT_ASSERT_OK(store->InsertVersion(ref_, old));
  }
  {
    SqliteDb db = OpenRaw(Path());
    Query(db.get(), "DROP TABLE \"appdb.items_verf\"");
  }
  std::unique_ptr<SqliteHotStore> store = Open();
  ASSERT_NE(store, nullptr);
  HOT_ASSERT_OK(store->EnsureCollection(ref_, {}));
  HOT_ASSERT_OK_AND_ASSIGN(std::vector<VersionRow> found,
                           store->ScanVersions(ref_, {.field = "/address"}, std::nullopt, 10));
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].id, "r1");
}

TEST(SqliteHotStoreSqlTest, QuotesIdentifiersAndLiterals) {
  EXPECT_EQ(QuoteIdentifier("db.c_head"), "\"db.c_head\"");
  EXPECT_EQ(QuoteIdentifier("we\"ird"), "\"we\"\"ird\"");
  EXPECT_EQ(QuoteLiteral("it's"), "'it''s'");
  EXPECT_EQ(IndexedExpression("owner's name"), "json_extract(\"indexed\", '$.\"owner''s name\"')");
}

TEST(SqliteHotStoreErrorTest, MapsResultCodesToStatusCodes) {
  EXPECT_EQ(SqliteStatus(SQLITE_BUSY, nullptr, "op t").code(), StatusCode::kUnavailable);
  EXPECT_EQ(SqliteStatus(SQLITE_LOCKED, nullptr, "op t").code(), StatusCode::kUnavailable);
  EXPECT_EQ(SqliteStatus(SQLITE_CONSTRAINT_UNIQUE, nullptr, "op t").code(),
            StatusCode::kAlreadyExists);
  EXPECT_EQ(SqliteStatus(SQLITE_CONSTRAINT_PRIMARYKEY, nullptr, "op t").code(),
            StatusCode::kAlreadyExists);
  EXPECT_EQ(SqliteStatus(SQLITE_CONSTRAINT_NOTNULL, nullptr, "op t").code(), StatusCode::kInternal);
  EXPECT_EQ(SqliteStatus(SQLITE_CORRUPT, nullptr, "op t").code(), StatusCode::kCorruption);
  EXPECT_EQ(SqliteStatus(SQLITE_FULL, nullptr, "op t").code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(SqliteStatus(SQLITE_MISMATCH, nullptr, "op t").code(), StatusCode::kInternal);
  Status status = SqliteStatus(SQLITE_BUSY, nullptr, "insert head db.c_head");
  EXPECT_EQ(status.message().rfind("insert head db.c_head: ", 0), 0u) << status.message();
}

}  // namespace
}  // namespace xronox::store
