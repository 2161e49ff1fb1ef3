// Smoke tests of the real test services (docs/architecture.md, "Test services") that
// scripts/test.sh starts: an S3 server (versitygw) driven with our own SigV4 signer over plain
// HTTP, and a MongoDB wire server (FerretDB) driven with libmongoc. They prove the services answer
// before any store is built on them, and prove the signer against a real S3 server.
//
// Endpoints come from XRONOX_TEST_S3_* and XRONOX_TEST_MONGO_URI (scripts/test-services.sh
// start writes them to an env file). Unset, the tests skip, unless XRONOX_REQUIRE_SERVICES=1
// (set by scripts/test.sh), where they fail: a backend that should have run must not vanish.
#include <gtest/gtest.h>
#include <httplib.h>
#include <mongoc/mongoc.h>

#include <cstdlib>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <string_view>

#include "common/clock.h"
#include "common/hash.h"
#include "store/object/s3/sigv4.h"
#include "store/object/s3/uri_encode.h"

namespace xronox::testing {
namespace {

namespace s3 = xronox::store::s3;

/// The value of environment variable `name`, or nullopt when unset or empty.
std::optional<std::string> Env(const char* name) {
  const char* value = std::getenv(name);
  if (value == nullptr || *value == '\0') return std::nullopt;
  return std::string(value);
}

bool ServicesRequired() {
  return Env("XRONOX_REQUIRE_SERVICES") == std::optional<std::string>("1");
}

/// Read `name` into `out`; when it is unset, fail the test if services are required, else skip
/// it. Use as `REQUIRE_SERVICE_ENV(name, out)` in SetUp or a test body.
#define REQUIRE_SERVICE_ENV(name, out)                                                       \
  do {                                                                                       \
    std::optional<std::string> value_ = Env(name);                                           \
    if (!value_) {                                                                           \
      if (ServicesRequired()) {                                                              \
        FAIL() << name                                                                       \
               << " is not set but XRONOX_REQUIRE_SERVICES=1: the test service did "         \
                  "not start (scripts/test.sh starts it with scripts/test-services.sh)";     \
      }                                                                                      \
      GTEST_SKIP() << name                                                                   \
                   << " is not set: no test service to run against (start them with "        \
                      "scripts/test-services.sh start, then source the env file it prints)"; \
    }                                                                                        \
    out = *value_;                                                                           \
  } while (false)

/// A lowercase name unique enough for one run: "<prefix>-<16 hex digits>".
std::string UniqueName(const std::string& prefix) {
  std::random_device device;
  uint64_t bits = (static_cast<uint64_t>(device()) << 32) | device();
  return prefix + "-" + HexEncode(std::string(reinterpret_cast<const char*>(&bits), sizeof bits));
}

// ---- S3 (versitygw) with our SigV4 signer ----

struct S3Reply {
  int status = 0;  ///< 0 when the request failed at the transport level.
  std::string body;
};

class S3ServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string endpoint;
    REQUIRE_SERVICE_ENV("XRONOX_TEST_S3_ENDPOINT", endpoint);
    REQUIRE_SERVICE_ENV("XRONOX_TEST_S3_ACCESS_KEY", credentials_.access_key);
    REQUIRE_SERVICE_ENV("XRONOX_TEST_S3_SECRET_KEY", credentials_.secret_key);
    region_ = Env("XRONOX_TEST_S3_REGION").value_or("us-east-1");
    const std::string scheme = "http://";
    ASSERT_EQ(endpoint.rfind(scheme, 0), 0u) << "XRONOX_TEST_S3_ENDPOINT must be http://host:port";
    host_ = endpoint.substr(scheme.size());
    if (!host_.empty() && host_.back() == '/') host_.pop_back();
    client_ = std::make_unique<httplib::Client>(endpoint);
    client_->set_url_encode(false);  // Paths go out exactly as signed (encoded once, by us).
    client_->set_connection_timeout(10, 0);
    client_->set_read_timeout(30, 0);
  }

  /// Sign (with `credentials`) and send one request; `path` and `query` are raw (unencoded).
  S3Reply Send(const std::string& method, const std::string& path, const s3::NameValues& query,
               const std::string& body, const s3::SigV4Credentials& credentials) {
    s3::SigV4Request to_sign{.method = method,
                             .host = host_,
                             .path = path,
                             .query = query,
                             .headers = {},
                             .payload_sha256 = Sha256Hex(body)};
    Result<s3::NameValues> signed_headers =
        s3::SignHeaders(to_sign, credentials, region_, "s3", SystemClock::Default()->NowMicros());
    if (!signed_headers.ok()) {
      ADD_FAILURE() << "SignHeaders: " << signed_headers.status().ToString();
      return {};
    }
    httplib::Request request;
    request.method = method;
    request.path = s3::UriEncodePath(path);
    if (!query.empty()) request.path += "?" + s3::CanonicalQueryString(query);
    request.headers.emplace("Host", host_);
    for (const auto& [name, value] : *signed_headers) request.headers.emplace(name, value);
    if (!body.empty()) request.headers.emplace("Content-Type", "application/octet-stream");
    request.body = body;
    httplib::Result result = client_->send(request);
    if (!result) return {};
    return {result->status, result->body};
  }
  S3Reply Send(const std::string& method, const std::string& path, const s3::NameValues& query = {},
               const std::string& body = "") {
    return Send(method, path, query, body, credentials_);
  }

  s3::SigV4Credentials credentials_;
  std::string region_;
  std::string host_;  ///< "127.0.0.1:port", the Host header sent and signed.
  std::unique_ptr<httplib::Client> client_;
};

TEST_F(S3ServiceTest, SignedRequestsRoundTripAnObject) {
  const std::string bucket = UniqueName("xronox-smoke");
  // A key that needs percent-encoding (space, non-ASCII) proves the path is signed as sent.
  const std::string key = "dir/hello world-\xC3\xBC.bin";
  std::string payload;
  for (int i = 0; i < 1024; ++i) payload += static_cast<char>(i % 256);  // Every byte value.

  S3Reply created = Send("PUT", "/" + bucket);
  ASSERT_EQ(created.status, 200) << "CreateBucket: " << created.body;

  S3Reply put = Send("PUT", "/" + bucket + "/" + key, {}, payload);
  ASSERT_EQ(put.status, 200) << "PutObject: " << put.body;

  S3Reply got = Send("GET", "/" + bucket + "/" + key);
  ASSERT_EQ(got.status, 200) << "GetObject: " << got.body;
  EXPECT_TRUE(got.body == payload) << "GetObject returned " << got.body.size()
                                   << " bytes that differ from the " << payload.size() << " put";

  // Query parameters are signed too ("dir/" encodes its '/').
  S3Reply listed = Send("GET", "/" + bucket, {{"list-type", "2"}, {"prefix", "dir/"}});
  ASSERT_EQ(listed.status, 200) << "ListObjectsV2: " << listed.body;
  EXPECT_NE(listed.body.find("<Key>" + key + "</Key>"), std::string::npos) << listed.body;

  S3Reply removed = Send("DELETE", "/" + bucket + "/" + key);
  EXPECT_EQ(removed.status, 204) << "DeleteObject: " << removed.body;
  S3Reply dropped = Send("DELETE", "/" + bucket);
  EXPECT_EQ(dropped.status, 204) << "DeleteBucket: " << dropped.body;
}

TEST_F(S3ServiceTest, WrongSecretIsRefused) {
  s3::SigV4Credentials wrong = credentials_;
  wrong.secret_key += "-wrong";
  S3Reply refused = Send("GET", "/", {}, "", wrong);
  EXPECT_EQ(refused.status, 403) << refused.body;
  EXPECT_NE(refused.body.find("SignatureDoesNotMatch"), std::string::npos) << refused.body;

  // The same request with the right secret is accepted (ListBuckets).
  S3Reply accepted = Send("GET", "/");
  EXPECT_EQ(accepted.status, 200) << accepted.body;
}

// ---- MongoDB wire (FerretDB) with libmongoc ----

/// libmongoc's log, less the one warning FerretDB v1 always causes: a client that used
/// sessions sends "endSessions" when destroyed, a command FerretDB v1 does not have.
void LogHandler(mongoc_log_level_t level, const char* domain, const char* message, void* data) {
  if (level == MONGOC_LOG_LEVEL_WARNING &&
      std::string_view(message).find("\"endSessions\"") != std::string_view::npos) {
    return;
  }
  mongoc_log_default_handler(level, domain, message, data);
}

/// mongoc_init() once per process, mongoc_cleanup() at exit.
void EnsureMongocInitialized() {
  struct Library {
    Library() {
      mongoc_init();
      mongoc_log_set_handler(LogHandler, nullptr);
    }
    ~Library() { mongoc_cleanup(); }
  };
  static Library library;
}

struct UriDeleter {
  void operator()(mongoc_uri_t* u) const { mongoc_uri_destroy(u); }
};
struct ClientDeleter {
  void operator()(mongoc_client_t* c) const { mongoc_client_destroy(c); }
};
struct DatabaseDeleter {
  void operator()(mongoc_database_t* d) const { mongoc_database_destroy(d); }
};
struct CollectionDeleter {
  void operator()(mongoc_collection_t* c) const { mongoc_collection_destroy(c); }
};
struct CursorDeleter {
  void operator()(mongoc_cursor_t* c) const { mongoc_cursor_destroy(c); }
};
using UriPtr = std::unique_ptr<mongoc_uri_t, UriDeleter>;
using ClientPtr = std::unique_ptr<mongoc_client_t, ClientDeleter>;
using DatabasePtr = std::unique_ptr<mongoc_database_t, DatabaseDeleter>;
using CollectionPtr = std::unique_ptr<mongoc_collection_t, CollectionDeleter>;
using CursorPtr = std::unique_ptr<mongoc_cursor_t, CursorDeleter>;

/// An owned heap document (from BCON_NEW); a class, not a unique_ptr, because bson_t's
/// alignment attribute does not survive as a template argument.
class BsonPtr {
 public:
  explicit BsonPtr(bson_t* doc) : doc_(doc) {}
  ~BsonPtr() {
    if (doc_ != nullptr) bson_destroy(doc_);
  }
  BsonPtr(const BsonPtr&) = delete;
  BsonPtr& operator=(const BsonPtr&) = delete;
  bson_t* get() const { return doc_; }

 private:
  bson_t* doc_;
};

/// A reply document that libmongoc initialises (also on error); destroyed with the object.
class BsonReply {
 public:
  BsonReply() { bson_init(&doc_); }
  ~BsonReply() { bson_destroy(&doc_); }
  BsonReply(const BsonReply&) = delete;
  BsonReply& operator=(const BsonReply&) = delete;
  bson_t* get() { return &doc_; }
  std::string Json() const {
    char* text = bson_as_canonical_extended_json(&doc_, nullptr);
    std::string out = text != nullptr ? text : "(not BSON)";
    bson_free(text);
    return out;
  }

 private:
  bson_t doc_;
};

/// The number at `key` in `doc` (double, int32 or int64), or nullopt.
std::optional<double> NumberField(const bson_t* doc, const char* key) {
  bson_iter_t it;
  if (!bson_iter_init_find(&it, doc, key)) return std::nullopt;
  if (!BSON_ITER_HOLDS_NUMBER(&it)) return std::nullopt;
  return bson_iter_as_double(&it);
}

/// The UTF-8 string at `key` in `doc`, or nullopt.
std::optional<std::string> StringField(const bson_t* doc, const char* key) {
  bson_iter_t it;
  if (!bson_iter_init_find(&it, doc, key) || !BSON_ITER_HOLDS_UTF8(&it)) return std::nullopt;
  uint32_t length = 0;
  const char* text = bson_iter_utf8(&it, &length);
  return std::string(text, length);
}

class MongoWireServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string uri_text;
    REQUIRE_SERVICE_ENV("XRONOX_TEST_MONGO_URI", uri_text);
    EnsureMongocInitialized();
    bson_error_t error;
    UriPtr uri(mongoc_uri_new_with_error(uri_text.c_str(), &error));
    ASSERT_NE(uri, nullptr) << "XRONOX_TEST_MONGO_URI '" << uri_text << "': " << error.message;
    mongoc_uri_set_option_as_int32(uri.get(), MONGOC_URI_SERVERSELECTIONTIMEOUTMS, 10000);
    mongoc_uri_set_option_as_int32(uri.get(), MONGOC_URI_CONNECTTIMEOUTMS, 10000);
    client_.reset(mongoc_client_new_from_uri_with_error(uri.get(), &error));
    ASSERT_NE(client_, nullptr) << error.message;
    mongoc_client_set_appname(client_.get(), "xronox-service-smoke-test");
  }

  ClientPtr client_;
};

TEST_F(MongoWireServiceTest, PingThenInsertAndFindOneDocument) {
  bson_error_t error;
  {
    BsonPtr ping(BCON_NEW("ping", BCON_INT32(1)));
    BsonReply reply;
    ASSERT_TRUE(mongoc_client_command_simple(client_.get(), "admin", ping.get(), nullptr,
                                             reply.get(), &error))
        << "ping: " << error.message;
    EXPECT_EQ(NumberField(reply.get(), "ok"), std::optional<double>(1.0)) << reply.Json();
  }
  {
    BsonPtr build_info(BCON_NEW("buildInfo", BCON_INT32(1)));
    BsonReply reply;
    ASSERT_TRUE(mongoc_client_command_simple(client_.get(), "admin", build_info.get(), nullptr,
                                             reply.get(), &error))
        << "buildInfo: " << error.message;
    std::cout << "[          ] mongo-wire server reports version "
              << StringField(reply.get(), "version").value_or("(none)") << "\n";
  }

  const std::string db_name = UniqueName("xronox_smoke");
  DatabasePtr database(mongoc_client_get_database(client_.get(), db_name.c_str()));
  CollectionPtr collection(mongoc_client_get_collection(client_.get(), db_name.c_str(), "docs"));
  ASSERT_NE(database, nullptr);
  ASSERT_NE(collection, nullptr);

  const std::string text = "h\xC3\xA9llo, w\xC3\xB6rld";  // Non-ASCII UTF-8 round-trips.
  BsonPtr document(BCON_NEW("_id", BCON_UTF8("doc-1"), "n", BCON_INT64(42), "text",
                            BCON_UTF8(text.c_str()), "nested", "{", "a", BCON_DOUBLE(1.5), "}"));
  {
    BsonReply reply;
    ASSERT_TRUE(mongoc_collection_insert_one(collection.get(), document.get(), nullptr, reply.get(),
                                             &error))
        << "insert_one: " << error.message << " " << reply.Json();
    EXPECT_EQ(NumberField(reply.get(), "insertedCount"), std::optional<double>(1.0))
        << reply.Json();
  }

  BsonPtr filter(BCON_NEW("_id", BCON_UTF8("doc-1")));
  CursorPtr cursor(
      mongoc_collection_find_with_opts(collection.get(), filter.get(), nullptr, nullptr));
  ASSERT_NE(cursor, nullptr);
  const bson_t* found = nullptr;
  int count = 0;
  while (mongoc_cursor_next(cursor.get(), &found)) {
    ++count;
    EXPECT_EQ(StringField(found, "_id"), std::optional<std::string>("doc-1"));
    EXPECT_EQ(NumberField(found, "n"), std::optional<double>(42));
    EXPECT_EQ(StringField(found, "text"), std::optional<std::string>(text));
    bson_iter_t it, child;
    ASSERT_TRUE(bson_iter_init(&it, found) && bson_iter_find_descendant(&it, "nested.a", &child));
    EXPECT_EQ(bson_iter_as_double(&child), 1.5);
  }
  ASSERT_FALSE(mongoc_cursor_error(cursor.get(), &error)) << "find: " << error.message;
  EXPECT_EQ(count, 1);
  cursor.reset();

  EXPECT_TRUE(mongoc_database_drop(database.get(), &error)) << "dropDatabase: " << error.message;
}

}  // namespace
}  // namespace xronox::testing
