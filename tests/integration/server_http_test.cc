// xronoxd over loopback HTTP: every route of the API with its success paths, preconditions,
// versioning, query and idempotency semantics. Error handling of bad input is in
// server_http_errors_test.cc.
#include <algorithm>
#include <map>
#include <set>
#include <thread>

#include "integration/test_support.h"

namespace xronox::testing {
namespace {

constexpr char kNotes[] = "/v1/knowledge/_/notes";
constexpr char kOrders[] = "/v1/runtime/acme/orders";
constexpr char kEvents[] = "/v1/logs/_/events";

class ServerHttpTest : public XronoxdTest {
 protected:
  // Write `data` to a runtime order and return the new version.
  int64_t PutOrder(const std::string& id, const Json& data) {
    Reply reply = SendJson("PUT", std::string(kOrders) + "/" + id, data, Audit());
    EXPECT_TRUE(reply.status == 200 || reply.status == 201) << reply.raw;
    return reply.body.value("version", int64_t{-1});
  }
};

TEST_F(ServerHttpTest, HealthIsOk) {
  Reply reply = Get("/v1/health");
  EXPECT_EQ(reply.status, 200);
  EXPECT_EQ(reply.body, Json({{"status", "ok"}}));
  EXPECT_EQ(reply.Header("Content-Type"), "application/json");
}

TEST_F(ServerHttpTest, PostCreatesWithLocationAndETag) {
  Reply created = SendJson("POST", kNotes, {{"title", "hello"}, {"n", 1}});
  ASSERT_EQ(created.status, 201) << created.raw;
  std::string id = created.body["id"];
  EXPECT_FALSE(id.empty());
  EXPECT_EQ(created.body["version"], 0);
  EXPECT_EQ(created.body["data"], Json({{"title", "hello"}, {"n", 1}}));
  EXPECT_TRUE(created.body.contains("createdAt"));
  EXPECT_TRUE(created.body.contains("updatedAt"));
  EXPECT_EQ(created.Header("Location"), std::string(kNotes) + "/" + id);
  EXPECT_EQ(created.Header("ETag"), "\"0\"");

  Reply read = Get(created.Header("Location"));
  ASSERT_EQ(read.status, 200) << read.raw;
  EXPECT_EQ(read.body["data"], created.body["data"]);
  EXPECT_EQ(read.Header("ETag"), "\"0\"");
}

TEST_F(ServerHttpTest, PutCreatesThenReplaces) {
  Reply first = SendJson("PUT", std::string(kNotes) + "/n1", {{"v", 1}, {"keep", true}});
  ASSERT_EQ(first.status, 201) << first.raw;
  EXPECT_EQ(first.body["id"], "n1");
  EXPECT_EQ(first.Header("Location"), std::string(kNotes) + "/n1");
  Reply second = SendJson("PUT", std::string(kNotes) + "/n1", {{"v", 2}});
  ASSERT_EQ(second.status, 200) << second.raw;
  EXPECT_EQ(second.body["version"], 1);
  EXPECT_EQ(second.Header("ETag"), "\"1\"");
  Reply read = Get(std::string(kNotes) + "/n1");
  EXPECT_EQ(read.body["data"], Json({{"v", 2}}));  // Replaced, not merged.
}

TEST_F(ServerHttpTest, IfMatchMakesWritesConditional) {
  std::string path = std::string(kOrders) + "/o1";
  ASSERT_EQ(PutOrder("o1", {{"qty", 1}}), 0);
  Reply stale = SendJson("PUT", path, {{"qty", 2}}, Audit({{"If-Match", "\"5\""}}));
  EXPECT_EQ(stale.status, 412) << stale.raw;
  EXPECT_EQ(stale.ErrorCode(), "version_mismatch");
  EXPECT_EQ(stale.body["error"]["currentVersion"], 0);
  EXPECT_FALSE(stale.body["error"]["message"].get<std::string>().empty());

  Reply current = SendJson("PUT", path, {{"qty", 2}}, Audit({{"If-Match", "\"0\""}}));
  EXPECT_EQ(current.status, 200) << current.raw;
  EXPECT_EQ(current.body["version"], 1);

  Reply patch = Send("PATCH", path, R"({"qty":3})", Audit({{"If-Match", "\"0\""}}),
                     "application/merge-patch+json");
  EXPECT_EQ(patch.status, 412) << patch.raw;
  EXPECT_EQ(patch.body["error"]["currentVersion"], 1);
  Reply del = Send("DELETE", path, "", Audit({{"If-Match", "\"0\""}}), std::nullopt);
  EXPECT_EQ(del.status, 412) << del.raw;
  EXPECT_EQ(Get(path).body["version"], 1);
}

TEST_F(ServerHttpTest, ConcurrentConditionalWritesHaveOneWinner) {
  std::string path = std::string(kOrders) + "/race";
  ASSERT_EQ(PutOrder("race", {{"n", 0}}), 0);
  constexpr int kWriters = 6;
  std::vector<int> statuses(kWriters);
  std::vector<std::thread> writers;
  for (int i = 0; i < kWriters; ++i) {
    writers.emplace_back([&, i] {
      httplib::Client client("127.0.0.1", server_->port());
      httplib::Headers headers = Audit({{"If-Match", "\"0\""}});
      auto result = client.Put(path, headers, Json({{"n", i + 1}}).dump(), "application/json");
      statuses[i] = result ? result->status : 0;
    });
  }
  for (std::thread& writer : writers) writer.join();
  EXPECT_EQ(std::count(statuses.begin(), statuses.end(), 200), 1);
  EXPECT_EQ(std::count(statuses.begin(), statuses.end(), 412), kWriters - 1);
  EXPECT_EQ(Get(path).body["version"], 1);
}

TEST_F(ServerHttpTest, IfNoneMatchStarIsCreateOnly) {
  std::string path = std::string(kNotes) + "/once";
  Reply created = SendJson("PUT", path, {{"a", 1}}, {{"If-None-Match", "*"}});
  EXPECT_EQ(created.status, 201) << created.raw;
  Reply again = SendJson("PUT", path, {{"a", 2}}, {{"If-None-Match", "*"}});
  EXPECT_EQ(again.status, 412) << again.raw;
  EXPECT_FALSE(again.ErrorCode().empty());
  EXPECT_EQ(Get(path).body["data"], Json({{"a", 1}}));
}

TEST_F(ServerHttpTest, PatchIsAMergePatch) {
  std::string path = std::string(kNotes) + "/m";
  SendJson("PUT", path, {{"a", 1}, {"b", {{"c", 2}, {"d", 3}}}, {"e", 4}});
  for (const char* type : {"application/merge-patch+json", "application/json; charset=utf-8"}) {
    Reply patched = Send("PATCH", path, R"({"b":{"c":null},"e":null,"f":5})", {}, type);
    ASSERT_EQ(patched.status, 200) << patched.raw;
  }
  Reply read = Get(path);
  EXPECT_EQ(read.body["data"], Json({{"a", 1}, {"b", {{"d", 3}}}, {"f", 5}}));
  EXPECT_EQ(read.body["version"], 1) << "the second patch changed nothing";
}

// A PUT or PATCH that leaves the data as it is answers 200 with the current version and
// "unchanged": true, and makes no version; If-Match is checked first.
TEST_F(ServerHttpTest, AWriteThatChangesNothingSaysUnchanged) {
  std::string path = std::string(kOrders) + "/same";
  ASSERT_EQ(PutOrder("same", {{"a", 1}, {"b", {1, 2}}}), 0);
  Reply put = SendJson("PUT", path, {{"b", {1, 2}}, {"a", 1.0}}, Audit());
  EXPECT_EQ(put.status, 200) << put.raw;
  EXPECT_EQ(put.body["unchanged"], true) << put.raw;
  EXPECT_EQ(put.body["version"], 0);
  EXPECT_EQ(put.body["data"], Json({{"a", 1}, {"b", {1, 2}}}));
  EXPECT_EQ(put.headers.find("ETag")->second, "\"0\"");
  Reply patch = Send("PATCH", path, R"({"a":1})", Audit(), "application/merge-patch+json");
  EXPECT_EQ(patch.status, 200) << patch.raw;
  EXPECT_EQ(patch.body["unchanged"], true) << patch.raw;
  httplib::Headers stale = Audit({{"If-Match", "\"7\""}});
  EXPECT_EQ(SendJson("PUT", path, {{"a", 1}, {"b", {1, 2}}}, stale).status, 412);
  Reply changed = Send("PATCH", path, R"({"a":2})", Audit(), "application/merge-patch+json");
  EXPECT_EQ(changed.body["version"], 1) << changed.raw;
  EXPECT_FALSE(changed.body.contains("unchanged"));
  EXPECT_EQ(Get(path + "/history").body["versions"].size(), 2u);
}

TEST_F(ServerHttpTest, DeleteThenRestore) {
  std::string path = std::string(kOrders) + "/d1";
  PutOrder("d1", {{"state", "new"}});
  PutOrder("d1", {{"state", "paid"}});
  Reply deleted = Send("DELETE", path, "", Audit({{"If-Match", "\"1\""}}), std::nullopt);
  ASSERT_EQ(deleted.status, 200) << deleted.raw;
  EXPECT_EQ(deleted.body["version"], 2);
  EXPECT_EQ(deleted.body["deleted"], true);

  EXPECT_EQ(Get(path).status, 404);
  Reply put = SendJson("PUT", path, {{"state", "again"}}, Audit());
  EXPECT_EQ(put.status, 409) << put.raw;
  EXPECT_EQ(put.ErrorCode(), "record_deleted");
  Reply patch = SendJson("PATCH", path, {{"state", "again"}}, Audit());
  EXPECT_EQ(patch.status, 409) << patch.raw;

  Reply restored = SendJson("POST", path + "/restore", {{"version", 1}}, Audit());
  ASSERT_EQ(restored.status, 200) << restored.raw;
  EXPECT_EQ(restored.body["version"], 3);
  EXPECT_EQ(restored.body["data"], Json({{"state", "paid"}}));
  Reply read = Get(path);
  EXPECT_EQ(read.status, 200);
  EXPECT_EQ(read.body["data"], Json({{"state", "paid"}}));
  EXPECT_FALSE(read.body.contains("deleted"));
  EXPECT_EQ(read.body["actor"], "tester");
  EXPECT_EQ(read.body["reason"], "integration test");
}

TEST_F(ServerHttpTest, CountersCountEveryWriteOnce) {
  const std::string counters = std::string(kOrders) + ":counters";
  Reply none = Get(counters);
  EXPECT_EQ(none.status, 200) << none.raw;
  EXPECT_EQ(none.body, (Json{{"created", 0}, {"updated", 0}, {"deleted", 0}, {"live", 0}}));
  PutOrder("c1", {{"state", "new"}});
  PutOrder("c1", {{"state", "paid"}});
  PutOrder("c1", {{"state", "paid"}});  // No-op.
  PutOrder("c2", {{"state", "new"}});
  ASSERT_EQ(Send("DELETE", std::string(kOrders) + "/c2", "", Audit(), std::nullopt).status, 200);
  Reply counted = Get(counters);
  EXPECT_EQ(counted.status, 200) << counted.raw;
  EXPECT_EQ(counted.body, (Json{{"created", 2}, {"updated", 1}, {"deleted", 1}, {"live", 1}}));
  // A record whose id ends in ":counters" is a record, never the counters.
  ASSERT_EQ(PutOrder("x:counters", {{"state", "id"}}), 0);
  Reply record = Get(std::string(kOrders) + "/x:counters");
  EXPECT_EQ(record.status, 200) << record.raw;
  EXPECT_EQ(record.body["data"], Json({{"state", "id"}}));
  EXPECT_EQ(Get(std::string(kOrders) + ":count").status, 404) << "an unknown verb";
  EXPECT_EQ(Get(std::string(kOrders) + ":counters/x").status, 404);
  EXPECT_EQ(Get("/v1/runtime/acme/bad.name:counters").status, 400);
  EXPECT_EQ(Get(counters + "?limit=1").status, 400) << "no query parameters";
  EXPECT_EQ(Send("POST", counters, "{}", Audit(), "application/json").status, 405);
}

TEST_F(ServerHttpTest, HistoryPagesNewestFirstUntilNextIsNull) {
  for (int i = 0; i < 5; ++i) PutOrder("h1", {{"step", i}});
  std::vector<int64_t> versions;
  std::string cursor;
  for (int page = 0; page < 10; ++page) {
    std::string path = std::string(kOrders) + "/h1/history?limit=2";
    if (!cursor.empty()) path += "&cursor=" + UrlEncode(cursor);
    Reply reply = Get(path);
    ASSERT_EQ(reply.status, 200) << reply.raw;
    ASSERT_LE(reply.body["versions"].size(), 2u);
    for (const Json& v : reply.body["versions"]) {
      versions.push_back(v["version"]);
      EXPECT_EQ(v["actor"], "tester");
      EXPECT_EQ(v["reason"], "integration test");
      EXPECT_EQ(v["op"], versions.back() == 0 ? "create" : "update");
      EXPECT_TRUE(v["at"].is_string());
      EXPECT_TRUE(v["changedFields"].is_array());
    }
    if (reply.body["next"].is_null()) break;
    cursor = reply.body["next"];
  }
  EXPECT_EQ(versions, (std::vector<int64_t>{4, 3, 2, 1, 0}));
}

TEST_F(ServerHttpTest, DiffReturnsJsonPatch) {
  PutOrder("x", {{"a", 1}, {"b", 2}});
  PutOrder("x", {{"a", 1}, {"b", 3}, {"c", 4}});
  Reply diff = Get(std::string(kOrders) + "/x/diff?from=0&to=1");
  ASSERT_EQ(diff.status, 200) << diff.raw;
  EXPECT_EQ(diff.body["from"], 0);
  EXPECT_EQ(diff.body["to"], 1);
  ASSERT_TRUE(diff.body["patch"].is_array());
  std::set<std::string> ops;
  for (const Json& op : diff.body["patch"])
    ops.insert(op["op"].get<std::string>() + " " + op["path"].get<std::string>());
  EXPECT_EQ(ops, (std::set<std::string>{"replace /b", "add /c"}));
  Json back = Json({{"a", 1}, {"b", 2}}).patch(diff.body["patch"]);
  EXPECT_EQ(back, Json({{"a", 1}, {"b", 3}, {"c", 4}}));
}

TEST_F(ServerHttpTest, ReadsAtVersionAndAsOf) {
  PutOrder("t", {{"v", "zero"}});
  PutOrder("t", {{"v", "one"}});
  PutOrder("t", {{"v", "two"}});
  std::string path = std::string(kOrders) + "/t";
  Reply v1 = Get(path + "?version=1");
  ASSERT_EQ(v1.status, 200) << v1.raw;
  EXPECT_EQ(v1.body["data"]["v"], "one");
  EXPECT_EQ(v1.Header("ETag"), "\"1\"");
  EXPECT_EQ(Get(path + "?version=9").status, 404);

  Reply history = Get(path + "/history?order=oldest");
  ASSERT_EQ(history.status, 200) << history.raw;
  for (const Json& entry : history.body["versions"]) {
    Reply at = Get(path + "?asOf=" + UrlEncode(entry["at"].get<std::string>()));
    ASSERT_EQ(at.status, 200) << at.raw;
    EXPECT_EQ(at.body["version"], entry["version"]);
  }
  EXPECT_EQ(Get(path + "?asOf=2000-01-01T00:00:00Z").status, 404);
  EXPECT_EQ(Get(path + "?asOf=2999-01-01T00:00:00Z").body["version"], 2);
}

TEST_F(ServerHttpTest, ACollectionAsOfAnInstantListsAndRestoresThen) {
  PutOrder("a", {{"s", "x"}});
  PutOrder("b", {{"s", "y"}});
  const std::string t = Get(std::string(kOrders) + "/b").body["updatedAt"];
  std::this_thread::sleep_for(std::chrono::milliseconds(2));
  PutOrder("a", {{"s", "changed"}});
  ASSERT_EQ(Send("DELETE", std::string(kOrders) + "/b", "", Audit(), std::nullopt).status, 200);
  PutOrder("c", {{"s", "new"}});
  auto listed = [&](const std::string& query) {
    std::map<std::string, Json> out;
    std::string cursor;
    for (int page = 0; page < 10; ++page) {
      Reply reply = Get(std::string(kOrders) + "?limit=1&" + query +
                        (cursor.empty() ? "" : "&cursor=" + UrlEncode(cursor)));
      EXPECT_EQ(reply.status, 200) << reply.raw;
      if (reply.status != 200) break;
      for (const Json& r : reply.body["records"]) out[r["id"]] = r["data"];
      if (reply.body["next"].is_null()) break;
      cursor = reply.body["next"];
    }
    return out;
  };
  const std::map<std::string, Json> then{{"a", {{"s", "x"}}}, {"b", {{"s", "y"}}}};
  EXPECT_EQ(listed("asOf=" + UrlEncode(t)), then);
  EXPECT_EQ(listed("asOf=" + UrlEncode(t) + "&where=" + UrlEncode(R"({"s":"y"})")).size(), 1u);
  EXPECT_EQ(Get(std::string(kOrders) + "?asOf=yesterday").status, 400);

  const std::string verb = std::string(kOrders) + ":restore-collection";
  Reply unaudited = SendJson("POST", verb, {{"asOf", t}}, {});
  EXPECT_EQ(unaudited.status, 400) << unaudited.raw;
  EXPECT_EQ(unaudited.ErrorCode(), "audit_required");
  Reply dry = SendJson("POST", verb, {{"asOf", t}, {"dryRun", true}}, Audit());
  ASSERT_EQ(dry.status, 200) << dry.raw;
  EXPECT_EQ(dry.body["reverted"], 1);
  EXPECT_EQ(dry.body["revived"], 1);
  EXPECT_EQ(dry.body["deleted"], 1);
  EXPECT_EQ(dry.body["dryRun"], true);
  EXPECT_EQ(listed("").size(), 2u) << "a dry run writes nothing";
  Reply done = SendJson("POST", verb, {{"asOf", t}}, Audit());
  ASSERT_EQ(done.status, 200) << done.raw;
  EXPECT_EQ(done.body["examined"], 3);
  EXPECT_EQ(listed(""), then);
  Reply history = Get(std::string(kOrders) + "/a/history");
  ASSERT_EQ(history.status, 200);
  EXPECT_EQ(history.body["versions"][0]["op"], "restore");
  EXPECT_EQ(history.body["versions"][0]["reason"],
            "restore of the collection to " + t + ": integration test");
}

TEST_F(ServerHttpTest, ALegalHoldBlocksDeletesUntilLiftedAndIsLogged) {
  PutOrder("h1", {{"s", "x"}});
  const std::string holds = std::string(kOrders) + ":holds";
  Reply unaudited = SendJson("POST", holds, {{"scope", "record"}, {"id", "h1"}}, {});
  EXPECT_EQ(unaudited.status, 400) << unaudited.raw;
  EXPECT_EQ(unaudited.ErrorCode(), "audit_required");
  Reply placed = SendJson("POST", holds, {{"scope", "record"}, {"id", "h1"}}, Audit());
  ASSERT_EQ(placed.status, 201) << placed.raw;
  EXPECT_EQ(placed.body["scope"], "record");
  EXPECT_EQ(placed.body["actor"], "tester");
  Reply refused = Send("DELETE", std::string(kOrders) + "/h1", "", Audit(), std::nullopt);
  EXPECT_EQ(refused.status, 409) << refused.raw;
  EXPECT_EQ(refused.ErrorCode(), "legal_hold");
  EXPECT_EQ(Get(holds).body["holds"].size(), 1u);
  Reply lifted = SendJson("POST", std::string(kOrders) + ":lift-hold",
                          {{"scope", "record"}, {"id", "h1"}}, Audit());
  ASSERT_EQ(lifted.status, 200) << lifted.raw;
  EXPECT_EQ(Send("DELETE", std::string(kOrders) + "/h1", "", Audit(), std::nullopt).status, 200);
  Reply log = Get(std::string(kOrders) + ":hold-log");
  ASSERT_EQ(log.status, 200) << log.raw;
  ASSERT_EQ(log.body["events"].size(), 2u);
  EXPECT_EQ(log.body["events"][0]["action"], "place");
  EXPECT_EQ(log.body["events"][1]["action"], "lift");
  EXPECT_EQ(log.body["events"][1]["reason"], "integration test");
  // The holds' own collection is neither listed nor addressable.
  EXPECT_EQ(Get("/v1/runtime/acme/_xronox_holds").status, 400);
}

TEST_F(ServerHttpTest, QueryFiltersAndPages) {
  for (int i = 0; i < 7; ++i) {
    Json data = {{"n", i}, {"tag", i % 2 ? "odd" : "even"}, {"nested", {{"x", i * 10}}}};
    ASSERT_EQ(SendJson("PUT", std::string(kNotes) + "/q" + std::to_string(i), data).status, 201);
  }
  ASSERT_EQ(Send("DELETE", std::string(kNotes) + "/q6", "", {}, std::nullopt).status, 200);
  auto ids = [&](const Json& where, int limit = 100) {
    std::vector<std::string> out;
    std::string cursor;
    for (int page = 0; page < 20; ++page) {
      std::string path = std::string(kNotes) + "?where=" + UrlEncode(where.dump()) +
                         "&limit=" + std::to_string(limit);
      if (!cursor.empty()) path += "&cursor=" + UrlEncode(cursor);
      Reply reply = Get(path);
      EXPECT_EQ(reply.status, 200) << reply.raw;
      if (reply.status != 200) break;
      for (const Json& r : reply.body["records"]) out.push_back(r["id"]);
      if (reply.body["next"].is_null()) break;
      cursor = reply.body["next"];
    }
    return out;
  };
  using Ids = std::vector<std::string>;
  EXPECT_EQ(ids({{"tag", "odd"}}), (Ids{"q1", "q3", "q5"}));
  EXPECT_EQ(ids({{"n", {{"$gt", 3}}}}), (Ids{"q4", "q5"}));  // q6 is deleted.
  EXPECT_EQ(ids({{"n", {{"$gte", 4}}}}), (Ids{"q4", "q5"}));
  EXPECT_EQ(ids({{"n", {{"$lt", 2}}}}), (Ids{"q0", "q1"}));
  EXPECT_EQ(ids({{"n", {{"$lte", 1}}}}), (Ids{"q0", "q1"}));
  EXPECT_EQ(ids({{"n", {{"$ne", 0}}}, {"tag", "even"}}), (Ids{"q2", "q4"}));
  EXPECT_EQ(ids({{"n", {{"$in", {1, 5, 6}}}}}), (Ids{"q1", "q5"}));
  EXPECT_EQ(ids({{"nested.x", {{"$gte", 20}, {"$lt", 50}}}}), (Ids{"q2", "q3", "q4"}));
  EXPECT_EQ(ids(Json::object(), 2), (Ids{"q0", "q1", "q2", "q3", "q4", "q5"}));
  Reply all = Get(kNotes);
  EXPECT_EQ(all.body["records"].size(), 6u);
  EXPECT_TRUE(all.body["next"].is_null());

  Reply bad = Get(std::string(kNotes) + "?where=" + UrlEncode(R"({"n":{"$where":"1"}})"));
  EXPECT_EQ(bad.status, 400) << bad.raw;
}

TEST_F(ServerHttpTest, IdempotencyKeyReturnsTheFirstResult) {
  httplib::Headers key = Audit({{"Idempotency-Key", "key-1"}});
  Reply first = SendJson("POST", kOrders, {{"item", "book"}}, key);
  ASSERT_EQ(first.status, 201) << first.raw;
  Reply retry = SendJson("POST", kOrders, {{"item", "book"}}, key);
  EXPECT_EQ(retry.status, 201) << retry.raw;
  EXPECT_EQ(retry.body["id"], first.body["id"]);
  EXPECT_EQ(retry.body["version"], first.body["version"]);
  EXPECT_EQ(Get(kOrders).body["records"].size(), 1u);

  std::string path = std::string(kOrders) + "/i1";
  httplib::Headers put_key = Audit({{"Idempotency-Key", "key-2"}});
  ASSERT_EQ(SendJson("PUT", path, {{"n", 1}}, put_key).status, 201);
  Reply same = SendJson("PUT", path, {{"n", 1}}, put_key);
  EXPECT_EQ(same.status, 201) << same.raw;
  EXPECT_EQ(same.body["version"], 0);
  EXPECT_EQ(Get(path + "/history").body["versions"].size(), 1u);

  Reply other = SendJson("PUT", path, {{"n", 2}}, put_key);
  EXPECT_EQ(other.status, 409) << other.raw;
  EXPECT_EQ(other.ErrorCode(), "idempotency_mismatch");
  EXPECT_EQ(Get(path).body["data"], Json({{"n", 1}}));
}

TEST_F(ServerHttpTest, LogsAreAppendOnly) {
  Reply posted = SendJson("POST", kEvents, {{"event", "login"}});
  ASSERT_EQ(posted.status, 201) << posted.raw;
  std::string path = std::string(kEvents) + "/" + posted.body["id"].get<std::string>();
  for (const std::string& target : {path, std::string(kEvents) + "/never-written"}) {
    Reply put = SendJson("PUT", target, {{"event", "x"}});
    EXPECT_EQ(put.status, 405) << put.raw;
    EXPECT_EQ(put.Header("Allow"), "GET");
    EXPECT_EQ(put.ErrorCode(), "method_not_allowed");
    EXPECT_EQ(Send("PATCH", target, "{}").status, 405);
    EXPECT_EQ(Send("DELETE", target, "", {}, std::nullopt).status, 405);
  }
  Reply read = Get(path);
  EXPECT_EQ(read.status, 200);
  EXPECT_EQ(read.body["data"], Json({{"event", "login"}}));
}

TEST_F(ServerHttpTest, RuntimeWritesNeedActorAndTenant) {
  Reply no_actor = SendJson("POST", kOrders, {{"a", 1}}, {{"X-Xronox-Reason", "why"}});
  EXPECT_EQ(no_actor.status, 400) << no_actor.raw;
  EXPECT_EQ(no_actor.ErrorCode(), "audit_required");
  Reply generic = SendJson("POST", "/v1/runtime/_/orders", {{"a", 1}}, Audit());
  EXPECT_EQ(generic.status, 400) << generic.raw;
  EXPECT_EQ(generic.ErrorCode(), "tenant_required");
  EXPECT_EQ(Get(kOrders).body["records"].size(), 0u);
}

TEST_F(ServerHttpTest, VersionedReadsOnKnowledgeAre400) {
  std::string path = std::string(kNotes) + "/k";
  ASSERT_EQ(SendJson("PUT", path, {{"a", 1}}).status, 201);
  for (const std::string& read :
       {path + "/history", path + "/diff?from=0&to=0", path + "?version=0",
        path + "?asOf=2024-01-01T00:00:00Z", std::string(kNotes) + "/absent/history"}) {
    Reply reply = Get(read);
    EXPECT_EQ(reply.status, 400) << read << ": " << reply.raw;
    EXPECT_EQ(reply.ErrorCode(), "not_versioned") << read;
  }
  Reply restore = SendJson("POST", path + "/restore", {{"version", 0}});
  EXPECT_EQ(restore.status, 400) << restore.raw;
}

TEST_F(ServerHttpTest, JsonRoundTripsExactly) {
  Json data = Json::parse(R"({
    "$dollar": {"a.b": "dotted key", "$in": [1, 2]},
    "unicode": "h\u00e9llo \u4e16\u754c \ud83d\ude00",
    "escapes": "quote \" backslash \\ tab \t nul \u0000",
    "max": 9223372036854775807, "min": -9223372036854775808, "umax": 18446744073709551615,
    "float": 0.1, "tiny": 5e-324, "big": 1.7976931348623157e308, "neg": -2.5,
    "empty": {}, "list": [null, true, false, "", []]
  })");
  Reply put = SendJson("PUT", std::string(kNotes) + "/fidelity", data);
  ASSERT_EQ(put.status, 201) << put.raw;
  EXPECT_EQ(put.body["data"], data);
  Reply read = Get(std::string(kNotes) + "/fidelity");
  ASSERT_EQ(read.status, 200);
  EXPECT_EQ(read.body["data"], data);
  EXPECT_EQ(read.body["data"]["max"].get<int64_t>(), INT64_MAX);
  EXPECT_EQ(read.body["data"]["umax"].get<uint64_t>(), UINT64_MAX);
  EXPECT_EQ(read.body["data"]["float"].get<double>(), 0.1);
}

}  // namespace
}  // namespace xronox::testing
