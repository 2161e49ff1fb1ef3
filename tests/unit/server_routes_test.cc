// xronoxd without sockets: request-target parsing, the route table, the Status -> HTTP mapping,
// request parsing, and the dispatcher over an embedded store.
#include <gtest/gtest.h>

#include "server/api/codec.h"
#include "server/api/dispatcher.h"
#include "server/api/request_parsing.h"
#include "server/api/routes.h"
#include "server/api/status_http.h"
#include "support/temp_dir.h"
#include "xronox/xronox.h"

namespace xronox::server {
namespace {

TEST(ServerRoutesTest, PercentDecodeDecodesEachEscape) {
  EXPECT_EQ(PercentDecode("%41b%2f%2F", false), std::optional<std::string>("Ab//"));
  EXPECT_EQ(PercentDecode("a+b", false), std::optional<std::string>("a+b"));
  EXPECT_EQ(PercentDecode("a+b", true), std::optional<std::string>("a b"));
  EXPECT_EQ(PercentDecode("%00", false), std::optional<std::string>(std::string(1, '\0')));
  EXPECT_FALSE(PercentDecode("%zz", false));
  EXPECT_FALSE(PercentDecode("%4", false));
  EXPECT_FALSE(PercentDecode("abc%", false));
}

TEST(ServerRoutesTest, ParseRequestTargetKeepsEncodedSlashesInsideSegments) {
  Result<ParsedTarget> parsed = ParseRequestTarget("/v1/a%2Fb/..%2F/c?x=1&y=%20+z&&flag");
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(parsed->segments, (std::vector<std::string>{"v1", "a/b", "../", "c"}));
  EXPECT_EQ(parsed->query, (QueryParams{{"x", "1"}, {"y", "  z"}, {"flag", ""}}));
  Result<ParsedTarget> absolute = ParseRequestTarget("http://host:80/v1/health?x=1");
  ASSERT_TRUE(absolute.ok());
  EXPECT_EQ(absolute->segments, (std::vector<std::string>{"v1", "health"}));
  EXPECT_EQ(ParseRequestTarget("/v1/x?a=1&a=2").status().reason(), "invalid_query");
  EXPECT_EQ(ParseRequestTarget("/v1/%zz").status().reason(), "invalid_path");
  EXPECT_EQ(ParseRequestTarget("*").status().reason(), "invalid_path");
  EXPECT_EQ(ParseRequestTarget("/v1/x?a=%G0").status().reason(), "invalid_query");
}

TEST(ServerRoutesTest, MatchRouteFollowsTheTable) {
  using Segments = std::vector<std::string>;
  EXPECT_EQ(MatchRoute(Segments{"v1", "health"})->kind, RouteKind::kHealth);
  EXPECT_EQ(MatchRoute(Segments{"v1", "ready"})->kind, RouteKind::kReady);
  EXPECT_EQ(MatchRoute(Segments{"v1", "openapi.json"})->kind, RouteKind::kOpenApi);
  EXPECT_FALSE(MatchRoute(Segments{"v1", "openapi"}));
  EXPECT_EQ(JoinMethods(AllowedMethods(RouteKind::kOpenApi, false)), "GET");
  std::optional<Route> collection = MatchRoute(Segments{"v1", "runtime", "acme", "orders"});
  ASSERT_TRUE(collection);
  EXPECT_EQ(collection->kind, RouteKind::kCollection);
  EXPECT_EQ(collection->database_type, "runtime");
  EXPECT_EQ(collection->tenant, "acme");
  EXPECT_EQ(collection->collection, "orders");
  std::optional<Route> record = MatchRoute(Segments{"v1", "runtime", "acme", "orders", "o1"});
  ASSERT_TRUE(record);
  EXPECT_EQ(record->kind, RouteKind::kRecord);
  EXPECT_EQ(record->id, "o1");
  EXPECT_EQ(MatchRoute(Segments{"v1", "k", "_", "c", "i", "history"})->kind, RouteKind::kHistory);
  EXPECT_EQ(MatchRoute(Segments{"v1", "k", "_", "c", "i", "diff"})->kind, RouteKind::kDiff);
  EXPECT_EQ(MatchRoute(Segments{"v1", "k", "_", "c", "i", "blame"})->kind, RouteKind::kBlame);
  EXPECT_EQ(MatchRoute(Segments{"v1", "k", "_", "c", "i", "restore"})->kind, RouteKind::kRestore);
  EXPECT_EQ(MatchRoute(Segments{"v1", "k", "_", "c", "i", "enrich"})->kind, RouteKind::kEnrich);
  EXPECT_FALSE(MatchRoute(Segments{"v1", "k", "_", "c", "i", "other"}));
  EXPECT_EQ(MatchRoute(Segments{"v1", "k", "_", "people:upsert"})->kind, RouteKind::kUpsert);
  EXPECT_EQ(MatchRoute(Segments{"v1", "runtime", "acme", "orders:versions"})->kind,
            RouteKind::kVersions);
  std::optional<Route> tenant = MatchRoute(Segments{"v1", "runtime", "acme:versions"});
  ASSERT_TRUE(tenant);
  EXPECT_EQ(tenant->kind, RouteKind::kTenantVersions);
  EXPECT_EQ(tenant->tenant, "acme");
  EXPECT_TRUE(tenant->collection.empty());
  EXPECT_FALSE(MatchRoute(Segments{"v1", "runtime", "acme:counters"}));
  EXPECT_EQ(RouteTemplate(RouteKind::kTenantVersions), "/v1/{db}/{tenant}:versions");
  EXPECT_EQ(JoinMethods(AllowedMethods(RouteKind::kUpsert, false)), "POST");
  EXPECT_EQ(JoinMethods(AllowedMethods(RouteKind::kUpsert, true)), "") << "logs never upsert";
  std::optional<Route> append = MatchRoute(Segments{"v1", "logs", "_", "events:append"});
  ASSERT_TRUE(append);
  EXPECT_EQ(append->kind, RouteKind::kAppend);
  EXPECT_EQ(append->collection, "events");
  EXPECT_EQ(JoinMethods(AllowedMethods(RouteKind::kAppend, true)), "POST");
  EXPECT_FALSE(NeedsAdmin(RouteKind::kAppend)) << "appending is a write, not an admin task";
  EXPECT_FALSE(MatchRoute(Segments{"v1", "logs", "_", "events:append", "x"}));
  EXPECT_FALSE(MatchRoute(Segments{"v1", "k", "_"}));
  EXPECT_FALSE(MatchRoute(Segments{"v2", "health"}));
  EXPECT_FALSE(MatchRoute(Segments{"v1", "health", ""}));
  EXPECT_FALSE(MatchRoute(Segments{"v1", "k", "_", "c", "i", "diff", "x"}));
}

TEST(ServerRoutesTest, ContentRoutesAreSevenSegmentsAndStreamOnlyTheirPut) {
  using Segments = std::vector<std::string>;
  std::optional<Route> content =
      MatchRoute(Segments{"v1", "runtime", "acme", "orders", "o1", "content", "scan"});
  ASSERT_TRUE(content);
  EXPECT_EQ(content->kind, RouteKind::kContent);
  EXPECT_EQ(content->id, "o1");
  EXPECT_EQ(content->property, "scan");
  EXPECT_FALSE(MatchRoute(Segments{"v1", "k", "_", "c", "i", "other", "scan"}));
  EXPECT_FALSE(MatchRoute(Segments{"v1", "k", "_", "c", "i", "content"}));
  EXPECT_EQ(JoinMethods(AllowedMethods(RouteKind::kContent, false)), "GET, PUT, DELETE");
  EXPECT_EQ(JoinMethods(AllowedMethods(RouteKind::kContent, true)), "GET");
  EXPECT_TRUE(IsStreamedUpload("PUT", "/v1/knowledge/_/c/i/content/scan?x=1"));
  EXPECT_FALSE(IsStreamedUpload("GET", "/v1/knowledge/_/c/i/content/scan"));
  EXPECT_FALSE(IsStreamedUpload("PUT", "/v1/knowledge/_/c/i"));
  EXPECT_FALSE(IsStreamedUpload("PUT", "/v1/knowledge/_/c/i/content/%zz"));
}

TEST(ServerRoutesTest, AllowedMethodsNarrowOnLogs) {
  EXPECT_EQ(JoinMethods(AllowedMethods(RouteKind::kRecord, false)), "GET, PUT, PATCH, DELETE");
  EXPECT_EQ(JoinMethods(AllowedMethods(RouteKind::kRecord, true)), "GET");
  EXPECT_EQ(JoinMethods(AllowedMethods(RouteKind::kCollection, true)), "GET, POST");
  EXPECT_EQ(JoinMethods(AllowedMethods(RouteKind::kRestore, false)), "POST");
}

TEST(ServerRoutesTest, ResolveTargetMapsTheTenantSegment) {
  Route route;
  route.kind = RouteKind::kCollection;
  route.database_type = "knowledge";
  route.tenant = "_";
  route.collection = "notes";
  Result<Target> generic = ResolveTarget(route);
  ASSERT_TRUE(generic.ok());
  EXPECT_EQ(generic->tier, Tier::kGeneric);
  EXPECT_TRUE(generic->tenant_id.empty());

  route.database_type = "runtime";
  EXPECT_EQ(ResolveTarget(route).status().reason(), "tenant_required");
  route.tenant = "acme";
  Result<Target> tenant = ResolveTarget(route);
  ASSERT_TRUE(tenant.ok());
  EXPECT_EQ(tenant->tier, Tier::kTenant);
  EXPECT_EQ(tenant->tenant_id, "acme");
  EXPECT_EQ(tenant->database_type, DatabaseType::kRuntime);

  route.tenant = "../x";
  EXPECT_EQ(ResolveTarget(route).status().reason(), "invalid_tenant_id");
  route.tenant = "acme";
  route.collection = "$x";
  EXPECT_EQ(ResolveTarget(route).status().reason(), "invalid_collection_name");
  route.database_type = "nosuch";
  EXPECT_EQ(ResolveTarget(route).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(ResolveTarget(route).status().reason(), "unknown_database_type");
  route.id = std::string(1, '\0');
  EXPECT_EQ(ValidateRouteId(route).reason(), "invalid_record_id");
  route.id = "ok-id_1.2:3";
  EXPECT_TRUE(ValidateRouteId(route).ok());
}

TEST(ServerStatusHttpTest, EachCodeMapsToOneHttpStatus) {
  StatusContext read;
  StatusContext write{.write = true, .create_only = false, .allow = "GET"};
  StatusContext create_only{.write = true, .create_only = true, .allow = ""};
  EXPECT_EQ(HttpErrorFromStatus(InvalidArgument("x"), read).status, 400);
  EXPECT_EQ(HttpErrorFromStatus(NotFound("x"), read).status, 404);
  EXPECT_EQ(HttpErrorFromStatus(AlreadyExists("x"), write).status, 409);
  EXPECT_EQ(HttpErrorFromStatus(AlreadyExists("x"), create_only).status, 412);
  EXPECT_EQ(HttpErrorFromStatus(Conflict("x"), write).status, 409);
  EXPECT_EQ(HttpErrorFromStatus(FailedPrecondition("x"), write).status, 412);
  EXPECT_EQ(HttpErrorFromStatus(Status(StatusCode::kPermissionDenied, "x"), read).status, 403);
  EXPECT_EQ(HttpErrorFromStatus(Status(StatusCode::kUnauthenticated, "x"), read).status, 401);
  EXPECT_EQ(HttpErrorFromStatus(ResourceExhausted("x"), write).status, 429);
  EXPECT_EQ(
      HttpErrorFromStatus(ResourceExhausted("x").WithReason("record_too_large"), write).status,
      413);
  EXPECT_EQ(HttpErrorFromStatus(Unavailable("x"), read).status, 503);
  EXPECT_EQ(HttpErrorFromStatus(Status(StatusCode::kDeadlineExceeded, "x"), read).status, 504);
  EXPECT_EQ(HttpErrorFromStatus(NotSupported("x"), read).status, 400);
  HttpError not_supported = HttpErrorFromStatus(NotSupported("x"), write);
  EXPECT_EQ(not_supported.status, 405);
  EXPECT_EQ(not_supported.allow, "GET");
  EXPECT_EQ(HttpErrorFromStatus(Corruption("x"), read).status, 500);
  EXPECT_EQ(HttpErrorFromStatus(Internal("x"), read).status, 500);
}

TEST(ServerStatusHttpTest, CodeIsTheReasonElseTheStatusName) {
  HttpError plain = HttpErrorFromStatus(NotFound("record 'a' not found"), {});
  EXPECT_EQ(plain.code, "not_found");
  EXPECT_EQ(plain.message, "record 'a' not found");
  EXPECT_FALSE(plain.current_version);
  HttpError mismatch = HttpErrorFromStatus(
      FailedPrecondition("stale").WithReason("version_mismatch").WithCurrentVersion(7), {});
  EXPECT_EQ(mismatch.code, "version_mismatch");
  EXPECT_EQ(mismatch.current_version, std::optional<int64_t>(7));
  EXPECT_EQ(ErrorToJson(mismatch),
            Json::parse(R"({"error":{"code":"version_mismatch","message":"stale",
                                     "currentVersion":7}})"));
  HttpResponse response = ErrorResponse(mismatch);
  EXPECT_EQ(response.status, 412);
  EXPECT_EQ(HeaderValue(response.headers, "content-type"), "application/json");
}

TEST(ServerRequestParsingTest, IfMatchNeedsOneQuotedVersion) {
  EXPECT_EQ(ParseIfMatch("\"3\"").value(), 3);
  EXPECT_EQ(ParseIfMatch(" \"0\" ").value(), 0);
  for (const char* bad : {"3", "W/\"3\"", "\"-1\"", "\"x\"", "\"\"", "*", "\"1\", \"2\"",
                          "\"99999999999999999999\""}) {
    EXPECT_EQ(ParseIfMatch(bad).status().reason(), "invalid_header") << bad;
  }
}

TEST(ServerRequestParsingTest, WriteOptionsComeFromHeaders) {
  HttpRequest request;
  request.headers = {{"x-xronox-actor", "alice"},
                     {"X-Xronox-Reason", "fix typo"},
                     {"Idempotency-Key", "k1"},
                     {"If-Match", "\"4\""}};
  Result<WriteOptions> options = WriteOptionsFromRequest(request, {.if_match = true}, "");
  ASSERT_TRUE(options.ok()) << options.status().ToString();
  EXPECT_EQ(options->actor, "alice");
  EXPECT_EQ(options->reason, "fix typo");
  EXPECT_EQ(options->idempotency_key, "k1");
  EXPECT_EQ(options->expected_version, std::optional<int64_t>(4));
  EXPECT_FALSE(options->create_only);
  EXPECT_EQ(WriteOptionsFromRequest(request, {}, "").status().reason(), "invalid_header");

  request.headers = {{"If-None-Match", "*"}};
  EXPECT_TRUE(WriteOptionsFromRequest(request, {.if_none_match = true}, "")->create_only);
  request.headers = {{"X-Xronox-Actor", "bad\x01"}};
  EXPECT_FALSE(WriteOptionsFromRequest(request, {}, "").ok());
  request.headers = {{"X-Xronox-Reason", "\xff"}};
  EXPECT_FALSE(WriteOptionsFromRequest(request, {}, "").ok());
}

TEST(ServerRequestParsingTest, MediaTypeDropsParametersAndCase) {
  EXPECT_EQ(MediaType("Application/JSON; charset=utf-8"), "application/json");
  EXPECT_EQ(MediaType(" application/merge-patch+json "), "application/merge-patch+json");
  EXPECT_EQ(MediaType(""), "");
}

TEST(ServerRequestParsingTest, QueryParametersAreStrict) {
  Result<GetOptions> at_version = GetOptionsFromQuery({{"version", "12"}});
  ASSERT_TRUE(at_version.ok());
  EXPECT_EQ(at_version->version, std::optional<int64_t>(12));
  Result<GetOptions> as_of = GetOptionsFromQuery({{"asOf", "2024-01-01T10:00:00 02:00"}});
  ASSERT_TRUE(as_of.ok()) << "an unencoded '+' arrives as a space";
  EXPECT_EQ(
      GetOptionsFromQuery({{"version", "1"}, {"asOf", "2024-01-01T00:00:00Z"}}).status().reason(),
      "invalid_query");
  EXPECT_FALSE(GetOptionsFromQuery({{"version", "+1"}}).ok());
  EXPECT_FALSE(GetOptionsFromQuery({{"other", "1"}}).ok());
  EXPECT_FALSE(HistoryOptionsFromQuery({{"limit", "3000000000"}}).ok());
  EXPECT_FALSE(HistoryOptionsFromQuery({{"order", "up"}}).ok());
  EXPECT_FALSE(HistoryOptionsFromQuery({{"order", "oldest"}})->newest_first);
  EXPECT_EQ(FilterFromQuery({{"where", "[1]"}}).status().reason(), "invalid_filter");
  EXPECT_EQ(FilterFromQuery({}).value(), Json::object());
}

TEST(ServerCodecTest, Utf8ValidationRejectsMalformedSequences) {
  EXPECT_TRUE(IsValidUtf8("plain h\xc3\xa9llo \xe4\xb8\x96 \xf0\x9f\x98\x80"));
  EXPECT_FALSE(IsValidUtf8("\xff"));
  EXPECT_FALSE(IsValidUtf8("\xc0\xaf"));          // Overlong '/'.
  EXPECT_FALSE(IsValidUtf8("\xed\xa0\x80"));      // Surrogate.
  EXPECT_FALSE(IsValidUtf8("\xf4\x90\x80\x80"));  // Above U+10FFFF.
  EXPECT_FALSE(IsValidUtf8("\xe4\xb8"));          // Truncated.
}

// The dispatcher end to end over an embedded store, without sockets.
class ServerDispatcherTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<Config> config = CreateEmbeddedConfig(dir_.path());
    ASSERT_TRUE(config.ok()) << config.status().ToString();
    auto store = Xronox::Open(*config);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(*store);
    dispatcher_ = std::make_unique<Dispatcher>(
        *store_, DispatcherOptions{.max_body_bytes = 64, .api_keys = {}});
  }
  HttpResponse Call(const std::string& method, const std::string& target,
                    const std::string& body = "", HttpHeaders headers = {}) {
    if (!body.empty() && !headers.count("Content-Type")) {
      headers["Content-Type"] = "application/json";
    }
    return dispatcher_->Handle(HttpRequest{method, target, std::move(headers), body, ""});
  }
  static std::string Code(const HttpResponse& response) {
    return Json::parse(response.body)["error"].value("code", "");
  }

  xronox::testing::TempDir dir_;
  std::unique_ptr<Xronox> store_;
  std::unique_ptr<Dispatcher> dispatcher_;
};

TEST_F(ServerDispatcherTest, RoutesAndProtocolErrors) {
  EXPECT_EQ(Call("GET", "/v1/health").body, R"({"status":"ok"})");
  EXPECT_EQ(Call("HEAD", "/v1/health").status, 200);
  EXPECT_EQ(Call("GET", "/nowhere").status, 404);
  HttpResponse not_allowed = Call("DELETE", "/v1/knowledge/_/notes");
  EXPECT_EQ(not_allowed.status, 405);
  EXPECT_EQ(HeaderValue(not_allowed.headers, "Allow"), "GET, POST");
  EXPECT_EQ(Call("PUT", "/v1/logs/_/events/e1", "{}").status, 405);
  EXPECT_EQ(Call("POST", "/v1/knowledge/_/notes", "{}", {{"Content-Type", "text/json"}}).status,
            415);
  EXPECT_EQ(Code(Call("POST", "/v1/knowledge/_/notes", std::string(65, ' '))), "payload_too_large");
  EXPECT_EQ(Code(Call("POST", "/v1/knowledge/_/notes", "[]")), "invalid_body");
  EXPECT_EQ(Code(Call("PUT", "/v1/knowledge/_/notes/..%2Fx", "{}")), "invalid_record_id");
  EXPECT_EQ(Code(Call("GET", "/v1/other/_/notes")), "unknown_database_type");
}

TEST_F(ServerDispatcherTest, PutThenGetRoundTrips) {
  HttpResponse put = Call("PUT", "/v1/knowledge/_/notes/n1", R"({"a":[1,2.5,"x"]})");
  ASSERT_EQ(put.status, 201) << put.body;
  EXPECT_EQ(HeaderValue(put.headers, "Location"), "/v1/knowledge/_/notes/n1");
  HttpResponse get = Call("GET", "/v1/knowledge/_/notes/n1");
  ASSERT_EQ(get.status, 200) << get.body;
  EXPECT_EQ(Json::parse(get.body)["data"], Json::parse(R"({"a":[1,2.5,"x"]})"));
  EXPECT_EQ(HeaderValue(get.headers, "ETag"), "\"0\"");
}

TEST_F(ServerDispatcherTest, ReadyWhenEveryBackendAnswers) {
  HttpResponse ready = Call("GET", "/v1/ready");
  EXPECT_EQ(ready.status, 200) << ready.body;
  EXPECT_EQ(ready.body, R"({"status":"ready"})");
  EXPECT_EQ(Call("POST", "/v1/ready", "{}").status, 405);
}

TEST_F(ServerDispatcherTest, EveryResponseCarriesARequestId) {
  HttpResponse echoed = Call("GET", "/v1/health", "", {{"X-Request-Id", "client-42.a:b_c"}});
  EXPECT_EQ(HeaderValue(echoed.headers, "X-Request-Id"), "client-42.a:b_c");
  std::string generated = HeaderValue(Call("GET", "/nowhere").headers, "X-Request-Id");
  EXPECT_EQ(generated.size(), 16u);
  EXPECT_NE(generated, HeaderValue(Call("GET", "/nowhere").headers, "X-Request-Id"));
  for (const std::string& unsafe : {std::string("has space"), std::string(129, 'a'),
                                    std::string("quote\""), std::string("new\nline")}) {
    std::string id = HeaderValue(Call("GET", "/v1/health", "", {{"X-Request-Id", unsafe}}).headers,
                                 "X-Request-Id");
    EXPECT_NE(id, unsafe);
    EXPECT_EQ(id.size(), 16u);
  }
}

}  // namespace
}  // namespace xronox::server
