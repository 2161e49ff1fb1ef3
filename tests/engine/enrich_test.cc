// Enrich over every backend pair: one write that adds to a record (objects merged at depth,
// arrays united), a version on runtime with its actor, reason and changed fields; nothing new is
// an unchanged write; absent records, nulls, logs and deleted runtime records are refused.
#include "engine/engine_fixture.h"
#include "engine/engine_intents.h"

namespace xronox::testing {
namespace {

using Kind = WriteIntent::Kind;

class EnrichTest : public EngineTest {
 protected:
  Result<WriteResult> Write(const Binding& b, const std::string& id, Kind kind, Json body,
                            const std::string& reason = "test") {
    clock_.Advance(1000);
    return engine_.Write(b, id, MakeIntent(kind, std::move(body)), By("user-1", reason));
  }
};

TEST_P(EnrichTest, AddsToARuntimeRecordAsOneVersion) {
  Binding b = Bind(DatabaseType::kRuntime, "orders");
  ASSERT_TRUE(Write(b, "o1", Kind::kPut,
                    {{"status", "new"}, {"tags", {"a"}}, {"customer", {{"name", "Ada"}}}})
                  .ok());
  auto enriched = Write(b, "o1", Kind::kEnrich,
                        {{"tags", {"a", "b"}}, {"customer", {{"tier", "gold"}}}}, "crm import");
  ASSERT_TRUE(enriched.ok()) << enriched.status().ToString();
  EXPECT_EQ(enriched->version, 1);
  auto record = engine_.Get(b, "o1", {});
  ASSERT_TRUE(record.ok()) << record.status().ToString();
  EXPECT_EQ(record->data, (Json{{"status", "new"},
                                {"tags", {"a", "b"}},
                                {"customer", {{"name", "Ada"}, {"tier", "gold"}}}}));
  auto history = engine_.History(b, "o1", {});
  ASSERT_TRUE(history.ok()) << history.status().ToString();
  ASSERT_EQ(history->versions.size(), 2u);
  EXPECT_EQ(history->versions[0].reason, "crm import");
  EXPECT_EQ(history->versions[0].op, Operation::kUpdate);
  EXPECT_EQ(history->versions[0].changed_fields,
            (std::vector<std::string>{"/customer/tier", "/tags"}));
  // Nothing new: no version.
  auto again = Write(b, "o1", Kind::kEnrich, {{"tags", {"b"}}, {"status", "new"}});
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_TRUE(again->unchanged);
  EXPECT_EQ(again->version, 1);
}

TEST_P(EnrichTest, RefusesAbsentRecordsNullsLogsAndDeletedRuntimeRecords) {
  Binding facts = Bind(DatabaseType::kKnowledge, "facts");
  EXPECT_EQ(Write(facts, "missing", Kind::kEnrich, {{"a", 1}}).status().code(),
            StatusCode::kNotFound);
  ASSERT_TRUE(Write(facts, "f1", Kind::kPut, {{"a", {{"b", 1}}}}).ok());
  auto with_null = Write(facts, "f1", Kind::kEnrich, {{"a", {{"b", nullptr}}}});
  EXPECT_EQ(with_null.status().code(), StatusCode::kInvalidArgument);
  auto plain = Write(facts, "f1", Kind::kEnrich, {{"a", {{"c", 2}}}});
  ASSERT_TRUE(plain.ok()) << plain.status().ToString();
  EXPECT_EQ(engine_.Get(facts, "f1", {})->data, (Json{{"a", {{"b", 1}, {"c", 2}}}}));
  Binding logs = Bind(DatabaseType::kLogs, "events");
  ASSERT_TRUE(Write(logs, "e1", Kind::kCreate, {{"n", 1}}).ok());
  EXPECT_EQ(Write(logs, "e1", Kind::kEnrich, {{"m", 2}}).status().reason(), "append_only");
  Binding orders = Bind(DatabaseType::kRuntime, "orders");
  ASSERT_TRUE(Write(orders, "o1", Kind::kPut, {{"n", 1}}).ok());
  ASSERT_TRUE(Write(orders, "o1", Kind::kDelete, nullptr).ok());
  EXPECT_EQ(Write(orders, "o1", Kind::kEnrich, {{"m", 2}}).status().code(), StatusCode::kConflict);
}

XRONOX_INSTANTIATE_ENGINE_SUITE(EnrichTest);

}  // namespace
}  // namespace xronox::testing
