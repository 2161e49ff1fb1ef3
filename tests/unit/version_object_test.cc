// Version objects (encode/decode), changed fields, dotted paths, indexed values.
#include "engine/version_object.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace xronox {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr TimestampMicros k2024Jan1Ten = 1'704'103'200'000'000;

VersionObject SampleObject() {
  VersionObject o;
  o.collection = "tasks";
  o.id = "t1";
  o.version = 2;
  o.op = Operation::kUpdate;
  o.actor = "alice";
  o.reason = "fix";
  o.at = k2024Jan1Ten + 5;
  o.changed_fields = {"status"};
  o.data = {{"status", "done"}, {"n", 1}};
  o.prev_hash = "abc123";
  return o;
}

void ExpectSame(const VersionObject& a, const VersionObject& b) {
  EXPECT_EQ(a.collection, b.collection);
  EXPECT_EQ(a.id, b.id);
  EXPECT_EQ(a.version, b.version);
  EXPECT_EQ(a.op, b.op);
  EXPECT_EQ(a.actor, b.actor);
  EXPECT_EQ(a.reason, b.reason);
  EXPECT_EQ(a.at, b.at);
  EXPECT_EQ(a.changed_fields, b.changed_fields);
  EXPECT_EQ(a.deleted, b.deleted);
  EXPECT_EQ(a.data, b.data);
  EXPECT_EQ(a.prev_hash, b.prev_hash);
  EXPECT_EQ(a.idempotency_key, b.idempotency_key);
}

VersionObject RoundTrip(const VersionObject& object) {
  Result<std::string> bytes = EncodeVersionObject(object);
  EXPECT_TRUE(bytes.ok()) << bytes.status().message();
  if (!bytes.ok()) return {};
  Result<VersionObject> decoded = DecodeVersionObject(*bytes);
  EXPECT_TRUE(decoded.ok()) << decoded.status().message();
  return decoded.ok() ? *decoded : VersionObject{};
}

// Decodes `bytes`, expecting Corruption (and no exception).
void ExpectCorrupt(const std::string& bytes) {
  Result<VersionObject> decoded = DecodeVersionObject(bytes);
  ASSERT_FALSE(decoded.ok()) << "accepted " << bytes;
  EXPECT_EQ(decoded.status().code(), StatusCode::kCorruption) << bytes;
}

// The encoded sample with `edit` applied to its JSON.
template <typename Edit>
std::string EditedSample(Edit edit) {
  Json j = Json::parse(*EncodeVersionObject(SampleObject()));
  edit(j);
  return j.dump();
}

// ---- Encode / decode ----

TEST(VersionObjectTest, EncodingIsStableCompactJsonWithSortedKeys) {
  // These bytes are hashed into the chain; a change here breaks every stored chain.
  Result<std::string> bytes = EncodeVersionObject(SampleObject());
  ASSERT_TRUE(bytes.ok());
  EXPECT_EQ(*bytes,
            R"({"actor":"alice","at":"2024-01-01T10:00:00.000005Z","atMicros":1704103200000005,)"
            R"("changedFields":["status"],"collection":"tasks","data":{"n":1,"status":"done"},)"
            R"("deleted":false,"format":"xronox.version/1","id":"t1","op":"update",)"
            R"("prevHash":"abc123","reason":"fix","version":2})");
  EXPECT_EQ(*EncodeVersionObject(SampleObject()), *bytes);
}

TEST(VersionObjectTest, FirstVersionHasNullPrevHashAndNoIdempotencyKey) {
  VersionObject o = SampleObject();
  o.version = 0;
  o.op = Operation::kCreate;
  o.prev_hash.clear();
  Json j = Json::parse(*EncodeVersionObject(o));
  EXPECT_TRUE(j.at("prevHash").is_null());
  EXPECT_FALSE(j.contains("idempotencyKey"));
  ExpectSame(RoundTrip(o), o);
}

TEST(VersionObjectTest, RoundTripsEveryField) {
  VersionObject o = SampleObject();
  o.idempotency_key = "key-1";
  o.changed_fields = {"a", "b.c", "$x"};
  o.data = Json::parse(R"({"a":[1,2.5,null,{"b":true}],"$x":"caf\u00e9","n":-9223372036854775808,
                           "u":18446744073709551615})");
  ExpectSame(RoundTrip(o), o);
  EXPECT_EQ(Json::parse(*EncodeVersionObject(o)).at("idempotencyKey"), "key-1");
}

TEST(VersionObjectTest, RoundTripsEveryOperationAndDeletion) {
  for (Operation op :
       {Operation::kCreate, Operation::kUpdate, Operation::kDelete, Operation::kRestore}) {
    VersionObject o = SampleObject();
    o.op = op;
    if (op == Operation::kDelete) {
      o.deleted = true;
      o.data = nullptr;
    }
    ExpectSame(RoundTrip(o), o);
  }
}

TEST(VersionObjectTest, RoundTripsTimesBefore1970) {
  VersionObject o = SampleObject();
  o.at = -1;
  EXPECT_EQ(Json::parse(*EncodeVersionObject(o)).at("at"), "1969-12-31T23:59:59.999999Z");
  EXPECT_EQ(RoundTrip(o).at, -1);
}

TEST(VersionObjectTest, EncodeRefusesInvalidUtf8) {
  VersionObject o = SampleObject();
  o.actor = "\xff";
  Result<std::string> bytes = EncodeVersionObject(o);
  ASSERT_FALSE(bytes.ok());
  EXPECT_EQ(bytes.status().code(), StatusCode::kInvalidArgument);
}

TEST(VersionObjectTest, DecodeRefusesNonObjects) {
  for (const char* bytes : {"", "garbage", "[]", "1", "null", "\"x\"", "{", "{} {}"}) {
    ExpectCorrupt(bytes);
  }
}

TEST(VersionObjectTest, DecodeRefusesMissingOrWrongFormatTag) {
  ExpectCorrupt(EditedSample([](Json& j) { j.erase("format"); }));
  ExpectCorrupt(EditedSample([](Json& j) { j["format"] = "xronox.version/2"; }));
  ExpectCorrupt(EditedSample([](Json& j) { j["format"] = ""; }));
  EXPECT_THAT(DecodeVersionObject("{}").status().message(), HasSubstr("format"));
}

TEST(VersionObjectTest, DecodeRefusesNonStringFormatTag) {
  ExpectCorrupt(EditedSample([](Json& j) { j["format"] = 1; }));
  ExpectCorrupt(EditedSample([](Json& j) { j["format"] = nullptr; }));
  ExpectCorrupt(EditedSample([](Json& j) { j["format"] = Json::array({"xronox.version/1"}); }));
}

TEST(VersionObjectTest, DecodeRefusesEachMissingRequiredField) {
  for (const char* field : {"collection", "id", "version", "op", "actor", "reason", "atMicros",
                            "changedFields", "deleted", "data", "prevHash"}) {
    SCOPED_TRACE(field);
    ExpectCorrupt(EditedSample([&](Json& j) { j.erase(field); }));
  }
}

TEST(VersionObjectTest, DecodeRefusesWrongFieldTypes) {
  const std::pair<const char*, Json> edits[] = {
      {"collection", 1},
      {"id", nullptr},
      {"version", "2"},
      {"op", 1},
      {"op", "frobnicate"},
      {"actor", Json::array()},
      {"reason", false},
      {"atMicros", "2024"},
      {"changedFields", "status"},
      {"changedFields", {1}},
      {"deleted", "no"},
      {"prevHash", 5},
      {"idempotencyKey", 5},
  };
  for (const auto& [field, value] : edits) {
    SCOPED_TRACE(std::string(field) + "=" + value.dump());
    ExpectCorrupt(EditedSample([&](Json& j) { j[field] = value; }));
  }
}

TEST(VersionObjectTest, DecodeIgnoresTheFormattedTimeAndUsesMicros) {
  Result<VersionObject> decoded =
      DecodeVersionObject(EditedSample([](Json& j) { j["at"] = "not a time"; }));
  ASSERT_TRUE(decoded.ok()) << decoded.status().message();
  EXPECT_EQ(decoded->at, k2024Jan1Ten + 5);
}

// ---- ParseOperation ----

TEST(VersionObjectTest, ParseOperationInvertsOperationName) {
  for (Operation op :
       {Operation::kCreate, Operation::kUpdate, Operation::kDelete, Operation::kRestore}) {
    EXPECT_EQ(ParseOperation(OperationName(op)), op);
  }
  EXPECT_EQ(ParseOperation("Create"), std::nullopt);
  EXPECT_EQ(ParseOperation(""), std::nullopt);
  EXPECT_EQ(ParseOperation("upsert"), std::nullopt);
}

// ---- ChangedFields ----

TEST(VersionObjectTest, ChangedFieldsListsAddedRemovedAndModifiedKeysSorted) {
  Json before = Json::parse(R"({"a": 1, "b": {"x": 1}, "c": "same", "d": [1]})");
  Json after = Json::parse(R"({"a": 2, "b": {"x": 2}, "c": "same", "e": null})");
  EXPECT_THAT(ChangedFields(before, after), ElementsAre("/a", "/b/x", "/d", "/e"));
  EXPECT_THAT(ChangedFields(after, before), ElementsAre("/a", "/b/x", "/d", "/e"));
}

TEST(VersionObjectTest, ChangedFieldsOfIdenticalDataIsEmpty) {
  Json data = Json::parse(R"({"a": 1, "b": {"c": [1, 2]}})");
  EXPECT_THAT(ChangedFields(data, data), IsEmpty());
  EXPECT_THAT(ChangedFields(Json::object(), Json::object()), IsEmpty());
  EXPECT_THAT(ChangedFields(Json::parse(R"({"n": 1})"), Json::parse(R"({"n": 1.0})")), IsEmpty());
}

TEST(VersionObjectTest, ChangedFieldsOnCreateAndDeleteListsEveryKey) {
  Json data = Json::parse(R"({"z": 1, "a": 2})");
  EXPECT_THAT(ChangedFields(nullptr, data), ElementsAre("/a", "/z"));
  EXPECT_THAT(ChangedFields(data, nullptr), ElementsAre("/a", "/z"));
  EXPECT_THAT(ChangedFields(nullptr, nullptr), IsEmpty());
}

TEST(VersionObjectTest, ChangedFieldsAreJsonPointersAtDepth) {
  Json before = Json::parse(R"({"a": {"b": {"c": 1, "d": 1}}, "t": [1], "o": {"k": 1}})");
  Json after = Json::parse(R"({"a": {"b": {"c": 2, "d": 1}}, "t": [1, 2], "o": 5})");
  EXPECT_THAT(ChangedFields(before, after), ElementsAre("/a/b/c", "/o", "/t"));
  EXPECT_THAT(ChangedFields(Json::parse(R"({"a": null})"), Json::object()), ElementsAre("/a"));
  // Keys are escaped (RFC 6901); a content reference changes as one value.
  EXPECT_THAT(
      ChangedFields(Json::parse(R"({"x/y": {"~": 1}})"), Json::parse(R"({"x/y": {"~": 2}})")),
      ElementsAre("/x~1y/~0"));
  Json scan_v1 = Json::parse(R"({"scan": {"$content": "sha256:a", "size": 1}})");
  Json scan_v2 = Json::parse(R"({"scan": {"$content": "sha256:b", "size": 2}})");
  EXPECT_THAT(ChangedFields(scan_v1, scan_v2), ElementsAre("/scan"));
}

// ---- FindPath ----

TEST(VersionObjectTest, FindPathFollowsDots) {
  Json data = Json::parse(R"({"a": {"b": {"c": 3}}, "x": 1, "n": null})");
  ASSERT_NE(FindPath(data, "a.b.c"), nullptr);
  EXPECT_EQ(*FindPath(data, "a.b.c"), 3);
  EXPECT_EQ(FindPath(data, "a.b"), &data["a"]["b"]);  // Points into `data`.
  EXPECT_EQ(*FindPath(data, "x"), 1);
  ASSERT_NE(FindPath(data, "n"), nullptr);  // Present but null is not absent.
  EXPECT_TRUE(FindPath(data, "n")->is_null());
}

TEST(VersionObjectTest, FindPathReturnsNullWhenAbsent) {
  Json data = Json::parse(R"({"a": {"b": 1}, "arr": [{"b": 1}], "s": "str", "a.b": 9})");
  EXPECT_EQ(FindPath(data, "missing"), nullptr);
  EXPECT_EQ(FindPath(data, "a.c"), nullptr);
  EXPECT_EQ(FindPath(data, "a.b.c"), nullptr);  // Through a number.
  EXPECT_EQ(FindPath(data, "s.length"), nullptr);
  EXPECT_EQ(FindPath(data, "arr.0"), nullptr);  // No array indexing.
  EXPECT_EQ(FindPath(data, "arr.b"), nullptr);
  EXPECT_EQ(FindPath(Json(nullptr), "a"), nullptr);
  EXPECT_EQ(FindPath(Json::array({1}), "a"), nullptr);
  EXPECT_EQ(*FindPath(data, "a.b"), 1);  // The nested field, not the dotted key.
}

// ---- ExtractIndexed ----

TEST(VersionObjectTest, ExtractIndexedKeepsOnlyScalars) {
  Json data = Json::parse(R"({"s": "open", "n": 2.5, "i": -3, "b": false, "z": null,
                              "o": {"k": 1}, "arr": [1], "a": {"b": "deep"}})");
  Json indexed = ExtractIndexed(data, {"s", "n", "i", "b", "z", "o", "arr", "a.b", "missing"});
  EXPECT_EQ(indexed, Json::parse(R"({"s": "open", "n": 2.5, "i": -3, "b": false, "a.b": "deep"})"));
}

TEST(VersionObjectTest, ExtractIndexedOfNothingIsAnEmptyObject) {
  Json data = Json::parse(R"({"s": "open"})");
  EXPECT_EQ(ExtractIndexed(data, {}), Json::object());
  EXPECT_EQ(ExtractIndexed(nullptr, {"s"}), Json::object());
  EXPECT_TRUE(ExtractIndexed(data, {"t"}).is_object());
}

// The encoder splices the data's own text into the other fields' dump; the bytes (hashed into
// the chain) must be what dumping the whole object gives, whatever the fields hold.
TEST(VersionObjectTest, SplicedEncodingEqualsTheWholeObjectsDump) {
  VersionObject o = SampleObject();
  o.actor = R"(x","data":null,"y)";
  o.reason = "ends with a backslash \\";
  o.on_behalf_of = "\"data\":null";
  o.changed_fields = {"data", "\"data\":null"};
  o.idempotency_key = "k";
  o.data = {{"data", nullptr}, {"nested", {{"data", {1, 2}}}}, {"\"data\":null", "v"}};
  Json whole = {{"format", kVersionObjectFormat},
                {"collection", o.collection},
                {"id", o.id},
                {"version", o.version},
                {"op", OperationName(o.op)},
                {"actor", o.actor},
                {"reason", o.reason},
                {"at", "2024-01-01T10:00:00.000005Z"},
                {"atMicros", o.at},
                {"changedFields", o.changed_fields},
                {"deleted", o.deleted},
                {"data", o.data},
                {"prevHash", o.prev_hash},
                {"idempotencyKey", o.idempotency_key},
                {"onBehalfOf", o.on_behalf_of}};
  Result<std::string> bytes = EncodeVersionObject(o);
  ASSERT_TRUE(bytes.ok()) << bytes.status().ToString();
  EXPECT_EQ(*bytes, whole.dump());
  Result<std::string> spliced = EncodeVersionObject(o, o.data.dump());
  ASSERT_TRUE(spliced.ok());
  EXPECT_EQ(*spliced, whole.dump());
  ExpectSame(RoundTrip(o), o);
}

}  // namespace
}  // namespace xronox
