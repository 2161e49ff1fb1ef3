// Offload over every backend pair (docs/formats/offload.md): records not changed for the
// policy's days move into parts in the object store and read, query and scan exactly as before;
// a write brings a record back; runs are repeatable, counted on a dry run, refused where they
// cannot apply; parts no record points into go with the next run; verify stays clean and
// reports damage to an offloaded record.
#include "engine/engine_fixture.h"
#include "engine/engine_intents.h"
#include "engine/keys.h"
#include "engine/offload_pack.h"
#include "jobs/job_lease.h"
#include "retention/offload_service.h"
#include "retention/retention_service.h"

namespace xronox::testing {
namespace {

using Kind = WriteIntent::Kind;
constexpr TimestampMicros kDay = 86'400'000'000;

// Every field a reader sees of a record.
Json Seen(const Record& r) {
  return {{"id", r.id},           {"version", r.version},      {"data", r.data},
          {"deleted", r.deleted}, {"createdAt", r.created_at}, {"updatedAt", r.updated_at},
          {"actor", r.actor},     {"reason", r.reason},        {"onBehalfOf", r.on_behalf_of}};
}

class OffloadTest : public EngineTest {
 protected:
  void SetUp() override {
    EngineTest::SetUp();
    options_.inline_max_bytes = 600;  // The "big" records live in the object store already.
    engine_ = Engine(options_, &clock_);
    items_ = Bind(DatabaseType::kKnowledge, "items", {"status", "at"});
    items_.offload = OffloadPolicy{true, 30};
  }

  // Record i: status by i % 3, an indexed time, and text (large for every 10th record).
  void Put(const Binding& b, int i, const std::string& status) {
    clock_.Advance(1000);
    Json data = {{"n", i},
                 {"status", status},
                 {"at", FormatRfc3339(clock_.NowMicros())},
                 {"text", std::string(i % 10 == 9 ? 900 : 120, 'a' + i % 26)}};
    auto written = engine_.Write(b, Id(i), MakeIntent(Kind::kPut, std::move(data)), By());
    ASSERT_TRUE(written.ok()) << written.status().ToString();
  }
  static std::string Id(int i) { return "r" + std::to_string(1000 + i); }

  // What reads by id, queries (indexed, range, unindexed) and a scan return, as JSON.
  Json Observe(const Binding& b, int count) {
    Json seen = Json::object();
    for (int i = 0; i < count; ++i) {
      auto record = engine_.Get(b, Id(i), {});
      seen["get"].push_back(record.ok() ? Seen(*record) : Json(record.status().ToString()));
    }
    const Json filters[] = {Json{{"status", "old"}}, Json{{"status", {{"$in", {"old", "new"}}}}},
                            Json{{"at", {{"$gte", FormatRfc3339(kStartTime)}}}},
                            Json{{"n", {{"$gte", 3}, {"$lt", 17}}}}};
    for (const Json& filter : filters) seen["query"].push_back(QueryAll(b, filter));
    auto page = engine_.ScanRecords(b, "", 1000, std::nullopt);
    EXPECT_TRUE(page.ok()) << page.status().ToString();
    if (page.ok()) {
      for (const Record& r : page->records) seen["scan"].push_back(Seen(r));
    }
    return seen;
  }
  Json QueryAll(const Binding& b, const Json& filter) {
    Json ids = Json::array();
    QueryOptions options;
    while (true) {
      auto page = engine_.Query(b, filter, options);
      EXPECT_TRUE(page.ok()) << page.status().ToString();
      if (!page.ok()) return ids;
      for (const Record& r : page->records) ids.push_back(Seen(r));
      if (!page->next) return ids;
      options.cursor = *page->next;
    }
  }

  OffloadReport MustOffload(const Binding& b, bool dry_run = false) {
    OffloadOptions options;
    options.dry_run = dry_run;
    options.max_records_per_second = 0;
    auto report = offload_.Run(b, options);
    EXPECT_TRUE(report.ok()) << report.status().ToString();
    return report.ok() ? *report : OffloadReport{};
  }
  void ExpectVerifyClean(const Binding& b) {
    auto verified = engine_.Verify(b, false);
    ASSERT_TRUE(verified.ok()) << verified.status().ToString();
    EXPECT_TRUE(verified->ok()) << (verified->problems.empty() ? "counters"
                                                               : verified->problems[0]);
    EXPECT_TRUE(verified->garbage.empty()) << verified->garbage[0];
  }
  std::string PayloadKeyOf(const Binding& b, const std::string& id) {
    auto head = hot_->GetHead(b.ref, id);
    EXPECT_TRUE(head.ok() && head->has_value());
    return head.ok() && head->has_value() ? (*head)->payload_key : "";
  }
  int64_t ObjectsUnder(const std::string& bucket, const std::string& prefix) {
    auto page = objects_->List(bucket, prefix, "", 1000);
    EXPECT_TRUE(page.ok()) << page.status().ToString();
    return page.ok() ? static_cast<int64_t>(page->objects.size()) : -1;
  }

  Binding items_;
  OffloadService offload_{engine_};
};

TEST_P(OffloadTest, OldRecordsMoveAndReadQueryAndScanAsBefore) {
  constexpr int kOld = 30, kAll = 40;
  for (int i = 0; i < kOld; ++i) Put(items_, i, "old");
  clock_.Advance(29 * kDay);
  for (int i = kOld; i < kAll; ++i) Put(items_, i, "new");
  clock_.Advance(2 * kDay);  // The first 30 are 31 days old; the last 10 two days.
  const Json before = Observe(items_, kAll);

  OffloadReport dry = MustOffload(items_, /*dry_run=*/true);
  EXPECT_EQ(dry.examined, kAll);
  EXPECT_EQ(dry.offloaded, 27) << "records 9, 19 and 29 are in the object store already";
  EXPECT_GT(dry.bytes_freed, 27 * 120);
  EXPECT_EQ(dry.parts_written, 0);
  EXPECT_FALSE(IsOffloadPointer(PayloadKeyOf(items_, Id(0)))) << "a dry run moves nothing";

  OffloadReport run = MustOffload(items_);
  EXPECT_EQ(run.older_than_days, 30);
  EXPECT_EQ(run.cutoff, clock_.NowMicros() - 30 * kDay);
  EXPECT_EQ(run.offloaded, 27);
  EXPECT_EQ(run.bytes_freed, dry.bytes_freed);
  EXPECT_EQ(run.parts_written, 1) << "the old records were all written on one day";
  EXPECT_TRUE(IsOffloadPointer(PayloadKeyOf(items_, Id(0))));
  EXPECT_FALSE(IsOffloadPointer(PayloadKeyOf(items_, Id(9)))) << "large: in its own object";
  EXPECT_FALSE(IsOffloadPointer(PayloadKeyOf(items_, Id(kOld)))) << "changed two days ago";
  auto head = hot_->GetHead(items_.ref, Id(0));
  ASSERT_TRUE(head.ok() && head->has_value());
  EXPECT_TRUE((*head)->data.empty());
  EXPECT_TRUE((*head)->payload_hash.empty());
  EXPECT_EQ(ObjectsUnder(items_.database.buckets.records, OffloadPrefix(items_)), 2)
      << "one part and its index";

  EXPECT_EQ(Observe(items_, kAll), before);
  ExpectVerifyClean(items_);

  OffloadReport again = MustOffload(items_);
  EXPECT_EQ(again.offloaded, 0);
  EXPECT_EQ(again.already_offloaded, 27);
  EXPECT_EQ(again.parts_removed, 0);
  EXPECT_EQ(Observe(items_, kAll), before);
}

TEST_P(OffloadTest, AWriteBringsARecordBackAndTheEmptiedPartGoes) {
  for (int i = 0; i < 3; ++i) Put(items_, i, "old");
  clock_.Advance(31 * kDay);
  ASSERT_EQ(MustOffload(items_).offloaded, 3);
  // A merge reads the offloaded data and writes the record back inline.
  auto merged = engine_.Write(items_, Id(1), MakeIntent(Kind::kMerge, {{"status", "back"}}), By());
  ASSERT_TRUE(merged.ok()) << merged.status().ToString();
  EXPECT_EQ(merged->version, 1);
  EXPECT_FALSE(IsOffloadPointer(PayloadKeyOf(items_, Id(1))));
  auto record = engine_.Get(items_, Id(1), {});
  ASSERT_TRUE(record.ok());
  EXPECT_EQ(record->data["status"], "back");
  EXPECT_EQ(record->data["n"], 1) << "the rest of the data came back from the part";
  // A put of the same data is a no-op, as before the offload; a delete removes the record.
  auto same = engine_.Get(items_, Id(0), {});
  ASSERT_TRUE(same.ok());
  auto unchanged = engine_.Write(items_, Id(0), MakeIntent(Kind::kPut, same->data), By());
  ASSERT_TRUE(unchanged.ok()) << unchanged.status().ToString();
  EXPECT_TRUE(unchanged->unchanged);
  auto deleted = engine_.Write(items_, Id(2), MakeIntent(Kind::kDelete), By());
  ASSERT_TRUE(deleted.ok()) << deleted.status().ToString();
  ExpectVerifyClean(items_);

  // Record 0 still points into the part: it stays. Once 0 is written too, nothing does.
  EXPECT_EQ(MustOffload(items_).parts_removed, 0);
  ASSERT_TRUE(engine_.Write(items_, Id(0), MakeIntent(Kind::kMerge, {{"status", "x"}}), By()).ok());
  OffloadReport collected = MustOffload(items_);
  EXPECT_EQ(collected.offloaded, 0) << "records 0 and 1 changed just now";
  EXPECT_EQ(collected.parts_removed, 1);
  EXPECT_EQ(ObjectsUnder(items_.database.buckets.records, OffloadPrefix(items_)), 0);
  ExpectVerifyClean(items_);
}

// Logs: retention deletes offloaded records like the others; their parts go with the next run.
TEST_P(OffloadTest, RetentionDeletesOffloadedLogRecords) {
  Binding logs = Bind(DatabaseType::kLogs, "events");
  logs.offload = OffloadPolicy{true, 1};
  logs.retention = RetentionPolicy{10, 0};
  for (int i = 0; i < 5; ++i) {
    clock_.Advance(1000);
    auto written = engine_.Write(logs, Id(i), MakeIntent(Kind::kCreate, {{"n", i}}), By());
    ASSERT_TRUE(written.ok()) << written.status().ToString();
  }
  clock_.Advance(2 * kDay);
  ASSERT_EQ(MustOffload(logs).offloaded, 5);
  auto record = engine_.Get(logs, Id(3), {});
  ASSERT_TRUE(record.ok()) << record.status().ToString();
  EXPECT_EQ(record->data, Json({{"n", 3}}));
  clock_.Advance(9 * kDay);
  RetentionService retention(engine_);
  auto expired = retention.Run(logs, {});
  ASSERT_TRUE(expired.ok()) << expired.status().ToString();
  EXPECT_EQ(expired->removed, 5);
  EXPECT_EQ(engine_.Get(logs, Id(3), {}).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(MustOffload(logs).parts_removed, 1);
  ExpectVerifyClean(logs);
}

TEST_P(OffloadTest, RunsAreRefusedWhereTheyCannotApply) {
  Binding plain = Bind(DatabaseType::kMetadata, "plain");
  auto none = offload_.Run(plain, {});
  EXPECT_EQ(none.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(none.status().reason(), "no_offload");
  OffloadOptions now;
  now.older_than_days = 0;  // Named by the caller: any collection.
  EXPECT_TRUE(offload_.Run(plain, now).ok());
  Binding runtime = Bind(DatabaseType::kRuntime, "orders");
  runtime.offload = OffloadPolicy{true, 30};
  auto versioned = offload_.Run(runtime, {});
  EXPECT_EQ(versioned.status().code(), StatusCode::kNotSupported);
  EXPECT_EQ(versioned.status().reason(), "not_offloadable");
  OffloadOptions negative;
  negative.older_than_days = -1;
  EXPECT_EQ(offload_.Run(items_, negative).status().code(), StatusCode::kInvalidArgument);
}

// One run at a time per collection: a live lease makes the next run answer job_running.
TEST_P(OffloadTest, ASecondRunWhileOneHoldsTheLeaseIsRefused) {
  store::ClaimRow lease{
      std::string(kJobLeasePrefix) + kOffloadJob, "other", clock_.NowMicros(),
      Json{{"startedAt", clock_.NowMicros()}, {"expiresAtMicros", clock_.NowMicros() + 60'000'000}}
          .dump()};
  ASSERT_TRUE(hot_->InsertClaim(items_.ref, lease).ok());
  auto refused = offload_.Run(items_, {});
  EXPECT_EQ(refused.status().code(), StatusCode::kConflict);
  EXPECT_EQ(refused.status().reason(), "job_running");
  OffloadOptions dry;
  dry.dry_run = true;
  EXPECT_TRUE(offload_.Run(items_, dry).ok()) << "a dry run writes nothing and takes no lease";
}

// Damage is reported: an entry that is not the record's, a part that is gone, and a part that no
// record points into (a killed run's) as garbage that repair deletes.
TEST_P(OffloadTest, VerifyReportsDamagedAndUnreferencedParts) {
  for (int i = 0; i < 2; ++i) Put(items_, i, "old");
  clock_.Advance(31 * kDay);
  ASSERT_EQ(MustOffload(items_).offloaded, 2);
  std::string pointer = PayloadKeyOf(items_, Id(0));
  std::optional<OffloadPointer> parsed = ParseOffloadPointer(pointer);
  ASSERT_TRUE(parsed.has_value()) << pointer;
  // A part no record points into, older than the lease.
  const std::string& bucket = items_.database.buckets.records;
  ASSERT_TRUE(
      objects_
          ->Put(bucket, OffloadPartKey(items_, "2020-01-01/dead"), "x", store::PutMode::kCreateOnly)
          .ok());
  // Past the lease by every store's clock (the folder and S3 date objects by the real one).
  const TimestampMicros real_now = SystemClock().NowMicros();
  clock_.Advance(std::max<TimestampMicros>(0, real_now - clock_.NowMicros()) +
                 options_.claim_lease_seconds * 2'000'000);
  auto garbage = engine_.Verify(items_, false);
  ASSERT_TRUE(garbage.ok());
  EXPECT_TRUE(garbage->ok());
  ASSERT_EQ(garbage->garbage.size(), 1u);
  EXPECT_NE(garbage->garbage[0].find("2020-01-01/dead"), std::string::npos) << garbage->garbage[0];
  auto repaired = engine_.Verify(items_, true);
  ASSERT_TRUE(repaired.ok());
  EXPECT_EQ(repaired->garbage_removed, 1);
  ExpectVerifyClean(items_);

  // Record 0's head pointed at record 1's entry: a problem, and reads refuse it.
  auto head = hot_->GetHead(items_.ref, Id(0));
  ASSERT_TRUE(head.ok() && head->has_value());
  store::HeadRow wrong = **head;
  wrong.payload_key = PayloadKeyOf(items_, Id(1));
  ASSERT_TRUE(hot_->WriteHead(items_.ref, wrong, wrong.version).ok());
  auto misread = engine_.Get(items_, Id(0), {});
  EXPECT_EQ(misread.status().code(), StatusCode::kCorruption) << misread.status().ToString();
  auto verified = engine_.Verify(items_, false);
  ASSERT_TRUE(verified.ok());
  ASSERT_FALSE(verified->problems.empty());
  EXPECT_NE(verified->problems[0].find("another record"), std::string::npos)
      << verified->problems[0];
}

XRONOX_INSTANTIATE_ENGINE_SUITE(OffloadTest);

}  // namespace
}  // namespace xronox::testing
