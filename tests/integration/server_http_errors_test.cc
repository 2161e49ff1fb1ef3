// xronoxd over loopback HTTP: bad input is refused with the right 4xx JSON error and stores
// nothing; HTTP-level errors (404, 405, 413, 415); process start-up failures.
#include <filesystem>
#include <fstream>

#include "integration/test_support.h"

namespace xronox::testing {
namespace {

constexpr char kNotes[] = "/v1/knowledge/_/notes";
constexpr char kOrders[] = "/v1/runtime/acme/orders";

class ServerErrorsTest : public XronoxdTest {
 protected:
  // A JSON error of the documented shape.
  static void ExpectError(const Reply& reply, int status, const std::string& code,
                          const std::string& context) {
    EXPECT_EQ(reply.status, status) << context << ": " << reply.raw;
    ASSERT_TRUE(reply.body.is_object() && reply.body.contains("error"))
        << context << ": not a JSON error: " << reply.raw;
    EXPECT_TRUE(reply.body["error"]["message"].is_string()) << context;
    if (!code.empty()) {
      EXPECT_EQ(reply.ErrorCode(), code) << context;
    }
    EXPECT_EQ(reply.Header("Content-Type"), "application/json") << context;
  }
  void ExpectNoNotes() {
    Reply all = Get(kNotes);
    EXPECT_EQ(all.status, 200) << all.raw;
    EXPECT_EQ(all.body["records"].size(), 0u) << all.raw;
  }
};

TEST_F(ServerErrorsTest, UnknownPathsAre404) {
  for (const char* path : {"/", "/v2/health", "/v1", "/v1/health/", "/v1/knowledge",
                           "/v1/knowledge/_", "/v1/knowledge/_/c/id/other", "/favicon.ico"}) {
    ExpectError(Get(path), 404, "not_found", path);
  }
  ExpectError(Get("/v1/nosuch/_/c"), 404, "unknown_database_type", "unknown type");
  ExpectError(SendJson("POST", "/v1/nosuch/_/c", {{"a", 1}}), 404, "unknown_database_type",
              "unknown type POST");
}

TEST_F(ServerErrorsTest, UnsupportedMethodsAre405WithAllow) {
  struct Case {
    const char* method;
    std::string path;
    const char* allow;
  };
  std::string record = std::string(kNotes) + "/r";
  for (const Case& c :
       {Case{"POST", "/v1/health", "GET"}, Case{"DELETE", kNotes, "GET, POST"},
        Case{"POST", record, "GET, PUT, PATCH, DELETE"}, Case{"PUT", record + "/history", "GET"},
        Case{"DELETE", record + "/diff", "GET"}, Case{"GET", record + "/restore", "POST"}}) {
    Reply reply = Send(c.method, c.path, "{}");
    ExpectError(reply, 405, "method_not_allowed", std::string(c.method) + " " + c.path);
    EXPECT_EQ(reply.Header("Allow"), c.allow) << c.method << " " << c.path;
  }
  Reply options = Send("OPTIONS", record, "", {}, std::nullopt);
  EXPECT_EQ(options.status, 204);
  EXPECT_EQ(options.Header("Allow"), "GET, PUT, PATCH, DELETE");
  ExpectNoNotes();
}

TEST_F(ServerErrorsTest, WrongContentTypeIs415) {
  std::string record = std::string(kNotes) + "/ct";
  ExpectError(Send("POST", kNotes, R"({"a":1})", {}, "text/plain"), 415, "unsupported_media_type",
              "POST text/plain");
  ExpectError(Send("PUT", record, "", {}, std::nullopt), 415, "unsupported_media_type",
              "PUT without Content-Type");
  ExpectError(Send("PUT", record, R"({"a":1})", {}, "application/merge-patch+json"), 415, "",
              "PUT merge-patch");
  ExpectError(Send("PATCH", record, R"({"a":1})", {}, "application/xml"), 415, "", "PATCH xml");
  ExpectError(
      Send("POST", std::string(kOrders) + "/o/restore", R"({"version":0})", Audit(), "text/plain"),
      415, "", "restore text/plain");
  ExpectNoNotes();
  EXPECT_EQ(Send("PUT", record, R"({"a":1})", {}, "Application/JSON; charset=utf-8").status, 201);
}

TEST_F(ServerErrorsTest, BadBodiesAre400AndStoreNothing) {
  std::string deep(101, '[');
  deep = "{\"a\":" + deep + std::string(101, ']') + "}";
  const std::vector<std::string> bodies = {"{",
                                           "",
                                           "[1,2]",
                                           "\"text\"",
                                           "42",
                                           "null",
                                           "{} {}",
                                           "{\"a\":1,}",
                                           "{'a':1}",
                                           "{\"a\":\"\xff\xfe\"}",
                                           "{\"a\":\"\xc0\xaf\"}",
                                           "{\"a\":\"\xed\xa0\x80\"}",
                                           deep,
                                           "{\"n\":18446744073709551616}",
                                           "{\"n\":-9223372036854775809}",
                                           "{\"n\":1e400}",
                                           "{\"n\":0.10000000000000000001}",
                                           "{\"n\":NaN}",
                                           "{\"a\":1,\"a\":2}"};
  for (const std::string& body : bodies) {
    std::string shown = body.substr(0, 40);
    ExpectError(Send("POST", kNotes, body), 400, "invalid_body", "POST " + shown);
    ExpectError(Send("PUT", std::string(kNotes) + "/b", body), 400, "invalid_body", "PUT " + shown);
  }
  ExpectNoNotes();
  EXPECT_EQ(Get(std::string(kNotes) + "/b").status, 404);
  ASSERT_EQ(SendJson("PUT", std::string(kNotes) + "/p", {{"a", 1}}).status, 201);
  ExpectError(Send("PATCH", std::string(kNotes) + "/p", "[]"), 400, "invalid_body", "PATCH []");
  EXPECT_EQ(Get(std::string(kNotes) + "/p").body["version"], 0);
}

TEST_F(ServerErrorsTest, HundredLevelsOfNestingAreAccepted) {
  std::string body = "{\"a\":" + std::string(98, '[') + std::string(98, ']') + "}";
  body = "{\"wrap\":" + body + "}";  // 100 levels: two objects and 98 arrays.
  Reply reply = Send("PUT", std::string(kNotes) + "/deep", body);
  EXPECT_EQ(reply.status, 201) << reply.raw.substr(0, 300);
}

TEST_F(ServerErrorsTest, BadNamesAre400AndStoreNothing) {
  const std::string long_name(129, 'a');
  for (const std::string& id :
       {std::string("..%2F..%2Fetc"), std::string("..%2F"), std::string("%00"),
        std::string("a%00b"), std::string("$x"), std::string("%24x"), long_name,
        std::string(".hidden"), std::string("a%2Fb"), std::string("a%20b"), std::string("%zz"),
        std::string("%E2%82%AC")}) {
    std::string path = std::string(kNotes) + "/" + id;
    Reply put = SendJson("PUT", path, {{"a", 1}});
    EXPECT_TRUE(put.status == 400 || put.status == 404) << id << ": " << put.raw;
    ExpectError(put, put.status, "", "PUT " + id);
    EXPECT_NE(Get(path).status, 200) << id;
  }
  for (const std::string& name : {std::string("..%2F"), std::string("%00"), std::string("$x"),
                                  long_name, std::string("a%2Fb"), std::string("")}) {
    ExpectError(SendJson("POST", "/v1/runtime/" + name + "/orders", {{"a", 1}}, Audit()), 400, "",
                "tenant " + name);
    ExpectError(SendJson("POST", "/v1/knowledge/_/" + name, {{"a", 1}}), 400, "",
                "collection " + name);
  }
  ExpectError(SendJson("POST", "/v1/knowledge/acme%2F..%2F_/notes", {{"a", 1}}), 400, "",
              "tenant on knowledge");
  ExpectNoNotes();
  // Nothing escaped the data directory.
  std::vector<std::string> top;
  for (const auto& entry : std::filesystem::directory_iterator(dir_.path())) {
    top.push_back(entry.path().filename());
  }
  EXPECT_EQ(top, std::vector<std::string>{"data"});
}

TEST_F(ServerErrorsTest, BadQueryParametersAre400) {
  std::string order = std::string(kOrders) + "/o";
  ASSERT_EQ(SendJson("PUT", order, {{"a", 1}}, Audit()).status, 201);
  for (const std::string& query :
       {order + "?version=abc",
        order + "?version=-1",
        order + "?version=1.5",
        order + "?version=99999999999999999999",
        order + "?version=",
        order + "?asOf=yesterday",
        order + "?version=0&asOf=2024-01-01T00:00:00Z",
        order + "?version=0&version=0",
        order + "?verison=0",
        order + "/history?limit=x",
        order + "/history?limit=0",
        order + "/history?limit=99999999999",
        order + "/history?order=sideways",
        order + "/diff?from=0",
        order + "/diff?from=a&to=0",
        std::string(kOrders) + "?where=%zz",
        std::string(kOrders) + "?where=" + UrlEncode("{\"a\":"),
        std::string(kOrders) + "?where=" + UrlEncode("[1]"),
        std::string(kOrders) + "?where=" + UrlEncode(R"({"a":{"$regex":"x"}})"),
        std::string(kOrders) + "?limit=-5"}) {
    ExpectError(Get(query), 400, "", query);
  }
  ExpectError(SendJson("PUT", order + "?version=0", {{"a", 2}}, Audit()), 400, "invalid_query",
              "PUT with a query");
  ExpectError(SendJson("POST", std::string(kOrders) + "?x=1", {{"a", 2}}, Audit()), 400,
              "invalid_query", "POST with a query");
  EXPECT_EQ(Get(order).body["version"], 0);
}

TEST_F(ServerErrorsTest, BadConditionalHeadersAre400) {
  std::string record = std::string(kNotes) + "/h";
  ASSERT_EQ(SendJson("PUT", record, {{"a", 1}}).status, 201);
  for (const httplib::Headers& headers :
       {httplib::Headers{{"If-Match", "0"}}, httplib::Headers{{"If-Match", "W/\"0\""}},
        httplib::Headers{{"If-Match", "\"x\""}}, httplib::Headers{{"If-None-Match", "\"0\""}}}) {
    ExpectError(SendJson("PUT", record, {{"a", 2}}, headers), 400, "invalid_header",
                headers.begin()->first + ": " + headers.begin()->second);
  }
  ExpectError(SendJson("PATCH", record, {{"a", 2}}, {{"If-None-Match", "*"}}), 400,
              "invalid_header", "PATCH If-None-Match");
  ExpectError(SendJson("POST", kNotes, {{"a", 2}}, {{"If-Match", "\"0\""}}), 400, "invalid_header",
              "POST If-Match");
  EXPECT_EQ(Get(record).body["version"], 0);
}

class SmallBodyTest : public ServerErrorsTest {
 protected:
  std::vector<std::string> ServerFlags() override { return {"--max-body", "1024"}; }
};

TEST_F(SmallBodyTest, OversizedBodiesAre413JsonAndStoreNothing) {
  std::string big = Json({{"pad", std::string(2000, 'x')}}).dump();
  ExpectError(Send("POST", kNotes, big), 413, "payload_too_large", "POST");
  ExpectError(Send("PUT", std::string(kNotes) + "/big", big), 413, "payload_too_large", "PUT");
  // A chunked body (no Content-Length) is held to the same limit.
  httplib::Result chunked = client_->Put(
      std::string(kNotes) + "/chunked",
      [&big](size_t offset, httplib::DataSink& sink) {
        if (offset < big.size()) {
          sink.write(big.data() + offset, std::min<size_t>(512, big.size() - offset));
        } else {
          sink.done();
        }
        return true;
      },
      "application/json");
  ASSERT_TRUE(chunked);
  EXPECT_EQ(chunked->status, 413);
  ExpectNoNotes();
  std::string fits = Json({{"pad", std::string(900, 'x')}}).dump();
  EXPECT_EQ(Send("PUT", std::string(kNotes) + "/fits", fits).status, 201);
}

// Runs xronoxd to completion and returns {exit code, stderr}.
std::pair<std::optional<int>, std::string> RunXronoxd(const std::vector<std::string>& args) {
  auto child = ChildProcess::Start(XronoxdBinary(), args);
  if (child == nullptr) return {std::nullopt, "cannot start"};
  std::optional<int> code = child->Wait(std::chrono::seconds(20));
  return {code, child->Stderr()};
}

TEST(XronoxdProcessTest, PortInUseExitsWithAClearMessage) {
  TempDir dir;
  XronoxdProcess first({"--data", dir.path() + "/a"});
  ASSERT_GT(first.port(), 0) << first.Stderr();
  auto [code, err] = RunXronoxd(
      {"--data", dir.path() + "/b", "--listen", "127.0.0.1:" + std::to_string(first.port())});
  ASSERT_TRUE(code.has_value()) << "second server did not exit";
  EXPECT_NE(*code, 0);
  EXPECT_NE(err.find("cannot listen on 127.0.0.1:" + std::to_string(first.port())),
            std::string::npos)
      << err;
  EXPECT_NE(err.find("in use"), std::string::npos) << err;
  EXPECT_EQ(first.Stop(), std::optional<int>(0));
}

TEST(XronoxdProcessTest, BadFlagsAndConfigsExitNonZero) {
  TempDir dir;
  std::string bad_config = dir.path() + "/bad.json";
  std::ofstream(bad_config) << "{\"not\": \"a config\"";
  std::string blocker = dir.path() + "/file";
  std::ofstream(blocker) << "x";
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{},
        {"--data", dir.path() + "/d", "--config", bad_config},
        {"--config", dir.path() + "/missing.json"},
        {"--config", bad_config},
        {"--data", blocker + "/sub"},
        {"--data", dir.path() + "/d", "--listen", "nonsense"},
        {"--data", dir.path() + "/d", "--listen", "127.0.0.1:70000"},
        {"--data", dir.path() + "/d", "--max-body", "0"}}) {
    auto [code, err] = RunXronoxd(args);
    ASSERT_TRUE(code.has_value());
    EXPECT_NE(*code, 0) << err;
    EXPECT_FALSE(err.empty());
  }
}

// No request is authenticated yet: a non-loopback address needs the operator's explicit flag.
TEST(XronoxdProcessTest, NonLoopbackListenNeedsTheInsecureFlag) {
  TempDir dir;
  // A name is judged by what it resolves to: "127.<anything>" is not loopback by its spelling.
  for (std::string host : {"0.0.0.0", "[::]", "127.example.invalid"}) {
    auto [code, err] = RunXronoxd({"--data", dir.path() + "/d", "--listen", host + ":0"});
    ASSERT_TRUE(code.has_value()) << "xronoxd did not exit for " << host;
    EXPECT_EQ(*code, 2) << err;
    EXPECT_NE(err.find("without authentication"), std::string::npos) << err;
    EXPECT_NE(err.find("--insecure-no-auth"), std::string::npos) << err;
  }
  auto server = ChildProcess::Start(XronoxdBinary(), {"--data", dir.path() + "/d", "--listen",
                                                      "0.0.0.0:0", "--insecure-no-auth"});
  ASSERT_NE(server, nullptr);
  std::string line = server->ReadLine(std::chrono::seconds(30));
  EXPECT_EQ(line.rfind("xronoxd listening on http://0.0.0.0:", 0), 0u) << line << server->Stderr();
  EXPECT_EQ(server->Signal(SIGTERM, std::chrono::seconds(10)), std::optional<int>(0));
}

}  // namespace
}  // namespace xronox::testing
