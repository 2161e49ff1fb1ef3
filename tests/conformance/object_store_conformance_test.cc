// The ObjectStore contract, proven once for every backend: adding a backend adds one line
// to Backends() in object_store_backends.h. Streaming is in object_store_streams_test.cc.

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "common/clock.h"
#include "common/names.h"
#include "conformance/object_store_backends.h"
#include "conformance/object_store_test_util.h"
#include "store/object/fs/folder_object_store.h"
#include "store/object/memory/memory_object_store.h"
#include "store/object/mongo/mongo_object_store.h"
#include "store/object/object_store.h"
#include "store/object/s3/s3_object_store.h"
#include "support/test_services.h"

namespace xronox::store {
namespace {

TEST_P(ObjectStoreConformanceTest, RoundTripsEmptyObject) {
  ASSERT_TRUE(IsOk(Put("empty", "")));
  EXPECT_EQ(GetOrDie("empty"), "");
  Result<std::optional<ObjectInfo>> info = store_->Stat(kBucket, "empty");
  ASSERT_TRUE(IsOk(info.status()));
  ASSERT_TRUE(info->has_value());
  EXPECT_EQ((*info)->size, 0);
}

TEST_P(ObjectStoreConformanceTest, RoundTripsEveryByteValue) {
  std::string bytes;
  for (int round = 0; round < 3; ++round) {
    for (int b = 0; b < 256; ++b) bytes += static_cast<char>(b);
  }
  ASSERT_TRUE(IsOk(Put("binary/all-bytes", bytes)));
  EXPECT_EQ(GetOrDie("binary/all-bytes"), bytes);
}

TEST_P(ObjectStoreConformanceTest, RoundTripsMultiMebibyteObject) {
  std::string bytes = RandomBytes((5 << 20) + 7, 42);
  ASSERT_TRUE(IsOk(Put("big/object.bin", bytes)));
  EXPECT_TRUE(GetOrDie("big/object.bin") == bytes) << "5 MiB object came back different";
  Result<std::optional<ObjectInfo>> info = store_->Stat(kBucket, "big/object.bin");
  ASSERT_TRUE(IsOk(info.status()));
  ASSERT_TRUE(info->has_value());
  EXPECT_EQ((*info)->size, static_cast<int64_t>(bytes.size()));
}

TEST_P(ObjectStoreConformanceTest, OverwriteReplacesWholeObject) {
  ASSERT_TRUE(IsOk(Put("doc", std::string(1000, 'x'))));
  ASSERT_TRUE(IsOk(Put("doc", "short")));
  EXPECT_EQ(GetOrDie("doc"), "short");
  ASSERT_TRUE(IsOk(Put("doc", "longer than before")));
  EXPECT_EQ(GetOrDie("doc"), "longer than before");
}

TEST_P(ObjectStoreConformanceTest, CreateOnlyRefusesExistingKeyAndKeepsFirst) {
  ASSERT_TRUE(IsOk(Put("v/1.json", "first", PutMode::kCreateOnly)));
  EXPECT_TRUE(HasCode(Put("v/1.json", "second", PutMode::kCreateOnly), StatusCode::kAlreadyExists));
  EXPECT_EQ(GetOrDie("v/1.json"), "first");
  // An object written by overwrite counts as existing too.
  ASSERT_TRUE(IsOk(Put("v/2.json", "overwritten")));
  EXPECT_TRUE(HasCode(Put("v/2.json", "x", PutMode::kCreateOnly), StatusCode::kAlreadyExists));
  EXPECT_EQ(GetOrDie("v/2.json"), "overwritten");
}

TEST_P(ObjectStoreConformanceTest, CreateOnlySucceedsAgainAfterDelete) {
  ASSERT_TRUE(IsOk(Put("k", "one", PutMode::kCreateOnly)));
  ASSERT_TRUE(IsOk(store_->Delete(kBucket, "k")));
  ASSERT_TRUE(IsOk(Put("k", "two", PutMode::kCreateOnly)));
  EXPECT_EQ(GetOrDie("k"), "two");
}

TEST_P(ObjectStoreConformanceTest, ConcurrentCreateOnlyHasExactlyOneWinner) {
  if (!GetParam().create_only_race_gap.empty()) GTEST_SKIP() << GetParam().create_only_race_gap;
  constexpr int kThreads = 8;
  for (int round = 0; round < 5; ++round) {
    // A fresh folder per round, so the writers also race to create directories.
    std::string key = "race/round-" + std::to_string(round) + "/v0.json";
    std::vector<std::string> contents;
    for (int i = 0; i < kThreads; ++i) contents.push_back(RandomBytes(64 << 10, round * 100 + i));
    std::vector<Status> results(kThreads);
    std::atomic<bool> go{false};
    std::vector<std::thread> writers;
    for (int i = 0; i < kThreads; ++i) {
      writers.emplace_back([&, i] {
        while (!go.load()) std::this_thread::yield();
        results[i] = Put(key, contents[i], PutMode::kCreateOnly);
      });
    }
    go = true;
    for (std::thread& writer : writers) writer.join();
    int winner = -1;
    for (int i = 0; i < kThreads; ++i) {
      if (results[i].ok()) {
        EXPECT_EQ(winner, -1) << "two create-only writers succeeded in round " << round;
        winner = i;
      } else {
        EXPECT_TRUE(HasCode(results[i], StatusCode::kAlreadyExists));
      }
    }
    ASSERT_NE(winner, -1) << "no writer succeeded in round " << round;
    EXPECT_TRUE(GetOrDie(key) == contents[winner]) << "content is not the winner's";
  }
}

TEST_P(ObjectStoreConformanceTest, ReadersSeeOnlyWholeObjectsDuringOverwrites) {
  const std::string a(200 << 10, 'A');
  const std::string b(300 << 10, 'B');
  ASSERT_TRUE(IsOk(Put("swap/object", a)));
  std::atomic<bool> done{false};
  std::atomic<int> torn{0}, failed{0}, stray_keys{0};
  std::vector<std::thread> readers;
  for (int r = 0; r < 3; ++r) {
    readers.emplace_back([&] {
      while (!done.load()) {
        Result<std::string> got = store_->Get(kBucket, "swap/object");
        if (!got.ok())
          ++failed;
        else if (*got != a && *got != b)
          ++torn;
        Result<ListPage> page = store_->List(kBucket, "", "", 10);
        if (!page.ok())
          ++failed;
        else if (!IsOnlyKey(page->objects, "swap/object"))
          ++stray_keys;
      }
    });
  }
  for (int i = 0; i < 40; ++i) EXPECT_TRUE(IsOk(Put("swap/object", i % 2 == 0 ? b : a)));
  done = true;
  for (std::thread& reader : readers) reader.join();
  EXPECT_EQ(torn.load(), 0) << "a reader saw a partial object";
  EXPECT_EQ(failed.load(), 0) << "a read failed during overwrites";
  EXPECT_EQ(stray_keys.load(), 0) << "List showed something other than the one key";
}

TEST_P(ObjectStoreConformanceTest, ConcurrentPutsAndDeletesInOneFolderAllSucceed) {
  if (!GetParam().folder_churn_gap.empty()) GTEST_SKIP() << GetParam().folder_churn_gap;
  // Deletes prune folders that become empty; Puts into the same folder must still succeed.
  std::atomic<int> failures{0};
  std::vector<std::thread> workers;
  for (int w = 0; w < 4; ++w) {
    workers.emplace_back([&, w] {
      std::string key = "shared/folder/worker-" + std::to_string(w);
      for (int i = 0; i < 100; ++i) {
        if (!Put(key, "payload").ok()) ++failures;
        if (!store_->Delete(kBucket, key).ok()) ++failures;
      }
    });
  }
  for (std::thread& worker : workers) worker.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_TRUE(ListAll("", 100).empty());
  ASSERT_TRUE(IsOk(Put("shared/folder/after", "ok")));
  EXPECT_EQ(GetOrDie("shared/folder/after"), "ok");
}

TEST_P(ObjectStoreConformanceTest, StatReportsSizeAndModificationTime) {
  TimestampMicros before = SystemClock::Default()->NowMicros();
  ASSERT_TRUE(IsOk(Put("stat/me", "12345")));
  TimestampMicros after = SystemClock::Default()->NowMicros();
  Result<std::optional<ObjectInfo>> info = store_->Stat(kBucket, "stat/me");
  ASSERT_TRUE(IsOk(info.status()));
  ASSERT_TRUE(info->has_value());
  EXPECT_EQ((*info)->key, "stat/me");
  EXPECT_EQ((*info)->size, 5);
  // Filesystem timestamps may be a clock tick coarser than the system clock.
  EXPECT_GE((*info)->modified_at, before - GetParam().time_slack_micros);
  EXPECT_LE((*info)->modified_at, after + GetParam().time_slack_micros);
  ASSERT_TRUE(IsOk(Put("stat/me", "1234567")));
  info = store_->Stat(kBucket, "stat/me");
  ASSERT_TRUE(IsOk(info.status()));
  ASSERT_TRUE(info->has_value());
  EXPECT_EQ((*info)->size, 7);
}

TEST_P(ObjectStoreConformanceTest, AbsentObjectsAreNotFound) {
  ASSERT_TRUE(IsOk(Put("present/key", "x")));
  EXPECT_TRUE(HasCode(store_->Get(kBucket, "absent").status(), StatusCode::kNotFound));
  EXPECT_TRUE(HasCode(store_->Get(kBucket, "present/other").status(), StatusCode::kNotFound));
  EXPECT_TRUE(HasCode(store_->Get(kBucket, "present").status(), StatusCode::kNotFound));
  EXPECT_TRUE(HasCode(store_->Get(kBucket, "present/key/deeper").status(), StatusCode::kNotFound));
  EXPECT_TRUE(
      HasCode(store_->Get("no-such-bucket", "present/key").status(), StatusCode::kNotFound));
  for (const char* key : {"absent", "present", "present/key/deeper"}) {
    Result<std::optional<ObjectInfo>> info = store_->Stat(kBucket, key);
    ASSERT_TRUE(IsOk(info.status())) << key;
    EXPECT_FALSE(info->has_value()) << key;
  }
  Result<std::optional<ObjectInfo>> info = store_->Stat("no-such-bucket", "present/key");
  ASSERT_TRUE(IsOk(info.status()));
  EXPECT_FALSE(info->has_value());
}

TEST_P(ObjectStoreConformanceTest, PutIntoMissingBucketIsNotFound) {
  EXPECT_TRUE(
      HasCode(store_->Put("no-such-bucket", "k", "x", PutMode::kOverwrite), StatusCode::kNotFound));
  ASSERT_TRUE(IsOk(store_->EnsureBucket("no-such-bucket")));
  EXPECT_TRUE(IsOk(store_->Put("no-such-bucket", "k", "x", PutMode::kOverwrite)));
}

TEST_P(ObjectStoreConformanceTest, EnsureBucketIsIdempotentAndKeepsObjects) {
  ASSERT_TRUE(IsOk(Put("keep", "me")));
  ASSERT_TRUE(IsOk(store_->EnsureBucket(kBucket)));
  EXPECT_EQ(GetOrDie("keep"), "me");
}

TEST_P(ObjectStoreConformanceTest, BucketsAreIsolated) {
  ASSERT_TRUE(IsOk(store_->EnsureBucket("other")));
  ASSERT_TRUE(IsOk(Put("same/key", "in conformance")));
  ASSERT_TRUE(IsOk(store_->Put("other", "same/key", "in other", PutMode::kOverwrite)));
  EXPECT_EQ(GetOrDie("same/key"), "in conformance");
  ASSERT_TRUE(IsOk(store_->Delete("other", "same/key")));
  EXPECT_EQ(GetOrDie("same/key"), "in conformance");
  Result<ListPage> other = store_->List("other", "", "", 10);
  ASSERT_TRUE(IsOk(other.status()));
  EXPECT_TRUE(other->objects.empty());
}

TEST_P(ObjectStoreConformanceTest, DeleteIsIdempotentAndKeepsSiblings) {
  ASSERT_TRUE(IsOk(Put("a/b/c", "c")));
  ASSERT_TRUE(IsOk(Put("a/b/d", "d")));
  ASSERT_TRUE(IsOk(store_->Delete(kBucket, "a/b/c")));
  EXPECT_TRUE(HasCode(store_->Get(kBucket, "a/b/c").status(), StatusCode::kNotFound));
  EXPECT_EQ(GetOrDie("a/b/d"), "d");
  EXPECT_TRUE(IsOk(store_->Delete(kBucket, "a/b/c")));
  EXPECT_TRUE(IsOk(store_->Delete(kBucket, "never/was")));
  EXPECT_TRUE(IsOk(store_->Delete(kBucket, "a/b")));  // A folder of keys, not an object.
  EXPECT_EQ(GetOrDie("a/b/d"), "d");
  EXPECT_TRUE(IsOk(store_->Delete("no-such-bucket", "k")));
  ASSERT_TRUE(IsOk(store_->Delete(kBucket, "a/b/d")));
  EXPECT_TRUE(ListAll("", 10).empty());
  ASSERT_TRUE(IsOk(Put("a/b/c", "again")));
  EXPECT_EQ(GetOrDie("a/b/c"), "again");
}

TEST_P(ObjectStoreConformanceTest, ListOrdersByKeyBytes) {
  // '-' (0x2d) < '.' (0x2e) < '/' (0x2f) < '0' (0x30); 'A' < 'a'; UTF-8 bytes sort above ASCII.
  PutKeys({"a0", "a/b/d", "b", "\xc3\xa9t\xc3\xa9", "a.x", "A", "a/a", "a-c", "a/b/c", "z"});
  std::vector<std::string> expected = {"A",     "a-c", "a.x", "a/a", "a/b/c",
                                       "a/b/d", "a0",  "b",   "z",   "\xc3\xa9t\xc3\xa9"};
  EXPECT_EQ(ListAll("", 1000), expected);
  EXPECT_EQ(ListAll("", 3), expected);
  EXPECT_EQ(ListAll("", 1), expected);
}

TEST_P(ObjectStoreConformanceTest, ListReportsSizesAndTimes) {
  TimestampMicros before = SystemClock::Default()->NowMicros();
  ASSERT_TRUE(IsOk(Put("s/one", "1")));
  ASSERT_TRUE(IsOk(Put("s/three", "333")));
  Result<ListPage> page = store_->List(kBucket, "s/", "", 10);
  ASSERT_TRUE(IsOk(page.status()));
  ASSERT_EQ(page->objects.size(), 2u);
  EXPECT_EQ(page->objects[0].key, "s/one");
  EXPECT_EQ(page->objects[0].size, 1);
  EXPECT_EQ(page->objects[1].key, "s/three");
  EXPECT_EQ(page->objects[1].size, 3);
  EXPECT_GE(page->objects[1].modified_at, before - GetParam().time_slack_micros);
  EXPECT_FALSE(page->next.has_value());
}

TEST_P(ObjectStoreConformanceTest, ListFiltersByPrefix) {
  PutKeys({"a-c", "a.x", "a/b/c", "a/b/d", "a/bc", "a0", "ab", "b/a"});
  EXPECT_EQ(ListAll("a/", 2), (std::vector<std::string>{"a/b/c", "a/b/d", "a/bc"}));
  EXPECT_EQ(ListAll("a/b", 2), (std::vector<std::string>{"a/b/c", "a/b/d", "a/bc"}));
  EXPECT_EQ(ListAll("a/b/", 2), (std::vector<std::string>{"a/b/c", "a/b/d"}));
  EXPECT_EQ(ListAll("a/b/c", 2), (std::vector<std::string>{"a/b/c"}));
  EXPECT_EQ(ListAll("a", 3),
            (std::vector<std::string>{"a-c", "a.x", "a/b/c", "a/b/d", "a/bc", "a0", "ab"}));
  EXPECT_EQ(ListAll("b", 3), (std::vector<std::string>{"b/a"}));
  EXPECT_TRUE(ListAll("c", 3).empty());
  EXPECT_TRUE(ListAll("a/x/", 3).empty());
  EXPECT_TRUE(ListAll("../", 3).empty());
  EXPECT_TRUE(ListAll("a//", 3).empty());
}

TEST_P(ObjectStoreConformanceTest, ListPagesThroughManyNestedKeys) {
  std::vector<std::string> keys;
  for (int i = 0; i < 300; ++i) {
    std::string n = std::to_string(1000 + i);
    keys.push_back(i % 3 == 0 ? "flat-" + n : "p" + std::to_string(i % 5) + "/d/" + n);
  }
  std::vector<std::string> expected = PutKeys(keys);
  EXPECT_EQ(ListAll("", 7), expected);
  EXPECT_EQ(ListAll("", 1000), expected);
  std::vector<std::string> p3;
  std::copy_if(expected.begin(), expected.end(), std::back_inserter(p3),
               [](const std::string& k) { return k.starts_with("p3/"); });
  ASSERT_FALSE(p3.empty());
  EXPECT_EQ(ListAll("p3/", 9), p3);
}

TEST_P(ObjectStoreConformanceTest, ListSetsNextOnlyWhileKeysRemain) {
  PutKeys({"k0", "k1", "k2", "k3", "k4", "k5", "k6", "k7", "k8", "k9"});
  Result<ListPage> first = store_->List(kBucket, "", "", 5);
  ASSERT_TRUE(IsOk(first.status()));
  ASSERT_EQ(first->objects.size(), 5u);
  ASSERT_TRUE(first->next.has_value());
  Result<ListPage> second = store_->List(kBucket, "", *first->next, 5);
  ASSERT_TRUE(IsOk(second.status()));
  ASSERT_EQ(second->objects.size(), 5u);
  EXPECT_EQ(second->objects.front().key, "k5");
  EXPECT_FALSE(second->next.has_value()) << "exactly `limit` keys remained";
  Result<ListPage> all = store_->List(kBucket, "", "", 10);
  ASSERT_TRUE(IsOk(all.status()));
  EXPECT_EQ(all->objects.size(), 10u);
  EXPECT_FALSE(all->next.has_value());
}

TEST_P(ObjectStoreConformanceTest, ListStartsStrictlyAfterContinuation) {
  PutKeys({"d/x", "d/y", "e", "k04", "k05", "k06"});
  auto after = [&](const std::string& continuation) {
    Result<ListPage> page = store_->List(kBucket, "", continuation, 100);
    EXPECT_TRUE(IsOk(page.status()));
    std::vector<std::string> keys;
    if (page.ok()) {
      for (const ObjectInfo& info : page->objects) keys.push_back(info.key);
    }
    return keys;
  };
  EXPECT_EQ(after("k04"), (std::vector<std::string>{"k05", "k06"}));
  EXPECT_EQ(after("k04x"), (std::vector<std::string>{"k05", "k06"}));
  EXPECT_TRUE(after("k06").empty());
  EXPECT_TRUE(after("zzz").empty());
  EXPECT_EQ(after("d/x"), (std::vector<std::string>{"d/y", "e", "k04", "k05", "k06"}));
  EXPECT_EQ(after("d/"), (std::vector<std::string>{"d/x", "d/y", "e", "k04", "k05", "k06"}));
  EXPECT_EQ(after("d0"), (std::vector<std::string>{"e", "k04", "k05", "k06"}));
  EXPECT_EQ(after("").size(), 6u);
}

TEST_P(ObjectStoreConformanceTest, ListOfEmptyOrMissingBucketIsEmpty) {
  for (const char* bucket : {kBucket, "never-created"}) {
    Result<ListPage> page = store_->List(bucket, "", "", 10);
    ASSERT_TRUE(IsOk(page.status())) << bucket;
    EXPECT_TRUE(page->objects.empty()) << bucket;
    EXPECT_FALSE(page->next.has_value()) << bucket;
  }
}

TEST_P(ObjectStoreConformanceTest, CompletedWritesLeaveNoLeftovers) {
  PutKeys(
      {"versions/orders/r1/v0.json", "versions/orders/r1/v1.json", "versions/other/r2/v0.json"});
  ASSERT_TRUE(IsOk(Put("versions/orders/r1/v1.json", "overwritten")));
  ASSERT_TRUE(IsOk(store_->Delete(kBucket, "versions/other/r2/v0.json")));
  EXPECT_FALSE(Put("versions/orders/r1/v0.json", "again", PutMode::kCreateOnly).ok());
  TimestampMicros later = SystemClock::Default()->NowMicros() + 3600LL * 1'000'000;
  for (const char* bucket : {kBucket, "never-created"}) {
    for (const char* prefix : {"", "versions/", "versions/orders/", "versions/ord", "nope/"}) {
      for (bool remove : {false, true}) {
        Result<std::vector<std::string>> found = store_->Leftovers(bucket, prefix, later, remove);
        ASSERT_TRUE(IsOk(found.status())) << bucket << " " << prefix;
        EXPECT_TRUE(found->empty()) << bucket << " " << prefix << ": " << found->front();
      }
    }
  }
  EXPECT_EQ(ListAll("", 10),
            (std::vector<std::string>{"versions/orders/r1/v0.json", "versions/orders/r1/v1.json"}));
  EXPECT_EQ(GetOrDie("versions/orders/r1/v1.json"), "overwritten");
}

TEST_P(ObjectStoreConformanceTest, ListRefusesLimitOutsideRange) {
  ASSERT_TRUE(IsOk(Put("k", "v")));
  for (int limit : {0, -1, 1001}) {
    EXPECT_TRUE(
        HasCode(store_->List(kBucket, "", "", limit).status(), StatusCode::kInvalidArgument))
        << limit;
  }
  EXPECT_TRUE(IsOk(store_->List(kBucket, "", "", 1000).status()));
}

TEST_P(ObjectStoreConformanceTest, InvalidKeysAreRefusedEverywhere) {
  const std::vector<std::string> bad = {"",
                                        "/",
                                        "/a",
                                        "a/",
                                        "a//b",
                                        ".",
                                        "..",
                                        "../x",
                                        "../../etc/passwd",
                                        "a/../b",
                                        "a/..",
                                        "./a",
                                        "a/./b",
                                        std::string("a\0b", 3),
                                        "a\nb",
                                        "a\tb",
                                        "a\x7f",
                                        "a\x01/b",
                                        std::string(1025, 'k'),
                                        std::string(256, 's'),
                                        "ok/" + std::string(256, 's'),
                                        ".xronox-tmp",
                                        ".xronox-tmp-123",
                                        "a/.xronox-tmp-x/b"};
  for (const std::string& key : bad) {
    SCOPED_TRACE("key '" + key + "' (" + std::to_string(key.size()) + " bytes)");
    EXPECT_TRUE(HasCode(Put(key, "x"), StatusCode::kInvalidArgument));
    EXPECT_TRUE(HasCode(Put(key, "x", PutMode::kCreateOnly), StatusCode::kInvalidArgument));
    EXPECT_TRUE(HasCode(store_->Get(kBucket, key).status(), StatusCode::kInvalidArgument));
    EXPECT_TRUE(HasCode(store_->Stat(kBucket, key).status(), StatusCode::kInvalidArgument));
    EXPECT_TRUE(HasCode(store_->Delete(kBucket, key), StatusCode::kInvalidArgument));
  }
  EXPECT_TRUE(ListAll("", 100).empty()) << "a refused Put left an object behind";
}

TEST_P(ObjectStoreConformanceTest, EdgeKeysThatAreValidWork) {
  std::string segment(204, 'q');
  std::string longest = segment;
  for (int i = 0; i < 4; ++i) longest += "/" + segment;
  ASSERT_EQ(longest.size(), 1024u);
  const std::vector<std::string> good = {longest,
                                         std::string(255, 'm'),
                                         "..a",
                                         "a..",
                                         "...",
                                         ".hidden/.x",
                                         "a.xronox-tmp",
                                         "x/.xronox-tm",
                                         "with space",
                                         "\xc3\xbc"
                                         "n"
                                         "\xc3\xaf"
                                         "c"
                                         "\xc3\xb6"
                                         "d"
                                         "\xc3\xa9/\xd0\xba\xd0\xbb",
                                         "a:b@c=d,e+f;g"};
  for (const std::string& key : good) {
    SCOPED_TRACE("key '" + key.substr(0, 40) + "'");
    ASSERT_TRUE(IsOk(Put(key, "v:" + key)));
    EXPECT_EQ(GetOrDie(key), "v:" + key);
  }
  std::vector<std::string> sorted = good;
  std::sort(sorted.begin(), sorted.end());
  EXPECT_EQ(ListAll("", 4), sorted);
}

TEST_P(ObjectStoreConformanceTest, InvalidBucketNamesAreRefusedEverywhere) {
  const std::vector<std::string> bad = {"",
                                        ".",
                                        "..",
                                        "../x",
                                        "a/b",
                                        ".hide",
                                        std::string("a\0b", 3),
                                        "x\n",
                                        "sp ace",
                                        std::string(256, 'b')};
  for (const std::string& bucket : bad) {
    SCOPED_TRACE("bucket '" + bucket + "'");
    EXPECT_TRUE(HasCode(store_->EnsureBucket(bucket), StatusCode::kInvalidArgument));
    EXPECT_TRUE(
        HasCode(store_->Put(bucket, "k", "x", PutMode::kOverwrite), StatusCode::kInvalidArgument));
    EXPECT_TRUE(HasCode(store_->Get(bucket, "k").status(), StatusCode::kInvalidArgument));
    EXPECT_TRUE(HasCode(store_->Stat(bucket, "k").status(), StatusCode::kInvalidArgument));
    EXPECT_TRUE(HasCode(store_->Delete(bucket, "k"), StatusCode::kInvalidArgument));
    EXPECT_TRUE(HasCode(store_->List(bucket, "", "", 10).status(), StatusCode::kInvalidArgument));
    EXPECT_TRUE(
        HasCode(store_->Leftovers(bucket, "", 0, false).status(), StatusCode::kInvalidArgument));
  }
}

TEST_P(ObjectStoreConformanceTest, KeyThatIsAlsoAFolderOfKeys) {
  ASSERT_TRUE(IsOk(Put("a", "object a")));
  ASSERT_TRUE(IsOk(Put("x/y", "object x/y")));
  Status under_object = Put("a/b", "object a/b");
  Status over_folder = Put("x", "object x");
  Status over_folder_create = Put("x", "object x", PutMode::kCreateOnly);
  if (GetParam().key_may_also_be_folder) {
    EXPECT_TRUE(IsOk(under_object));
    EXPECT_TRUE(IsOk(over_folder));
    EXPECT_TRUE(HasCode(over_folder_create, StatusCode::kAlreadyExists));
    EXPECT_EQ(ListAll("", 10), (std::vector<std::string>{"a", "a/b", "x", "x/y"}));
  } else {
    // Keys are paths here: the refusal says so, and what existed is untouched.
    EXPECT_TRUE(HasCode(under_object, StatusCode::kFailedPrecondition));
    EXPECT_TRUE(HasCode(over_folder, StatusCode::kFailedPrecondition));
    EXPECT_TRUE(HasCode(over_folder_create, StatusCode::kFailedPrecondition));
    EXPECT_EQ(ListAll("", 10), (std::vector<std::string>{"a", "x/y"}));
  }
  EXPECT_EQ(GetOrDie("a"), "object a");
  EXPECT_EQ(GetOrDie("x/y"), "object x/y");
}

INSTANTIATE_TEST_SUITE_P(Backends, ObjectStoreConformanceTest, ::testing::ValuesIn(Backends()),
                         [](const ::testing::TestParamInfo<ObjectBackend>& info) {
                           return info.param.name;
                         });

}  // namespace
}  // namespace xronox::store
