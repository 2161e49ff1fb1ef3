// The HotStore conformance suite: every backend runs every test (memory, sqlite, and mongo
// when XRONOX_TEST_MONGO_URI names a MongoDB-wire server; scripts/test-services.sh starts one).
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <functional>
#include <latch>
#include <limits>
#include <random>
#include <thread>

#include "conformance/hot_store_backends.h"
#include "conformance/hot_store_condition_cases.h"
#include "conformance/hot_store_test_util.h"
#include "store/hot/hot_store.h"
#include "store/hot/memory/memory_hot_store.h"
#include "store/hot/mongo/mongo_hot_store.h"
#include "store/hot/sqlite/sqlite_hot_store.h"

namespace xronox::store {
namespace {

using testing::Cond;
using testing::ConditionCase;
using testing::ConditionCases;
using testing::ExpectHeadEq;
using testing::ExpectVersionEq;
using testing::IdsOf;
using testing::MakeHead;
using testing::MakeVersion;
using testing::TempDir;
using testing::VersionsOf;
using testing::WriteConditionFixture;
using Ids = std::vector<std::string>;

// ---- Collections -------------------------------------------------------------------------

TEST_P(HotStoreConformanceTest, EnsureCollectionIsIdempotentAndAddsIndexes) {
  HOT_ASSERT_OK(store_->WriteHead(ref_, MakeHead("r1", 0, R"({"status":"open"})"), std::nullopt));
  HOT_ASSERT_OK(store_->EnsureCollection(ref_, kProps));
  std::vector<std::string> more = kProps;
  more.push_back("owner.name");
  HOT_ASSERT_OK(store_->EnsureCollection(ref_, more));
  HOT_ASSERT_OK(store_->EnsureCollection(ref_, {}));
  std::optional<HeadRow> head = Head("r1");
  ASSERT_TRUE(head.has_value());
  EXPECT_EQ(head->indexed, R"({"status":"open"})");
  HOT_ASSERT_OK_AND_ASSIGN(std::vector<std::string> names, store_->ListCollections("appdb"));
  EXPECT_EQ(names, Ids{"items"});
}

TEST_P(HotStoreConformanceTest, ListCollectionsIsSortedAndScopedToItsDatabase) {
  for (const char* c : {"a_head", "a", "Z", "a-b"}) {
    HOT_ASSERT_OK(store_->EnsureCollection({"listdb", c}, {"status"}));
  }
  HOT_ASSERT_OK(store_->EnsureCollection({"listdb2", "x"}, {}));
  HOT_ASSERT_OK(store_->EnsureCollection({"listd", "y"}, {}));
  HOT_ASSERT_OK_AND_ASSIGN(std::vector<std::string> names, store_->ListCollections("listdb"));
  EXPECT_EQ(names, (Ids{"Z", "a", "a-b", "a_head"}));
  HOT_ASSERT_OK_AND_ASSIGN(names, store_->ListCollections("listdb2"));
  EXPECT_EQ(names, Ids{"x"});
  HOT_ASSERT_OK_AND_ASSIGN(names, store_->ListCollections("nodb"));
  EXPECT_TRUE(names.empty());
  HOT_EXPECT_CODE(store_->ListCollections("bad.db"), StatusCode::kInvalidArgument);
}

TEST_P(HotStoreConformanceTest, ListDatabasesNamesEachDatabaseWithCollectionsOnce) {
  HOT_ASSERT_OK(store_->EnsureCollection({"tenant_b", "x_head"}, {}));
  HOT_ASSERT_OK(store_->EnsureCollection({"tenant_b", "y"}, {}));
  HOT_ASSERT_OK(store_->EnsureCollection({"tenant_a", "x"}, {}));
  HOT_ASSERT_OK_AND_ASSIGN(std::vector<std::string> names, store_->ListDatabases());
  EXPECT_TRUE(std::is_sorted(names.begin(), names.end()));
  EXPECT_EQ(std::count(names.begin(), names.end(), "tenant_a"), 1);
  EXPECT_EQ(std::count(names.begin(), names.end(), "tenant_b"), 1);
  EXPECT_EQ(std::count(names.begin(), names.end(), "tenant_c"), 0);
}

TEST_P(HotStoreConformanceTest, RejectsInvalidNamesAndPaths) {
  HOT_EXPECT_CODE(store_->EnsureCollection({"bad.db", "c"}, {}), StatusCode::kInvalidArgument);
  HOT_EXPECT_CODE(store_->EnsureCollection({"db", "bad\"c"}, {}), StatusCode::kInvalidArgument);
  HOT_EXPECT_CODE(store_->EnsureCollection({"", "c"}, {}), StatusCode::kInvalidArgument);
  HOT_EXPECT_CODE(store_->EnsureCollection({"db", "c"}, {"a\"b"}), StatusCode::kInvalidArgument);
  HOT_EXPECT_CODE(store_->EnsureCollection({"db", "c"}, {"$where"}), StatusCode::kInvalidArgument);
  HOT_EXPECT_CODE(store_->GetHead({"db", "c.d"}, "x"), StatusCode::kInvalidArgument);
  HOT_ASSERT_OK_AND_ASSIGN(std::vector<std::string> names, store_->ListCollections("db"));
  EXPECT_TRUE(names.empty());
}

// Some layers compare names without case (SQLite table names, MongoDB database names), others
// with case (API-key scopes, S3 keys): a database or collection name that differs from a
// stored one only in case is refused, never served from the stored one.
TEST_P(HotStoreConformanceTest, NamesThatDifferOnlyInCaseAreRefused) {
  HOT_ASSERT_OK(store_->WriteHead(ref_, MakeHead("r1", 0), std::nullopt));
  for (const CollectionRef& variant : std::vector<CollectionRef>{
           {"APPDB", "items"}, {"AppDb", "other"}, {"appdb", "Items"}, {"appdb", "ITEMS"}}) {
    Status ensured = store_->EnsureCollection(variant, {});
    EXPECT_EQ(ensured.code(), StatusCode::kInvalidArgument)
        << variant.db << "." << variant.collection;
    EXPECT_EQ(ensured.reason(), "name_case_conflict") << ensured.ToString();
    HOT_ASSERT_OK_AND_ASSIGN(bool exists, store_->CollectionExists(variant));
    EXPECT_FALSE(exists) << variant.db << "." << variant.collection;
    // Nothing of the stored collection is reachable through the variant.
    HOT_EXPECT_CODE(store_->GetHead(variant, "r1"), StatusCode::kNotFound);
    HOT_EXPECT_CODE(store_->ScanHeads(variant, "", 10, {}, false), StatusCode::kNotFound);
    HOT_EXPECT_CODE(store_->WriteHead(variant, MakeHead("r2", 0), std::nullopt),
                    StatusCode::kNotFound);
  }
  HOT_ASSERT_OK_AND_ASSIGN(bool exists, store_->CollectionExists(ref_));
  EXPECT_TRUE(exists);
  HOT_ASSERT_OK_AND_ASSIGN(std::vector<std::string> databases, store_->ListDatabases());
  EXPECT_EQ(std::count(databases.begin(), databases.end(), "APPDB"), 0);
  EXPECT_EQ(std::count(databases.begin(), databases.end(), "AppDb"), 0);
  HOT_ASSERT_OK_AND_ASSIGN(std::vector<std::string> names, store_->ListCollections("appdb"));
  EXPECT_EQ(names, Ids{"items"});
  // Other names of the same database and other databases are still fine.
  HOT_ASSERT_OK(store_->EnsureCollection({"appdb", "items2"}, {}));
  HOT_ASSERT_OK(store_->EnsureCollection({"appdb2", "items"}, {}));
}

TEST_P(HotStoreConformanceTest, CollectionExistsCreatesNothing) {
  HOT_ASSERT_OK_AND_ASSIGN(bool exists, store_->CollectionExists({"ghostdb", "ghost"}));
  EXPECT_FALSE(exists);
  HOT_ASSERT_OK_AND_ASSIGN(exists, store_->CollectionExists({"appdb", "ghost"}));
  EXPECT_FALSE(exists);
  HOT_ASSERT_OK_AND_ASSIGN(std::vector<std::string> databases, store_->ListDatabases());
  EXPECT_EQ(std::count(databases.begin(), databases.end(), "ghostdb"), 0);
  HOT_ASSERT_OK_AND_ASSIGN(std::vector<std::string> names, store_->ListCollections("appdb"));
  EXPECT_EQ(names, Ids{"items"});
  HOT_EXPECT_CODE(store_->CollectionExists({"bad.db", "c"}), StatusCode::kInvalidArgument);
}

// Only runtime keeps a version index: a collection made without one refuses version writes and
// finds no versions, on every backend; its heads, claims and counters work as usual.
TEST_P(HotStoreConformanceTest, AnUnversionedCollectionKeepsNoVersions) {
  CollectionRef plain{"appdb", "plain", /*versioned=*/false};
  HOT_ASSERT_OK(store_->EnsureCollection(plain, {}));
  HOT_ASSERT_OK(store_->WriteHead(plain, MakeHead("p1", 0, "{}"), std::nullopt));
  HOT_EXPECT_CODE(store_->InsertVersion(plain, MakeVersion("p1", 0, 100)),
                  StatusCode::kInvalidArgument);
  HOT_EXPECT_CODE(
      store_->CommitVersion(plain, MakeVersion("p1", 1, 200), MakeHead("p1", 1, "{}"), 0),
      StatusCode::kInvalidArgument);
  HOT_ASSERT_OK_AND_ASSIGN(auto versions,
                           store_->ListVersions(plain, "p1", std::nullopt, 10, Order::kAscending));
  EXPECT_TRUE(versions.empty());
  HOT_ASSERT_OK_AND_ASSIGN(auto version, store_->GetVersion(plain, "p1", 0));
  EXPECT_FALSE(version.has_value());
  HOT_ASSERT_OK_AND_ASSIGN(auto as_of, store_->GetVersionAsOf(plain, "p1", 1000));
  EXPECT_FALSE(as_of.has_value());
  HOT_ASSERT_OK(store_->InsertClaim(plain, {"write:p1", "o1", 1, "{}"}));
  HOT_ASSERT_OK_AND_ASSIGN(int64_t count, store_->IncrementCounter(plain, "created", 1));
  EXPECT_EQ(count, 1);
}

TEST_P(HotStoreConformanceTest, RecordIdsThatDifferOnlyInCaseAreTwoRecords) {
  HOT_ASSERT_OK(store_->WriteHead(ref_, MakeHead("Order-1", 0, R"({"status":"a"})"), std::nullopt));
  HOT_ASSERT_OK(store_->WriteHead(ref_, MakeHead("order-1", 0, R"({"status":"b"})"), std::nullopt));
  std::optional<HeadRow> upper = Head("Order-1");
  std::optional<HeadRow> lower = Head("order-1");
  ASSERT_TRUE(upper.has_value() && lower.has_value());
  EXPECT_EQ(upper->indexed, R"({"status":"a"})");
  EXPECT_EQ(lower->indexed, R"({"status":"b"})");
  HOT_ASSERT_OK(store_->InsertClaim(ref_, {"claim/Order-1", "o1", 1, "{}"}));
  HOT_ASSERT_OK(store_->InsertClaim(ref_, {"claim/order-1", "o2", 1, "{}"}));
}

TEST_P(HotStoreConformanceTest, ConcurrentCreatorsOfCaseVariantsHaveOneWinner) {
  const std::vector<std::string> variants = {"race_db", "RACE_DB", "Race_Db", "rACE_dB"};
  std::vector<Status> results(variants.size());
  std::latch start(static_cast<std::ptrdiff_t>(variants.size()));
  std::vector<std::thread> threads;
  for (size_t i = 0; i < variants.size(); ++i) {
    threads.emplace_back([&, i] {
      start.arrive_and_wait();
      results[i] = store_->EnsureCollection({variants[i], "orders"}, {});
    });
  }
  for (std::thread& thread : threads) thread.join();
  int winners = 0;
  for (size_t i = 0; i < variants.size(); ++i) {
    if (results[i].ok()) {
      ++winners;
      HOT_ASSERT_OK_AND_ASSIGN(bool exists, store_->CollectionExists({variants[i], "orders"}));
      EXPECT_TRUE(exists) << variants[i];
      continue;
    }
    EXPECT_EQ(results[i].reason(), "name_case_conflict") << results[i].ToString();
  }
  EXPECT_GE(winners, 1);
  if (GetParam().case_refusal_is_atomic) {
    EXPECT_EQ(winners, 1);
  }
}

TEST_P(HotStoreConformanceTest, OperationsOnMissingCollectionReturnNotFound) {
  CollectionRef missing{"appdb", "missing"};
  HOT_EXPECT_CODE(store_->GetHead(missing, "x"), StatusCode::kNotFound);
  HOT_EXPECT_CODE(store_->WriteHead(missing, MakeHead("x", 0), std::nullopt),
                  StatusCode::kNotFound);
  HOT_EXPECT_CODE(
      store_->CommitVersion(missing, MakeVersion("x", 0, 1), MakeHead("x", 0), std::nullopt),
      StatusCode::kNotFound);
  HOT_EXPECT_CODE(store_->GetVersionAsOf(missing, "x", 1), StatusCode::kNotFound);
  HOT_EXPECT_CODE(store_->ScanHeads(missing, "", 10, {}, false), StatusCode::kNotFound);
  HOT_EXPECT_CODE(store_->InsertClaim(missing, {"k", "o", 1, "{}"}), StatusCode::kNotFound);
  HOT_EXPECT_CODE(store_->IncrementCounter(missing, "n", 1), StatusCode::kNotFound);
}

// ---- Heads -------------------------------------------------------------------------------

TEST_P(HotStoreConformanceTest, InsertHeadRoundTripsEveryField) {
  HeadRow head = MakeHead("r1", 0, R"({"address.city":"Paris","status":"open"})");
  HOT_ASSERT_OK(store_->WriteHead(ref_, head, std::nullopt));
  std::optional<HeadRow> stored = Head("r1");
  ASSERT_TRUE(stored.has_value());
  ExpectHeadEq(*stored, head);
  EXPECT_FALSE(Head("r2").has_value());
}

TEST_P(HotStoreConformanceTest, InsertExistingHeadFailsAndKeepsOriginal) {
  HOT_ASSERT_OK(store_->WriteHead(ref_, MakeHead("r1", 0), std::nullopt));
  HeadRow other = MakeHead("r1", 7);
  HOT_EXPECT_CODE(store_->WriteHead(ref_, other, std::nullopt), StatusCode::kAlreadyExists);
  EXPECT_EQ(Head("r1")->version, 0);
}

TEST_P(HotStoreConformanceTest, ReplaceHeadChecksExpectedVersion) {
  HOT_ASSERT_OK(store_->WriteHead(ref_, MakeHead("r1", 0), std::nullopt));
  HOT_ASSERT_OK(store_->WriteHead(ref_, MakeHead("r1", 1), 0));
  EXPECT_EQ(Head("r1")->version, 1);

  Status stale = store_->WriteHead(ref_, MakeHead("r1", 1), 0);
  EXPECT_EQ(stale.code(), StatusCode::kConflict) << stale.ToString();
  EXPECT_EQ(stale.current_version(), std::optional<int64_t>(1));
  EXPECT_EQ(stale.reason(), "version_mismatch");
  EXPECT_NE(stale.message().find("current version 1"), std::string::npos) << stale.message();
  ExpectHeadEq(*Head("r1"), MakeHead("r1", 1));

  HOT_EXPECT_CODE(store_->WriteHead(ref_, MakeHead("absent", 1), 0), StatusCode::kNotFound);
  EXPECT_FALSE(Head("absent").has_value());
}

TEST_P(HotStoreConformanceTest, DeleteHeadRemovesTheHeadOnlyAtItsVersion) {
  HOT_ASSERT_OK(store_->WriteHead(ref_, MakeHead("r1", 0), std::nullopt));
  HOT_ASSERT_OK(store_->WriteHead(ref_, MakeHead("r1", 1), 0));
  HOT_ASSERT_OK(store_->WriteHead(ref_, MakeHead("r2", 0), std::nullopt));
  Status stale = store_->DeleteHead(ref_, "r1", 0);
  EXPECT_EQ(stale.code(), StatusCode::kConflict) << stale.ToString();
  EXPECT_EQ(stale.current_version(), std::optional<int64_t>(1));
  ASSERT_TRUE(Head("r1").has_value());
  HOT_ASSERT_OK(store_->DeleteHead(ref_, "r1", 1));
  EXPECT_FALSE(Head("r1").has_value());
  HOT_EXPECT_CODE(store_->DeleteHead(ref_, "r1", 1), StatusCode::kNotFound);
  ExpectHeadEq(*Head("r2"), MakeHead("r2", 0));
  auto heads = store_->ScanHeads(ref_, "", 10, {}, true);
  HOT_ASSERT_OK(heads.status());
  ASSERT_EQ(heads->size(), 1u) << "no tombstone is left";
  HOT_ASSERT_OK(store_->WriteHead(ref_, MakeHead("r1", 0), std::nullopt));  // The id is free.
  HOT_EXPECT_CODE(store_->DeleteHead({ref_.db, "missing", false}, "r1", 0), StatusCode::kNotFound);
}

TEST_P(HotStoreConformanceTest, IndexedIsStoredCanonicallyAndMustBeAnObject) {
  HOT_ASSERT_OK(store_->WriteHead(ref_, MakeHead("empty", 0, ""), std::nullopt));
  EXPECT_EQ(Head("empty")->indexed, "{}");
  HOT_ASSERT_OK(store_->WriteHead(ref_, MakeHead("spaced", 0, R"({ "status" : "x", "score": 2 })"),
                                  std::nullopt));
  EXPECT_EQ(Head("spaced")->indexed, R"({"score":2,"status":"x"})");
  HOT_EXPECT_CODE(store_->WriteHead(ref_, MakeHead("arr", 0, "[1]"), std::nullopt),
                  StatusCode::kInvalidArgument);
  HOT_EXPECT_CODE(store_->WriteHead(ref_, MakeHead("bad", 0, "{oops"), std::nullopt),
                  StatusCode::kInvalidArgument);
  HOT_EXPECT_CODE(
      store_->CommitVersion(ref_, MakeVersion("bad", 0, 1), MakeHead("bad", 0, "7"), std::nullopt),
      StatusCode::kInvalidArgument);
  EXPECT_FALSE(Head("arr").has_value());
  EXPECT_FALSE(Version("bad", 0).has_value());
}

// ---- CommitVersion -------------------------------------------------------------------------

TEST_P(HotStoreConformanceTest, CommitVersionWritesVersionAndHead) {
  VersionRow v0 = MakeVersion("r1", 0, 100);
  HOT_ASSERT_OK(store_->CommitVersion(ref_, v0, MakeHead("r1", 0), std::nullopt));
  VersionRow v1 = MakeVersion("r1", 1, 200);
  HOT_ASSERT_OK(store_->CommitVersion(ref_, v1, MakeHead("r1", 1), 0));
  ExpectHeadEq(*Head("r1"), MakeHead("r1", 1));
  ExpectVersionEq(*Version("r1", 0), v0);
  ExpectVersionEq(*Version("r1", 1), v1);
}

TEST_P(HotStoreConformanceTest, CommitVersionConflictChangesNothing) {
  CommitChain(ref_, "r1", 2);
  Status conflict = store_->CommitVersion(ref_, MakeVersion("r1", 2, 900), MakeHead("r1", 2), 0);
  EXPECT_EQ(conflict.code(), StatusCode::kConflict) << conflict.ToString();
  EXPECT_EQ(conflict.current_version(), std::optional<int64_t>(1));
  EXPECT_FALSE(Version("r1", 2).has_value());
  ExpectHeadEq(*Head("r1"), MakeHead("r1", 1));
  HOT_ASSERT_OK_AND_ASSIGN(std::optional<VersionRow> latest,
                           store_->GetVersionAsOf(ref_, "r1", 1000));
  EXPECT_EQ(latest->version, 1);
}

TEST_P(HotStoreConformanceTest, CommitVersionOnMissingHeadChangesNothing) {
  HOT_EXPECT_CODE(store_->CommitVersion(ref_, MakeVersion("ghost", 1, 5), MakeHead("ghost", 1), 0),
                  StatusCode::kNotFound);
  EXPECT_FALSE(Version("ghost", 1).has_value());
  EXPECT_FALSE(Head("ghost").has_value());
}

TEST_P(HotStoreConformanceTest, CommitVersionInsertOverExistingHeadChangesNothing) {
  CommitChain(ref_, "r1", 1);
  HOT_EXPECT_CODE(
      store_->CommitVersion(ref_, MakeVersion("r1", 5, 500), MakeHead("r1", 5), std::nullopt),
      StatusCode::kAlreadyExists);
  EXPECT_FALSE(Version("r1", 5).has_value());
  EXPECT_EQ(Head("r1")->version, 0);
}

TEST_P(HotStoreConformanceTest, CommitDuplicateVersionChangesNothing) {
  CommitChain(ref_, "r1", 2);
  VersionRow again = MakeVersion("r1", 1, 777);
  again.actor = "intruder";
  HeadRow head = MakeHead("r1", 2);
  head.actor = "intruder";
  HOT_EXPECT_CODE(store_->CommitVersion(ref_, again, head, 1), StatusCode::kAlreadyExists);
  ExpectVersionEq(*Version("r1", 1), MakeVersion("r1", 1, 200));
  ExpectHeadEq(*Head("r1"), MakeHead("r1", 1));
}

TEST_P(HotStoreConformanceTest, CommitVersionRejectsMismatchedIds) {
  HOT_EXPECT_CODE(
      store_->CommitVersion(ref_, MakeVersion("a", 0, 1), MakeHead("b", 0), std::nullopt),
      StatusCode::kInvalidArgument);
  EXPECT_FALSE(Version("a", 0).has_value());
  EXPECT_FALSE(Head("b").has_value());
}

TEST_P(HotStoreConformanceTest, InsertVersionAloneAndDuplicate) {
  VersionRow v3 = MakeVersion("r1", 3, 300);
  HOT_ASSERT_OK(store_->InsertVersion(ref_, v3));
  VersionRow changed = v3;
  changed.actor = "other";
  HOT_EXPECT_CODE(store_->InsertVersion(ref_, changed), StatusCode::kAlreadyExists);
  ExpectVersionEq(*Version("r1", 3), v3);
  EXPECT_FALSE(Head("r1").has_value());
}

// ---- Version lookups -------------------------------------------------------------------------

TEST_P(HotStoreConformanceTest, GetVersionIsScopedByRecord) {
  CommitChain(ref_, "a", 3);
  CommitChain(ref_, "b", 1);
  EXPECT_EQ(Version("a", 2)->id, "a");
  EXPECT_FALSE(Version("b", 2).has_value());
  EXPECT_FALSE(Version("a", 3).has_value());
  EXPECT_FALSE(Version("c", 0).has_value());
}

TEST_P(HotStoreConformanceTest, GetVersionAsOfTakesLatestAtOrBeforeTime) {
  // Inserted out of order; versions 1 and 2 share a timestamp.
  for (const VersionRow& row :
       {MakeVersion("a", 3, 300), MakeVersion("a", 0, 100), MakeVersion("a", 2, 200),
        MakeVersion("a", 1, 200), MakeVersion("b", 0, 50), MakeVersion("b", 1, 250)}) {
    HOT_ASSERT_OK(store_->InsertVersion(ref_, row));
  }
  auto as_of = [&](const std::string& id, TimestampMicros at) -> std::optional<int64_t> {
    Result<std::optional<VersionRow>> row = store_->GetVersionAsOf(ref_, id, at);
    EXPECT_TRUE(row.ok()) << row.status().ToString();
    if (!row.ok() || !row->has_value()) return std::nullopt;
    EXPECT_EQ((*row)->id, id);
    return (*row)->version;
  };
  EXPECT_EQ(as_of("a", 99), std::nullopt);
  EXPECT_EQ(as_of("a", 100), 0);
  EXPECT_EQ(as_of("a", 199), 0);
  EXPECT_EQ(as_of("a", 200), 2);
  EXPECT_EQ(as_of("a", 299), 2);
  EXPECT_EQ(as_of("a", 300), 3);
  EXPECT_EQ(as_of("a", std::numeric_limits<int64_t>::max()), 3);
  EXPECT_EQ(as_of("b", 49), std::nullopt);
  EXPECT_EQ(as_of("b", 240), 0);
  EXPECT_EQ(as_of("b", 260), 1);
  EXPECT_EQ(as_of("c", 1000), std::nullopt);
}

TEST_P(HotStoreConformanceTest, ListVersionsPagesInBothOrders) {
  CommitChain(ref_, "a", 10);
  CommitChain(ref_, "b", 3);
  using V = std::vector<int64_t>;
  auto page = [&](std::optional<int64_t> after, Order order) {
    Result<std::vector<VersionRow>> rows = store_->ListVersions(ref_, "a", after, 4, order);
    EXPECT_TRUE(rows.ok()) << rows.status().ToString();
    for (const VersionRow& row : rows.ok() ? *rows : std::vector<VersionRow>()) {
      EXPECT_EQ(row.id, "a");
    }
    return rows.ok() ? VersionsOf(*rows) : V{-1};
  };
  EXPECT_EQ(page(std::nullopt, Order::kAscending), (V{0, 1, 2, 3}));
  EXPECT_EQ(page(3, Order::kAscending), (V{4, 5, 6, 7}));
  EXPECT_EQ(page(7, Order::kAscending), (V{8, 9}));
  EXPECT_EQ(page(9, Order::kAscending), V{});
  EXPECT_EQ(page(std::nullopt, Order::kDescending), (V{9, 8, 7, 6}));
  EXPECT_EQ(page(6, Order::kDescending), (V{5, 4, 3, 2}));
  EXPECT_EQ(page(2, Order::kDescending), (V{1, 0}));
  EXPECT_EQ(page(0, Order::kDescending), V{});
  HOT_ASSERT_OK_AND_ASSIGN(std::vector<VersionRow> none,
                           store_->ListVersions(ref_, "zzz", std::nullopt, 5, Order::kAscending));
  EXPECT_TRUE(none.empty());
  HOT_EXPECT_CODE(store_->ListVersions(ref_, "a", std::nullopt, 0, Order::kAscending),
                  StatusCode::kInvalidArgument);
}

// ---- ScanHeads -------------------------------------------------------------------------------

TEST_P(HotStoreConformanceTest, ScanHeadsPagesByIdAndHidesDeleted) {
  for (int i = 24; i >= 0; --i) {
    char id[8];
    snprintf(id, sizeof(id), "r%02d", i);
    HOT_ASSERT_OK(
        store_->WriteHead(ref_, MakeHead(id, 0, "{}", /*deleted=*/i % 5 == 0), std::nullopt));
  }
  Ids seen;
  std::string after;
  for (int pages = 0; pages < 10; ++pages) {
    HOT_ASSERT_OK_AND_ASSIGN(std::vector<HeadRow> rows,
                             store_->ScanHeads(ref_, after, 7, {}, false));
    if (rows.empty()) break;
    EXPECT_LE(rows.size(), 7u);
    for (const HeadRow& row : rows) seen.push_back(row.id);
    after = rows.back().id;
  }
  ASSERT_EQ(seen.size(), 20u);
  EXPECT_TRUE(std::is_sorted(seen.begin(), seen.end()));
  EXPECT_EQ(std::count(seen.begin(), seen.end(), "r05"), 0);
  HOT_ASSERT_OK_AND_ASSIGN(std::vector<HeadRow> all, store_->ScanHeads(ref_, "", 100, {}, true));
  EXPECT_EQ(all.size(), 25u);
  HOT_ASSERT_OK_AND_ASSIGN(std::vector<HeadRow> tail,
                           store_->ScanHeads(ref_, "r22", 100, {}, true));
  EXPECT_EQ(IdsOf(tail), (Ids{"r23", "r24"}));
  HOT_EXPECT_CODE(store_->ScanHeads(ref_, "", 0, {}, false), StatusCode::kInvalidArgument);
}

TEST_P(HotStoreConformanceTest, ScanHeadsEvaluatesEveryOperatorExactly) {
  WriteConditionFixture(*store_, ref_);
  for (const ConditionCase& c : ConditionCases()) {
    Result<std::vector<HeadRow>> rows = store_->ScanHeads(ref_, "", 100, c.conditions, false);
    ASSERT_TRUE(rows.ok()) << c.name << ": " << rows.status().ToString();
    EXPECT_EQ(IdsOf(*rows), c.expected) << c.name;
  }
}

TEST_P(HotStoreConformanceTest, ScanHeadsWithConditionsPagesAndIncludesDeleted) {
  WriteConditionFixture(*store_, ref_);
  std::vector<Condition> ne_open = {Cond("status", Condition::Op::kNe, "open")};
  std::vector<Ids> pages;
  std::string after;
  for (int i = 0; i < 6; ++i) {
    HOT_ASSERT_OK_AND_ASSIGN(std::vector<HeadRow> rows,
                             store_->ScanHeads(ref_, after, 3, ne_open, false));
    if (rows.empty()) break;
    pages.push_back(IdsOf(rows));
    after = rows.back().id;
  }
  EXPECT_EQ(pages,
            (std::vector<Ids>{{"r02", "r04", "r05"}, {"r06", "r08", "r09"}, {"r10", "r11"}}));
  std::vector<Condition> open = {Cond("status", Condition::Op::kEq, "open")};
  HOT_ASSERT_OK_AND_ASSIGN(std::vector<HeadRow> with_deleted,
                           store_->ScanHeads(ref_, "", 100, open, true));
  EXPECT_EQ(IdsOf(with_deleted), (Ids{"r01", "r03", "r07", "r12"}));
  EXPECT_TRUE(with_deleted.back().deleted);
}

TEST_P(HotStoreConformanceTest, ScanHeadsRejectsMalformedConditions) {
  using Op = Condition::Op;
  for (const Condition& bad :
       {Cond("score", Op::kGt, nullptr), Cond("score", Op::kLt, Json::array({1})),
        Cond("score", Op::kIn, "x"), Cond("score", Op::kIn, Json::array({Json::object()})),
        Cond("score", Op::kEq, Json::object()), Cond("a\"b", Op::kEq, 1), Cond("", Op::kEq, 1)}) {
    HOT_EXPECT_CODE(store_->ScanHeads(ref_, "", 10, {bad}, false), StatusCode::kInvalidArgument);
  }
}

// ---- Claims and counters ------------------------------------------------------------------

TEST_P(HotStoreConformanceTest, ClaimsAreExclusiveAndOwnedByTheirOwner) {
  ClaimRow claim{"rec/1/v2", "owner-a", 1234, R"({"state":"intent"})"};
  HOT_ASSERT_OK(store_->InsertClaim(ref_, claim));
  HOT_EXPECT_CODE(store_->InsertClaim(ref_, {"rec/1/v2", "owner-b", 5, "{}"}),
                  StatusCode::kAlreadyExists);
  HOT_ASSERT_OK_AND_ASSIGN(std::optional<ClaimRow> got, store_->GetClaim(ref_, "rec/1/v2"));
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->owner, "owner-a");
  EXPECT_EQ(got->at, 1234);
  EXPECT_EQ(got->body, R"({"state":"intent"})");

  HOT_EXPECT_CODE(store_->UpdateClaim(ref_, {"rec/1/v2", "owner-b", 9, R"({"x":1})"}),
                  StatusCode::kNotFound);
  HOT_EXPECT_CODE(store_->UpdateClaim(ref_, {"rec/9", "owner-a", 9, "{}"}), StatusCode::kNotFound);
  HOT_ASSERT_OK(store_->UpdateClaim(ref_, {"rec/1/v2", "owner-a", 9, R"({"state":"done"})"}));
  HOT_ASSERT_OK_AND_ASSIGN(got, store_->GetClaim(ref_, "rec/1/v2"));
  EXPECT_EQ(got->body, R"({"state":"done"})");
  EXPECT_EQ(got->owner, "owner-a");
  EXPECT_EQ(got->at, 1234);  // The claim keeps the time it was taken.

  HOT_ASSERT_OK(store_->DeleteClaim(ref_, "rec/1/v2", "owner-b"));
  HOT_ASSERT_OK_AND_ASSIGN(got, store_->GetClaim(ref_, "rec/1/v2"));
  EXPECT_TRUE(got.has_value());
  HOT_ASSERT_OK(store_->DeleteClaim(ref_, "rec/1/v2", "owner-a"));
  HOT_ASSERT_OK_AND_ASSIGN(got, store_->GetClaim(ref_, "rec/1/v2"));
  EXPECT_FALSE(got.has_value());
  HOT_ASSERT_OK(store_->DeleteClaim(ref_, "rec/1/v2", "owner-a"));
  HOT_ASSERT_OK(store_->InsertClaim(ref_, {"rec/1/v2", "owner-b", 7, "{}"}));
}

TEST_P(HotStoreConformanceTest, ListClaimsByPrefixInKeyOrder) {
  for (const char* key : {"rec/2", "other/1", "rec/10", "rec0", "rec/1", "re"}) {
    HOT_ASSERT_OK(store_->InsertClaim(ref_, {key, "o", 1, "{}"}));
  }
  auto keys = [&](const std::string& prefix) {
    Result<std::vector<ClaimRow>> rows = store_->ListClaims(ref_, prefix);
    EXPECT_TRUE(rows.ok()) << rows.status().ToString();
    Ids out;
    for (const ClaimRow& row : rows.ok() ? *rows : std::vector<ClaimRow>()) out.push_back(row.key);
    return out;
  };
  EXPECT_EQ(keys("rec/"), (Ids{"rec/1", "rec/10", "rec/2"}));
  EXPECT_EQ(keys("rec/1"), (Ids{"rec/1", "rec/10"}));
  EXPECT_EQ(keys("rec"), (Ids{"rec/1", "rec/10", "rec/2", "rec0"}));
  EXPECT_EQ(keys(""), (Ids{"other/1", "re", "rec/1", "rec/10", "rec/2", "rec0"}));
  EXPECT_EQ(keys("zzz"), Ids{});
}

TEST_P(HotStoreConformanceTest, CountersStartAtZeroAndRefuseOverflow) {
  auto add = [&](const CollectionRef& ref, const std::string& name, int64_t delta) -> int64_t {
    Result<int64_t> value = store_->IncrementCounter(ref, name, delta);
    EXPECT_TRUE(value.ok()) << value.status().ToString();
    return value.ok() ? *value : -999;
  };
  EXPECT_EQ(add(ref_, "seq", 1), 1);
  EXPECT_EQ(add(ref_, "seq", 5), 6);
  EXPECT_EQ(add(ref_, "seq", -2), 4);
  EXPECT_EQ(add(ref_, "other", 0), 0);
  CollectionRef second{"appdb", "second"};
  HOT_ASSERT_OK(store_->EnsureCollection(second, {}));
  EXPECT_EQ(add(second, "seq", 10), 10);
  EXPECT_EQ(add(ref_, "seq", 0), 4);

  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  EXPECT_EQ(add(ref_, "big", kMax), kMax);
  HOT_EXPECT_CODE(store_->IncrementCounter(ref_, "big", 1), StatusCode::kResourceExhausted);
  EXPECT_EQ(add(ref_, "big", 0), kMax);
  EXPECT_EQ(add(ref_, "low", std::numeric_limits<int64_t>::min()),
            std::numeric_limits<int64_t>::min());
  HOT_EXPECT_CODE(store_->IncrementCounter(ref_, "low", -1), StatusCode::kResourceExhausted);
}

// ---- Isolation -----------------------------------------------------------------------------

TEST_P(HotStoreConformanceTest, DatabasesWithTheSameCollectionNameAreSeparate) {
  CollectionRef one{"tenant-one", "items"};
  CollectionRef two{"tenant-two", "items"};
  HOT_ASSERT_OK(store_->EnsureCollection(one, {"status"}));
  HOT_ASSERT_OK(store_->EnsureCollection(two, {"status"}));
  HOT_ASSERT_OK(store_->CommitVersion(one, MakeVersion("x", 0, 10),
                                      MakeHead("x", 0, R"({"status":"one"})"), std::nullopt));
  HOT_ASSERT_OK(store_->InsertClaim(one, {"k", "o", 1, "{}"}));
  HOT_ASSERT_OK(store_->IncrementCounter(one, "n", 5));

  HOT_ASSERT_OK_AND_ASSIGN(std::optional<HeadRow> head, store_->GetHead(two, "x"));
  EXPECT_FALSE(head.has_value());
  HOT_ASSERT_OK_AND_ASSIGN(std::optional<VersionRow> version, store_->GetVersion(two, "x", 0));
  EXPECT_FALSE(version.has_value());
  HOT_ASSERT_OK_AND_ASSIGN(version, store_->GetVersionAsOf(two, "x", 100));
  EXPECT_FALSE(version.has_value());
  HOT_ASSERT_OK_AND_ASSIGN(std::vector<HeadRow> rows, store_->ScanHeads(two, "", 10, {}, true));
  EXPECT_TRUE(rows.empty());
  HOT_ASSERT_OK_AND_ASSIGN(std::vector<ClaimRow> claims, store_->ListClaims(two, ""));
  EXPECT_TRUE(claims.empty());
  HOT_ASSERT_OK(store_->InsertClaim(two, {"k", "o2", 1, "{}"}));
  HOT_ASSERT_OK_AND_ASSIGN(int64_t n, store_->IncrementCounter(two, "n", 1));
  EXPECT_EQ(n, 1);

  HOT_ASSERT_OK(store_->CommitVersion(two, MakeVersion("x", 0, 20),
                                      MakeHead("x", 0, R"({"status":"two"})"), std::nullopt));
  HOT_ASSERT_OK_AND_ASSIGN(head, store_->GetHead(one, "x"));
  EXPECT_EQ(head->indexed, R"({"status":"one"})");
  HOT_ASSERT_OK_AND_ASSIGN(version, store_->GetVersion(one, "x", 0));
  EXPECT_EQ(version->at, 10);
  HOT_ASSERT_OK_AND_ASSIGN(std::vector<std::string> names, store_->ListCollections("tenant-one"));
  EXPECT_EQ(names, Ids{"items"});
}

// ---- Concurrency ---------------------------------------------------------------------------

TEST_P(HotStoreConformanceTest, ConcurrentCommitsOfOneVersionHaveExactlyOneWinner) {
  constexpr int kThreads = 8;
  constexpr int kRounds = 5;
  CommitChain(ref_, "race", 1);
  for (int round = 1; round <= kRounds; ++round) {
    std::latch start(kThreads);
    std::vector<Status> results(kThreads);
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        VersionRow version = MakeVersion("race", round, 100 * round);
        HeadRow head = MakeHead("race", round);
        version.actor = head.actor = "writer-" + std::to_string(t);
        start.arrive_and_wait();
        results[t] = store_->CommitVersion(ref_, version, head, round - 1);
      });
    }
    for (std::thread& thread : threads) thread.join();
    int winner = -1;
    for (int t = 0; t < kThreads; ++t) {
      if (results[t].ok()) {
        EXPECT_EQ(winner, -1) << "round " << round << ": two writers won";
        winner = t;
      } else {
        EXPECT_TRUE(results[t].code() == StatusCode::kAlreadyExists ||
                    results[t].code() == StatusCode::kConflict)
            << results[t].ToString();
      }
    }
    ASSERT_NE(winner, -1) << "round " << round << ": no writer won";
    std::string winner_actor = "writer-" + std::to_string(winner);
    EXPECT_EQ(Head("race")->version, round);
    EXPECT_EQ(Head("race")->actor, winner_actor);
    EXPECT_EQ(Version("race", round)->actor, winner_actor);
  }
}

TEST_P(HotStoreConformanceTest, ConcurrentCounterIncrementsAreNotLost) {
  constexpr int kThreads = 8;
  constexpr int kPerThread = 25;
  EXPECT_EQ(
      FailedConcurrentCalls(kThreads, kPerThread,
                            [&] { return store_->IncrementCounter(ref_, "hits", 1).status(); }),
      0);
  HOT_ASSERT_OK_AND_ASSIGN(int64_t total, store_->IncrementCounter(ref_, "hits", 0));
  EXPECT_EQ(total, kThreads * kPerThread);
}

INSTANTIATE_TEST_SUITE_P(Backends, HotStoreConformanceTest, ::testing::ValuesIn(HotBackends()),
                         [](const ::testing::TestParamInfo<HotBackend>& info) {
                           return info.param.name;
                         });

}  // namespace
}  // namespace xronox::store
