// Content over xronoxd: streamed upload and download, Range, ?version and ?asOf, history,
// record-write headers, delete, presigned redirects, 404s and the size limit; on the embedded
// store and on MongoDB + S3.
#include <curl/curl.h>

#include "common/hash.h"
#include "integration/content_stream_support.h"
#include "integration/fault_support.h"
#include "integration/test_support.h"
#include "store/object/s3/curl_handles.h"

namespace xronox::testing {
namespace {

constexpr char kDocs[] = "/v1/knowledge/_/docs";
constexpr char kRuntime[] = "/v1/runtime/acme/docs";

std::string Bytes(size_t size, uint64_t seed) {
  std::string out, block;
  for (uint64_t b = 0; out.size() < size; ++b) {
    PatternBlock(seed, b, &block);
    out += block.substr(0, size - out.size());
  }
  return out;
}

size_t AppendBody(char* data, size_t size, size_t count, void* out) {
  static_cast<std::string*>(out)->append(data, size * count);
  return size * count;
}

// A plain GET with no credentials, as a browser following a redirect would send.
long CurlGet(const std::string& url, std::string* body) {
  store::s3::CurlEasy curl(curl_easy_init());
  curl_easy_setopt(curl.get(), CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl.get(), CURLOPT_WRITEFUNCTION, AppendBody);
  curl_easy_setopt(curl.get(), CURLOPT_WRITEDATA, body);
  if (curl_easy_perform(curl.get()) != CURLE_OK) return -1;
  long status = 0;
  curl_easy_getinfo(curl.get(), CURLINFO_RESPONSE_CODE, &status);
  return status;
}

class ServerContentTest : public XronoxdTest, public ::testing::WithParamInterface<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "mongo_s3") {
      XRONOX_REQUIRE_MONGO_AND_S3();
      ServiceStore::Options options;
      options.tenants = {"acme"};
      options.s3_request_timeout_ms = 120000;
      options.claim_lease_seconds = 30;
      services_ = std::make_unique<ServiceStore>(options);
      config_ = services_->WriteConfigFile(dir_.path());
    }
    XronoxdTest::SetUp();
  }
  std::vector<std::string> StoreFlags() override {
    if (services_) return {"--config", config_};
    return XronoxdTest::StoreFlags();
  }

  // Create record `id` under `base` (with audit headers, which non-runtime types ignore).
  void MakeRecord(const std::string& base, const std::string& id) {
    Reply made = SendJson("PUT", base + "/" + id, {{"title", id}}, Audit());
    ASSERT_TRUE(made.status == 200 || made.status == 201) << made.raw;
  }

  Reply PutContent(const std::string& path, const std::string& bytes,
                   httplib::Headers headers = Audit(), const std::string& type = "image/png") {
    return Send("PUT", path, bytes, std::move(headers), type);
  }

  std::unique_ptr<ServiceStore> services_;
  std::string config_;
};

TEST_P(ServerContentTest, UploadsRecordTheHashAndDownloadsWholeAndInRanges) {
  MakeRecord(kDocs, "d1");
  const std::string path = std::string(kDocs) + "/d1/content/scan";
  const std::string bytes = Bytes((3 << 20) + 5, 1);
  Reply put = PutContent(path, bytes);
  ASSERT_EQ(put.status, 200) << put.raw;
  Json expected = {
      {"$content",
       {{"sha256", Sha256Hex(bytes)}, {"size", bytes.size()}, {"contentType", "image/png"}}}};
  EXPECT_EQ(put.body["data"]["scan"], expected);
  EXPECT_EQ(put.body["data"]["title"], "d1");
  EXPECT_EQ(put.Header("ETag"), "\"1\"");

  Reply whole = Get(path);
  ASSERT_EQ(whole.status, 200);
  EXPECT_TRUE(whole.raw == bytes) << "downloaded bytes differ";
  EXPECT_EQ(whole.Header("Content-Type"), "image/png");
  EXPECT_EQ(whole.Header("X-Xronox-Content-Sha256"), Sha256Hex(bytes));
  EXPECT_EQ(whole.Header("Accept-Ranges"), "bytes");
  const size_t n = bytes.size();
  struct Case {
    std::string range;
    size_t first, count;
  };
  for (const Case& c : {Case{"bytes=10-19", 10, 10}, Case{"bytes=-7", n - 7, 7},
                        Case{"bytes=" + std::to_string(n - 100) + "-", n - 100, 100},
                        Case{"bytes=5-" + std::to_string(n * 2), 5, n - 5}}) {
    Reply part = Get(path, {{"Range", c.range}});
    ASSERT_EQ(part.status, 206) << c.range << ": " << part.raw.substr(0, 200);
    EXPECT_TRUE(part.raw == bytes.substr(c.first, c.count)) << c.range;
    EXPECT_EQ(part.Header("Content-Range"), "bytes " + std::to_string(c.first) + "-" +
                                                std::to_string(c.first + c.count - 1) + "/" +
                                                std::to_string(n))
        << c.range;
  }
  Reply beyond = Get(path, {{"Range", "bytes=" + std::to_string(n) + "-"}});
  EXPECT_EQ(beyond.status, 416);
  EXPECT_EQ(beyond.ErrorCode(), "range_not_satisfiable");
  EXPECT_EQ(beyond.Header("Content-Range"), "bytes */" + std::to_string(n));
  Reply malformed = Get(path, {{"Range", "bytes=abc"}});
  EXPECT_EQ(malformed.status, 416);
  EXPECT_EQ(malformed.ErrorCode(), "range_not_satisfiable");
  Reply several = Get(path, {{"Range", "bytes=0-1,5-6"}});
  EXPECT_EQ(several.status, 200) << "several ranges are served whole";
  EXPECT_TRUE(several.raw == bytes);
  // Identical bytes again: a new record write, the same blob.
  Reply again = PutContent(path, bytes);
  ASSERT_EQ(again.status, 200) << again.raw;
  EXPECT_EQ(again.body["data"]["scan"], expected);
  EXPECT_TRUE(Get(path).raw == bytes);
}

TEST_P(ServerContentTest, RuntimeContentIsVersionedWithItsAuditTrail) {
  MakeRecord(kRuntime, "r1");
  const std::string path = std::string(kRuntime) + "/r1/content/scan";
  Reply v1 = PutContent(path, "first bytes",
                        {{"X-Xronox-Actor", "alice"}, {"X-Xronox-Reason", "first scan"}});
  ASSERT_EQ(v1.status, 200) << v1.raw;
  EXPECT_EQ(v1.body["version"], 1);
  std::this_thread::sleep_for(std::chrono::milliseconds(5));  // Real clock: v1 and v2 apart.
  Reply v2 =
      PutContent(path, "second bytes", {{"X-Xronox-Actor", "bob"}, {"X-Xronox-Reason", "rescan"}});
  ASSERT_EQ(v2.status, 200) << v2.raw;
  EXPECT_EQ(v2.body["version"], 2);
  EXPECT_EQ(Get(path).raw, "second bytes");
  Reply old = Get(path + "?version=1");
  EXPECT_EQ(old.status, 200);
  EXPECT_EQ(old.raw, "first bytes");
  EXPECT_EQ(old.Header("X-Xronox-Version"), "1");
  std::string at = v1.body["updatedAt"];
  EXPECT_EQ(Get(path + "?asOf=" + UrlEncode(at)).raw, "first bytes");
  EXPECT_EQ(Get(path + "?version=1", {{"Range", "bytes=0-4"}}).raw, "first");
  Reply history = Get(std::string(kRuntime) + "/r1/history");
  ASSERT_EQ(history.status, 200) << history.raw;
  ASSERT_GE(history.body["versions"].size(), 2u) << history.raw;
  EXPECT_EQ(history.body["versions"][0]["actor"], "bob");
  EXPECT_EQ(history.body["versions"][0]["reason"], "rescan");
  EXPECT_EQ(history.body["versions"][0]["changedFields"], Json::array({"/scan"}));
  EXPECT_EQ(history.body["versions"][1]["actor"], "alice");
  // The record-write headers apply: audit, If-Match, Idempotency-Key.
  EXPECT_EQ(PutContent(path, "x", {}).status, 400);
  Reply stale = PutContent(path, "x", Audit({{"If-Match", "\"1\""}}));
  EXPECT_EQ(stale.status, 412) << stale.raw;
  Reply keyed = PutContent(path, "third", Audit({{"Idempotency-Key", "k-1"}}));
  Reply replay = PutContent(path, "third", Audit({{"Idempotency-Key", "k-1"}}));
  ASSERT_EQ(keyed.status, 200) << keyed.raw;
  EXPECT_EQ(replay.status, 200) << replay.raw;
  EXPECT_EQ(replay.body["version"], keyed.body["version"]);
  // Deleting the content is a version too; the old versions keep theirs.
  Reply deleted = Send("DELETE", path, "", Audit(), std::nullopt);
  ASSERT_EQ(deleted.status, 200) << deleted.raw;
  EXPECT_FALSE(deleted.body["data"].contains("scan"));
  EXPECT_EQ(Get(path).status, 404);
  EXPECT_EQ(Get(path + "?version=2").raw, "second bytes");
}

TEST_P(ServerContentTest, DeleteAndMissingThingsAnswerClearly) {
  MakeRecord(kDocs, "d2");
  const std::string path = std::string(kDocs) + "/d2/content/scan";
  EXPECT_EQ(Get(path).ErrorCode(), "content_not_found");
  ASSERT_EQ(PutContent(path, "bytes").status, 200);
  Reply deleted = Send("DELETE", path, "", {}, std::nullopt);
  ASSERT_EQ(deleted.status, 200) << deleted.raw;
  EXPECT_EQ(deleted.body["data"], Json({{"title", "d2"}}));
  Reply gone = Get(path);
  EXPECT_EQ(gone.status, 404);
  EXPECT_EQ(gone.ErrorCode(), "content_not_found");
  EXPECT_EQ(Send("DELETE", path, "", {}, std::nullopt).status, 404);
  EXPECT_EQ(Get(std::string(kDocs) + "/nobody/content/scan").status, 404);
  EXPECT_EQ(PutContent(std::string(kDocs) + "/nobody/content/scan", "x").status, 404);
  EXPECT_EQ(Get(std::string(kDocs) + "/d2/other/scan").status, 404);
  EXPECT_EQ(PutContent(std::string(kDocs) + "/d2/content/bad%20name", "x").status, 400);
  EXPECT_EQ(Get(path + "?version=1").ErrorCode(), "not_versioned");
  Reply logs = PutContent("/v1/logs/_/events/e1/content/scan", "x");
  EXPECT_EQ(logs.status, 405);
}

// A record's data cannot name a blob that was never uploaded to it: a client-written content
// reference is refused (before, it answered 500 on read while verify found nothing), while a
// record read and written back with its reference unchanged is fine.
TEST_P(ServerContentTest, ContentReferencesAreMadeOnlyByUploads) {
  MakeRecord(kDocs, "d4");
  const std::string record = std::string(kDocs) + "/d4";
  Json forged = {
      {"title", "d4"},
      {"scan",
       {{"$content", {{"sha256", std::string(64, 'a')}, {"size", 5}, {"contentType", "x/y"}}}}}};
  Reply refused = SendJson("PUT", record, forged, Audit());
  EXPECT_EQ(refused.status, 400) << refused.raw;
  EXPECT_EQ(refused.ErrorCode(), "content_reference");
  Reply patched = Send("PATCH", record, Json{{"scan", forged["scan"]}}.dump(), Audit(),
                       "application/merge-patch+json");
  EXPECT_EQ(patched.ErrorCode(), "content_reference") << patched.raw;
  Reply created = SendJson("POST", kDocs, forged, Audit());
  EXPECT_EQ(created.ErrorCode(), "content_reference") << created.raw;
  ASSERT_EQ(PutContent(record + "/content/scan", "bytes").status, 200);
  Json current = Get(record).body["data"];
  current["title"] = "renamed";
  Reply kept = SendJson("PUT", record, current, Audit());
  EXPECT_EQ(kept.status, 200) << "a reference written back unchanged: " << kept.raw;
  EXPECT_EQ(Get(record + "/content/scan").raw, "bytes");
  current["scan"]["$content"]["size"] = 6;
  EXPECT_EQ(SendJson("PUT", record, current, Audit()).ErrorCode(), "content_reference");
}

TEST_P(ServerContentTest, PresignRedirectsToTheObjectStoreOrSaysItCannot) {
  MakeRecord(kDocs, "d3");
  const std::string path = std::string(kDocs) + "/d3/content/scan";
  const std::string bytes = Bytes(100000, 3);
  ASSERT_EQ(PutContent(path, bytes).status, 200);
  Reply redirect = Get(path + "?presign=1");
  if (GetParam() != "mongo_s3") {
    EXPECT_EQ(redirect.status, 400);
    EXPECT_EQ(redirect.ErrorCode(), "presign_not_supported");
    return;
  }
  ASSERT_EQ(redirect.status, 307) << redirect.raw;
  std::string location = redirect.Header("Location");
  EXPECT_NE(location.find(Sha256Hex(bytes)), std::string::npos) << location;
  std::string body;
  EXPECT_EQ(CurlGet(location, &body), 200) << body.substr(0, 300);
  EXPECT_TRUE(body == bytes) << "the presigned URL served other bytes";
}

INSTANTIATE_TEST_SUITE_P(Backends, ServerContentTest, ::testing::Values("embedded", "mongo_s3"),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           return info.param;
                         });

class ServerContentLimitTest : public XronoxdTest {
 protected:
  std::vector<std::string> ServerFlags() override { return {"--max-content", "1048576"}; }
};

TEST_F(ServerContentLimitTest, ContentOverTheLimitIs413AndRecordsNothing) {
  Reply made = SendJson("PUT", std::string(kDocs) + "/d", {{"title", "d"}});
  ASSERT_EQ(made.status, 201) << made.raw;
  const std::string path = std::string(kDocs) + "/d/content/scan";
  Reply big = Send("PUT", path, std::string((1 << 20) + 1, 'x'), {}, "text/plain");
  EXPECT_EQ(big.status, 413) << big.raw;
  EXPECT_EQ(big.ErrorCode(), "payload_too_large");
  EXPECT_EQ(Get(path).status, 404);
  // The limit is for content only: exactly the limit passes.
  EXPECT_EQ(Send("PUT", path, std::string(1 << 20, 'x'), {}, "text/plain").status, 200);
}

}  // namespace
}  // namespace xronox::testing
