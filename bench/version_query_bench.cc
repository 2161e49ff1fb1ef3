// Version queries whose cost grows with the results, not with the history: the same page of
// 1,000 versions (by actor, by changed field, by time range) read from a runtime collection of
// 10,000 versions and from one of 1,000,000, on the embedded store (SQLite). Each collection is
// made through the library (one write), then seeded in one transaction with the statements the
// SQLite hot store itself runs (sqlite_sql.h), 10 versions per record, every n-th version by the
// actor "auditor" changing /audit/flag; the queries go through Collection::Versions. Medians of
// `rounds` runs; the target (issue: audit questions) is at most 2x between the two sizes.
// Run: build/release/bench/xronox_version_query_bench [large=1000000] [rounds=9]
#include <sqlite3.h>

#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "bench/bench_timing.h"
#include "store/hot/hot_store_rules.h"
#include "store/hot/sqlite/sqlite_sql.h"
#include "xronox/xronox.h"

namespace {

using namespace xronox;
using bench::Check;
using bench::Median;
using bench::Seconds;

constexpr int kResults = 1000;
constexpr TimestampMicros kStart = 1'700'000'000'000'000;

Target Items(const std::string& tenant) {
  return {DatabaseType::kRuntime, Tier::kTenant, tenant, "items"};
}

void Exec(sqlite3* db, const std::string& sql) {
  char* error = nullptr;
  if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
    std::fprintf(stderr, "%s: %s\n", sql.substr(0, 80).c_str(), error ? error : "?");
    std::exit(1);
  }
}

sqlite3_stmt* Prepare(sqlite3* db, const std::string& sql) {
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) {
    std::fprintf(stderr, "prepare: %s\n", sqlite3_errmsg(db));
    std::exit(1);
  }
  return stmt;
}

void Step(sqlite3* db, sqlite3_stmt* stmt) {
  if (sqlite3_step(stmt) != SQLITE_DONE) {
    std::fprintf(stderr, "insert: %s\n", sqlite3_errmsg(db));
    std::exit(1);
  }
  sqlite3_reset(stmt);
}

// `versions` version rows (and their field keys) into the collection's tables; every
// versions/kResults-th one is the auditor's.
void Seed(const std::string& file, const store::CollectionRef& ref, int64_t versions) {
  auto tables = store::TablesFor(ref);
  Check(tables.status(), "tables");
  sqlite3* db = nullptr;
  if (sqlite3_open(file.c_str(), &db) != SQLITE_OK) std::exit(1);
  Exec(db, "PRAGMA synchronous=OFF; BEGIN");
  sqlite3_stmt* version = Prepare(db, store::InsertVersionSql(**tables));
  sqlite3_stmt* field = Prepare(db, store::InsertVersionFieldSql(**tables));
  const int64_t every = versions / kResults;
  for (int64_t i = 0; i < versions; ++i) {
    bool audited = i % every == every - 1;
    std::string id = "r" + std::to_string(100000000 + i / 10);
    std::string changed = audited ? R"(["/audit/flag"])" : R"(["/n"])";
    TimestampMicros at = kStart + i * 1000;
    int column = 1;
    auto text = [&](const std::string& value) {
      sqlite3_bind_text(version, column++, value.c_str(), -1, SQLITE_TRANSIENT);
    };
    auto number = [&](int64_t value) { sqlite3_bind_int64(version, column++, value); };
    // id, version, op, actor, reason, at, changed_fields, payload_key, entry_hash, prev_hash,
    // deleted, idempotency_key, on_behalf_of (InsertVersionSql's order).
    text(id), number(i % 10), text(i % 10 == 0 ? "create" : "update");
    text(audited ? "auditor" : "writer-" + std::to_string(i % 7)), text("seed"), number(at);
    text(changed), text("versions/items/" + id + "/v" + std::to_string(i % 10) + ".json");
    text(std::string(64, 'e')), text(std::string(64, 'p')), number(0), text(""), text("");
    Step(db, version);
    for (const std::string& key : store::VersionFieldKeys(changed)) {
      sqlite3_bind_text(field, 1, key.c_str(), -1, SQLITE_TRANSIENT);
      sqlite3_bind_int64(field, 2, at);
      sqlite3_bind_text(field, 3, id.c_str(), -1, SQLITE_TRANSIENT);
      sqlite3_bind_int64(field, 4, i % 10);
      Step(db, field);
    }
  }
  sqlite3_finalize(version);
  sqlite3_finalize(field);
  Exec(db, "COMMIT; ANALYZE");
  sqlite3_close(db);
}

// Seconds to read the one page of kResults versions `query` selects; exits unless it holds
// exactly kResults.
double Page(Collection& items, const VersionQuery& query) {
  auto start = bench::SteadyClock::now();
  auto page = items.Versions(query);
  double seconds = Seconds(start);
  Check(page.status(), "versions");
  if (page->versions.size() != static_cast<size_t>(kResults)) {
    std::fprintf(stderr, "a page held %zu versions, not %d\n", page->versions.size(), kResults);
    std::exit(1);
  }
  return seconds;
}

}  // namespace

int main(int argc, char** argv) {
  const int64_t large = argc > 1 ? std::atoll(argv[1]) : 1'000'000;
  const int rounds = argc > 2 ? std::atoi(argv[2]) : 9;
  const int64_t sizes[] = {10 * kResults, large};
  auto dir = std::filesystem::temp_directory_path() / "xronox-bench-versions";
  std::filesystem::remove_all(dir);
  auto config = CreateEmbeddedConfig((dir / "store").string());
  Check(config.status(), "config");
  std::vector<Collection> collections;
  auto store = Xronox::Open(*config);
  Check(store.status(), "open");
  WriteOptions audit;
  audit.actor = "bench";
  audit.reason = "make the collection";
  for (int64_t size : sizes) {
    std::string tenant = "t" + std::to_string(size);
    auto items = (*store)->With(Items(tenant));
    Check(items.status(), "bind");
    Check(items->Put("r0", {{"n", 0}}, audit).status(), "first write");
    auto seed_start = bench::SteadyClock::now();
    store::CollectionRef ref{"xronox_runtime_" + tenant, "items", true};
    Seed((dir / "store" / "hot.sqlite").string(), ref, size);
    std::printf("seeded %lld versions in %.1f s\n", static_cast<long long>(size),
                Seconds(seed_start));
    collections.push_back(*items);
  }
  const VersionQuery by_actor{.actor = "auditor", .limit = kResults};
  const VersionQuery by_field{.field = "/audit/flag", .limit = kResults};
  std::printf("version query bench: one page of %d versions, medians of %d rounds (embedded)\n",
              kResults, rounds);
  for (const auto& [name, query] :
       {std::pair{"by actor", by_actor}, std::pair{"by field", by_field}}) {
    std::vector<double> small, big;
    for (int round = 0; round < rounds; ++round) {
      small.push_back(Page(collections[0], query));
      big.push_back(Page(collections[1], query));
    }
    std::printf("  %-10s %lld versions %8.2f ms   %lld versions %8.2f ms   %.2fx (target <= 2x)\n",
                name, static_cast<long long>(sizes[0]), Median(small) * 1e3,
                static_cast<long long>(sizes[1]), Median(big) * 1e3, Median(big) / Median(small));
  }
  // The newest kResults versions by time: from the instant of the kResults-th newest.
  std::vector<double> small, big;
  for (int round = 0; round < rounds; ++round) {
    for (size_t c = 0; c < 2; ++c) {
      VersionQuery by_time{.from = kStart + (sizes[c] - kResults) * 1000, .limit = kResults};
      (c == 0 ? small : big).push_back(Page(collections[c], by_time));
    }
  }
  std::printf("  %-10s %lld versions %8.2f ms   %lld versions %8.2f ms   %.2fx (target <= 2x)\n",
              "by time", static_cast<long long>(sizes[0]), Median(small) * 1e3,
              static_cast<long long>(sizes[1]), Median(big) * 1e3, Median(big) / Median(small));
  collections.clear();
  store->reset();
  std::filesystem::remove_all(dir);
  return 0;
}
