// Runtime versioning: gap-free versions, preconditions, audit, time travel, history, diff,
// restore and soft delete, over every backend pair.
#include "engine/engine_fixture.h"
#include "engine/engine_intents.h"

namespace xronox::testing {
namespace {

using Kind = WriteIntent::Kind;

WriteIntent Intent(Kind kind, Json body = nullptr, int64_t restore = 0) {
  return MakeIntent(kind, std::move(body), restore);
}

class VersioningTest : public EngineTest {
 protected:
  void SetUp() override {
    EngineTest::SetUp();
    b_ = Bind(DatabaseType::kRuntime, "orders");
  }
  Result<WriteResult> Put(const std::string& id, Json data, WriteOptions o = By()) {
    clock_.Advance(1000);
    return engine_.Write(b_, id, Intent(Kind::kPut, std::move(data)), o);
  }
  Result<WriteResult> Merge(const std::string& id, Json patch, WriteOptions o = By()) {
    clock_.Advance(1000);
    return engine_.Write(b_, id, Intent(Kind::kMerge, std::move(patch)), o);
  }
  Binding b_;
};

TEST_P(VersioningTest, VersionsAreGapFreeFromZero) {
  auto created = Put("o1", {{"status", "new"}});
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  EXPECT_EQ(created->version, 0);
  EXPECT_TRUE(created->created);
  for (int i = 1; i <= 5; ++i) {
    auto updated = Merge("o1", {{"step", i}});
    ASSERT_TRUE(updated.ok()) << updated.status().ToString();
    EXPECT_EQ(updated->version, i);
    EXPECT_FALSE(updated->created);
  }
  auto record = engine_.Get(b_, "o1", {});
  ASSERT_TRUE(record.ok());
  EXPECT_EQ(record->version, 5);
  EXPECT_EQ(record->data, (Json{{"status", "new"}, {"step", 5}}));
  EXPECT_EQ(record->actor, "user-1");
}

TEST_P(VersioningTest, ActorAndReasonAreRequired) {
  WriteOptions no_reason;
  no_reason.actor = "user-1";
  auto result = Put("o1", {{"a", 1}}, no_reason);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(engine_.Get(b_, "o1", {}).status().code(), StatusCode::kNotFound);
}

TEST_P(VersioningTest, OnBehalfOfIsKeptBesideTheActor) {
  WriteOptions for_user = By();
  for_user.on_behalf_of = "customer-9";
  auto created = Put("o1", {{"a", 1}}, for_user);
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  EXPECT_EQ(created->record->actor, "user-1");
  EXPECT_EQ(created->record->on_behalf_of, "customer-9");
  ASSERT_TRUE(Merge("o1", {{"a", 2}}).ok());
  auto current = engine_.Get(b_, "o1", {});
  ASSERT_TRUE(current.ok());
  EXPECT_EQ(current->on_behalf_of, "");
  GetOptions at_zero;
  at_zero.version = 0;
  auto first = engine_.Get(b_, "o1", at_zero);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(first->actor, "user-1");
  EXPECT_EQ(first->on_behalf_of, "customer-9");
  HistoryOptions oldest_first;
  oldest_first.newest_first = false;
  auto history = engine_.History(b_, "o1", oldest_first);
  ASSERT_TRUE(history.ok());
  ASSERT_EQ(history->versions.size(), 2u);
  EXPECT_EQ(history->versions[0].on_behalf_of, "customer-9");
  EXPECT_EQ(history->versions[1].on_behalf_of, "");
  auto report = engine_.Verify(b_, false);
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->ok()) << report->problems.front();
  WriteOptions too_long = By();
  too_long.on_behalf_of = std::string(1025, 'x');
  EXPECT_EQ(Put("o2", {{"a", 1}}, too_long).status().code(), StatusCode::kInvalidArgument);
}

TEST_P(VersioningTest, ExpectedVersionMismatchNamesCurrentVersion) {
  ASSERT_TRUE(Put("o1", {{"a", 1}}).ok());
  ASSERT_TRUE(Merge("o1", {{"a", 2}}).ok());
  auto stale = Merge("o1", {{"a", 3}}, Expecting(0));
  ASSERT_FALSE(stale.ok());
  EXPECT_EQ(stale.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(stale.status().current_version(), 1);
  auto fresh = Merge("o1", {{"a", 3}}, Expecting(1));
  ASSERT_TRUE(fresh.ok());
  EXPECT_EQ(fresh->version, 2);
}

TEST_P(VersioningTest, ChangedFieldsAreJsonPointersAtEveryDepth) {
  ASSERT_TRUE(
      Put("o1", {{"a", 1}, {"b", {{"x", 1}, {"y", {{"z", 1}}}}}, {"c", 3}, {"t", {1}}}).ok());
  ASSERT_TRUE(Put("o1", {{"a", 1},
                         {"b", {{"x", 2}, {"y", {{"z", 1}, {"w/~", 0}}}}},
                         {"d", {{"e", 4}}},
                         {"t", {1, 2}}})
                  .ok());
  auto page = engine_.History(b_, "o1", {});
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->versions.size(), 2u);
  // Objects are compared at depth; an array that differs, a key added or removed are named
  // whole; a key's '~' and '/' are escaped (RFC 6901).
  EXPECT_EQ(page->versions[0].changed_fields,
            (std::vector<std::string>{"/b/x", "/b/y/w~1~0", "/c", "/d", "/t"}));
  // A create names each top-level key.
  EXPECT_EQ(page->versions[1].changed_fields, (std::vector<std::string>{"/a", "/b", "/c", "/t"}));
  EXPECT_EQ(page->versions[0].op, Operation::kUpdate);
  EXPECT_EQ(page->versions[1].op, Operation::kCreate);
}

TEST_P(VersioningTest, ReadsByVersionAndAsOfTime) {
  ASSERT_TRUE(Put("o1", {{"v", 0}}).ok());
  TimestampMicros t0 = clock_.NowMicros();
  ASSERT_TRUE(Put("o1", {{"v", 1}}).ok());
  TimestampMicros t1 = clock_.NowMicros();
  ASSERT_TRUE(Put("o2", {{"other", true}}).ok());
  ASSERT_TRUE(Put("o1", {{"v", 2}}).ok());

  GetOptions at_version;
  at_version.version = 1;
  EXPECT_EQ(engine_.Get(b_, "o1", at_version)->data, (Json{{"v", 1}}));
  GetOptions as_of;
  as_of.as_of = t0;  // Exactly the time version 0 was written.
  EXPECT_EQ(engine_.Get(b_, "o1", as_of)->version, 0);
  as_of.as_of = t1 + 500;
  EXPECT_EQ(engine_.Get(b_, "o1", as_of)->version, 1);
  as_of.as_of = t0 - 1;
  EXPECT_EQ(engine_.Get(b_, "o1", as_of).status().code(), StatusCode::kNotFound);
  at_version.version = 7;
  EXPECT_EQ(engine_.Get(b_, "o1", at_version).status().code(), StatusCode::kNotFound);
}

TEST_P(VersioningTest, HistoryPagesNewestFirstAndOldestFirst) {
  for (int i = 0; i < 7; ++i) ASSERT_TRUE(Put("o1", {{"i", i}}).ok());
  std::vector<int64_t> seen;
  HistoryOptions options;
  options.limit = 3;
  while (true) {
    auto page = engine_.History(b_, "o1", options);
    ASSERT_TRUE(page.ok()) << page.status().ToString();
    for (const auto& v : page->versions) seen.push_back(v.version);
    if (!page->next) break;
    options.cursor = *page->next;
  }
  EXPECT_EQ(seen, (std::vector<int64_t>{6, 5, 4, 3, 2, 1, 0}));
  options = {};
  options.newest_first = false;
  options.limit = 4;
  auto first = engine_.History(b_, "o1", options);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->versions.front().version, 0);
  EXPECT_EQ(first->versions.back().version, 3);
  options.cursor = "garbage";
  EXPECT_EQ(engine_.History(b_, "o1", options).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(engine_.History(b_, "missing", {}).status().code(), StatusCode::kNotFound);
}

TEST_P(VersioningTest, DiffIsJsonPatchBetweenAnyTwoVersions) {
  ASSERT_TRUE(Put("o1", {{"a", 1}, {"b", 2}}).ok());
  ASSERT_TRUE(Put("o1", {{"a", 1}, {"c", 3}}).ok());
  auto diff = engine_.Diff(b_, "o1", 0, 1);
  ASSERT_TRUE(diff.ok());
  Json v0 = {{"a", 1}, {"b", 2}};
  EXPECT_EQ(v0.patch(*diff), (Json{{"a", 1}, {"c", 3}}));
  auto back = engine_.Diff(b_, "o1", 1, 0);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(Json({{"a", 1}, {"c", 3}}).patch(*back), v0);
  EXPECT_EQ(engine_.Diff(b_, "o1", 0, 9).status().code(), StatusCode::kNotFound);
}

TEST_P(VersioningTest, SoftDeleteIsAVersionAndRestoreBringsItBack) {
  ASSERT_TRUE(Put("o1", {{"a", 1}}).ok());
  clock_.Advance(1000);
  auto deleted = engine_.Write(b_, "o1", Intent(Kind::kDelete), By());
  ASSERT_TRUE(deleted.ok());
  EXPECT_EQ(deleted->version, 1);
  EXPECT_EQ(engine_.Get(b_, "o1", {}).status().code(), StatusCode::kNotFound);
  auto put = Put("o1", {{"a", 2}});
  EXPECT_EQ(put.status().code(), StatusCode::kConflict);
  EXPECT_EQ(put.status().reason(), "record_deleted");
  EXPECT_EQ(Merge("o1", {{"a", 2}}).status().code(), StatusCode::kConflict);
  GetOptions v0;
  v0.version = 0;
  EXPECT_EQ(engine_.Get(b_, "o1", v0)->data, (Json{{"a", 1}}));
  clock_.Advance(1000);
  auto restored = engine_.Write(b_, "o1", Intent(Kind::kRestore, nullptr, 0), By());
  ASSERT_TRUE(restored.ok()) << restored.status().ToString();
  EXPECT_EQ(restored->version, 2);
  auto record = engine_.Get(b_, "o1", {});
  ASSERT_TRUE(record.ok());
  EXPECT_EQ(record->data, (Json{{"a", 1}}));
  auto history = engine_.History(b_, "o1", {});
  ASSERT_EQ(history->versions.size(), 3u);
  EXPECT_EQ(history->versions[0].op, Operation::kRestore);
  EXPECT_EQ(history->versions[1].op, Operation::kDelete);
  clock_.Advance(1000);
  auto restore_deletion = engine_.Write(b_, "o1", Intent(Kind::kRestore, nullptr, 1), By());
  EXPECT_EQ(restore_deletion.status().code(), StatusCode::kInvalidArgument);
}

TEST_P(VersioningTest, CreateOnlyRefusesExistingAndDeletedRecords) {
  WriteOptions create_only = By();
  create_only.create_only = true;
  ASSERT_TRUE(Put("o1", {{"a", 1}}, create_only).ok());
  EXPECT_EQ(Put("o1", {{"a", 2}}, create_only).status().code(), StatusCode::kAlreadyExists);
}

TEST_P(VersioningTest, IdempotencyKeyReturnsFirstResult) {
  WriteOptions keyed = By();
  keyed.idempotency_key = "req-1";
  auto first = Merge("o1", {{"a", 1}}, keyed);
  EXPECT_EQ(first.status().code(), StatusCode::kNotFound);  // Failure frees the key.
  ASSERT_TRUE(Put("o1", {{"a", 1}}, keyed).ok());
  auto again = Put("o1", {{"a", 1}}, keyed);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->version, 0);
  EXPECT_EQ(engine_.Get(b_, "o1", {})->version, 0);
  auto other = Put("o1", {{"a", 2}}, keyed);
  EXPECT_EQ(other.status().code(), StatusCode::kConflict);
  EXPECT_EQ(other.status().reason(), "idempotency_mismatch");
}

TEST_P(VersioningTest, LargePayloadsLiveInTheObjectStoreOnly) {
  options_.inline_max_bytes = 64;
  Engine small_inline(options_, &clock_);
  std::string big(1000, 'x');
  clock_.Advance(1000);
  ASSERT_TRUE(small_inline.Write(b_, "big", Intent(Kind::kPut, {{"blob", big}}), By()).ok());
  auto head = hot_->GetHead(b_.ref, "big");
  ASSERT_TRUE(head.ok() && *head);
  EXPECT_TRUE((*head)->data.empty());
  auto record = small_inline.Get(b_, "big", {});
  ASSERT_TRUE(record.ok());
  EXPECT_EQ(record->data["blob"], big);
}

// A create whose generated id collides with an existing record skips the head read on its
// first attempt; the unique inserts must still refuse it and leave the record untouched.
TEST_P(VersioningTest, CreateWithAGeneratedIdThatExistsIsRefused) {
  ASSERT_TRUE(Put("taken", {{"n", 1}}).ok());
  ASSERT_TRUE(Put("taken", {{"n", 2}}).ok());
  WriteIntent create = Intent(Kind::kCreate, {{"n", "intruder"}});
  create.generated_id = true;
  clock_.Advance(1000);
  auto collided = engine_.Write(b_, "taken", create, By());
  ASSERT_FALSE(collided.ok());
  EXPECT_EQ(collided.status().code(), StatusCode::kAlreadyExists) << collided.status().ToString();
  auto record = engine_.Get(b_, "taken", {});
  ASSERT_TRUE(record.ok());
  EXPECT_EQ(record->version, 1);
  EXPECT_EQ(record->data, Json({{"n", 2}}));
  auto report = engine_.Verify(b_, false);
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->problems.empty()) << report->problems.front();
}

XRONOX_INSTANTIATE_ENGINE_SUITE(VersioningTest);

}  // namespace
}  // namespace xronox::testing
