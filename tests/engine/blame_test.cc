// Field blame over every backend pair: each leaf of a runtime record's current data goes to the
// version that last set it (with that version's actor, reason and time), the walk reads one
// payload per version and stops once every leaf has its version, a deletion in between counts
// as a change, and a walk stopped by max_versions or by a payload that retention removed lists
// what it could not attribute.
#include "audit/blame.h"

#include "engine/engine_fixture.h"
#include "engine/engine_intents.h"
#include "retention/retention_service.h"

namespace xronox::testing {
namespace {

using Kind = WriteIntent::Kind;

class BlameTest : public EngineTest {
 protected:
  void SetUp() override {
    EngineTest::SetUp();
    b_ = Bind(DatabaseType::kRuntime, "orders");
  }
  void Write(const std::string& id, Kind kind, Json body, const std::string& actor,
             const std::string& reason = "test") {
    clock_.Advance(1000);
    auto written = engine_.Write(b_, id, MakeIntent(kind, std::move(body)), By(actor, reason));
    ASSERT_TRUE(written.ok()) << written.status().ToString();
  }
  BlameReport MustBlame(const std::string& id, BlameOptions options = {}) {
    auto report = BlameRecord(engine_, b_, id, options);
    EXPECT_TRUE(report.ok()) << report.status().ToString();
    return report.ok() ? *report : BlameReport{};
  }
  // "path -> version" for each blamed field, in the report's order.
  static std::vector<std::pair<std::string, int64_t>> Versions(const BlameReport& report) {
    std::vector<std::pair<std::string, int64_t>> out;
    for (const FieldBlame& field : report.fields) out.emplace_back(field.path, field.version);
    return out;
  }
  Binding b_;
};

TEST_P(BlameTest, EachFieldGoesToTheVersionThatLastSetIt) {
  Write("o1", Kind::kPut,
        {{"status", "new"},
         {"total", 10},
         {"address", {{"city", "Oslo"}, {"zip", "0150"}}},
         {"tags", {"a"}},
         {"a/b~c", true}},
        "alice", "created");
  const TimestampMicros created_at = clock_.NowMicros();
  Write("o1", Kind::kMerge, {{"status", "paid"}}, "bob", "payment");
  Write("o1", Kind::kMerge, {{"address", {{"city", "Bergen"}}}}, "carol", "moved");
  Write("o1", Kind::kPut,
        {{"status", "paid"},
         {"total", 10},
         {"address", {{"city", "Bergen"}, {"zip", "0150"}}},
         {"tags", {"a", "b"}},
         {"a/b~c", true}},
        "dave", "tagged");

  BlameReport report = MustBlame("o1");
  EXPECT_EQ(report.id, "o1");
  EXPECT_EQ(report.version, 3);
  using Blamed = std::vector<std::pair<std::string, int64_t>>;
  // Leaf order (object keys sorted); '/' and '~' escaped as RFC 6901 says.
  EXPECT_EQ(Versions(report), (Blamed{{"/a~1b~0c", 0},
                                      {"/address/city", 2},
                                      {"/address/zip", 0},
                                      {"/status", 1},
                                      {"/tags/0", 0},
                                      {"/tags/1", 3},
                                      {"/total", 0}}));
  ASSERT_EQ(report.fields.size(), 7u);
  EXPECT_EQ(report.fields[0].actor, "alice");
  EXPECT_EQ(report.fields[0].reason, "created");
  EXPECT_EQ(report.fields[0].op, Operation::kCreate);
  EXPECT_EQ(report.fields[0].at, created_at);
  EXPECT_EQ(report.fields[1].actor, "carol");
  EXPECT_EQ(report.fields[1].reason, "moved");
  EXPECT_EQ(report.fields[3].actor, "bob");
  EXPECT_EQ(report.fields[5].actor, "dave");
  EXPECT_EQ(report.fields[5].op, Operation::kUpdate);
  EXPECT_EQ(report.versions_read, 4);
  EXPECT_TRUE(report.unattributed.empty());
  EXPECT_EQ(report.stopped, "");

  Json json = BlameReportToJson(report);
  EXPECT_EQ(json["fields"][1]["path"], "/address/city");
  EXPECT_EQ(json["fields"][1]["actor"], "carol");
  EXPECT_TRUE(json["stopped"].is_null());
  EXPECT_EQ(json["versionsRead"], 4);
}

TEST_P(BlameTest, TheWalkStopsOnceEveryFieldHasItsVersion) {
  for (int n = 0; n < 30; ++n) Write("o1", Kind::kPut, {{"n", n}}, "user-" + std::to_string(n));
  BlameReport report = MustBlame("o1");
  using Blamed = std::vector<std::pair<std::string, int64_t>>;
  EXPECT_EQ(Versions(report), (Blamed{{"/n", 29}}));
  ASSERT_EQ(report.fields.size(), 1u);
  EXPECT_EQ(report.fields[0].actor, "user-29");
  // The current payload and the one before it, of 30.
  EXPECT_EQ(report.versions_read, 2);
}

TEST_P(BlameTest, ADeletionBetweenCountsAsAChange) {
  Write("o1", Kind::kPut, {{"a", 1}, {"b", 2}}, "alice");
  Write("o1", Kind::kDelete, nullptr, "bob");
  // A deleted runtime record comes back by a restore, which sets every field again.
  clock_.Advance(1000);
  auto restored = engine_.Write(b_, "o1", MakeIntent(Kind::kRestore, nullptr, 0), By("carol"));
  ASSERT_TRUE(restored.ok()) << restored.status().ToString();
  Write("o1", Kind::kMerge, {{"b", 3}}, "dave");
  BlameReport report = MustBlame("o1");
  using Blamed = std::vector<std::pair<std::string, int64_t>>;
  EXPECT_EQ(Versions(report), (Blamed{{"/a", 2}, {"/b", 3}}));
  ASSERT_EQ(report.fields.size(), 2u);
  EXPECT_EQ(report.fields[0].actor, "carol");
  EXPECT_EQ(report.fields[0].op, Operation::kRestore);
  // A record deleted now has nothing to blame, as a read finds nothing.
  Write("o1", Kind::kDelete, nullptr, "erin");
  EXPECT_EQ(BlameRecord(engine_, b_, "o1", {}).status().code(), StatusCode::kNotFound);
}

TEST_P(BlameTest, MaxVersionsStopsTheWalkAndListsWhatIsLeft) {
  Write("o1", Kind::kPut, {{"fixed", "x"}, {"n", 0}}, "alice");
  for (int n = 1; n < 10; ++n) Write("o1", Kind::kMerge, {{"n", n}}, "bob");
  BlameOptions options;
  options.max_versions = 3;
  BlameReport report = MustBlame("o1", options);
  using Blamed = std::vector<std::pair<std::string, int64_t>>;
  EXPECT_EQ(Versions(report), (Blamed{{"/n", 9}}));
  EXPECT_EQ(report.unattributed, std::vector<std::string>{"/fixed"});
  EXPECT_EQ(report.stopped, "max_versions");
  EXPECT_EQ(report.versions_read, 3);
  // Without the bound, the first version set it.
  report = MustBlame("o1");
  EXPECT_EQ(Versions(report), (Blamed{{"/fixed", 0}, {"/n", 9}}));
  EXPECT_EQ(report.versions_read, 10);
}

TEST_P(BlameTest, APayloadRemovedByRetentionStopsTheWalk) {
  Write("o1", Kind::kPut, {{"fixed", "x"}, {"n", 0}}, "alice");
  for (int n = 1; n < 5; ++n) Write("o1", Kind::kMerge, {{"n", n}}, "bob");
  b_.retention = RetentionPolicy{0, 2};  // Keep the payloads of the two newest versions.
  RetentionService retention(engine_);
  auto run = retention.Run(b_, {});
  ASSERT_TRUE(run.ok()) << run.status().ToString();
  BlameReport report = MustBlame("o1");
  using Blamed = std::vector<std::pair<std::string, int64_t>>;
  EXPECT_EQ(Versions(report), (Blamed{{"/n", 4}}));
  EXPECT_EQ(report.unattributed, std::vector<std::string>{"/fixed"});
  EXPECT_EQ(report.stopped, "payload_removed");
}

TEST_P(BlameTest, OnlyRuntimeKeepsTheHistoryBlameReads) {
  Binding facts = Bind(DatabaseType::kKnowledge, "facts");
  auto refused = BlameRecord(engine_, facts, "f1", {});
  EXPECT_EQ(refused.status().code(), StatusCode::kNotSupported);
  EXPECT_EQ(refused.status().reason(), "not_versioned");
  BlameOptions none;
  none.max_versions = 0;
  EXPECT_EQ(BlameRecord(engine_, b_, "o1", none).status().code(), StatusCode::kInvalidArgument);
  none.max_versions = kMaxBlameVersions + 1;
  EXPECT_EQ(BlameRecord(engine_, b_, "o1", none).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(BlameRecord(engine_, b_, "missing", {}).status().code(), StatusCode::kNotFound);
}

XRONOX_INSTANTIATE_ENGINE_SUITE(BlameTest);

}  // namespace
}  // namespace xronox::testing
