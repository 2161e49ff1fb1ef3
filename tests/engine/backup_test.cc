// Backups (docs/formats/backups.md) over every backend pair: a backup reads back whole and
// restores every record it holds; runtime backups are exact as of their instant and restore as
// new versions naming the backup; exact restores delete what the backup lacks; dry runs write
// nothing; damaged and incomplete backups are never taken for good ones; logs keep none.
#include <map>

#include "backup/backup_service.h"
#include "common/clock.h"
#include "common/hash.h"
#include "engine/engine_fixture.h"
#include "engine/engine_intents.h"
#include "engine/keys.h"
#include "xronox/content.h"

namespace xronox::testing {
namespace {

using Kind = WriteIntent::Kind;

class BackupTest : public EngineTest {
 protected:
  Binding BindKept(DatabaseType type, const std::string& collection) {
    Binding b = Bind(type, collection);
    UseBucket(b.database.buckets.backups);
    return b;
  }
  void MustWrite(const Binding& b, const std::string& id, Kind kind, Json body = nullptr) {
    clock_.Advance(1000);
    auto written = engine_.Write(b, id, MakeIntent(kind, std::move(body)), By());
    ASSERT_TRUE(written.ok()) << id << ": " << written.status().ToString();
  }
  BackupManifest MustBackUp(const Binding& b, BackupOptions options = {}) {
    clock_.Advance(1000);
    auto manifest = backups_.Create(b, options);
    EXPECT_TRUE(manifest.ok()) << manifest.status().ToString();
    return manifest.ok() ? *manifest : BackupManifest{};
  }
  RestoreReport MustRestore(const Binding& from, const std::string& id, const Binding& into,
                            RestoreOptions options = {}) {
    clock_.Advance(1000);
    auto report = backups_.Restore(from, id, into, options);
    EXPECT_TRUE(report.ok()) << report.status().ToString();
    return report.ok() ? *report : RestoreReport{};
  }
  // Every live record's data by id, read as a client would.
  std::map<std::string, Json> Contents(const Binding& b) {
    std::map<std::string, Json> out;
    std::string after;
    while (true) {
      auto page = engine_.ScanRecords(b, after, 100, std::nullopt);
      EXPECT_TRUE(page.ok()) << page.status().ToString();
      if (!page.ok()) return out;
      for (const Record& r : page->records) out[r.id] = r.data;
      if (!page->next_after) return out;
      after = *page->next_after;
    }
  }

  BackupService backups_{engine_};
};

std::string Id(int i) {
  std::string n = std::to_string(i);
  return "r" + std::string(5 - n.size(), '0') + n;
}

TEST_P(BackupTest, ABackupReadsBackWholeAndRestoresWhatItHolds) {
  options_.inline_max_bytes = 256;  // Some payloads live in the object store.
  engine_ = Engine(options_, &clock_);
  Binding b = BindKept(DatabaseType::kKnowledge, "facts");
  const int n = GetParam() == "memory" || GetParam() == "embedded" ? 1200 : 300;
  for (int i = 0; i < n; ++i) {
    MustWrite(b, Id(i), Kind::kPut, {{"n", i}, {"text", std::string(i % 7 == 0 ? 400 : 8, 'x')}});
  }
  std::map<std::string, Json> before = Contents(b);
  BackupManifest m = MustBackUp(b);
  EXPECT_EQ(m.records, n);
  EXPECT_FALSE(m.versioned);
  EXPECT_TRUE(m.day_snapshot);
  EXPECT_LE(m.started_at, m.finished_at);
  ASSERT_FALSE(m.parts.empty());
  EXPECT_EQ(m.parts.front().first_id, Id(0));
  EXPECT_EQ(m.parts.back().last_id, Id(n - 1));
  EXPECT_LT(m.stored_bytes, m.bytes) << "parts are compressed";
  auto check = backups_.Verify(b, m.id);
  ASSERT_TRUE(check.ok()) << check.status().ToString();
  EXPECT_TRUE(check->ok()) << (check->problems.empty() ? "" : check->problems.front());
  EXPECT_EQ(check->records_checked, n);

  // Change, delete and add records, then restore: the backed-up ones come back, the new one
  // stays (without exact).
  MustWrite(b, Id(1), Kind::kPut, {{"n", -1}});
  MustWrite(b, Id(2), Kind::kDelete);
  MustWrite(b, "zz-new", Kind::kPut, {{"n", 0}});
  RestoreReport report = MustRestore(b, "latest", b);
  EXPECT_EQ(report.backup_id, m.id);
  EXPECT_EQ(report.records, n);
  EXPECT_EQ(report.created, 1);
  EXPECT_EQ(report.replaced, 1);
  EXPECT_EQ(report.unchanged, n - 2);
  EXPECT_EQ(report.deleted, 0);
  std::map<std::string, Json> after = Contents(b);
  EXPECT_EQ(after.count("zz-new"), 1u);
  after.erase("zz-new");
  EXPECT_TRUE(after == before) << "a restored collection differs from its backup";

  RestoreOptions exact;
  exact.exact = true;
  report = MustRestore(b, m.id.substr(0, 10), b, exact);
  EXPECT_EQ(report.deleted, 1);
  EXPECT_EQ(report.unchanged, n);
  EXPECT_TRUE(Contents(b) == before);
  auto verified = engine_.Verify(b, false);
  ASSERT_TRUE(verified.ok());
  EXPECT_TRUE(verified->ok());
}

TEST_P(BackupTest, ARuntimeBackupIsExactAsOfItsInstantAndRestoresAsNewVersions) {
  Binding b = BindKept(DatabaseType::kRuntime, "orders");
  MustWrite(b, "a", Kind::kCreate, {{"s", "a0"}});
  MustWrite(b, "b", Kind::kCreate, {{"s", "b0"}});
  MustWrite(b, "c", Kind::kCreate, {{"s", "c0"}});
  MustWrite(b, "c", Kind::kDelete);
  const TimestampMicros t = clock_.NowMicros();
  MustWrite(b, "a", Kind::kPut, {{"s", "a1"}});     // Changed after t.
  MustWrite(b, "b", Kind::kDelete);                 // Deleted after t.
  MustWrite(b, "d", Kind::kCreate, {{"s", "d0"}});  // Created after t.
  BackupOptions at_t;
  at_t.as_of = t;
  BackupManifest m = MustBackUp(b, at_t);
  EXPECT_TRUE(m.versioned);
  EXPECT_EQ(m.as_of, t);
  EXPECT_EQ(m.records, 2) << "a and b were live at t; c was deleted, d not yet created";

  RestoreOptions options;
  options.write.reason = "undo the afternoon";
  RestoreReport report = MustRestore(b, m.id, b, options);
  EXPECT_EQ(report.created, 0);
  EXPECT_EQ(report.replaced, 2) << "a changed, b deleted since t";
  auto a = engine_.Get(b, "a", {});
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->data, Json({{"s", "a0"}}));
  EXPECT_EQ(a->version, 2) << "history only grows: the restore is a new version";
  EXPECT_EQ(a->actor, "xronox-restore");
  EXPECT_EQ(a->reason, "restore of backup " + m.id + " of runtime/acme/orders: undo the afternoon");
  auto b_record = engine_.Get(b, "b", {});
  ASSERT_TRUE(b_record.ok()) << "the deleted record is back";
  EXPECT_EQ(b_record->data, Json({{"s", "b0"}}));
  EXPECT_TRUE(engine_.Get(b, "d", {}).ok()) << "without exact, d stays";
  EXPECT_EQ(engine_.Get(b, "c", {}).status().code(), StatusCode::kNotFound);

  RestoreOptions exact;
  exact.exact = true;
  report = MustRestore(b, m.id, b, exact);
  EXPECT_EQ(report.deleted, 1);
  auto d = engine_.Get(b, "d", {});
  EXPECT_EQ(d.status().code(), StatusCode::kNotFound);
  auto history = engine_.History(b, "d", {});
  ASSERT_TRUE(history.ok());
  EXPECT_EQ(history->versions.front().op, Operation::kDelete) << "deleted as a version";
  auto verified = engine_.Verify(b, false);
  ASSERT_TRUE(verified.ok());
  EXPECT_TRUE(verified->ok());
}

TEST_P(BackupTest, ADryRunCountsAndWritesNothingAndAnotherCollectionCanBeTheTarget) {
  Binding from = BindKept(DatabaseType::kMetadata, "tags");
  Binding into = BindKept(DatabaseType::kIdentities, "copies");
  for (int i = 0; i < 5; ++i) MustWrite(from, Id(i), Kind::kPut, {{"n", i}});
  BackupManifest m = MustBackUp(from);
  MustWrite(into, Id(0), Kind::kPut, {{"n", 0}});
  MustWrite(into, Id(1), Kind::kPut, {{"n", 100}});
  MustWrite(into, "extra", Kind::kPut, {{"n", 7}});
  RestoreOptions dry;
  dry.dry_run = true;
  dry.exact = true;
  RestoreReport report = MustRestore(from, m.id, into, dry);
  EXPECT_TRUE(report.dry_run);
  EXPECT_EQ(report.created, 3);
  EXPECT_EQ(report.replaced, 1);
  EXPECT_EQ(report.unchanged, 1);
  EXPECT_EQ(report.deleted, 1);
  EXPECT_EQ(Contents(into).size(), 3u) << "a dry run wrote";
  EXPECT_EQ(Contents(into)[Id(1)], Json({{"n", 100}}));
  RestoreOptions exact;
  exact.exact = true;
  MustRestore(from, m.id, into, exact);
  EXPECT_TRUE(Contents(into) == Contents(from));
}

TEST_P(BackupTest, ADamagedPartIsFoundAndNothingIsRestoredFromIt) {
  Binding b = BindKept(DatabaseType::kKnowledge, "facts");
  for (int i = 0; i < 3; ++i) MustWrite(b, Id(i), Kind::kPut, {{"n", i}});
  BackupManifest m = MustBackUp(b);
  ASSERT_EQ(m.parts.size(), 1u);
  std::string key = BackupRoot(b) + m.id + "/" + m.parts[0].name;
  auto stored = objects_->Get(b.database.buckets.backups, key);
  ASSERT_TRUE(stored.ok());
  std::string damaged = *stored;
  damaged[damaged.size() / 2] ^= 0x5a;
  ASSERT_TRUE(
      objects_->Put(b.database.buckets.backups, key, damaged, store::PutMode::kOverwrite).ok());
  auto check = backups_.Verify(b, m.id);
  ASSERT_TRUE(check.ok()) << check.status().ToString();
  ASSERT_FALSE(check->ok());
  EXPECT_NE(check->problems.front().find(m.parts[0].name), std::string::npos);
  MustWrite(b, Id(0), Kind::kPut, {{"n", 42}});
  auto restored = backups_.Restore(b, m.id, b, {});
  EXPECT_EQ(restored.status().code(), StatusCode::kCorruption) << restored.status().ToString();
  EXPECT_EQ(Contents(b)[Id(0)], Json({{"n", 42}})) << "a damaged backup wrote";
  ASSERT_TRUE(objects_->Delete(b.database.buckets.backups, key).ok());
  check = backups_.Verify(b, m.id);
  ASSERT_TRUE(check.ok());
  ASSERT_FALSE(check->ok());
  EXPECT_NE(check->problems.front().find("missing"), std::string::npos);
}

TEST_P(BackupTest, ARunWithoutAManifestIsListedIncompleteAndNeverTaken) {
  Binding b = BindKept(DatabaseType::kKnowledge, "facts");
  MustWrite(b, "a", Kind::kPut, {{"n", 1}});
  BackupManifest first = MustBackUp(b);
  MustWrite(b, "a", Kind::kPut, {{"n", 2}});
  BackupManifest second = MustBackUp(b);
  EXPECT_GT(second.id, first.id);
  // A run that stopped after its first part: no manifest.
  std::string stopped = first.id.substr(0, 10) + "/235959-999999-abcdef";
  ASSERT_TRUE(objects_
                  ->Put(b.database.buckets.backups,
                        BackupRoot(b) + stopped + "/part-000001.ndjson.zst", "partial",
                        store::PutMode::kCreateOnly)
                  .ok());
  auto list = backups_.List(b);
  ASSERT_TRUE(list.ok()) << list.status().ToString();
  ASSERT_EQ(list->complete.size(), 2u);
  EXPECT_EQ(list->complete[0].id, second.id) << "newest first";
  EXPECT_TRUE(list->complete[0].day_snapshot);
  EXPECT_FALSE(list->complete[1].day_snapshot);
  ASSERT_EQ(list->incomplete.size(), 1u);
  EXPECT_EQ(list->incomplete[0].id, stopped);
  auto latest = backups_.Find(b, "latest");
  ASSERT_TRUE(latest.ok());
  EXPECT_EQ(latest->id, second.id);
  EXPECT_EQ(backups_.Find(b, stopped).status().code(), StatusCode::kNotFound);
  RestoreReport report = MustRestore(b, first.id, b);
  EXPECT_EQ(report.replaced, 1);
  EXPECT_EQ(Contents(b)["a"], Json({{"n", 1}}));
}

TEST_P(BackupTest, BadIdsAndLogsAreRefused) {
  Binding b = BindKept(DatabaseType::kKnowledge, "facts");
  for (const std::string& id :
       std::vector<std::string>{"", "../facts", "2026-12-07/../../x", "2026-1-07", "2026-12-07/",
                                "2026-12-07/ABC", "2026-12-07/a/b", std::string(300, '1')}) {
    EXPECT_EQ(backups_.Find(b, id).status().code(), StatusCode::kInvalidArgument) << id;
  }
  EXPECT_EQ(backups_.Find(b, "latest").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(backups_.Find(b, "2026-12-07").status().code(), StatusCode::kNotFound);
  Binding logs = BindKept(DatabaseType::kLogs, "events");
  auto refused = backups_.Create(logs, {});
  EXPECT_EQ(refused.status().code(), StatusCode::kNotSupported);
  EXPECT_EQ(refused.status().reason(), "no_backups");
  BackupOptions at;
  at.as_of = clock_.NowMicros() - 1;
  EXPECT_EQ(backups_.Create(b, at).status().reason(), "not_versioned");
  Binding runtime = BindKept(DatabaseType::kRuntime, "orders");
  at.as_of = clock_.NowMicros() + 1'000'000;
  EXPECT_EQ(backups_.Create(runtime, at).status().code(), StatusCode::kInvalidArgument);
}

TEST_P(BackupTest, AnEmptyCollectionBacksUpAndRestoresAsEmpty) {
  Binding b = BindKept(DatabaseType::kKnowledge, "empty");
  BackupManifest m = MustBackUp(b);
  EXPECT_EQ(m.records, 0);
  EXPECT_TRUE(m.parts.empty());
  MustWrite(b, "later", Kind::kPut, {{"n", 1}});
  RestoreOptions exact;
  exact.exact = true;
  RestoreReport report = MustRestore(b, m.id, b, exact);
  EXPECT_EQ(report.deleted, 1);
  EXPECT_TRUE(Contents(b).empty());
}

// Total loss but backups: the hot store and every bucket but the backups one are replaced by
// empty ones; restoring from the backups bucket alone brings every record back as backed up,
// and verify is clean.
TEST_P(BackupTest, AfterLosingEverythingButBackupsARestoreBringsEveryRecordBack) {
  Binding facts = BindKept(DatabaseType::kKnowledge, "facts");
  Binding orders = BindKept(DatabaseType::kRuntime, "orders");
  for (int i = 0; i < 40; ++i) MustWrite(facts, Id(i), Kind::kPut, {{"n", i}});
  for (int i = 0; i < 10; ++i) {
    MustWrite(orders, Id(i), Kind::kCreate, {{"s", "new"}});
    MustWrite(orders, Id(i), Kind::kPut, {{"s", i % 2 ? "paid" : "void"}});
  }
  MustWrite(orders, Id(3), Kind::kDelete);
  std::map<std::string, Json> facts_before = Contents(facts), orders_before = Contents(orders);
  BackupManifest facts_backup = MustBackUp(facts);
  BackupManifest orders_backup = MustBackUp(orders);

  // The loss: a new, empty hot store and new records, versions and content buckets.
  std::unique_ptr<store::HotStore> lost_hot = std::move(hot_);
  hot_ = FreshHotStore();
  ASSERT_NE(hot_, nullptr);
  auto rebuilt = [&](const Binding& old) {
    Binding b = old;
    b.hot = hot_.get();
    for (std::string* bucket :
         {&b.database.buckets.records, &b.database.buckets.versions, &b.database.buckets.content}) {
      *bucket += "-new";
      UseBucket(*bucket);
    }
    EXPECT_TRUE(hot_->EnsureCollection(b.ref, b.indexed_props).ok());
    return b;
  };
  Binding new_facts = rebuilt(facts), new_orders = rebuilt(orders);
  ASSERT_TRUE(Contents(new_facts).empty());
  RestoreReport facts_report = MustRestore(new_facts, "latest", new_facts);
  RestoreReport orders_report = MustRestore(new_orders, "latest", new_orders);
  EXPECT_EQ(facts_report.backup_id, facts_backup.id);
  EXPECT_EQ(facts_report.created, 40);
  EXPECT_EQ(orders_report.backup_id, orders_backup.id);
  EXPECT_EQ(orders_report.created, 9) << "the deleted order is not in the backup";
  EXPECT_TRUE(Contents(new_facts) == facts_before);
  EXPECT_TRUE(Contents(new_orders) == orders_before);
  for (const Binding* b : {&new_facts, &new_orders}) {
    auto verified = engine_.Verify(*b, false);
    ASSERT_TRUE(verified.ok()) << verified.status().ToString();
    EXPECT_TRUE(verified->ok()) << (verified->problems.empty() ? "" : verified->problems[0]);
  }
  DropFreshHotStore();
  hot_ = std::move(lost_hot);
}

// Prune keeps the newest backup, the latest of each recent day and month, removes the rest and
// runs without a manifest older than a day, and never leaves "latest" naming a removed one.
TEST_P(BackupTest, PruneKeepsTheNewestAndTheLatestOfRecentDaysAndMonths) {
  Binding b = BindKept(DatabaseType::kKnowledge, "facts");
  MustWrite(b, "a", Kind::kPut, {{"n", 0}});
  constexpr TimestampMicros kDay = 86'400'000'000;
  std::vector<std::string> ids;  // Days 0, 0, 1, 30, 31 from the start (2023-11-14).
  for (TimestampMicros advance : {TimestampMicros{0}, 3'600'000'000, kDay, 29 * kDay, kDay}) {
    clock_.Advance(advance);
    MustWrite(b, "a", Kind::kPut, {{"n", static_cast<int>(ids.size()) + 1}});
    ids.push_back(MustBackUp(b).id);
  }
  std::string stale = ids[0].substr(0, 10) + "/000000-000000-aaaaaa";
  ASSERT_TRUE(objects_
                  ->Put(b.database.buckets.backups, BackupRoot(b) + stale + "/part-000001", "x",
                        store::PutMode::kCreateOnly)
                  .ok());
  PruneOptions options;
  options.keep_daily = 1;
  options.keep_monthly = 2;
  options.dry_run = true;
  auto dry = backups_.Prune(b, options);
  ASSERT_TRUE(dry.ok()) << dry.status().ToString();
  // Kept: the newest (day 31), and the latest of November (day 1); day 30 is December's too.
  EXPECT_EQ(dry->kept, (std::vector<std::string>{ids[4], ids[2]}));
  EXPECT_EQ(dry->removed, (std::vector<std::string>{ids[3], ids[1], ids[0]}));
  EXPECT_EQ(dry->objects_deleted, 0);
  ASSERT_TRUE(backups_.List(b).ok());
  EXPECT_EQ(backups_.List(b)->complete.size(), 5u) << "a dry run removed";

  options.dry_run = false;
  options.incomplete_after_seconds = 3600;
  // The stale run's objects carry the object store's time (the real one on disk and S3): two
  // hours on from it, the run is an hour past its age.
  clock_.Set(std::max(clock_.NowMicros(), SystemClock::Default()->NowMicros()) + 2 * 3'600'000'000);
  auto pruned = backups_.Prune(b, options);
  ASSERT_TRUE(pruned.ok()) << pruned.status().ToString();
  EXPECT_EQ(pruned->removed.size(), 3u);
  EXPECT_EQ(pruned->incomplete_removed, std::vector<std::string>{stale});
  auto list = backups_.List(b);
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->complete.size(), 2u);
  EXPECT_EQ(list->complete[0].id, ids[4]);
  EXPECT_EQ(list->complete[1].id, ids[2]);
  EXPECT_TRUE(list->incomplete.empty());
  EXPECT_EQ(backups_.Find(b, ids[0].substr(0, 10)).status().code(), StatusCode::kNotFound)
      << "a day with no backup left keeps no snapshot.json";
  EXPECT_EQ(backups_.Find(b, ids[3].substr(0, 10)).status().code(), StatusCode::kNotFound);
  for (const std::string& id : {ids[2], ids[4]}) {
    auto check = backups_.Verify(b, id);
    ASSERT_TRUE(check.ok());
    EXPECT_TRUE(check->ok());
  }
  EXPECT_EQ(MustRestore(b, ids[2], b).replaced, 1);
  EXPECT_EQ(Contents(b)["a"], Json({{"n", 3}}));
  options.keep_daily = options.keep_monthly = 0;
  auto last = backups_.Prune(b, options);
  ASSERT_TRUE(last.ok());
  EXPECT_EQ(last->kept, std::vector<std::string>{ids[4]}) << "the newest backup always stays";
}

// Content: a backup holds references; with_content also the bytes, once per blob, which
// verify re-hashes. After losing the content bucket, a restore from a backup with content
// brings the blobs back; from one without, it stops and names what is missing.
TEST_P(BackupTest, WithContentABackupHoldsTheBlobsAndARestoreBringsThemBack) {
  Binding b = BindKept(DatabaseType::kKnowledge, "scans");
  const std::string bytes = "%PDF-1.7 scanned page";
  ContentInfo info{Sha256Hex(bytes), static_cast<int64_t>(bytes.size()), "application/pdf"};
  for (const std::string id : {"s1", "s2"}) {  // Two records, one blob's bytes each.
    ASSERT_TRUE(objects_
                    ->Put(b.database.buckets.content, ContentKey(b, id, "scan", info.sha256), bytes,
                          store::PutMode::kCreateOnly)
                    .ok());
    WriteIntent intent = MakeIntent(Kind::kPut, {{"title", id}, {"scan", ContentInfoToJson(info)}});
    intent.sets_content = true;
    ASSERT_TRUE(engine_.Write(b, id, intent, By()).ok());
  }
  MustWrite(b, "plain", Kind::kPut, {{"title", "no content"}});
  BackupManifest references_only = MustBackUp(b);
  EXPECT_FALSE(references_only.with_content);
  BackupOptions with_content;
  with_content.with_content = true;
  BackupManifest full = MustBackUp(b, with_content);
  EXPECT_TRUE(full.with_content);
  EXPECT_EQ(full.content_blobs, 1) << "identical bytes are copied once";
  EXPECT_EQ(full.content_bytes, static_cast<int64_t>(bytes.size()));
  auto check = backups_.Verify(b, full.id);
  ASSERT_TRUE(check.ok()) << check.status().ToString();
  EXPECT_TRUE(check->ok()) << (check->problems.empty() ? "" : check->problems[0]);

  Binding lost = b;  // The content bucket is gone: a new, empty one.
  lost.database.buckets.content += "-new";
  UseBucket(lost.database.buckets.content);
  auto refused = backups_.Restore(lost, references_only.id, lost, {});
  EXPECT_EQ(refused.status().reason(), "content_missing") << refused.status().ToString();
  RestoreReport report = MustRestore(lost, full.id, lost);
  EXPECT_EQ(report.replaced + report.unchanged, 3);
  for (const std::string id : {"s1", "s2"}) {
    auto restored =
        objects_->Get(lost.database.buckets.content, ContentKey(lost, id, "scan", info.sha256));
    ASSERT_TRUE(restored.ok()) << id << ": " << restored.status().ToString();
    EXPECT_EQ(*restored, bytes);
  }

  // A damaged blob is found by verify.
  std::string blob_key = BackupBlobKey(BackupRoot(b) + full.id + "/", info.sha256);
  ASSERT_TRUE(
      objects_->Put(b.database.buckets.backups, blob_key, "tampered", store::PutMode::kOverwrite)
          .ok());
  check = backups_.Verify(b, full.id);
  ASSERT_TRUE(check.ok());
  EXPECT_FALSE(check->ok());
}

XRONOX_INSTANTIATE_ENGINE_SUITE(BackupTest);

}  // namespace
}  // namespace xronox::testing
