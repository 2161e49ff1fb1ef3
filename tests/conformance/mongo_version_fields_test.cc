// MongoDB version documents written before they carried `fields` (by an earlier release): the
// next process that opens the collection gives each one its fields before it creates the index
// on them, so a version query by field finds those versions too.
#include "conformance/hot_store_backends.h"
#include "store/hot/mongo/mongo_docs.h"
#include "store/hot/mongo/mongo_handles.h"

namespace xronox::store {
namespace {

using testing::MakeVersion;

TEST(MongoVersionFieldsTest, VersionsOfAnEarlierReleaseAreFoundByField) {
  const char* uri = EnvOrNull("XRONOX_TEST_MONGO_URI");
  if (uri == nullptr) {
    const char* required = EnvOrNull("XRONOX_REQUIRE_SERVICES");
    if (required != nullptr && std::string(required) == "1") {
      FAIL() << "XRONOX_TEST_MONGO_URI is not set but XRONOX_REQUIRE_SERVICES=1";
    }
    GTEST_SKIP() << "XRONOX_TEST_MONGO_URI is not set (scripts/test-services.sh start)";
  }
  MongoOptions options;
  options.database_prefix = xronox::testing::UniqueDatabasePrefix();
  const CollectionRef ref{"appdb", "items", true};
  {
    HOT_ASSERT_OK_AND_ASSIGN(std::unique_ptr<MongoHotStore> earlier,
                             MongoHotStore::Open(uri, options));
    HOT_ASSERT_OK(earlier->EnsureCollection(ref, {}));
    VersionRow old = MakeVersion("r1", 0, 100);
    old.changed_fields = R"(["address"])";  // A top-level name, as older versions hold.
    HOT_ASSERT_OK(earlier->InsertVersion(ref, old));
  }
  // What an earlier release left: documents without `fields`, and no index on them.
  MongoRuntime::Get();
  MongoClient client(mongoc_client_new(uri));
  ASSERT_NE(client, nullptr);
  MongoCollection ver(mongoc_client_get_collection(
      client.get(), (options.database_prefix + ref.db).c_str(), "items_ver"));
  Bson all, unset, reply;
  bson_t fields;
  BSON_APPEND_DOCUMENT_BEGIN(unset.get(), "$unset", &fields);
  BSON_APPEND_UTF8(&fields, "fields", "");
  bson_append_document_end(unset.get(), &fields);
  bson_error_t error;
  ASSERT_TRUE(mongoc_collection_update_many(ver.get(), all.get(), unset.get(), nullptr,
                                            reply.Reply(), &error))
      << error.message;
  ASSERT_TRUE(mongoc_collection_drop_index(ver.get(), "fields_at_id_version", &error))
      << error.message;

  HOT_ASSERT_OK_AND_ASSIGN(std::unique_ptr<MongoHotStore> later, MongoHotStore::Open(uri, options));
  HOT_ASSERT_OK(later->EnsureCollection(ref, {}));
  for (const char* field : {"/address", "/address/city"}) {
    HOT_ASSERT_OK_AND_ASSIGN(std::vector<VersionRow> found,
                             later->ScanVersions(ref, {.field = field}, std::nullopt, 10));
    ASSERT_EQ(found.size(), 1u) << field;
    EXPECT_EQ(found[0].id, "r1");
  }
  HOT_ASSERT_OK(later->DropPrefixedDatabases());
}

}  // namespace
}  // namespace xronox::store
