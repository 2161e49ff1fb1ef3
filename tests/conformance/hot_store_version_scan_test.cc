// The HotStore conformance suite, ScanVersions: a collection's versions newest first (by time,
// then id, then version), paged from a position, narrowed by actor, by a time range and by a
// changed field (the field, one inside it, or one around it set whole; versions of older writes
// name top-level fields), on every backend.
#include "conformance/hot_store_backends.h"

namespace xronox::store {
namespace {

using testing::ExpectVersionEq;
using testing::MakeVersion;

using Keys = std::vector<std::string>;

VersionRow Row(const std::string& id, int64_t version, TimestampMicros at, const std::string& actor,
               const std::string& changed) {
  VersionRow row = MakeVersion(id, version, at);
  row.actor = actor;
  row.changed_fields = changed;
  return row;
}

// "{id}.v{version}" of each row, in order.
Keys KeysOf(const std::vector<VersionRow>& rows) {
  Keys keys;
  for (const VersionRow& row : rows) keys.push_back(row.id + ".v" + std::to_string(row.version));
  return keys;
}

class VersionScan : public HotStoreConformanceTest {
 protected:
  // a: v0 ada @100 [/name], v1 bob @300 [/address/city], v2 ada @500 [/address]
  // b: v0 bob @300 [/name, /tags], v1 ada @400 [address] (a top-level name of an older write)
  // c: v0 cy @200 []
  void WriteVersions() {
    for (const VersionRow& row :
         {Row("a", 0, 100, "ada", R"(["/name"])"), Row("a", 1, 300, "bob", R"(["/address/city"])"),
          Row("a", 2, 500, "ada", R"(["/address"])"),
          Row("b", 0, 300, "bob", R"(["/name","/tags"])"),
          Row("b", 1, 400, "ada", R"(["address"])"), Row("c", 0, 200, "cy", "[]")}) {
      ASSERT_TRUE(store_->InsertVersion(ref_, row).ok()) << row.id << " v" << row.version;
    }
  }
  Keys Scan(const VersionFilter& filter, int page_size = 100) {
    Keys keys;
    std::optional<VersionPosition> after;
    for (int pages = 0; pages < 20; ++pages) {
      auto rows = store_->ScanVersions(ref_, filter, after, page_size);
      EXPECT_TRUE(rows.ok()) << rows.status().ToString();
      if (!rows.ok() || rows->empty()) break;
      EXPECT_LE(rows->size(), static_cast<size_t>(page_size));
      for (const std::string& key : KeysOf(*rows)) keys.push_back(key);
      after = VersionPosition{rows->back().at, rows->back().id, rows->back().version};
    }
    return keys;
  }
};

TEST_P(VersionScan, EveryVersionNewestFirstInPagesOfAnySize) {
  WriteVersions();
  const Keys all = {"a.v2", "b.v1", "b.v0", "a.v1", "c.v0", "a.v0"};
  EXPECT_EQ(Scan({}), all);
  EXPECT_EQ(Scan({}, 1), all);
  EXPECT_EQ(Scan({}, 4), all);
  auto rows = store_->ScanVersions(ref_, {}, std::nullopt, 1);
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 1u);
  ExpectVersionEq(rows->front(), Row("a", 2, 500, "ada", R"(["/address"])"));
}

TEST_P(VersionScan, NarrowedByActorTimeAndChangedField) {
  WriteVersions();
  EXPECT_EQ(Scan({.actor = "ada"}), (Keys{"a.v2", "b.v1", "a.v0"}));
  EXPECT_EQ(Scan({.actor = "bob"}, 1), (Keys{"b.v0", "a.v1"}));
  EXPECT_EQ(Scan({.actor = "nobody"}), Keys{});
  EXPECT_EQ(Scan({.from = 200, .to = 400}), (Keys{"b.v0", "a.v1", "c.v0"}));
  EXPECT_EQ(Scan({.from = 400}), (Keys{"a.v2", "b.v1"}));
  EXPECT_EQ(Scan({.to = 200}), (Keys{"a.v0"}));
  EXPECT_EQ(Scan({.field = "/address"}), (Keys{"a.v2", "b.v1", "a.v1"}));
  // A field inside one set whole: a.v2 and b.v1 replaced /address, so they set its city too.
  EXPECT_EQ(Scan({.field = "/address/city"}), (Keys{"a.v2", "b.v1", "a.v1"}));
  EXPECT_EQ(Scan({.field = "/address/zip"}, 1), (Keys{"a.v2", "b.v1"}));
  EXPECT_EQ(Scan({.field = "/name"}, 1), (Keys{"b.v0", "a.v0"}));
  EXPECT_EQ(Scan({.field = "/addr"}), Keys{}) << "a prefix of a name is not the field";
  EXPECT_EQ(Scan({.actor = "ada", .field = "/address"}), (Keys{"a.v2", "b.v1"}));
  EXPECT_EQ(Scan({.actor = "bob", .from = 300, .to = 301, .field = "/tags"}), (Keys{"b.v0"}));
}

TEST_P(VersionScan, AnEmptyOrNewCollectionHasNone) {
  EXPECT_EQ(Scan({}), Keys{});
  auto bad = store_->ScanVersions(ref_, {}, std::nullopt, 0);
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
}

INSTANTIATE_TEST_SUITE_P(Backends, VersionScan, ::testing::ValuesIn(HotBackends()),
                         [](const ::testing::TestParamInfo<HotBackend>& info) {
                           return info.param.name;
                         });

}  // namespace
}  // namespace xronox::store
