// The backends every ObjectStore conformance suite runs over, and the suites' fixture: adding a
// backend adds one line to Backends().
// Thread-safety: test code; FreshBucketsS3Store is as safe as the S3 store it wraps.
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "common/names.h"
#include "conformance/object_store_test_util.h"
#include "store/object/fs/folder_object_store.h"
#include "store/object/memory/memory_object_store.h"
#include "store/object/mongo/mongo_object_store.h"
#include "store/object/object_store.h"
#include "store/object/s3/s3_object_store.h"
#include "support/test_services.h"

namespace xronox::store {

using object_store_test::HasCode;
using object_store_test::IsOk;
using object_store_test::ScopedTempDir;

/// One backend under test.
struct ObjectBackend {
  std::string name;
  /// Open a store that keeps any files under `dir`, a fresh empty directory.
  std::function<Result<std::unique_ptr<ObjectStore>>(const std::filesystem::path& dir)> open;
  /// True when "a" and "a/b" can both be objects (memory, S3); false where keys are paths.
  bool key_may_also_be_folder = true;
  /// How far a reported modification time may lie outside the write, in microseconds.
  int64_t time_slack_micros = 20'000;
  /// Empty when concurrent create-only Puts of one key have exactly one winner; otherwise why
  /// not (the test then skips with this reason).
  std::string create_only_race_gap = "";
  /// Empty when Puts and Deletes racing in one folder all succeed; otherwise why not.
  std::string folder_churn_gap = "";
  /// Non-empty when List may briefly show the service's own temp files during an overwrite:
  /// a substring of their keys, which the overwrite test then ignores.
  std::string service_temp_key_marker = "";
  /// Why the backend cannot run here (e.g. its test service is not configured); empty when
  /// it can. Called in SetUp, before `open`.
  std::function<std::string()> unavailable = [] { return std::string(); };
  /// True when PresignGet answers URLs (S3); elsewhere it must answer NotSupported.
  bool presigns = false;
  /// Removes what the test stored outside its temporary directory; may be empty.
  std::function<Status(ObjectStore&)> teardown = nullptr;
};

inline void PrintTo(const ObjectBackend& backend, std::ostream* out) { *out << backend.name; }

template <typename T>
inline Result<std::unique_ptr<ObjectStore>> Upcast(Result<std::unique_ptr<T>> opened) {
  if (!opened.ok()) return opened.status();
  return std::unique_ptr<ObjectStore>(std::move(opened).value());
}

inline std::optional<std::string> Env(const char* name) {
  const char* value = std::getenv(name);
  if (value == nullptr || *value == '\0') return std::nullopt;
  return std::string(value);
}

// The S3 store against the test service (versitygw), with every bucket the suite names
// mapped to a fresh "xt-<random>-<name>" bucket; the destructor empties and removes them,
// so tests neither see each other's objects nor leave buckets behind.
class FreshBucketsS3Store final : public ObjectStore {
 public:
  explicit FreshBucketsS3Store(std::unique_ptr<S3ObjectStore> store) : store_(std::move(store)) {
    std::random_device device;
    prefix_ = "xt-" + std::to_string(device()) + "-";
  }
  ~FreshBucketsS3Store() override {
    for (const std::string& bucket : created_) {
      std::string continuation;
      while (true) {
        Result<ListPage> page = store_->List(bucket, "", continuation, 1000);
        if (!page.ok()) break;
        for (const ObjectInfo& info : page->objects) (void)store_->Delete(bucket, info.key);
        if (!page->next) break;
        continuation = *page->next;
      }
      (void)store_->Leftovers(bucket, "", INT64_MAX, true);
      Status dropped = store_->DeleteBucket(bucket);
      if (!dropped.ok()) ADD_FAILURE() << "teardown: " << dropped.ToString();
    }
  }

  Status EnsureBucket(const std::string& bucket) override {
    Status status = store_->EnsureBucket(Map(bucket));
    std::lock_guard lock(mutex_);
    if (status.ok() && Map(bucket) != bucket) created_.insert(Map(bucket));
    return status;
  }
  Status Put(const std::string& bucket, const std::string& key, std::string_view bytes,
             PutMode mode) override {
    return store_->Put(Map(bucket), key, bytes, mode);
  }
  Result<std::string> Get(const std::string& bucket, const std::string& key) override {
    return store_->Get(Map(bucket), key);
  }
  Result<std::optional<ObjectInfo>> Stat(const std::string& bucket,
                                         const std::string& key) override {
    return store_->Stat(Map(bucket), key);
  }
  Status Delete(const std::string& bucket, const std::string& key) override {
    return store_->Delete(Map(bucket), key);
  }
  Result<ListPage> List(const std::string& bucket, const std::string& prefix,
                        const std::string& continuation, int limit) override {
    return store_->List(Map(bucket), prefix, continuation, limit);
  }
  Result<std::vector<std::string>> Leftovers(const std::string& bucket, const std::string& prefix,
                                             TimestampMicros older_than, bool remove) override {
    return store_->Leftovers(Map(bucket), prefix, older_than, remove);
  }
  Result<std::unique_ptr<ObjectWriter>> BeginWrite(const std::string& bucket,
                                                   const std::string& key, PutMode mode) override {
    return store_->BeginWrite(Map(bucket), key, mode);
  }
  Result<std::unique_ptr<ObjectReader>> OpenRead(const std::string& bucket, const std::string& key,
                                                 int64_t offset, int64_t length) override {
    return store_->OpenRead(Map(bucket), key, offset, length);
  }
  Status Copy(const std::string& bucket, const std::string& from, const std::string& to,
              PutMode mode) override {
    return store_->Copy(Map(bucket), from, to, mode);
  }
  Result<std::string> PresignGet(const std::string& bucket, const std::string& key,
                                 int expires_seconds) override {
    return store_->PresignGet(Map(bucket), key, expires_seconds);
  }

 private:
  // Names S3 refuses pass through unchanged, so that the store's own refusal is what is tested.
  std::string Map(const std::string& bucket) const {
    return ValidateBucketName(bucket).ok() ? prefix_ + bucket : bucket;
  }

  std::unique_ptr<S3ObjectStore> store_;
  std::string prefix_;
  std::mutex mutex_;
  std::set<std::string> created_;  // Guarded by mutex_.
};

inline std::string S3Unavailable() {
  for (const char* name :
       {"XRONOX_TEST_S3_ENDPOINT", "XRONOX_TEST_S3_ACCESS_KEY", "XRONOX_TEST_S3_SECRET_KEY"}) {
    if (!Env(name)) return std::string(name) + " is not set";
  }
  return "";
}

inline Result<std::unique_ptr<ObjectStore>> OpenS3() {
  S3Options options;
  options.endpoint = Env("XRONOX_TEST_S3_ENDPOINT").value_or("");
  options.access_key = Env("XRONOX_TEST_S3_ACCESS_KEY").value_or("");
  options.secret_key = Env("XRONOX_TEST_S3_SECRET_KEY").value_or("");
  options.region = Env("XRONOX_TEST_S3_REGION").value_or("us-east-1");
  // Multipart from S3's 5 MiB minimum, so that the contract's multi-mebibyte objects take the
  // multipart path (s3_object_store_test.cc tests it further).
  options.multipart_threshold_bytes = 5 << 20;
  options.multipart_part_bytes = 5 << 20;
  // Copies of more than 5 MiB take the UploadPartCopy path.
  options.copy_threshold_bytes = 5 << 20;
  XRONOX_ASSIGN_OR_RETURN(std::unique_ptr<S3ObjectStore> store,
                          S3ObjectStore::Open(std::move(options)));
  return std::unique_ptr<ObjectStore>(new FreshBucketsS3Store(std::move(store)));
}

// The S3 store as the test service (versitygw v1.7.0, POSIX backend) lets it behave.
inline ObjectBackend S3Backend() {
  ObjectBackend backend{"s3", [](const std::filesystem::path&) { return OpenS3(); }};
  // Objects are files of a POSIX tree there, so "a" and "a/b" cannot both exist.
  backend.key_may_also_be_folder = false;
  // Last-Modified (HEAD) and <LastModified> (ListObjectsV2) carry whole seconds.
  backend.time_slack_micros = 1'000'000;
  // versitygw answers "If-None-Match: *" with 412 when the object already exists, but checks
  // and writes without a lock: two concurrent PUTs of a new key can both get 200. AWS S3 makes
  // the check atomic. The engine's claim path (docs/formats/write-protocol.md) is what keeps
  // versions write-once.
  backend.create_only_race_gap =
      "versitygw v1.7.0 does not make If-None-Match: * atomic against concurrent PUTs";
  // Its PUT of "f/k" races a DELETE of "f/k2" that prunes the then-empty folder "f": the PUT
  // fails with 409 ExistingObjectIsDirectory though no directory of that name exists.
  backend.folder_churn_gap =
      "versitygw v1.7.0 fails PUTs (409 ExistingObjectIsDirectory) racing DELETEs in one folder";
  // An overwrite writes "f/.k.sgwtmp.<n>" beside "f/k" and renames it, and ListObjectsV2 can
  // list that temp file meanwhile (seen on a local tmpfs/ext4 test directory).
  backend.service_temp_key_marker = ".sgwtmp.";
  backend.unavailable = S3Unavailable;
  backend.presigns = true;
  return backend;
}

// Minimal mode's store (objects as MongoDB documents) against the test service (FerretDB), in
// a fresh database dropped at the end of the test.
inline ObjectBackend MongoBackend() {
  ObjectBackend backend{"mongo", [](const std::filesystem::path&) {
                          MongoOptions options;
                          options.database_prefix = xronox::testing::UniqueDatabasePrefix();
                          return Upcast(MongoObjectStore::Open(
                              Env("XRONOX_TEST_MONGO_URI").value_or(""), options, "objects"));
                        }};
  backend.unavailable = [] {
    return Env("XRONOX_TEST_MONGO_URI") ? std::string() : "XRONOX_TEST_MONGO_URI is not set";
  };
  backend.teardown = [](ObjectStore& store) {
    return static_cast<MongoObjectStore&>(store).DropDatabase();
  };
  return backend;
}

inline std::vector<ObjectBackend> Backends() {
  return {
      {"memory", [](const std::filesystem::path&) { return Upcast(MemoryObjectStore::Open()); },
       true},
      {"folder",
       [](const std::filesystem::path& dir) {
         return Upcast(FolderObjectStore::Open((dir / "objects").string()));
       },
       false},
      S3Backend(),
      MongoBackend(),
  };
}

inline constexpr char kBucket[] = "conformance";

inline std::string RandomBytes(size_t size, uint32_t seed) {
  std::mt19937 generator(seed);
  std::string bytes(size, '\0');
  for (char& c : bytes) c = static_cast<char>(generator() & 0xff);
  return bytes;
}

class ObjectStoreConformanceTest : public ::testing::TestWithParam<ObjectBackend> {
 protected:
  void SetUp() override {
    if (std::string why = GetParam().unavailable(); !why.empty()) {
      if (Env("XRONOX_REQUIRE_SERVICES") == std::optional<std::string>("1")) {
        FAIL() << why << " but XRONOX_REQUIRE_SERVICES=1: the test service did not start "
               << "(scripts/test-services.sh start, then source the env file it prints)";
      }
      GTEST_SKIP() << why << ": no " << GetParam().name << " service to run against (start "
                   << "one with scripts/test-services.sh start, then source the env file it "
                   << "prints)";
    }
    Result<std::unique_ptr<ObjectStore>> opened = GetParam().open(dir_.path());
    ASSERT_TRUE(IsOk(opened.status()));
    store_ = std::move(opened).value();
    ASSERT_TRUE(IsOk(store_->EnsureBucket(kBucket)));
  }

  void TearDown() override {
    if (store_ != nullptr && GetParam().teardown) {
      EXPECT_TRUE(IsOk(GetParam().teardown(*store_))) << "teardown";
    }
  }

  Status Put(const std::string& key, std::string_view bytes, PutMode mode = PutMode::kOverwrite) {
    return store_->Put(kBucket, key, bytes, mode);
  }

  std::string GetOrDie(const std::string& key) {
    Result<std::string> got = store_->Get(kBucket, key);
    EXPECT_TRUE(IsOk(got.status())) << key;
    return got.ok() ? *got : "<missing>";
  }

  // Pages through List with `limit`, checking each page's shape; returns the keys in order.
  std::vector<std::string> ListAll(const std::string& prefix, int limit) {
    std::vector<std::string> keys;
    std::string continuation;
    for (int pages = 0; pages < 10000; ++pages) {
      Result<ListPage> page = store_->List(kBucket, prefix, continuation, limit);
      EXPECT_TRUE(IsOk(page.status()));
      if (!page.ok()) break;
      EXPECT_LE(page->objects.size(), static_cast<size_t>(limit));
      for (const ObjectInfo& info : page->objects) keys.push_back(info.key);
      if (!page->next) break;
      EXPECT_EQ(page->objects.size(), static_cast<size_t>(limit)) << "short page before end";
      continuation = *page->next;
    }
    return keys;
  }

  std::vector<std::string> PutKeys(const std::vector<std::string>& keys) {
    for (const std::string& key : keys) EXPECT_TRUE(IsOk(Put(key, "v:" + key))) << key;
    std::vector<std::string> sorted = keys;
    std::sort(sorted.begin(), sorted.end());
    return sorted;
  }

  // True when `objects` is exactly `key`, not counting the backend's own temp files.
  bool IsOnlyKey(const std::vector<ObjectInfo>& objects, const std::string& key) {
    const std::string& marker = GetParam().service_temp_key_marker;
    int others = 0;
    bool seen = false;
    for (const ObjectInfo& info : objects) {
      if (info.key == key) {
        seen = true;
      } else if (marker.empty() || info.key.find(marker) == std::string::npos) {
        ++others;
      }
    }
    return seen && others == 0;
  }

  ScopedTempDir dir_;
  std::unique_ptr<ObjectStore> store_;
};

}  // namespace xronox::store
