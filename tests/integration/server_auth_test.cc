// API keys against a real xronoxd: 401 without a valid key, 403 outside a key's scopes on every
// route, the key's principal as the audit actor with X-Xronox-Actor kept as on-behalf-of, and
// the tokens never echoed in any output.
#include <fstream>
#include <set>

#include "integration/api_keys.h"
#include "integration/route_cases.h"
#include "integration/test_support.h"
#include "server/api/routes.h"
#include "xronox/config.h"

namespace xronox::testing {
namespace {

using Token = TestKey;

class ServerAuthTest : public XronoxdTest {
 protected:
  Token acme_{"acme-service"};      // runtime/acme: read, write.
  Token globex_{"globex-service"};  // runtime/globex: read, write.
  Token auditor_{"acme-auditor"};   // runtime/acme: read only.
  Token admin_{"operator"};         // everything: admin only.
  Token partner_{"acme-partner"};   // runtime/acme: read, write.

  std::vector<std::string> ServerFlags() override {
    Json keys = {{"apiKeys",
                  {KeyJson(acme_, {"runtime"}, {"acme"}, {"read", "write"}),
                   KeyJson(globex_, {"runtime"}, {"globex"}, {"read", "write"}),
                   KeyJson(auditor_, {"runtime"}, {"acme"}, {"read"}),
                   KeyJson(admin_, {"*"}, {"*"}, {"admin"}),
                   KeyJson(partner_, {"runtime"}, {"acme"}, {"read", "write"})}}};
    std::string path = dir_.path() + "/keys.json";
    std::ofstream(path) << keys.dump(2);
    return {"--api-keys", path};
  }

  static httplib::Headers Reason(httplib::Headers extra = {}) {
    extra.emplace("X-Xronox-Reason", "auth test");
    return extra;
  }

  // A record with versions 0 and 1 in `tenant`, written with that tenant's key.
  void SeedRecord(const Token& key, const std::string& tenant, const std::string& id) {
    std::string path = "/v1/runtime/" + tenant + "/orders/" + id;
    ASSERT_EQ(SendJson("PUT", path, {{"state", "new"}}, Bearer(key, Reason())).status, 201);
    ASSERT_EQ(Send("PATCH", path, R"({"state":"paid"})", Bearer(key, Reason()),
                   "application/merge-patch+json")
                  .status,
              200);
  }
};

TEST_F(ServerAuthTest, HealthNeedsNoKeyAndEveryOtherRouteNeedsOne) {
  EXPECT_EQ(Get("/v1/health").status, 200);
  for (std::string path :
       {"/v1/ready", "/v1/openapi.json", "/v1/runtime/acme/orders", "/v1/runtime/acme/orders/x",
        "/v1/runtime/acme/orders/x/history", "/v1/knowledge/_/notes/x"}) {
    Reply reply = Get(path);
    EXPECT_EQ(reply.status, 401) << path << " " << reply.raw;
    EXPECT_EQ(reply.ErrorCode(), "missing_credentials") << path;
    EXPECT_NE(reply.Header("WWW-Authenticate").find("Bearer"), std::string::npos) << path;
  }
  Reply write = SendJson("POST", "/v1/runtime/acme/orders", {{"a", 1}}, Reason());
  EXPECT_EQ(write.status, 401) << write.raw;
  EXPECT_EQ(Get("/v1/ready", Bearer(acme_)).status, 200);
  EXPECT_EQ(Get("/v1/openapi.json", Bearer(auditor_)).status, 200);  // Any valid key.
}

TEST_F(ServerAuthTest, MalformedOrUnknownTokensAre401) {
  Token stranger{"nobody"};
  for (const std::string& value : std::vector<std::string>{
           "Bearer " + stranger.token, "Basic " + acme_.token, "Bearer", "Bearer ",
           "bearer " + acme_.token.substr(1), acme_.token, "Bearer " + std::string(4096, 'x')}) {
    Reply reply = Get("/v1/runtime/acme/orders", {{"Authorization", value}});
    EXPECT_EQ(reply.status, 401) << value.substr(0, 40) << " " << reply.raw;
    EXPECT_EQ(reply.ErrorCode(), "invalid_credentials") << value.substr(0, 40);
  }
  // The scheme is case-insensitive (RFC 9110).
  EXPECT_EQ(Get("/v1/runtime/acme/orders", {{"Authorization", "bearer " + acme_.token}}).status,
            200);
}

// The case list must name every method of every record route, so that a route added later
// without an isolation case fails here.
TEST(ServerAuthRoutesTest, CaseListCoversEveryRecordRouteAndMethod) {
  using server::RouteKind;
  std::set<std::pair<RouteKind, std::string>> covered;
  for (const RouteCase& c : EveryRecordRoute()) covered.insert({c.kind, c.method});
  for (RouteKind kind :
       {RouteKind::kCollection, RouteKind::kRecord, RouteKind::kHistory, RouteKind::kDiff,
        RouteKind::kRestore, RouteKind::kContent, RouteKind::kEnrich}) {
    for (const std::string& method : server::AllowedMethods(kind, /*logs=*/false)) {
      if (method == "OPTIONS") continue;  // Answers the Allow list only, after authentication.
      EXPECT_TRUE(covered.count({kind, method}))
          << "no isolation case for " << method << " on route kind " << static_cast<int>(kind);
    }
  }
}

TEST_F(ServerAuthTest, AKeyForOneTenantCanUseEveryRouteThereAndNoneOfAnotherTenant) {
  SeedRecord(acme_, "acme", "r");
  SeedRecord(globex_, "globex", "r");
  ASSERT_EQ(Send("PUT", "/v1/runtime/globex/orders/r/content/scan", "%PDF-globex",
                 Bearer(globex_, Reason()), "application/pdf")
                .status,
            200);
  for (const RouteCase& c : EveryRecordRoute()) {
    std::string own = "/v1/runtime/acme/orders" + c.suffix;
    std::string other = "/v1/runtime/globex/orders" + c.suffix;
    std::optional<std::string> type;
    if (!c.content_type.empty()) type = c.content_type;
    Reply denied = Send(c.method, other, c.body, Bearer(acme_, Reason()), type);
    EXPECT_EQ(denied.status, 403) << c.method << " " << other << " " << denied.raw;
    EXPECT_EQ(denied.ErrorCode(), "forbidden") << c.method << " " << other;
    EXPECT_EQ(denied.raw.find("\"state\""), std::string::npos) << "data leaked: " << denied.raw;
    EXPECT_EQ(denied.raw.find("%PDF"), std::string::npos) << "content leaked: " << denied.raw;
    Reply allowed = Send(c.method, own, c.body, Bearer(acme_, Reason()), type);
    EXPECT_EQ(allowed.status, c.success) << c.method << " " << own << " " << allowed.raw;
  }
  // Nothing of globex changed: still versions 0 to 2, written by its own key.
  Reply history = Get("/v1/runtime/globex/orders/r/history", Bearer(globex_));
  ASSERT_EQ(history.status, 200) << history.raw;
  ASSERT_EQ(history.body["versions"].size(), 3u) << history.raw;
  EXPECT_EQ(Get("/v1/runtime/globex/orders/r/content/scan", Bearer(globex_)).raw, "%PDF-globex");
  for (const Json& version : history.body["versions"]) {
    EXPECT_EQ(version["actor"], "globex-service");
  }
  // Other database types and the generic tier are outside acme's scope too.
  EXPECT_EQ(Get("/v1/knowledge/_/notes/x", Bearer(acme_)).status, 403);
  EXPECT_EQ(SendJson("POST", "/v1/runtime/_/orders", {{"a", 1}}, Bearer(acme_, Reason())).status,
            403);
}

TEST_F(ServerAuthTest, ReadOnlyAndAdminOnlyKeysCannotWrite) {
  SeedRecord(acme_, "acme", "r");
  EXPECT_EQ(Get("/v1/runtime/acme/orders/r", Bearer(auditor_)).status, 200);
  EXPECT_EQ(Get("/v1/runtime/acme/orders/r/history", Bearer(auditor_)).status, 200);
  Reply write =
      SendJson("PUT", "/v1/runtime/acme/orders/r", {{"x", 1}}, Bearer(auditor_, Reason()));
  EXPECT_EQ(write.status, 403) << write.raw;
  EXPECT_NE(write.body["error"].value("message", "").find("may not write"), std::string::npos);
  EXPECT_EQ(Send("DELETE", "/v1/runtime/acme/orders/r", "", Bearer(auditor_, Reason())).status,
            403);
  EXPECT_EQ(Get("/v1/runtime/acme/orders/r", Bearer(admin_)).status, 403);
  EXPECT_EQ(Get("/v1/runtime/acme/orders/r", Bearer(acme_)).body["version"], 1);
}

TEST_F(ServerAuthTest, ThePrincipalIsTheActorAndTheActorHeaderIsOnBehalfOf) {
  std::string path = "/v1/runtime/acme/orders/audited";
  httplib::Headers as_user = Bearer(acme_, Reason({{"X-Xronox-Actor", "user-42"}}));
  Reply created = SendJson("PUT", path, {{"state", "new"}}, as_user);
  ASSERT_EQ(created.status, 201) << created.raw;
  EXPECT_EQ(created.body["actor"], "acme-service");
  EXPECT_EQ(created.body["onBehalfOf"], "user-42");
  Reply updated = SendJson("PUT", path, {{"state", "paid"}}, Bearer(acme_, Reason()));
  ASSERT_EQ(updated.status, 200) << updated.raw;
  EXPECT_EQ(updated.body["actor"], "acme-service");
  EXPECT_FALSE(updated.body.contains("onBehalfOf")) << updated.raw;
  Reply history = Get(path + "/history?order=oldest", Bearer(acme_));
  ASSERT_EQ(history.status, 200) << history.raw;
  ASSERT_EQ(history.body["versions"].size(), 2u);
  EXPECT_EQ(history.body["versions"][0]["actor"], "acme-service");
  EXPECT_EQ(history.body["versions"][0]["onBehalfOf"], "user-42");
  EXPECT_FALSE(history.body["versions"][1].contains("onBehalfOf"));
  Reply first = Get(path + "?version=0", Bearer(acme_));
  EXPECT_EQ(first.body["onBehalfOf"], "user-42") << first.raw;
  // A reason is still required on runtime writes.
  Reply no_reason = SendJson("PUT", path, {{"state", "x"}}, Bearer(acme_));
  EXPECT_EQ(no_reason.status, 400) << no_reason.raw;
}

// An idempotency key names one request of one principal: each API key's principal has its own
// key space, so another principal's key never replays the first caller's result (which would
// drop its own audit entry), and one principal replaying with another reason is refused.
TEST_F(ServerAuthTest, IdempotencyKeysAreScopedByPrincipal) {
  const std::string path = "/v1/runtime/acme/orders/idem";
  auto headers = [](const Token& key, const std::string& reason) {
    return Bearer(key, {{"Idempotency-Key", "k-1"}, {"X-Xronox-Reason", reason}});
  };
  Reply first = SendJson("PUT", path, {{"n", 1}}, headers(acme_, "first"));
  ASSERT_EQ(first.status, 201) << first.raw;
  Reply replay = SendJson("PUT", path, {{"n", 1}}, headers(acme_, "first"));
  EXPECT_EQ(replay.status, 201) << replay.raw;
  EXPECT_EQ(replay.body["version"], 0);
  Reply other_principal = SendJson("PUT", path, {{"n", 2}}, headers(partner_, "first"));
  EXPECT_EQ(other_principal.status, 200) << other_principal.raw;
  EXPECT_EQ(other_principal.body["version"], 1);
  Reply other_replay = SendJson("PUT", path, {{"n", 2}}, headers(partner_, "first"));
  EXPECT_EQ(other_replay.body["version"], 1) << other_replay.raw;
  Reply other_reason = SendJson("PUT", path, {{"n", 1}}, headers(acme_, "second"));
  EXPECT_EQ(other_reason.status, 409) << other_reason.raw;
  EXPECT_EQ(other_reason.ErrorCode(), "idempotency_mismatch");
  Reply history = Get(path + "/history", Bearer(acme_));
  ASSERT_EQ(history.body["versions"].size(), 2u) << history.raw;
  EXPECT_EQ(history.body["versions"][0]["actor"], "acme-partner");  // Newest first.
  EXPECT_EQ(history.body["versions"][1]["actor"], "acme-service");
}

TEST_F(ServerAuthTest, MetricsNeedAnAdminScopeAndLogLinesNameThePrincipal) {
  EXPECT_EQ(Get("/metrics").status, 401);
  Reply tenant_key = Get("/metrics", Bearer(acme_));
  EXPECT_EQ(tenant_key.status, 403) << tenant_key.raw;
  EXPECT_EQ(tenant_key.raw.find("xronox_http_requests_total"), std::string::npos);
  Reply admin = Get("/metrics", Bearer(admin_));
  ASSERT_EQ(admin.status, 200) << admin.raw;
  EXPECT_NE(admin.raw.find("xronox_http_requests_total"), std::string::npos);
  ASSERT_EQ(Get("/v1/runtime/acme/orders", Bearer(acme_, {{"X-Request-Id", "auth-log-1"}})).status,
            200);
  EXPECT_EQ(server_->Stop(), std::optional<int>(0));
  bool found = false;
  std::string log = server_->Stderr();
  size_t start = 0;
  while (start < log.size()) {
    size_t end = log.find('\n', start);
    if (end == std::string::npos) end = log.size();
    Json line = Json::parse(log.substr(start, end - start), nullptr, false);
    if (line.is_object() && line.value("request_id", "") == "auth-log-1") {
      found = true;
      EXPECT_EQ(line.value("principal", ""), "acme-service") << line.dump();
    }
    start = end + 1;
  }
  EXPECT_TRUE(found) << log;
  server_.reset();
}

TEST_F(ServerAuthTest, TokensNeverAppearInAnyOutput) {
  SeedRecord(acme_, "acme", "r");
  Token stranger{"nobody"};
  Get("/v1/runtime/acme/orders/r", {{"Authorization", "Bearer " + stranger.token}});
  Get("/v1/runtime/globex/orders/r", Bearer(acme_));
  std::optional<int> stopped = server_->Stop();
  EXPECT_EQ(stopped, std::optional<int>(0));
  std::string output = server_->Stdout() + server_->Stderr();
  for (const Token* key : {&acme_, &globex_, &auditor_, &admin_, &stranger}) {
    EXPECT_EQ(output.find(key->token), std::string::npos) << key->principal;
  }
  server_.reset();
}

// `xronox keys new` prints a token and the entry that accepts it: a server given that entry
// serves the token, within the scopes asked for.
TEST(XronoxdKeysTest, KeysNewPrintsATokenTheServerAccepts) {
  TempDir dir;
  auto cli = ChildProcess::Start(XRONOX_CLI_BINARY,
                                 {"keys", "new", "--principal", "svc", "--database-type", "runtime",
                                  "--tenant", "acme", "--operation", "read"});
  ASSERT_NE(cli, nullptr);
  ASSERT_EQ(cli->Wait(std::chrono::seconds(30)), std::optional<int>(0)) << cli->Stderr();
  Json printed = Json::parse(cli->Stdout(std::chrono::seconds(1)), nullptr, false);
  ASSERT_TRUE(printed.is_object()) << cli->Stdout();
  std::string token = printed.value("token", "");
  ASSERT_EQ(printed["apiKey"]["secretSha256"], HashApiKeyToken(token));
  std::string path = dir.path() + "/keys.json";
  std::ofstream(path) << Json{{"apiKeys", {printed["apiKey"]}}}.dump();
  XronoxdProcess server({"--data", dir.path() + "/d", "--api-keys", path});
  ASSERT_GT(server.port(), 0) << server.line() << server.Stderr();
  httplib::Client client("127.0.0.1", server.port());
  httplib::Headers bearer{{"Authorization", "Bearer " + token}};
  EXPECT_EQ(client.Get("/v1/runtime/acme/orders", bearer)->status, 200);
  EXPECT_EQ(client.Get("/v1/runtime/other/orders", bearer)->status, 403);
  EXPECT_EQ(client.Post("/v1/runtime/acme/orders", bearer, "{}", "application/json")->status, 403);
  EXPECT_EQ(server.Stop(), std::optional<int>(0));
}

// Keys in the config's server.apiKeys; with keys, a non-loopback address is allowed.
TEST(XronoxdKeysTest, ConfigKeysProtectTheServerAndAllowAnyListenAddress) {
  TempDir dir;
  Token key{"svc"};
  Json config = {
      {"connections",
       {{"sqlite", {{"local", {{"path", dir.path() + "/hot.sqlite"}}}}},
        {"folder", {{"files", {{"path", dir.path() + "/objects"}}}}}}},
      {"databases",
       {{"knowledge",
         {{"type", "generic"},
          {"sqliteRef", "local"},
          {"folderRef", "files"},
          {"dbName", "k"},
          {"recordsBucket", "records"},
          {"contentBucket", "content"},
          {"backupsBucket", "backups"}}}}},
      {"server", {{"apiKeys", {KeyJson(key, {"knowledge"}, {"_"}, {"read", "write"})}}}}};
  std::string path = dir.path() + "/config.json";
  std::ofstream(path) << config.dump(2);
  auto server = ChildProcess::Start(XronoxdBinary(), {"--config", path, "--listen", "0.0.0.0:0"});
  ASSERT_NE(server, nullptr);
  std::string line = server->ReadLine(std::chrono::seconds(30));
  const std::string prefix = "xronoxd listening on http://0.0.0.0:";
  ASSERT_EQ(line.rfind(prefix, 0), 0u) << line << server->Stderr();
  httplib::Client client("127.0.0.1", std::atoi(line.c_str() + prefix.size()));
  EXPECT_EQ(client.Get("/v1/knowledge/_/notes/x")->status, 401);
  auto missing = client.Get("/v1/knowledge/_/notes/x", Bearer(key));
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 404) << missing->body;
  EXPECT_EQ(server->Signal(SIGTERM, std::chrono::seconds(10)), std::optional<int>(0));
}

}  // namespace
}  // namespace xronox::testing
