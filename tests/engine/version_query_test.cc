// Version queries over every backend pair: the versions of a runtime collection an actor wrote,
// written in a time range, or touching a field (set inside, or whole by a create), newest first
// in pages that lose and repeat nothing; a tenant's collections merged in one order; refusals of
// bad queries, other types and hidden fields, whose names are also left out of the results.
#include "audit/version_query.h"

#include "engine/engine_fixture.h"
#include "engine/engine_intents.h"

namespace xronox::testing {
namespace {

using Kind = WriteIntent::Kind;
using Keys = std::vector<std::string>;

class VersionQueryTest : public EngineTest {
 protected:
  void Write(const Binding& b, const std::string& id, Kind kind, Json body,
             const std::string& actor, bool advance = true) {
    if (advance) clock_.Advance(1000);
    auto written = engine_.Write(b, id, MakeIntent(kind, std::move(body)), By(actor, "test"));
    ASSERT_TRUE(written.ok()) << id << ": " << written.status().ToString();
  }
  // "{collection}/{id}.v{version}" of every version the query finds, page by page.
  Keys Run(const std::vector<const Binding*>& bindings, VersionQuery query) {
    Keys keys;
    for (int pages = 0; pages < 50; ++pages) {
      auto page = QueryVersions(bindings, query);
      EXPECT_TRUE(page.ok()) << page.status().ToString();
      if (!page.ok()) break;
      EXPECT_LE(page->versions.size(), static_cast<size_t>(query.limit));
      for (const AuditedVersion& v : page->versions) {
        keys.push_back(v.collection + "/" + v.id + ".v" + std::to_string(v.info.version));
      }
      if (!page->next) break;
      query.cursor = *page->next;
    }
    return keys;
  }
};

TEST_P(VersionQueryTest, ByActorTimeAndFieldNewestFirstInPages) {
  Binding orders = Bind(DatabaseType::kRuntime, "orders");
  Write(orders, "o1", Kind::kPut, {{"status", "new"}, {"address", {{"city", "Oslo"}}}}, "ada");
  const TimestampMicros first = clock_.NowMicros();
  Write(orders, "o2", Kind::kPut, {{"status", "new"}}, "bob");
  Write(orders, "o1", Kind::kMerge, {{"address", {{"city", "Rome"}}}}, "bob");
  Write(orders, "o2", Kind::kMerge, {{"status", "paid"}}, "ada");
  const TimestampMicros fourth = clock_.NowMicros();
  Write(orders, "o3", Kind::kPut, {{"status", "new"}}, "ada");
  const std::vector<const Binding*> one = {&orders};
  const Keys all = {"orders/o3.v0", "orders/o2.v1", "orders/o1.v1", "orders/o2.v0", "orders/o1.v0"};
  EXPECT_EQ(Run(one, {}), all);
  EXPECT_EQ(Run(one, {.limit = 2}), all);
  EXPECT_EQ(Run(one, {.actor = "ada"}), (Keys{"orders/o3.v0", "orders/o2.v1", "orders/o1.v0"}));
  EXPECT_EQ(Run(one, {.actor = "bob", .limit = 1}), (Keys{"orders/o1.v1", "orders/o2.v0"}));
  EXPECT_EQ(Run(one, {.from = first + 1, .to = fourth}), (Keys{"orders/o1.v1", "orders/o2.v0"}));
  // The create set the city inside the address it set whole; the merge set the city itself.
  EXPECT_EQ(Run(one, {.field = "address.city"}), (Keys{"orders/o1.v1", "orders/o1.v0"}));
  EXPECT_EQ(Run(one, {.field = "/status", .limit = 1}),
            (Keys{"orders/o3.v0", "orders/o2.v1", "orders/o2.v0", "orders/o1.v0"}));
  EXPECT_EQ(Run(one, {.actor = "bob", .field = "/address"}), (Keys{"orders/o1.v1"}));
  auto page = QueryVersions(one, {.actor = "bob", .limit = 1});
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->versions.size(), 1u);
  EXPECT_EQ(page->versions[0].info.actor, "bob");
  EXPECT_EQ(page->versions[0].info.reason, "test");
  EXPECT_EQ(page->versions[0].info.changed_fields, (Keys{"/address/city"}));
}

TEST_P(VersionQueryTest, ATenantsCollectionsMergeIntoOneOrder) {
  Binding orders = Bind(DatabaseType::kRuntime, "orders");
  Binding invoices = Bind(DatabaseType::kRuntime, "invoices");
  Write(orders, "o1", Kind::kPut, {{"n", 1}}, "ada");
  Write(invoices, "i1", Kind::kPut, {{"n", 1}}, "ada", /*advance=*/false);  // The same instant.
  Write(invoices, "i2", Kind::kPut, {{"n", 2}}, "bob");
  Write(orders, "o2", Kind::kPut, {{"n", 2}}, "ada");
  Write(invoices, "i1", Kind::kMerge, {{"n", 3}}, "ada");
  const std::vector<const Binding*> both = {&orders, &invoices};
  const Keys all = {"invoices/i1.v1", "orders/o2.v0", "invoices/i2.v0", "orders/o1.v0",
                    "invoices/i1.v0"};
  EXPECT_EQ(Run(both, {}), all);
  for (int limit : {1, 2, 3}) EXPECT_EQ(Run(both, {.limit = limit}), all) << limit;
  EXPECT_EQ(Run(both, {.actor = "ada", .limit = 1}),
            (Keys{"invoices/i1.v1", "orders/o2.v0", "orders/o1.v0", "invoices/i1.v0"}));
}

TEST_P(VersionQueryTest, RefusesBadQueriesOtherTypesAndHiddenFields) {
  Binding orders = Bind(DatabaseType::kRuntime, "orders");
  orders.hidden_fields = {"card"};
  Write(orders, "o1", Kind::kPut, {{"card", "4111"}, {"n", 1}}, "ada");
  const std::vector<const Binding*> one = {&orders};
  for (const VersionQuery& bad :
       {VersionQuery{.limit = 0}, VersionQuery{.limit = kMaxVersionsPage + 1},
        VersionQuery{.from = 5, .to = 4}, VersionQuery{.cursor = "nonsense"},
        VersionQuery{.cursor = "a7b"}}) {
    auto refused = QueryVersions(one, bad);
    EXPECT_EQ(refused.status().reason(), "invalid_query") << refused.status().ToString();
  }
  EXPECT_EQ(QueryVersions(one, {.field = "card"}).status().reason(), "hidden_field");
  EXPECT_EQ(QueryVersions(one, {.field = "/card/last4"}).status().reason(), "hidden_field");
  auto page = QueryVersions(one, {});
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->versions.size(), 1u);
  EXPECT_EQ(page->versions[0].info.changed_fields, (Keys{"/n"}));
  Binding facts = Bind(DatabaseType::kKnowledge, "facts");
  EXPECT_EQ(QueryVersions({&facts}, {}).status().reason(), "not_versioned");
}

XRONOX_INSTANTIATE_ENGINE_SUITE(VersionQueryTest);

}  // namespace
}  // namespace xronox::testing
