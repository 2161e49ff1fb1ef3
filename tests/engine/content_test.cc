// Content blobs over the backend matrix: streamed uploads and ranged reads, the record shape,
// storing identical bytes once, history on runtime, removal elsewhere, limits and verify.
#include <random>

#include "common/hash.h"
#include "content/content_service.h"
#include "engine/engine_fixture.h"
#include "engine/engine_intents.h"
#include "engine/keys.h"

namespace xronox::testing {
namespace {

std::string RandomBytes(size_t size, uint32_t seed) {
  std::mt19937 generator(seed);
  std::string bytes(size, '\0');
  for (char& c : bytes) c = static_cast<char>(generator() & 0xff);
  return bytes;
}

std::string OrMissing(const Result<std::string>& read) {
  return read.ok() ? *read : "<" + read.status().ToString() + ">";
}

// Past ContentOptions::buffer_bytes (8 MiB), so uploads of it go through a staging object.
constexpr size_t kStaged = (10 << 20) + 11;

class ContentTest : public EngineTest {
 protected:
  std::shared_ptr<const Binding> BindShared(DatabaseType type) {
    auto b = std::make_shared<const Binding>(Bind(type, "docs"));
    EXPECT_TRUE(
        engine_.Write(*b, "r1", MakeIntent(WriteIntent::Kind::kPut, {{"title", "t"}}), By()).ok());
    return b;
  }

  Result<WriteResult> Upload(const std::shared_ptr<const Binding>& b, const std::string& property,
                             std::string_view bytes, WriteOptions write = By(),
                             const std::string& id = "r1") {
    clock_.Advance(1000);
    ContentUploadOptions options{"application/pdf", std::move(write)};
    XRONOX_ASSIGN_OR_RETURN(auto upload, content_.Begin(b, nullptr, id, property, options));
    for (size_t at = 0; at < bytes.size(); at += (3 << 20) + 5) {
      XRONOX_RETURN_IF_ERROR(upload->Write(bytes.substr(at, (3 << 20) + 5)));
    }
    return upload->Finish();
  }

  Result<std::string> Read(const Binding& b, const std::string& property,
                           ContentReadOptions options = {}) {
    XRONOX_ASSIGN_OR_RETURN(auto reader, content_.Open(b, "r1", property, options));
    std::string all, part;
    while (true) {
      XRONOX_RETURN_IF_ERROR(reader->Read(1 << 20, &part));
      if (part.empty()) break;
      all += part;
    }
    if (static_cast<int64_t>(all.size()) != reader->length()) return Internal("short read");
    return all;
  }

  // Every key under the collection's content prefix.
  std::vector<std::string> ContentKeys(const Binding& b) {
    auto page = objects_->List(b.database.buckets.content, ContentPrefix(b), "", 1000);
    EXPECT_TRUE(page.ok()) << page.status().ToString();
    std::vector<std::string> keys;
    if (page.ok()) {
      for (const auto& object : page->objects) keys.push_back(object.key);
    }
    return keys;
  }

  // Moves the engine's clock past the claim lease of anything stored so far, by any clock.
  void PassTheLease() {
    TimestampMicros real = SystemClock::Default()->NowMicros();
    clock_.Set(std::max(real, clock_.NowMicros()) +
               (options_.claim_lease_seconds + 3600) * 1'000'000);
  }

  ContentService content_{engine_, ContentOptions{}};
};

TEST_P(ContentTest, UploadRecordsHashSizeAndTypeAndReadsBackWhole) {
  auto b = BindShared(DatabaseType::kKnowledge);
  const std::string large = RandomBytes(kStaged, 1);
  auto written = Upload(b, "scan", large);
  ASSERT_TRUE(written.ok()) << written.status().ToString();
  ASSERT_TRUE(Upload(b, "thumb", "small bytes").ok());
  auto record = engine_.Get(*b, "r1", {});
  ASSERT_TRUE(record.ok());
  EXPECT_EQ(record->data["title"], "t");
  EXPECT_EQ(record->data["scan"], (Json{{"$content",
                                         {{"sha256", Sha256Hex(large)},
                                          {"size", kStaged},
                                          {"contentType", "application/pdf"}}}}));
  auto read = Read(*b, "scan");
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  EXPECT_TRUE(*read == large) << "content came back different";
  EXPECT_EQ(OrMissing(Read(*b, "thumb")), "small bytes");
  // Exactly the two blobs under their hashes: no staging object is left.
  std::vector<std::string> expected = {ContentKey(*b, "r1", "scan", Sha256Hex(large)),
                                       ContentKey(*b, "r1", "thumb", Sha256Hex("small bytes"))};
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(ContentKeys(*b), expected);
}

TEST_P(ContentTest, IdenticalBytesAreStoredOnce) {
  auto b = BindShared(DatabaseType::kKnowledge);
  const std::string large = RandomBytes(kStaged, 2);
  ASSERT_TRUE(Upload(b, "scan", large).ok());
  const std::string key = ContentKey(*b, "r1", "scan", Sha256Hex(large));
  auto first = objects_->Stat(b->database.buckets.content, key);
  ASSERT_TRUE(first.ok() && first->has_value());
  ASSERT_TRUE(Upload(b, "scan", large).ok());
  ASSERT_TRUE(Upload(b, "thumb", "x").ok());
  ASSERT_TRUE(Upload(b, "thumb", "x").ok());
  auto again = objects_->Stat(b->database.buckets.content, key);
  ASSERT_TRUE(again.ok() && again->has_value());
  EXPECT_EQ((*again)->modified_at, (*first)->modified_at) << "identical bytes were written again";
  EXPECT_EQ(ContentKeys(*b).size(), 2u);
}

TEST_P(ContentTest, RangesReadExactlyTheirBytes) {
  auto b = BindShared(DatabaseType::kKnowledge);
  const std::string bytes = RandomBytes((2 << 20) + 3, 3);
  ASSERT_TRUE(Upload(b, "scan", bytes).ok());
  const int64_t size = static_cast<int64_t>(bytes.size());
  for (auto [offset, length] :
       {std::pair<int64_t, int64_t>{0, 1}, {100, 1 << 20}, {size - 1, -1}, {5, size * 2}}) {
    ContentReadOptions options;
    options.offset = offset;
    options.length = length;
    auto read = Read(*b, "scan", options);
    ASSERT_TRUE(read.ok()) << offset << ": " << read.status().ToString();
    int64_t expect = length < 0 ? size - offset : std::min(length, size - offset);
    EXPECT_TRUE(*read == bytes.substr(offset, expect)) << offset << "+" << length;
  }
  ContentReadOptions past;
  past.offset = size;
  auto refused = content_.Open(*b, "r1", "scan", past);
  EXPECT_EQ(refused.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(refused.status().reason(), "range_not_satisfiable");
}

TEST_P(ContentTest, RuntimeKeepsEveryVersionsContent) {
  auto b = BindShared(DatabaseType::kRuntime);
  const std::string a = RandomBytes(kStaged, 4), bee = "second content";
  auto v1 = Upload(b, "scan", a, By("alice", "first scan"));
  ASSERT_TRUE(v1.ok()) << v1.status().ToString();
  TimestampMicros between = clock_.NowMicros();
  auto v2 = Upload(b, "scan", bee, By("bob", "rescan"));
  ASSERT_TRUE(v2.ok());
  EXPECT_EQ(v1->version, 1);
  EXPECT_EQ(v2->version, 2);
  ContentReadOptions at_v1;
  at_v1.version = 1;
  EXPECT_TRUE(OrMissing(Read(*b, "scan", at_v1)) == a) << "version 1 lost its content";
  ContentReadOptions as_of;
  as_of.as_of = between;
  EXPECT_TRUE(OrMissing(Read(*b, "scan", as_of)) == a);
  EXPECT_EQ(OrMissing(Read(*b, "scan")), bee);
  auto deleted = content_.Delete(*b, "r1", "scan", By("carol", "remove scan"));
  ASSERT_TRUE(deleted.ok()) << deleted.status().ToString();
  EXPECT_EQ(Read(*b, "scan").status().code(), StatusCode::kNotFound);
  ContentReadOptions at_v2;
  at_v2.version = 2;
  EXPECT_EQ(OrMissing(Read(*b, "scan", at_v2)), bee);
  auto history = engine_.History(*b, "r1", {});
  ASSERT_TRUE(history.ok());
  ASSERT_EQ(history->versions.size(), 4u);
  EXPECT_EQ(history->versions[0].actor, "carol");
  EXPECT_EQ(history->versions[1].actor, "bob");
  EXPECT_EQ(history->versions[1].reason, "rescan");
  EXPECT_EQ(history->versions[1].changed_fields, std::vector<std::string>{"/scan"});
  EXPECT_EQ(ContentKeys(*b).size(), 2u) << "runtime history must keep both blobs";
}

TEST_P(ContentTest, NonVersionedTypesRemoveReplacedAndDeletedBlobs) {
  auto b = BindShared(DatabaseType::kMetadata);
  ASSERT_TRUE(Upload(b, "scan", "first").ok());
  ASSERT_TRUE(Upload(b, "scan", "second").ok());
  EXPECT_EQ(ContentKeys(*b),
            std::vector<std::string>{ContentKey(*b, "r1", "scan", Sha256Hex("second"))});
  ASSERT_TRUE(content_.Delete(*b, "r1", "scan", By()).ok());
  EXPECT_TRUE(ContentKeys(*b).empty());
  auto record = engine_.Get(*b, "r1", {});
  ASSERT_TRUE(record.ok());
  EXPECT_EQ(record->data, (Json{{"title", "t"}}));
  EXPECT_EQ(content_.Delete(*b, "r1", "scan", By()).status().code(), StatusCode::kNotFound);
}

TEST_P(ContentTest, ContentWritesFollowTheRecordWriteRules) {
  auto b = BindShared(DatabaseType::kRuntime);
  WriteOptions stale = By();
  stale.expected_version = 7;
  EXPECT_EQ(Upload(b, "scan", "x", stale).status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(Upload(b, "scan", "x", WriteOptions{}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(Upload(b, "scan", "x", By(), "nobody").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(Upload(b, "bad.name", "x").status().code(), StatusCode::kInvalidArgument);
  WriteOptions keyed = By();
  keyed.idempotency_key = "upload-1";
  auto first = Upload(b, "scan", "same", keyed);
  auto replay = Upload(b, "scan", "same", keyed);
  ASSERT_TRUE(first.ok() && replay.ok()) << replay.status().ToString();
  EXPECT_EQ(replay->version, first->version) << "a retried upload wrote a second version";
  EXPECT_EQ(engine_.Get(*b, "r1", {})->version, first->version);
}

// Minimal mode keeps objects as MongoDB documents: content past its limit is refused with the
// store's message; every other object store takes it.
TEST_P(ContentTest, ContentOverMinimalModesLimitIsRefusedThereOnly) {
  auto b = BindShared(DatabaseType::kKnowledge);
  const std::string big = RandomBytes(store::MongoObjectStore::kMaxObjectBytes + 1, 5);
  auto written = Upload(b, "scan", big);
  if (GetParam() != "mongo-only") {
    ASSERT_TRUE(written.ok()) << written.status().ToString();
    EXPECT_TRUE(OrMissing(Read(*b, "scan")) == big);
    return;
  }
  EXPECT_EQ(written.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(written.status().reason(), "object_too_large");
  EXPECT_NE(written.status().message().find("configure an object store"), std::string::npos);
  EXPECT_FALSE(engine_.Get(*b, "r1", {})->data.contains("scan"));
  EXPECT_TRUE(ContentKeys(*b).empty());
}

TEST_P(ContentTest, VerifyRemovesStagedAndUnreferencedBlobs) {
  auto b = BindShared(DatabaseType::kKnowledge);
  ASSERT_TRUE(Upload(b, "scan", "kept").ok());
  const std::string& bucket = b->database.buckets.content;
  const std::string staged = ContentStagingKey(*b, "r1", "scan", "crashed");
  const std::string orphan = ContentKey(*b, "r1", "scan", Sha256Hex("orphan"));
  ASSERT_TRUE(objects_->Put(bucket, staged, "half", store::PutMode::kCreateOnly).ok());
  ASSERT_TRUE(objects_->Put(bucket, orphan, "orphan", store::PutMode::kCreateOnly).ok());
  VerifyReport fresh;
  ASSERT_TRUE(content_.Verify(*b, true, fresh).ok());
  EXPECT_TRUE(fresh.garbage.empty()) << "an upload still in flight was taken for garbage";
  PassTheLease();
  VerifyReport found;
  ASSERT_TRUE(content_.Verify(*b, false, found).ok());
  EXPECT_EQ(found.garbage.size(), 2u);
  VerifyReport repaired;
  ASSERT_TRUE(content_.Verify(*b, true, repaired).ok());
  EXPECT_EQ(repaired.garbage_removed, 2);
  EXPECT_EQ(ContentKeys(*b),
            std::vector<std::string>{ContentKey(*b, "r1", "scan", Sha256Hex("kept"))});
  VerifyReport clean;
  ASSERT_TRUE(content_.Verify(*b, false, clean).ok());
  EXPECT_TRUE(clean.garbage.empty());
  EXPECT_TRUE(clean.problems.empty());
}

// A reference whose blob is gone (or has another size) is a problem verify reports; writes
// cannot add such a reference, only a lost or damaged object store can leave one.
TEST_P(ContentTest, VerifyReportsReferencesToMissingBlobs) {
  auto b = BindShared(DatabaseType::kKnowledge);
  ASSERT_TRUE(Upload(b, "scan", "kept").ok());
  ASSERT_TRUE(Upload(b, "photo", "gone").ok());
  VerifyReport clean;
  ASSERT_TRUE(content_.Verify(*b, false, clean).ok());
  EXPECT_TRUE(clean.problems.empty());
  const std::string& bucket = b->database.buckets.content;
  ASSERT_TRUE(objects_->Delete(bucket, ContentKey(*b, "r1", "photo", Sha256Hex("gone"))).ok());
  VerifyReport found;
  ASSERT_TRUE(content_.Verify(*b, false, found).ok());
  ASSERT_EQ(found.problems.size(), 1u);
  EXPECT_NE(found.problems[0].find("'photo'"), std::string::npos) << found.problems[0];
  EXPECT_NE(found.problems[0].find("not stored"), std::string::npos) << found.problems[0];
  // Writes through the engine may not make such a reference up.
  Json forged = {{"title", "t"}};
  forged["other"] = {
      {"$content", {{"sha256", Sha256Hex("x")}, {"size", 1}, {"contentType", "a/b"}}}};
  auto refused = engine_.Write(*b, "r1", MakeIntent(WriteIntent::Kind::kPut, forged), By());
  EXPECT_EQ(refused.status().reason(), "content_reference") << refused.status().ToString();
}

TEST_P(ContentTest, PresignAnswersAUrlOnS3AndNotSupportedElsewhere) {
  auto b = BindShared(DatabaseType::kKnowledge);
  ASSERT_TRUE(Upload(b, "scan", "bytes").ok());
  auto url = content_.Presign(*b, "r1", "scan", {}, 60);
  if (GetParam() == "mongo+s3") {
    ASSERT_TRUE(url.ok()) << url.status().ToString();
    EXPECT_NE(url->find(Sha256Hex("bytes")), std::string::npos);
    EXPECT_NE(url->find("X-Amz-Signature="), std::string::npos);
  } else {
    EXPECT_EQ(url.status().code(), StatusCode::kNotSupported);
  }
  EXPECT_EQ(content_.Presign(*b, "r1", "none", {}, 60).status().code(), StatusCode::kNotFound);
}

XRONOX_INSTANTIATE_ENGINE_SUITE(ContentTest);

}  // namespace
}  // namespace xronox::testing
