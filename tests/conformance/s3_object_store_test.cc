// What only the S3 ObjectStore offers, against the real test service (versitygw): multipart
// upload of large objects and its cleanup, presigned GET and PUT URLs fetched with plain
// libcurl, storage classes on write, and errors that never carry the secret key. The shared
// contract is in object_store_conformance_test.cc; the offline checks (signatures, URLs,
// request sequences, failure injection) are in tests/unit/s3_object_store_test.cc.
//
// The service comes from XRONOX_TEST_S3_* (scripts/test-services.sh start). Unset, the tests
// skip, unless XRONOX_REQUIRE_SERVICES=1, where they fail.
#include "store/object/s3/s3_object_store.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "common/clock.h"
#include "conformance/object_store_test_util.h"
#include "store/object/s3/curl_handles.h"
#include "store/object/s3/s3_multipart.h"
#include "store/object/s3/s3_transport.h"

namespace xronox::store {
namespace {

using object_store_test::HasCode;
using object_store_test::IsOk;

constexpr int64_t kMiB = int64_t{1} << 20;
constexpr TimestampMicros kHour = 3600LL * 1'000'000;

std::optional<std::string> Env(const char* name) {
  const char* value = std::getenv(name);
  if (value == nullptr || *value == '\0') return std::nullopt;
  return std::string(value);
}

std::string RandomBytes(size_t size, uint32_t seed) {
  std::mt19937 generator(seed);
  std::string bytes(size, '\0');
  for (char& c : bytes) c = static_cast<char>(generator() & 0xff);
  return bytes;
}

TimestampMicros Now() { return SystemClock::Default()->NowMicros(); }

// ---- A plain HTTP client: presigned URLs are used without any credentials ----

struct HttpReply {
  long status = 0;  ///< 0 when no answer came.
  std::string body;
};

size_t AppendBody(char* data, size_t size, size_t count, void* out) {
  static_cast<std::string*>(out)->append(data, size * count);
  return size * count;
}

HttpReply Fetch(const std::string& method, const std::string& url, std::string_view body = "") {
  HttpReply reply;
  s3::CurlEasy curl(curl_easy_init());
  s3::CurlHeaders headers;
  if (!curl || !headers.Append("Expect:")) return reply;
  curl_easy_setopt(curl.get(), CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl.get(), CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(curl.get(), CURLOPT_TIMEOUT_MS, 30000L);
  curl_easy_setopt(curl.get(), CURLOPT_WRITEFUNCTION, AppendBody);
  curl_easy_setopt(curl.get(), CURLOPT_WRITEDATA, &reply.body);
  if (method == "PUT") {
    curl_easy_setopt(curl.get(), CURLOPT_CUSTOMREQUEST, "PUT");
    curl_easy_setopt(curl.get(), CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
    curl_easy_setopt(curl.get(), CURLOPT_POSTFIELDS, body.data());
  }
  if (curl_easy_perform(curl.get()) == CURLE_OK) {
    curl_easy_getinfo(curl.get(), CURLINFO_RESPONSE_CODE, &reply.status);
  }
  return reply;
}

// Changes one hex digit of the X-Amz-Signature at the end of `url`.
std::string TamperSignature(std::string url) {
  char& last = url.back();
  last = last == '0' ? '1' : '0';
  return url;
}

// ---- Fixture: one fresh bucket per test, emptied and removed after it ----

class S3StoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const char* name :
         {"XRONOX_TEST_S3_ENDPOINT", "XRONOX_TEST_S3_ACCESS_KEY", "XRONOX_TEST_S3_SECRET_KEY"}) {
      if (Env(name)) continue;
      if (Env("XRONOX_REQUIRE_SERVICES") == std::optional<std::string>("1")) {
        FAIL() << name << " is not set but XRONOX_REQUIRE_SERVICES=1: the S3 test service did "
               << "not start (scripts/test-services.sh start, then source its env file)";
      }
      GTEST_SKIP() << name << " is not set: no S3 service to run against";
    }
    Result<std::unique_ptr<S3ObjectStore>> opened = S3ObjectStore::Open(Options());
    ASSERT_TRUE(IsOk(opened.status()));
    store_ = std::move(opened).value();
    std::random_device device;
    bucket_ = "xs3-" + std::to_string(device()) + "-" + std::to_string(device());
    ASSERT_TRUE(IsOk(store_->EnsureBucket(bucket_)));
  }

  void TearDown() override {
    if (!store_ || bucket_.empty()) return;
    for (std::string continuation;;) {
      Result<ListPage> page = store_->List(bucket_, "", continuation, 1000);
      ASSERT_TRUE(IsOk(page.status()));
      for (const ObjectInfo& info : page->objects)
        EXPECT_TRUE(IsOk(store_->Delete(bucket_, info.key)));
      if (!page->next) break;
      continuation = *page->next;
    }
    EXPECT_TRUE(IsOk(store_->Leftovers(bucket_, "", Now() + kHour, true).status()));
    EXPECT_TRUE(IsOk(store_->DeleteBucket(bucket_)));
  }

  // The test service, with multipart at S3's 5 MiB minimum for threshold and part size.
  static S3Options Options() {
    S3Options options;
    options.endpoint = Env("XRONOX_TEST_S3_ENDPOINT").value_or("");
    options.access_key = Env("XRONOX_TEST_S3_ACCESS_KEY").value_or("");
    options.secret_key = Env("XRONOX_TEST_S3_SECRET_KEY").value_or("");
    options.region = Env("XRONOX_TEST_S3_REGION").value_or("us-east-1");
    options.multipart_threshold_bytes = 5 * kMiB;
    options.multipart_part_bytes = 5 * kMiB;
    return options;
  }

  std::unique_ptr<s3::S3Transport> Transport() {
    Result<std::unique_ptr<s3::S3Transport>> transport = s3::S3Transport::Open(Options());
    EXPECT_TRUE(IsOk(transport.status()));
    return transport.ok() ? std::move(transport).value() : nullptr;
  }

  // The response headers of a HEAD of `key`, as the service sends them.
  s3::S3Response Head(const std::string& key) {
    std::unique_ptr<s3::S3Transport> transport = Transport();
    if (!transport) return {};
    Result<s3::S3Response> response =
        transport->Send(s3::S3Request{"HEAD", bucket_, key, {}, {}, ""}, "head " + key);
    EXPECT_TRUE(IsOk(response.status()));
    return response.ok() ? std::move(response).value() : s3::S3Response{};
  }

  std::vector<std::string> LeftoversNow(const std::string& prefix, bool remove = false) {
    Result<std::vector<std::string>> found =
        store_->Leftovers(bucket_, prefix, Now() + kHour, remove);
    EXPECT_TRUE(IsOk(found.status()));
    return found.ok() ? *found : std::vector<std::string>{"<error>"};
  }

  std::string GetOrDie(const std::string& key) {
    Result<std::string> got = store_->Get(bucket_, key);
    EXPECT_TRUE(IsOk(got.status())) << key;
    return got.ok() ? *got : "<missing>";
  }

  std::unique_ptr<S3ObjectStore> store_;
  std::string bucket_;
};

// ---- Multipart upload ----

TEST_F(S3StoreTest, MultipartPutRoundTripsTwelveMebibytes) {
  const std::string bytes = RandomBytes(12 * kMiB + 123, 7);
  ASSERT_TRUE(IsOk(store_->Put(bucket_, "big/blob.bin", bytes, PutMode::kOverwrite)));
  EXPECT_TRUE(GetOrDie("big/blob.bin") == bytes) << "12 MiB object came back different";
  Result<std::optional<ObjectInfo>> info = store_->Stat(bucket_, "big/blob.bin");
  ASSERT_TRUE(IsOk(info.status()));
  ASSERT_TRUE(info->has_value());
  EXPECT_EQ((*info)->size, static_cast<int64_t>(bytes.size()));
  // A multipart object's ETag ends in "-<parts>": 5 + 5 + 2 MiB is three parts.
  std::string etag = Head("big/blob.bin").Header("etag");
  EXPECT_TRUE(etag.ends_with("-3\"") || etag.ends_with("-3")) << "not multipart: ETag " << etag;
  // An overwrite by another multipart upload replaces the whole object.
  const std::string other = RandomBytes(10 * kMiB + 1, 8);
  ASSERT_TRUE(IsOk(store_->Put(bucket_, "big/blob.bin", other, PutMode::kOverwrite)));
  EXPECT_TRUE(GetOrDie("big/blob.bin") == other) << "overwrite came back different";
  EXPECT_EQ(LeftoversNow(""), std::vector<std::string>{}) << "a completed upload stayed";
}

TEST_F(S3StoreTest, CreateOnlyMultipartRefusesExistingKeyAndKeepsFirst) {
  const std::string first = RandomBytes(6 * kMiB, 1);
  ASSERT_TRUE(IsOk(store_->Put(bucket_, "v/v0.bin", first, PutMode::kCreateOnly)));
  EXPECT_TRUE(
      HasCode(store_->Put(bucket_, "v/v0.bin", RandomBytes(6 * kMiB, 2), PutMode::kCreateOnly),
              StatusCode::kAlreadyExists));
  // A small object at the key counts as existing too.
  ASSERT_TRUE(IsOk(store_->Put(bucket_, "v/v1.bin", "small", PutMode::kOverwrite)));
  EXPECT_TRUE(HasCode(store_->Put(bucket_, "v/v1.bin", first, PutMode::kCreateOnly),
                      StatusCode::kAlreadyExists));
  EXPECT_TRUE(GetOrDie("v/v0.bin") == first);
  EXPECT_EQ(GetOrDie("v/v1.bin"), "small");
  EXPECT_EQ(LeftoversNow(""), std::vector<std::string>{});
}

// The guard of a create-only multipart Put is "If-None-Match: *" on CompleteMultipartUpload:
// a key written while the parts upload makes the completion fail, and the upload stays open
// until aborted (versitygw v1.7.0 honours the header, as AWS S3 does).
TEST_F(S3StoreTest, ConditionalCompletionRefusesKeyWrittenMeanwhile) {
  std::unique_ptr<s3::S3Transport> transport = Transport();
  ASSERT_NE(transport, nullptr);
  Result<s3::MultipartUpload> upload =
      s3::MultipartUpload::Start(*transport, bucket_, "race/v0.json", {});
  ASSERT_TRUE(IsOk(upload.status()));
  ASSERT_TRUE(IsOk(upload->UploadNextPart(RandomBytes(5 * kMiB, 3))));
  ASSERT_TRUE(IsOk(upload->UploadNextPart("tail")));
  ASSERT_TRUE(IsOk(store_->Put(bucket_, "race/v0.json", "meanwhile", PutMode::kCreateOnly)));
  EXPECT_TRUE(HasCode(upload->Complete({{"If-None-Match", "*"}}), StatusCode::kAlreadyExists));
  EXPECT_EQ(GetOrDie("race/v0.json"), "meanwhile");
  EXPECT_EQ(LeftoversNow("race/").size(), 1u) << "the refused upload is still open";
  ASSERT_TRUE(IsOk(upload->Abort()));
  EXPECT_EQ(LeftoversNow("race/"), std::vector<std::string>{});
  EXPECT_EQ(GetOrDie("race/v0.json"), "meanwhile");
}

// A writer that dies between CreateMultipartUpload and CompleteMultipartUpload leaves an open
// upload: Leftovers reports it (by prefix and age) and removes it; the key never appears.
TEST_F(S3StoreTest, InterruptedUploadShowsInLeftoversUntilRemoved) {
  std::unique_ptr<s3::S3Transport> transport = Transport();
  ASSERT_NE(transport, nullptr);
  const TimestampMicros before = Now() - kHour;
  Result<s3::MultipartUpload> upload =
      s3::MultipartUpload::Start(*transport, bucket_, "content/c/r1/blob", {});
  ASSERT_TRUE(IsOk(upload.status()));
  ASSERT_TRUE(IsOk(upload->UploadNextPart(RandomBytes(5 * kMiB, 4))));
  // ... and the writer crashes here.
  Result<std::optional<ObjectInfo>> info = store_->Stat(bucket_, "content/c/r1/blob");
  ASSERT_TRUE(IsOk(info.status()));
  EXPECT_FALSE(info->has_value()) << "an unfinished upload is visible as an object";
  std::vector<std::string> found = LeftoversNow("content/");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_NE(found[0].find(bucket_ + "/content/c/r1/blob"), std::string::npos) << found[0];
  EXPECT_NE(found[0].find(upload->upload_id()), std::string::npos) << found[0];
  EXPECT_EQ(LeftoversNow("versions/"), std::vector<std::string>{});
  Result<std::vector<std::string>> too_young = store_->Leftovers(bucket_, "", before, false);
  ASSERT_TRUE(IsOk(too_young.status()));
  EXPECT_TRUE(too_young->empty()) << "an upload younger than older_than was reported";
  EXPECT_EQ(LeftoversNow("content/", /*remove=*/true).size(), 1u);
  EXPECT_EQ(LeftoversNow(""), std::vector<std::string>{}) << "remove left the upload";
  EXPECT_FALSE(IsOk(upload->Complete({}))) << "an aborted upload completed";
}

// A multipart Put that the service refuses part-way is aborted: nothing is left behind.
TEST_F(S3StoreTest, RefusedMultipartPutLeavesNoUpload) {
  ASSERT_TRUE(IsOk(store_->Put(bucket_, "a", "file", PutMode::kOverwrite)));
  // On a POSIX-backed service "a" is a file, so "a/b" cannot be written (the contract suite's
  // KeyThatIsAlsoAFolderOfKeys); AWS S3 accepts it.
  Status status = store_->Put(bucket_, "a/b", RandomBytes(6 * kMiB, 5), PutMode::kOverwrite);
  if (status.ok()) {
    EXPECT_EQ(GetOrDie("a/b").size(), static_cast<size_t>(6 * kMiB));
  } else {
    EXPECT_NE(status.message().find(bucket_ + "/a/b"), std::string::npos) << status.message();
  }
  EXPECT_EQ(LeftoversNow(""), std::vector<std::string>{}) << status.ToString();
  EXPECT_EQ(GetOrDie("a"), "file");
}

// ---- Presigned URLs ----

TEST_F(S3StoreTest, PresignedGetServesTheObjectWithoutCredentials) {
  const std::string key = "dir/a b+c%\xc3\xa9.bin";
  const std::string bytes = RandomBytes(64 << 10, 9);
  ASSERT_TRUE(IsOk(store_->Put(bucket_, key, bytes, PutMode::kOverwrite)));
  Result<std::string> url = store_->PresignGet(bucket_, key, 300);
  ASSERT_TRUE(IsOk(url.status()));
  EXPECT_EQ(url->find(Options().secret_key), std::string::npos) << "the URL holds the secret";
  HttpReply reply = Fetch("GET", *url);
  EXPECT_EQ(reply.status, 200) << reply.body;
  EXPECT_TRUE(reply.body == bytes) << "presigned GET returned other bytes";
  // One changed character of the signature, and the service refuses the URL.
  HttpReply tampered = Fetch("GET", TamperSignature(*url));
  EXPECT_EQ(tampered.status, 403) << tampered.body;
  EXPECT_NE(tampered.body, bytes);
  // A URL for another key does not open this one.
  Result<std::string> missing = store_->PresignGet(bucket_, "dir/missing", 300);
  ASSERT_TRUE(IsOk(missing.status()));
  EXPECT_EQ(Fetch("GET", *missing).status, 404);
}

TEST_F(S3StoreTest, ExpiredPresignedUrlIsRefused) {
  ASSERT_TRUE(IsOk(store_->Put(bucket_, "k", "secret payload", PutMode::kOverwrite)));
  // Signed two hours ago for one minute: expired now. (The clock dates only the signature.)
  ManualClock past(Now() - 2 * kHour);
  S3Options options = Options();
  options.clock = &past;
  Result<std::unique_ptr<S3ObjectStore>> signer = S3ObjectStore::Open(options);
  ASSERT_TRUE(IsOk(signer.status()));
  Result<std::string> expired = (*signer)->PresignGet(bucket_, "k", 60);
  ASSERT_TRUE(IsOk(expired.status()));
  HttpReply reply = Fetch("GET", *expired);
  EXPECT_EQ(reply.status, 403) << reply.body;
  EXPECT_EQ(reply.body.find("secret payload"), std::string::npos);
  // The same signer, its clock set to now, makes a URL that works: only the age differed.
  past.Set(Now());
  Result<std::string> fresh = (*signer)->PresignGet(bucket_, "k", 60);
  ASSERT_TRUE(IsOk(fresh.status()));
  EXPECT_EQ(Fetch("GET", *fresh).body, "secret payload");
}

TEST_F(S3StoreTest, PresignedPutUploadsWhatTheStoreThenReads) {
  const std::string bytes = RandomBytes(100 << 10, 11);
  Result<std::string> url = store_->PresignPut(bucket_, "up/a b.bin", 300);
  ASSERT_TRUE(IsOk(url.status()));
  HttpReply reply = Fetch("PUT", *url, bytes);
  EXPECT_EQ(reply.status, 200) << reply.body;
  EXPECT_TRUE(GetOrDie("up/a b.bin") == bytes) << "the store reads other bytes";
  // A tampered PUT URL writes nothing.
  Result<std::string> other = store_->PresignPut(bucket_, "up/other", 300);
  ASSERT_TRUE(IsOk(other.status()));
  EXPECT_EQ(Fetch("PUT", TamperSignature(*other), "x").status, 403);
  Result<std::optional<ObjectInfo>> info = store_->Stat(bucket_, "up/other");
  ASSERT_TRUE(IsOk(info.status()));
  EXPECT_FALSE(info->has_value()) << "a tampered URL wrote an object";
  // Invalid lifetimes and keys are refused before any URL exists.
  EXPECT_TRUE(HasCode(store_->PresignGet(bucket_, "k", 0).status(), StatusCode::kInvalidArgument));
  EXPECT_TRUE(
      HasCode(store_->PresignPut(bucket_, "k", 604801).status(), StatusCode::kInvalidArgument));
  EXPECT_TRUE(
      HasCode(store_->PresignGet(bucket_, "../x", 60).status(), StatusCode::kInvalidArgument));
}

// ---- Storage classes ----

// versitygw v1.7.0 accepts x-amz-storage-class on PutObject and CreateMultipartUpload but
// ignores it (POSIX has one class): HEAD reports STANDARD whatever was sent. So against it this
// proves that requests carrying the header are accepted and signed correctly (a wrongly signed
// header would be refused), with a different class per key prefix of one bucket; the offline
// tests prove which header is sent and that it is signed.
TEST_F(S3StoreTest, PutsWithAStorageClassSucceedSingleAndMultipart) {
  ASSERT_TRUE(IsOk(store_->SetStorageClass(bucket_, "", "STANDARD_IA")));
  ASSERT_TRUE(IsOk(store_->SetStorageClass(bucket_, "versions/", "INTELLIGENT_TIERING")));
  ASSERT_TRUE(IsOk(store_->SetStorageClass(bucket_, "backups/", "GLACIER")));
  const std::string big = RandomBytes(6 * kMiB, 12);
  ASSERT_TRUE(IsOk(store_->Put(bucket_, "small", "s", PutMode::kOverwrite)));
  ASSERT_TRUE(IsOk(store_->Put(bucket_, "versions/created", "c", PutMode::kCreateOnly)));
  ASSERT_TRUE(IsOk(store_->Put(bucket_, "backups/big", big, PutMode::kOverwrite)));
  EXPECT_EQ(GetOrDie("small"), "s");
  EXPECT_EQ(GetOrDie("versions/created"), "c");
  EXPECT_TRUE(GetOrDie("backups/big") == big);
  const std::pair<const char*, const char*> sent[] = {{"small", "STANDARD_IA"},
                                                      {"versions/created", "INTELLIGENT_TIERING"},
                                                      {"backups/big", "GLACIER"}};
  for (const auto& [key, storage_class] : sent) {
    EXPECT_EQ(store_->StorageClassFor(bucket_, key), storage_class);
    std::string reported = Head(key).Header("x-amz-storage-class");
    RecordProperty(std::string("storage_class_reported_for_") + key, reported);
    // A service that honours the class reports it; versitygw reports STANDARD.
    EXPECT_TRUE(reported == storage_class || reported == "STANDARD") << key << ": " << reported;
  }
  // A class S3 does not know is refused locally, and the prefix keeps the one it had.
  Status bad = store_->SetStorageClass(bucket_, "versions/", "ARCTIC");
  EXPECT_TRUE(HasCode(bad, StatusCode::kInvalidArgument));
  EXPECT_NE(bad.message().find("ARCTIC"), std::string::npos) << bad.message();
  EXPECT_EQ(store_->StorageClassFor(bucket_, "versions/created"), "INTELLIGENT_TIERING");
}

// ---- Secrets ----

TEST_F(S3StoreTest, RefusedCredentialsNeverShowTheSecret) {
  S3Options options = Options();
  const std::string wrong_secret = "wrong-secret-" + std::to_string(std::random_device()());
  options.secret_key = wrong_secret;
  Result<std::unique_ptr<S3ObjectStore>> impostor = S3ObjectStore::Open(options);
  ASSERT_TRUE(IsOk(impostor.status()));
  std::vector<Status> failures = {
      (*impostor)->Put(bucket_, "k", "v", PutMode::kOverwrite),
      (*impostor)->Put(bucket_, "big", RandomBytes(6 * kMiB, 13), PutMode::kOverwrite),
      (*impostor)->Get(bucket_, "k").status(), (*impostor)->List(bucket_, "", "", 10).status(),
      (*impostor)->Leftovers(bucket_, "", Now(), false).status()};
  for (const Status& status : failures) {
    EXPECT_TRUE(HasCode(status, StatusCode::kPermissionDenied));
    EXPECT_EQ(status.message().find(wrong_secret), std::string::npos) << status.message();
    EXPECT_EQ(status.message().find(Options().secret_key), std::string::npos) << status.message();
    EXPECT_NE(status.message().find(bucket_), std::string::npos) << status.message();
  }
}

}  // namespace
}  // namespace xronox::store
