// The S3 store offline: URL building (path-style and virtual-hosted), option checks, storage
// classes, and the requests it sends, recorded by a fake S3 service on loopback (cpp-httplib)
// that checks every request's SigV4 signature, answers as a script says, and can fail any step
// of a multipart upload. Nothing here needs the real test service
// (tests/conformance/s3_object_store_test.cc runs against it).
#include "store/object/s3/s3_object_store.h"

#include <gtest/gtest.h>
#include <httplib.h>

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/hash.h"
#include "store/object/s3/s3_multipart.h"
#include "store/object/s3/s3_url.h"
#include "store/object/s3/s3_xml.h"
#include "store/object/s3/sigv4.h"

namespace xronox::store {
namespace {

constexpr char kAccessKey[] = "AKIDFAKE";
constexpr char kSecret[] = "fake-secret-DO-NOT-LEAK-7f3a9c";
constexpr char kToken[] = "fake-session-token-DO-NOT-LEAK-51e2";
constexpr int64_t kMiB = int64_t{1} << 20;

// ---- Addressing ----

TEST(S3UrlTest, PathStyleUrlEncodesKeyOnce) {
  Result<s3::S3Endpoint> endpoint = s3::ParseS3Endpoint("https://s3.example.com:9000/", true);
  ASSERT_TRUE(endpoint.ok()) << endpoint.status().ToString();
  s3::S3Target target = s3::TargetOf(*endpoint, "my-bucket", "dir/a b+c%d\xc3\xa9~.txt");
  EXPECT_EQ(target.host, "s3.example.com:9000");
  EXPECT_EQ(target.path, "/my-bucket/dir/a b+c%d\xc3\xa9~.txt");
  EXPECT_EQ(s3::UrlOf(*endpoint, target, {{"uploadId", "a/b=c"}, {"partNumber", "2"}}),
            "https://s3.example.com:9000/my-bucket/dir/a%20b%2Bc%25d%C3%A9~.txt"
            "?partNumber=2&uploadId=a%2Fb%3Dc");
  EXPECT_EQ(s3::UrlOf(*endpoint, s3::TargetOf(*endpoint, "my-bucket", ""), {}),
            "https://s3.example.com:9000/my-bucket");
  EXPECT_EQ(s3::UrlOf(*endpoint, s3::TargetOf(*endpoint, "", ""), {}),
            "https://s3.example.com:9000/");
}

TEST(S3UrlTest, VirtualHostedUrlPutsBucketInHost) {
  Result<s3::S3Endpoint> endpoint =
      s3::ParseS3Endpoint("https://s3.eu-west-1.amazonaws.com", false);
  ASSERT_TRUE(endpoint.ok()) << endpoint.status().ToString();
  s3::S3Target target = s3::TargetOf(*endpoint, "my.bucket-1", "dir/a b+c%d\xc3\xa9~.txt");
  EXPECT_EQ(target.host, "my.bucket-1.s3.eu-west-1.amazonaws.com");
  EXPECT_EQ(target.path, "/dir/a b+c%d\xc3\xa9~.txt");
  EXPECT_EQ(s3::UrlOf(*endpoint, target, {{"uploads", ""}}),
            "https://my.bucket-1.s3.eu-west-1.amazonaws.com/dir/a%20b%2Bc%25d%C3%A9~.txt?uploads=");
  EXPECT_EQ(s3::UrlOf(*endpoint, s3::TargetOf(*endpoint, "my.bucket-1", ""), {{"list-type", "2"}}),
            "https://my.bucket-1.s3.eu-west-1.amazonaws.com/?list-type=2");
  // The service itself (no bucket) stays on the endpoint's host.
  EXPECT_EQ(s3::TargetOf(*endpoint, "", "").host, "s3.eu-west-1.amazonaws.com");
}

TEST(S3UrlTest, RecognisesIpLiteralHosts) {
  for (const char* host : {"127.0.0.1", "127.0.0.1:9000", "10.1.2.3", "127.1:80", "[::1]",
                           "[::1]:9000", "[2001:db8::5]:443"}) {
    EXPECT_TRUE(s3::IsIpLiteralHost(host)) << host;
  }
  for (const char* host : {"localhost", "localhost:9000", "s3.amazonaws.com", "minio:9000",
                           "1.2.3.example.com", "s3-1.internal:80"}) {
    EXPECT_FALSE(s3::IsIpLiteralHost(host)) << host;
  }
}

TEST(S3UrlTest, EndpointFormIsChecked) {
  for (const char* bad : {"", "s3.example.com", "ftp://h", "http://", "http://h/path",
                          "http://h?x=1", "http://h#f", "http://h x"}) {
    EXPECT_EQ(s3::ParseS3Endpoint(bad, true).status().code(), StatusCode::kInvalidArgument) << bad;
  }
  Result<s3::S3Endpoint> ok = s3::ParseS3Endpoint("http://127.0.0.1:9000//", true);
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->scheme, "http");
  EXPECT_EQ(ok->host, "127.0.0.1:9000");
}

S3Options FakeOptions(const std::string& endpoint) {
  S3Options options;
  options.endpoint = endpoint;
  options.access_key = kAccessKey;
  options.secret_key = kSecret;
  options.max_retries = 0;
  return options;
}

TEST(S3ObjectStoreOpenTest, VirtualHostedNeedsADnsName) {
  for (const char* endpoint : {"http://127.0.0.1:9000", "https://10.0.0.7", "http://[::1]:9000"}) {
    S3Options options = FakeOptions(endpoint);
    options.path_style = false;
    Status status = S3ObjectStore::Open(options).status();
    EXPECT_EQ(status.code(), StatusCode::kInvalidArgument) << endpoint;
    EXPECT_NE(status.message().find("virtual-hosted"), std::string::npos) << status.message();
    EXPECT_NE(status.message().find("DNS name"), std::string::npos) << status.message();
    options.path_style = true;
    EXPECT_TRUE(S3ObjectStore::Open(options).ok()) << endpoint;
  }
  S3Options named = FakeOptions("https://s3.example.com");
  named.path_style = false;
  EXPECT_TRUE(S3ObjectStore::Open(named).ok());
}

TEST(S3ObjectStoreOpenTest, MultipartSizesAreChecked) {
  auto open_status = [](int64_t threshold, int64_t part) {
    S3Options options = FakeOptions("http://127.0.0.1:9");
    options.multipart_threshold_bytes = threshold;
    options.multipart_part_bytes = part;
    return S3ObjectStore::Open(options).status();
  };
  EXPECT_TRUE(open_status(5 * kMiB, 5 * kMiB).ok());
  EXPECT_TRUE(open_status(16 * kMiB, 8 * kMiB).ok());
  Status low_threshold = open_status(5 * kMiB - 1, 8 * kMiB);
  EXPECT_EQ(low_threshold.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(low_threshold.message().find("multipart_threshold_bytes"), std::string::npos);
  Status low_part = open_status(16 * kMiB, 4 * kMiB);
  EXPECT_EQ(low_part.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(low_part.message().find("multipart_part_bytes"), std::string::npos);
  EXPECT_EQ(open_status(kS3MaxPutBytes + 1, 8 * kMiB).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(open_status(16 * kMiB, kS3MaxPutBytes + 1).code(), StatusCode::kInvalidArgument);
  S3Options defaults;
  EXPECT_EQ(defaults.multipart_threshold_bytes, 16 * kMiB);
  EXPECT_EQ(defaults.multipart_part_bytes, 8 * kMiB);
}

TEST(S3MultipartTest, PartSizeGrowsOnlyPastTenThousandParts) {
  EXPECT_EQ(s3::MultipartPartBytes(12 * kMiB, 5 * kMiB), 5 * kMiB);
  EXPECT_EQ(s3::MultipartPartBytes(8 * kMiB * 10000, 8 * kMiB), 8 * kMiB);
  int64_t huge = 8 * kMiB * 10000 + 1;
  int64_t grown = s3::MultipartPartBytes(huge, 8 * kMiB);
  EXPECT_EQ(grown % kMiB, 0);
  EXPECT_GT(grown, 8 * kMiB);
  EXPECT_LE((huge + grown - 1) / grown, 10000);
}

TEST(S3MultipartTest, CompleteBodyListsPartsAndEscapesETags) {
  EXPECT_EQ(s3::CompleteMultipartUploadXml({{1, "\"a1\""}, {2, "b<&>"}}),
            "<CompleteMultipartUpload xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
            "<Part><PartNumber>1</PartNumber><ETag>&quot;a1&quot;</ETag></Part>"
            "<Part><PartNumber>2</PartNumber><ETag>b&lt;&amp;&gt;</ETag></Part>"
            "</CompleteMultipartUpload>");
  Result<std::string> id = s3::ParseInitiateMultipartUpload(
      "<?xml version=\"1.0\"?><InitiateMultipartUploadResult><Bucket>b</Bucket><Key>k</Key>"
      "<UploadId>VXBsb2FkIElE</UploadId></InitiateMultipartUploadResult>");
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  EXPECT_EQ(*id, "VXBsb2FkIElE");
  EXPECT_FALSE(s3::ParseInitiateMultipartUpload("<InitiateMultipartUploadResult/>").ok());
  EXPECT_FALSE(s3::ParseInitiateMultipartUpload("<Error><Code>x</Code></Error>").ok());
}

// ---- Storage classes (no request is sent) ----

TEST(S3StorageClassTest, KnownClassesAreKeptAndOthersRefused) {
  Result<std::unique_ptr<S3ObjectStore>> store =
      S3ObjectStore::Open(FakeOptions("http://127.0.0.1:9"));
  ASSERT_TRUE(store.ok());
  for (const char* known :
       {"STANDARD", "REDUCED_REDUNDANCY", "STANDARD_IA", "ONEZONE_IA", "INTELLIGENT_TIERING",
        "GLACIER", "DEEP_ARCHIVE", "GLACIER_IR", "OUTPOSTS", "EXPRESS_ONEZONE"}) {
    EXPECT_TRUE((*store)->SetStorageClass("bkt", "", known).ok()) << known;
    EXPECT_EQ((*store)->StorageClassFor("bkt", "any/key"), known);
  }
  EXPECT_EQ((*store)->StorageClassFor("other", "any/key"), "");
  for (const char* bad : {"standard", "COLD", " STANDARD", "STANDARD\r\nX: y"}) {
    Status status = (*store)->SetStorageClass("bkt", "", bad);
    EXPECT_EQ(status.code(), StatusCode::kInvalidArgument) << bad;
    EXPECT_NE(status.message().find("storage class"), std::string::npos) << status.message();
    EXPECT_EQ(status.message().find('\n'), std::string::npos) << status.message();
  }
  Status cold = (*store)->SetStorageClass("bkt", "versions/", "COLD");
  EXPECT_NE(cold.message().find("'COLD'"), std::string::npos) << cold.message();
  EXPECT_NE(cold.message().find("bkt, key prefix 'versions/'"), std::string::npos)
      << cold.message();
  EXPECT_EQ((*store)->StorageClassFor("bkt", "versions/k"), "EXPRESS_ONEZONE")
      << "a refusal changed it";
  EXPECT_EQ((*store)->SetStorageClass("Bad_Bucket", "", "STANDARD").code(),
            StatusCode::kInvalidArgument);
  for (const std::string& bad_prefix : {std::string("a\nb/"), std::string(1025, 'p')}) {
    Status status = (*store)->SetStorageClass("bkt", bad_prefix, "STANDARD");
    EXPECT_EQ(status.code(), StatusCode::kInvalidArgument) << status.message();
    EXPECT_NE(status.message().find("key prefix"), std::string::npos) << status.message();
    EXPECT_EQ(status.message().find('\n'), std::string::npos) << status.message();
  }
  EXPECT_TRUE((*store)->SetStorageClass("bkt", "", "").ok());
  EXPECT_EQ((*store)->StorageClassFor("bkt", "any/key"), "");
}

TEST(S3StorageClassTest, LongestRegisteredPrefixOfTheKeyWins) {
  Result<std::unique_ptr<S3ObjectStore>> store =
      S3ObjectStore::Open(FakeOptions("http://127.0.0.1:9"));
  ASSERT_TRUE(store.ok());
  S3ObjectStore& s = **store;
  EXPECT_EQ(s.StorageClassFor("bkt", "versions/c/id/v0.json"), "") << "nothing registered";
  ASSERT_TRUE(s.SetStorageClass("bkt", "versions/", "GLACIER").ok());
  ASSERT_TRUE(s.SetStorageClass("bkt", "records/", "STANDARD").ok());
  EXPECT_EQ(s.StorageClassFor("bkt", "versions/c/id/v0.json"), "GLACIER");
  EXPECT_EQ(s.StorageClassFor("bkt", "records/c/id/current.json"), "STANDARD");
  EXPECT_EQ(s.StorageClassFor("bkt", "recordsX/c/id/current.json"), "") << "not under records/";
  EXPECT_EQ(s.StorageClassFor("bkt", "content/c/blob"), "") << "no prefix leads it";
  EXPECT_EQ(s.StorageClassFor("other", "versions/c/id/v0.json"), "") << "another bucket";
  // The whole bucket, then longer prefixes inside "versions/": the longest leading one wins,
  // whatever the order of registration.
  ASSERT_TRUE(s.SetStorageClass("bkt", "versions/hot/", "STANDARD_IA").ok());
  ASSERT_TRUE(s.SetStorageClass("bkt", "", "INTELLIGENT_TIERING").ok());
  ASSERT_TRUE(s.SetStorageClass("bkt", "versions/cold/", "").ok());
  EXPECT_EQ(s.StorageClassFor("bkt", "content/c/blob"), "INTELLIGENT_TIERING");
  EXPECT_EQ(s.StorageClassFor("bkt", "recordsX/c/id/current.json"), "INTELLIGENT_TIERING");
  EXPECT_EQ(s.StorageClassFor("bkt", "records/c/id/current.json"), "STANDARD");
  EXPECT_EQ(s.StorageClassFor("bkt", "versions/c/id/v0.json"), "GLACIER");
  EXPECT_EQ(s.StorageClassFor("bkt", "versions/hot/id/v0.json"), "STANDARD_IA");
  EXPECT_EQ(s.StorageClassFor("bkt", "versions/cold/id/v0.json"), "")
      << "an empty class registered for a longer prefix sends none";
  // Registering a prefix again replaces its class and no other.
  ASSERT_TRUE(s.SetStorageClass("bkt", "versions/", "DEEP_ARCHIVE").ok());
  EXPECT_EQ(s.StorageClassFor("bkt", "versions/c/id/v0.json"), "DEEP_ARCHIVE");
  EXPECT_EQ(s.StorageClassFor("bkt", "versions/hot/id/v0.json"), "STANDARD_IA");
}

TEST(S3StorageClassTest, ConcurrentSettersAndReadersSeeWholeValues) {
  Result<std::unique_ptr<S3ObjectStore>> store =
      S3ObjectStore::Open(FakeOptions("http://127.0.0.1:9"));
  ASSERT_TRUE(store.ok());
  S3ObjectStore& s = **store;
  std::atomic<bool> stop{false};
  std::atomic<int> torn{0};
  std::thread reader([&] {
    while (!stop.load()) {
      for (const char* key : {"x/k", "versions/k", "versions/v1/k"}) {
        std::string seen = s.StorageClassFor("b00", key);
        if (!seen.empty() && seen != "GLACIER" && seen != "STANDARD_IA") ++torn;
      }
    }
  });
  std::vector<std::thread> writers;
  for (int t = 0; t < 4; ++t) {
    writers.emplace_back([&, t] {
      for (int i = 0; i < 2000; ++i) {
        std::string bucket = "b0" + std::to_string((t + i) % 3);
        std::string prefix = i % 3 == 0   ? ""
                             : i % 3 == 1 ? "versions/"
                                          : "versions/v" + std::to_string(i % 5);
        EXPECT_TRUE(s.SetStorageClass(bucket, prefix, i % 2 ? "GLACIER" : "STANDARD_IA").ok());
        if (i % 7 == 0) {
          EXPECT_TRUE(s.SetStorageClass(bucket, prefix, "").ok());
        }
      }
    });
  }
  for (std::thread& writer : writers) writer.join();
  stop = true;
  reader.join();
  EXPECT_EQ(torn.load(), 0);
}

// ---- A fake S3 service ----

/// One request as the fake service received it, with the outcome of its signature check.
struct Recorded {
  std::string method;
  std::string path;  ///< Decoded.
  std::string target;
  httplib::Headers headers;
  httplib::Params params;
  size_t body_size = 0;
  std::string signature_problem;  ///< Empty when the SigV4 signature checks out.

  std::string Header(const std::string& name) const {
    auto found = headers.find(name);
    return found != headers.end() ? found->second : std::string();
  }
  bool HasParam(const std::string& name) const { return params.count(name) > 0; }
};

// Recomputes the SigV4 signature of `request` from what arrived (the signed headers it names,
// the decoded path and query, the body's hash) and says what does not match; "" when all does.
std::string CheckSignature(const httplib::Request& request, const std::string& secret) {
  std::string auth = request.get_header_value("Authorization");
  auto field = [&](const std::string& name) {
    size_t at = auth.find(name + "=");
    if (at == std::string::npos) return std::string();
    size_t end = auth.find(',', at);
    return auth.substr(at + name.size() + 1,
                       end == std::string::npos ? std::string::npos : end - at - name.size() - 1);
  };
  std::string credential = field("Credential"), signed_list = field("SignedHeaders");
  if (credential.empty() || signed_list.empty()) return "no SigV4 Authorization: " + auth;
  std::string payload = request.get_header_value("x-amz-content-sha256");
  if (payload != Sha256Hex(request.body)) return "x-amz-content-sha256 is not the body's hash";
  s3::SigV4Request canonical_input{
      request.method, request.get_header_value("Host"), request.path, {}, {}, payload};
  for (const auto& [name, value] : request.params) canonical_input.query.emplace_back(name, value);
  for (size_t start = 0; start < signed_list.size();) {
    size_t end = std::min(signed_list.find(';', start), signed_list.size());
    std::string name = signed_list.substr(start, end - start);
    if (name != "host") {
      canonical_input.headers.emplace_back(name, request.get_header_value(name.c_str()));
    }
    start = end + 1;
  }
  Result<s3::SigV4CanonicalRequest> canonical = s3::BuildCanonicalRequest(canonical_input);
  if (!canonical.ok()) return canonical.status().ToString();
  std::string amz_date = request.get_header_value("x-amz-date");
  std::string scope = credential.substr(credential.find('/') + 1);
  Result<std::string> key = s3::DeriveSigningKey(secret, amz_date.substr(0, 8), "us-east-1", "s3");
  if (!key.ok()) return key.status().ToString();
  Result<std::string> expected =
      s3::SignatureHex(*key, s3::StringToSign(amz_date, scope, canonical->text));
  if (!expected.ok() || *expected != field("Signature")) return "signature does not match";
  return "";
}

/// Answers every request through `respond` (set before the first request) and records it.
class FakeS3 {
 public:
  using Respond = std::function<void(const Recorded&, httplib::Response&)>;

  explicit FakeS3(Respond respond) : respond_(std::move(respond)) {
    auto handler = [this](const httplib::Request& request, httplib::Response& response) {
      Handle(request, response);
    };
    server_.Get(".*", handler);  // HEAD too.
    server_.Delete(".*", handler);
    server_.Put(".*", handler);
    server_.Post(".*", handler);
    port_ = server_.bind_to_any_port("127.0.0.1");
    if (port_ <= 0) {
      ADD_FAILURE() << "the fake S3 service could not bind a loopback port";
      return;
    }
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    // The socket listens once bound, so connections queue even before the loop runs.
    while (!server_.is_running()) std::this_thread::yield();
  }
  ~FakeS3() {
    server_.stop();
    if (thread_.joinable()) thread_.join();
  }

  int port() const { return port_; }
  std::vector<Recorded> requests() {
    std::lock_guard lock(mutex_);
    return requests_;
  }

 private:
  void Handle(const httplib::Request& request, httplib::Response& response) {
    Recorded recorded{request.method,
                      request.path,
                      request.target,
                      request.headers,
                      request.params,
                      request.body.size(),
                      CheckSignature(request, kSecret)};
    respond_(recorded, response);
    std::lock_guard lock(mutex_);
    requests_.push_back(std::move(recorded));
  }

  Respond respond_;
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
  std::mutex mutex_;
  std::vector<Recorded> requests_;  // Guarded by mutex_.
};

void Xml(httplib::Response& response, int status, const std::string& body) {
  response.status = status;
  response.set_content(body, "application/xml");
}

void ErrorXml(httplib::Response& response, int status, const std::string& code) {
  Xml(response, status,
      "<Error><Code>" + code + "</Code><Message>fake " + code +
          "</Message><RequestId>RID-1</RequestId></Error>");
}

// A well-behaved multipart service: answers each step, with `fail` overriding one of them
// ("create", "part-2", "complete", "complete-200-error", "complete-if-none-match-501").
FakeS3::Respond MultipartService(std::string fail = "") {
  return [fail](const Recorded& r, httplib::Response& response) {
    if (r.method == "HEAD" || r.method == "GET") {
      response.status = 404;
    } else if (r.method == "POST" && r.HasParam("uploads")) {
      if (fail == "create") return ErrorXml(response, 403, "AccessDenied");
      Xml(response, 200,
          "<InitiateMultipartUploadResult><Bucket>b</Bucket><Key>k</Key>"
          "<UploadId>UP-1</UploadId></InitiateMultipartUploadResult>");
    } else if (r.method == "PUT" && r.HasParam("partNumber")) {
      std::string number = r.params.find("partNumber")->second;
      if (fail == "part-" + number) return ErrorXml(response, 400, "InvalidPart");
      response.set_header("ETag", "\"etag-" + number + "\"");
      response.status = 200;
    } else if (r.method == "POST" && r.HasParam("uploadId")) {
      bool conditional = !r.Header("If-None-Match").empty();
      if (fail == "complete") return ErrorXml(response, 400, "InvalidPart");
      if (fail == "complete-200-error") return ErrorXml(response, 200, "InternalError");
      if (fail == "complete-if-none-match-501" && conditional) {
        return ErrorXml(response, 501, "NotImplemented");
      }
      Xml(response, 200,
          "<CompleteMultipartUploadResult><ETag>\"x-3\"</ETag>"
          "</CompleteMultipartUploadResult>");
    } else {
      response.status = r.method == "DELETE" ? 204 : 200;
    }
  };
}

class FakeS3StoreTest : public ::testing::Test {
 protected:
  void Start(FakeS3::Respond respond, bool path_style = true) {
    // The store first: its idle connections would keep the old fake's workers waiting.
    store_.reset();
    fake_ = std::make_unique<FakeS3>(std::move(respond));
    // *.localhost resolves to loopback in libcurl, so virtual-hosted requests reach the fake.
    S3Options options = FakeOptions("http://localhost:" + std::to_string(fake_->port()));
    options.path_style = path_style;
    options.multipart_threshold_bytes = 5 * kMiB;
    options.multipart_part_bytes = 5 * kMiB;
    Result<std::unique_ptr<S3ObjectStore>> opened = S3ObjectStore::Open(options);
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    store_ = std::move(opened).value();
  }

  // "METHOD path?param&param" of each request, for comparing sequences.
  std::vector<std::string> Steps() {
    std::vector<std::string> steps;
    for (const Recorded& r : fake_->requests()) {
      std::string step = r.method + " " + r.path;
      for (const char* param : {"uploads", "partNumber", "uploadId"}) {
        if (r.HasParam(param)) step += std::string(" ") + param;
      }
      if (!r.Header("If-None-Match").empty()) step += " if-none-match";
      steps.push_back(step);
    }
    return steps;
  }

  void ExpectAllSigned() {
    for (const Recorded& r : fake_->requests()) {
      EXPECT_EQ(r.signature_problem, "") << r.method << " " << r.target;
    }
  }

  std::unique_ptr<FakeS3> fake_;
  std::unique_ptr<S3ObjectStore> store_;
};

TEST_F(FakeS3StoreTest, StorageClassIsSignedAndSentOnSinglePut) {
  Start(MultipartService());
  ASSERT_TRUE(store_->SetStorageClass("bkt", "", "STANDARD_IA").ok());
  ASSERT_TRUE(store_->Put("bkt", "a/k", "hello", PutMode::kOverwrite).ok());
  ASSERT_TRUE(store_->Put("bkt", "a/k2", "hello", PutMode::kCreateOnly).ok());
  ASSERT_TRUE(store_->Put("other", "a/k", "hello", PutMode::kOverwrite).ok());
  std::vector<Recorded> requests = fake_->requests();
  ASSERT_EQ(requests.size(), 3u);
  for (int i : {0, 1}) {
    EXPECT_EQ(requests[i].Header("x-amz-storage-class"), "STANDARD_IA");
    EXPECT_NE(requests[i].Header("Authorization").find("x-amz-storage-class"), std::string::npos);
  }
  EXPECT_EQ(requests[1].Header("If-None-Match"), "*");
  EXPECT_FALSE(requests[2].headers.count("x-amz-storage-class")) << "another bucket got it";
  ExpectAllSigned();
}

// Strategy B: one bucket, a folder prefix per kind, each with its own class (the seed's cost
// table), as the router registers them; a key under no registered prefix carries none.
TEST_F(FakeS3StoreTest, OneBucketSendsEachKeyTheClassOfItsPrefix) {
  Start(MultipartService());
  ASSERT_TRUE(store_->SetStorageClass("app-data", "records/", "STANDARD").ok());
  ASSERT_TRUE(store_->SetStorageClass("app-data", "versions/", "INTELLIGENT_TIERING").ok());
  ASSERT_TRUE(store_->SetStorageClass("app-data", "backups/", "GLACIER").ok());
  ASSERT_TRUE(store_->Put("app-data", "records/c/r1/current.json", "r", PutMode::kOverwrite).ok());
  ASSERT_TRUE(store_->Put("app-data", "versions/c/r1/v0.json", "v", PutMode::kCreateOnly).ok());
  ASSERT_TRUE(store_->Put("app-data", "backups/b1", "b", PutMode::kOverwrite).ok());
  ASSERT_TRUE(store_->Put("app-data", "content/c/blob", "c", PutMode::kOverwrite).ok());
  ASSERT_TRUE(store_->Put("app-data", "recordsX/c/r1", "x", PutMode::kOverwrite).ok());
  ASSERT_TRUE(
      store_->Put("app-data", "backups/big", std::string(6 * kMiB, 'b'), PutMode::kOverwrite).ok());
  std::vector<Recorded> requests = fake_->requests();
  ASSERT_EQ(requests.size(), 9u);  // Five PUTs, then create, two parts, complete.
  const std::vector<std::string> sent = {"STANDARD", "INTELLIGENT_TIERING", "GLACIER", "", "",
                                         "GLACIER"};
  for (size_t i = 0; i < sent.size(); ++i) {
    SCOPED_TRACE(requests[i].method + " " + requests[i].path);
    EXPECT_EQ(requests[i].headers.count("x-amz-storage-class"), sent[i].empty() ? 0u : 1u);
    EXPECT_EQ(requests[i].Header("x-amz-storage-class"), sent[i]);
    if (!sent[i].empty()) {
      EXPECT_NE(requests[i].Header("Authorization").find("x-amz-storage-class"), std::string::npos);
    }
  }
  EXPECT_EQ(requests[1].Header("If-None-Match"), "*");
  EXPECT_TRUE(requests[5].HasParam("uploads")) << "the multipart create carries the class";
  for (size_t i = 6; i < requests.size(); ++i) {
    EXPECT_FALSE(requests[i].headers.count("x-amz-storage-class")) << requests[i].target;
  }
  ExpectAllSigned();
}

TEST_F(FakeS3StoreTest, LongestPrefixPicksTheClassSent) {
  Start(MultipartService());
  ASSERT_TRUE(store_->SetStorageClass("bkt", "", "STANDARD_IA").ok());
  ASSERT_TRUE(store_->SetStorageClass("bkt", "app/versions/", "GLACIER").ok());
  ASSERT_TRUE(store_->SetStorageClass("bkt", "app/", "ONEZONE_IA").ok());
  for (const char* key :
       {"top", "app/records/c/r/current.json", "app/versions/c/r/v0.json", "app/versionsX/k"}) {
    ASSERT_TRUE(store_->Put("bkt", key, "x", PutMode::kOverwrite).ok()) << key;
  }
  std::vector<Recorded> requests = fake_->requests();
  ASSERT_EQ(requests.size(), 4u);
  EXPECT_EQ(requests[0].Header("x-amz-storage-class"), "STANDARD_IA");
  EXPECT_EQ(requests[1].Header("x-amz-storage-class"), "ONEZONE_IA");
  EXPECT_EQ(requests[2].Header("x-amz-storage-class"), "GLACIER");
  EXPECT_EQ(requests[3].Header("x-amz-storage-class"), "ONEZONE_IA");
  ExpectAllSigned();
}

TEST_F(FakeS3StoreTest, MultipartPutSendsStorageClassOnCreateAndPartsInOrder) {
  Start(MultipartService());
  ASSERT_TRUE(store_->SetStorageClass("bkt", "big/", "GLACIER_IR").ok());
  std::string bytes(11 * kMiB + 3, 'x');
  ASSERT_TRUE(store_->Put("bkt", "big/obj", bytes, PutMode::kOverwrite).ok());
  EXPECT_EQ(Steps(), (std::vector<std::string>{
                         "POST /bkt/big/obj uploads", "PUT /bkt/big/obj partNumber uploadId",
                         "PUT /bkt/big/obj partNumber uploadId",
                         "PUT /bkt/big/obj partNumber uploadId", "POST /bkt/big/obj uploadId"}));
  std::vector<Recorded> requests = fake_->requests();
  EXPECT_EQ(requests[0].Header("x-amz-storage-class"), "GLACIER_IR");
  EXPECT_NE(requests[0].Header("Authorization").find("x-amz-storage-class"), std::string::npos);
  for (int i = 1; i <= 3; ++i) {
    EXPECT_EQ(requests[i].params.find("partNumber")->second, std::to_string(i));
    EXPECT_EQ(requests[i].params.find("uploadId")->second, "UP-1");
    EXPECT_FALSE(requests[i].headers.count("x-amz-storage-class")) << "a part carries the class";
  }
  EXPECT_EQ(requests[1].body_size, static_cast<size_t>(5 * kMiB));
  EXPECT_EQ(requests[2].body_size, static_cast<size_t>(5 * kMiB));
  EXPECT_EQ(requests[3].body_size, static_cast<size_t>(kMiB + 3));
  ExpectAllSigned();
}

TEST_F(FakeS3StoreTest, ObjectAtThresholdIsOnePut) {
  Start(MultipartService());
  ASSERT_TRUE(store_->Put("bkt", "k", std::string(5 * kMiB, 'y'), PutMode::kOverwrite).ok());
  EXPECT_EQ(Steps(), (std::vector<std::string>{"PUT /bkt/k"}));
}

TEST_F(FakeS3StoreTest, AnyMultipartFailureAbortsTheUpload) {
  for (const char* fail : {"part-2", "complete", "complete-200-error"}) {
    SCOPED_TRACE(fail);
    Start(MultipartService(fail));
    Status status = store_->Put("bkt", "k", std::string(11 * kMiB, 'z'), PutMode::kOverwrite);
    EXPECT_FALSE(status.ok());
    EXPECT_NE(status.message().find("bkt/k"), std::string::npos) << status.message();
    std::vector<std::string> steps = Steps();
    ASSERT_FALSE(steps.empty());
    EXPECT_EQ(steps.back(), "DELETE /bkt/k uploadId") << "no abort after " << fail;
    EXPECT_EQ(fake_->requests().back().params.find("uploadId")->second, "UP-1");
  }
}

TEST_F(FakeS3StoreTest, FailedCreateSendsNoPartsAndNoAbort) {
  Start(MultipartService("create"));
  Status status = store_->Put("bkt", "k", std::string(6 * kMiB, 'z'), PutMode::kOverwrite);
  EXPECT_EQ(status.code(), StatusCode::kPermissionDenied) << status.ToString();
  EXPECT_EQ(Steps(), (std::vector<std::string>{"POST /bkt/k uploads"}));
}

TEST_F(FakeS3StoreTest, CreateOnlyMultipartCompletesWithIfNoneMatch) {
  Start(MultipartService());
  ASSERT_TRUE(store_->Put("bkt", "k", std::string(6 * kMiB, 'c'), PutMode::kCreateOnly).ok());
  EXPECT_EQ(Steps(), (std::vector<std::string>{
                         "HEAD /bkt/k", "POST /bkt/k uploads", "PUT /bkt/k partNumber uploadId",
                         "PUT /bkt/k partNumber uploadId", "POST /bkt/k uploadId if-none-match"}));
}

TEST_F(FakeS3StoreTest, CreateOnlyMultipartFallsBackWhereCompletionIgnoresConditions) {
  Start(MultipartService("complete-if-none-match-501"));
  ASSERT_TRUE(store_->Put("bkt", "k", std::string(6 * kMiB, 'c'), PutMode::kCreateOnly).ok());
  std::vector<std::string> steps = Steps();
  ASSERT_GE(steps.size(), 3u);
  // The upload stays open after the refusal, so it is completed again, after a HEAD.
  EXPECT_EQ(std::vector<std::string>(steps.end() - 3, steps.end()),
            (std::vector<std::string>{"POST /bkt/k uploadId if-none-match", "HEAD /bkt/k",
                                      "POST /bkt/k uploadId"}));
  // Later create-only uploads skip the header the service refused.
  ASSERT_TRUE(store_->Put("bkt", "k2", std::string(6 * kMiB, 'c'), PutMode::kCreateOnly).ok());
  EXPECT_EQ(Steps().back(), "POST /bkt/k2 uploadId");
}

TEST_F(FakeS3StoreTest, VirtualHostedRequestsCarryBucketInHost) {
  Start(MultipartService(), /*path_style=*/false);
  ASSERT_TRUE(store_->Put("my-bkt", "dir/a b+c", "v", PutMode::kOverwrite).ok());
  std::vector<Recorded> requests = fake_->requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].Header("Host"), "my-bkt.localhost:" + std::to_string(fake_->port()));
  EXPECT_EQ(requests[0].target, "/dir/a%20b%2Bc");
  ExpectAllSigned();
  Result<std::string> url = store_->PresignGet("my-bkt", "dir/a b+c", 60);
  ASSERT_TRUE(url.ok()) << url.status().ToString();
  EXPECT_TRUE(url->starts_with("http://my-bkt.localhost:" + std::to_string(fake_->port()) +
                               "/dir/a%20b%2Bc?X-Amz-Algorithm=AWS4-HMAC-SHA256&"))
      << *url;
}

// ---- Secrets never appear in errors ----

void ExpectNoSecret(const Status& status) {
  EXPECT_FALSE(status.ok());
  EXPECT_EQ(status.message().find(kSecret), std::string::npos) << status.message();
  EXPECT_EQ(status.message().find(kToken), std::string::npos) << status.message();
}

TEST_F(FakeS3StoreTest, ErrorsNeverCarryTheSecretKeyOrSessionToken) {
  // A service that echoes every request header back in its error message, as a careless proxy
  // might, still cannot make the store repeat the secret key: it is never sent, only used to
  // sign. (The session token is sent, as S3 requires, so such a service could echo that.)
  fake_ = std::make_unique<FakeS3>([](const Recorded& r, httplib::Response& response) {
    std::string everything;
    for (const auto& [name, value] : r.headers) everything += name + ": " + value + "; ";
    Xml(response, 403,
        "<Error><Code>SignatureDoesNotMatch</Code><Message>" + everything + "</Message></Error>");
  });
  S3Options options = FakeOptions("http://127.0.0.1:" + std::to_string(fake_->port()));
  options.session_token = kToken;
  Result<std::unique_ptr<S3ObjectStore>> opened = S3ObjectStore::Open(options);
  ASSERT_TRUE(opened.ok());
  ASSERT_EQ(fake_->requests().size(), 0u);
  Status put = (*opened)->Put("bkt", "k", "v", PutMode::kOverwrite);
  EXPECT_EQ(put.code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(put.message().find(kSecret), std::string::npos) << put.message();
  for (const Recorded& r : fake_->requests()) {
    for (const auto& [name, value] : r.headers) {
      EXPECT_EQ(value.find(kSecret), std::string::npos) << name << " carries the secret";
    }
  }
}

TEST(S3SecretsTest, FailuresBeforeAnyAnswerNeverCarryTheSecret) {
  // Credentials written into the endpoint are refused without repeating them.
  for (std::string endpoint : {std::string("http://") + kAccessKey + ":" + kSecret + "@h:9000",
                               std::string("ftp://u:") + kSecret + "@h"}) {
    S3Options options = FakeOptions(endpoint);
    Status status = S3ObjectStore::Open(options).status();
    EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
    ExpectNoSecret(status);
  }
  // Nothing listens on port 9 of loopback: a transport failure.
  S3Options options = FakeOptions("http://127.0.0.1:9");
  options.session_token = kToken;
  options.connect_timeout_ms = 2000;
  Result<std::unique_ptr<S3ObjectStore>> store = S3ObjectStore::Open(options);
  ASSERT_TRUE(store.ok());
  Status put = (*store)->Put("bkt", "k", "v", PutMode::kOverwrite);
  EXPECT_EQ(put.code(), StatusCode::kUnavailable) << put.ToString();
  ExpectNoSecret(put);
  ExpectNoSecret((*store)->Get("bkt", "k").status());
  ExpectNoSecret((*store)->PresignGet("bkt", "k", 0).status());
  ExpectNoSecret((*store)->PresignPut("bkt", "k", s3::kMaxPresignExpiresSeconds + 1).status());
  // A region the signer refuses fails at the first request, naming the region only.
  S3Options bad_region = FakeOptions("http://127.0.0.1:9");
  bad_region.region = "us/east";
  Result<std::unique_ptr<S3ObjectStore>> odd = S3ObjectStore::Open(bad_region);
  ASSERT_TRUE(odd.ok());
  ExpectNoSecret((*odd)->Put("bkt", "k", "v", PutMode::kOverwrite));
}

}  // namespace
}  // namespace xronox::store
