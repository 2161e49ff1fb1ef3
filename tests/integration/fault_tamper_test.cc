// Tamper detection on MongoDB + S3 (docs/formats/write-protocol.md: each version records the hash
// of its payload and of the previous version, so verify detects any tampering).
//
// The test writes a few runtime versions through the public API, then alters the stored state
// behind the store's back, one change at a time: the bytes of a version object in S3 (through
// S3ObjectStore), and fields of a version index entry in MongoDB's `{c}_ver` collection
// (through libmongoc; docs/formats/mongo-layout.md). Each change must make Verify report a
// problem naming the record and version, and `xronox --config FILE verify` exit 2; undoing
// it makes verify clean again.
#include <gtest/gtest.h>
#include <mongoc/mongoc.h>

#include "common/hash.h"
#include "integration/fault_support.h"

namespace xronox::testing {
namespace {

constexpr const char* kTenant = "crash";

class FaultTamperTest : public ::testing::Test {
 protected:
  void SetUp() override {
    XRONOX_REQUIRE_MONGO_AND_S3();
    ASSERT_FALSE(std::string(XRONOX_CLI_BINARY).empty());
    services_ = std::make_unique<ServiceStore>();
    config_ = services_->WriteConfigFile(dir_.path());
    auto store = services_->Open();
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(store).value();
    auto ledger = store_->With({DatabaseType::kRuntime, Tier::kTenant, kTenant, "ledger"});
    ASSERT_TRUE(ledger.ok()) << ledger.status().ToString();
    ledger_ = std::make_unique<Collection>(*ledger);
    WriteOptions by;
    by.actor = "alice";
    by.reason = "tamper test";
    by.on_behalf_of = "customer-7";
    for (const std::string id : {"r0", "r1"}) {
      for (int v = 0; v < 3; ++v) {
        Json data = {{"amount", 100 * v}, {"note", v == 1 ? std::string(20000, 'x') : "small"}};
        auto written = ledger_->Put(id, data, by);
        ASSERT_TRUE(written.ok()) << written.status().ToString();
      }
    }
    ExpectClean("before tampering");
    s3_ = std::move(store::S3ObjectStore::Open(TestS3Options())).value();
    store::MongoRuntime::Get();
    mongo_.reset(mongoc_client_new(EnvValue("XRONOX_TEST_MONGO_URI")->c_str()));
    ASSERT_NE(mongo_, nullptr);
  }

  // Verify through the library and the CLI finds no problem.
  void ExpectClean(const std::string& when) {
    auto report = ledger_->Verify(/*repair=*/false);
    ASSERT_TRUE(report.ok()) << report.status().ToString();
    for (const std::string& problem : report->problems) ADD_FAILURE() << when << ": " << problem;
    auto [end, out] = Cli();
    EXPECT_EQ(end.exit_code, 0) << when << ": xronox verify " << end.Describe() << "\n" << out;
  }

  // Verify through the library reports a problem that starts with `where` (and names what);
  // the CLI exits 2 and names it too.
  void ExpectProblem(const std::string& where, const std::string& what) {
    auto report = ledger_->Verify(/*repair=*/false);
    ASSERT_TRUE(report.ok()) << report.status().ToString();
    bool found = false;
    for (const std::string& problem : report->problems) {
      std::cout << what << ": verify reports: " << problem << "\n";
      found |= problem.starts_with(where);
    }
    EXPECT_TRUE(found) << what << ": no verify problem names " << where;
    auto [end, out] = Cli();
    EXPECT_EQ(end.exit_code, 2) << what << ": xronox verify " << end.Describe() << "\n" << out;
    EXPECT_NE(out.find(where), std::string::npos) << what << ": xronox verify says:\n" << out;
  }

  std::pair<ProcessEnd, std::string> Cli() {
    return RunCapturing(XRONOX_CLI_BINARY, {"--config", config_, "verify"}, dir_.path(),
                        std::chrono::seconds(60));
  }

  // Set `field` of the `{c}_ver` entry of (id, version) to `value`; returns the old value.
  std::string SetIndexField(const std::string& id, int64_t version, const char* field,
                            const std::string& value) {
    std::string db = services_->RuntimeDbName(kTenant);
    store::MongoCollection ver(
        mongoc_client_get_collection(mongo_.get(), db.c_str(), "ledger_ver"));
    store::Bson filter, update, reply;
    BSON_APPEND_UTF8(filter.get(), "id", id.c_str());
    BSON_APPEND_INT64(filter.get(), "version", version);
    std::string old = ReadIndexField(ver.get(), filter.get(), field);
    bson_t set;
    BSON_APPEND_DOCUMENT_BEGIN(update.get(), "$set", &set);
    BSON_APPEND_UTF8(&set, field, value.c_str());
    bson_append_document_end(update.get(), &set);
    bson_error_t error;
    EXPECT_TRUE(mongoc_collection_update_one(ver.get(), filter.get(), update.get(), nullptr,
                                             reply.Reply(), &error))
        << "update " << db << ".ledger_ver: " << error.message;
    return old;
  }

  static std::string ReadIndexField(mongoc_collection_t* ver, const bson_t* filter,
                                    const char* field) {
    store::MongoCursor cursor(mongoc_collection_find_with_opts(ver, filter, nullptr, nullptr));
    const bson_t* doc = nullptr;
    bson_iter_t iter;
    if (!mongoc_cursor_next(cursor.get(), &doc) || !bson_iter_init_find(&iter, doc, field)) {
      ADD_FAILURE() << "no index entry with field " << field;
      return "";
    }
    return bson_iter_utf8(&iter, nullptr);
  }

  std::string VersionKey(const std::string& id, int64_t version) const {
    return "versions/ledger/" + id + "/v" + std::to_string(version) + ".json";
  }

  TempDir dir_;
  std::unique_ptr<ServiceStore> services_;
  std::string config_;
  std::unique_ptr<Xronox> store_;
  std::unique_ptr<Collection> ledger_;
  std::unique_ptr<store::S3ObjectStore> s3_;
  store::MongoClient mongo_;
};

TEST_F(FaultTamperTest, AlteredVersionObjectInS3IsReported) {
  std::string bucket = services_->RuntimeBucket(kTenant, "versions");
  for (int64_t version : {0, 1}) {  // An inline payload, and one over the inline limit.
    std::string key = VersionKey("r0", version);
    auto original = s3_->Get(bucket, key);
    ASSERT_TRUE(original.ok()) << original.status().ToString();
    Json altered = Json::parse(*original);
    altered["data"]["amount"] = 1'000'000;
    ASSERT_TRUE(s3_->Put(bucket, key, altered.dump(), store::PutMode::kOverwrite).ok());
    ExpectProblem("record 'r0' v" + std::to_string(version), "object " + key + " altered");
    ASSERT_TRUE(s3_->Put(bucket, key, *original, store::PutMode::kOverwrite).ok());
    ExpectClean("object " + key + " restored");
  }
}

TEST_F(FaultTamperTest, AlteredVersionIndexEntryInMongoIsReported) {
  struct Change {
    int64_t version;
    const char* field;
    std::string value;
  };
  for (const Change& change :
       {Change{1, "actor", "mallory"}, Change{2, "reason", "forged"},
        Change{1, "entry_hash", Sha256Hex("forged")}, Change{0, "prev_hash", Sha256Hex("forged")},
        Change{2, "changed_fields", "[]"}, Change{1, "on_behalf_of", "customer-8"}}) {
    std::string what = std::string("index entry field ") + change.field + " of r1 v" +
                       std::to_string(change.version) + " altered";
    std::string old = SetIndexField("r1", change.version, change.field, change.value);
    ExpectProblem("record 'r1' v" + std::to_string(change.version), what);
    SetIndexField("r1", change.version, change.field, old);
    ExpectClean(what + ", then restored");
  }
}

}  // namespace
}  // namespace xronox::testing
