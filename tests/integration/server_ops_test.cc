// xronoxd's operations surface against a real process over loopback: /metrics in the
// Prometheus text format (counts that move with the requests, cumulative histograms, route
// labels without raw ids, backend calls of both tiers, on the embedded store and on MongoDB +
// S3), and the JSON log lines on stderr (one per request, carrying the request id, never a
// body or a credential).
#include <regex>
#include <sstream>

#include "integration/fault_support.h"
#include "integration/test_support.h"
#include "support/prometheus_parse.h"

namespace xronox::testing {
namespace {

constexpr char kRecordRoute[] = "/v1/{db}/{tenant}/{collection}/{id}";
// A record id that must never appear in a metric label.
constexpr char kRawId[] = "ops-raw-id-7431";

class ServerOpsTest : public XronoxdTest {
 protected:
  PromText Scrape() {
    Reply reply = Get("/metrics");
    EXPECT_EQ(reply.status, 200) << reply.raw;
    EXPECT_EQ(reply.Header("Content-Type"), "text/plain; version=0.0.4; charset=utf-8");
    last_scrape_ = reply.raw;
    PromText text = ParsePrometheusText(reply.raw);
    EXPECT_EQ(text.error, "") << reply.raw;
    return text;
  }

  static double Requests(const PromText& text, const std::string& method, int status) {
    return text.Sum(
        "xronox_http_requests_total",
        {{"route", kRecordRoute}, {"method", method}, {"status", std::to_string(status)}});
  }

  // Create one runtime record, read it three times and miss once; checks the answers.
  void RunWorkload() {
    std::string path = std::string("/v1/runtime/acme/orders/") + kRawId;
    Reply created = SendJson("PUT", path, {{"status", "new"}}, Audit());
    ASSERT_EQ(created.status, 201) << created.raw;
    for (int i = 0; i < 3; ++i) ASSERT_EQ(Get(path).status, 200);
    ASSERT_EQ(Get("/v1/runtime/acme/orders/absent-record").status, 404);
  }

  // The workload moved the counts by exactly its requests, the latency histogram of record
  // reads is cumulative and ends at its count, and no label carries the raw id.
  void CheckRequestMetrics(const PromText& before, const PromText& after) {
    EXPECT_EQ(Requests(after, "PUT", 201) - Requests(before, "PUT", 201), 1);
    EXPECT_EQ(Requests(after, "GET", 200) - Requests(before, "GET", 200), 3);
    EXPECT_EQ(Requests(after, "GET", 404) - Requests(before, "GET", 404), 1);
    auto buckets = after.Find("xronox_http_request_duration_seconds_bucket",
                              {{"route", kRecordRoute}, {"method", "GET"}});
    ASSERT_EQ(buckets.size(), 15u);
    double previous = 0;
    for (const PromSample* bucket : buckets) {
      EXPECT_GE(bucket->value, previous) << "le=" << bucket->labels.at("le");
      previous = bucket->value;
    }
    EXPECT_EQ(buckets.back()->labels.at("le"), "+Inf");
    EXPECT_EQ(previous, 4);
    EXPECT_EQ(after.Sum("xronox_http_request_duration_seconds_count",
                        {{"route", kRecordRoute}, {"method", "GET"}}),
              4);
    EXPECT_EQ(after.Sum("xronox_http_writes_in_flight", {}), 0);
    EXPECT_GE(after.Sum("xronox_http_requests_in_flight", {}), 1) << "the scrape itself";
    EXPECT_EQ(last_scrape_.find(kRawId), std::string::npos) << "a raw id in a label";
  }

  // Both tiers of `connection`s were called: the hot store read heads and the object store
  // stored the version object.
  void CheckBackendMetrics(const PromText& after, const std::string& hot,
                           const std::string& objects) {
    EXPECT_GE(after.Sum("xronox_backend_calls_total",
                        {{"tier", "hot"}, {"connection", hot}, {"operation", "GetHead"}}),
              5);
    EXPECT_GE(after.Sum("xronox_backend_calls_total",
                        {{"tier", "object"}, {"connection", objects}, {"operation", "Put"}}),
              1);
    auto put_count =
        after.Find("xronox_backend_call_duration_seconds_count",
                   {{"tier", "object"}, {"connection", objects}, {"operation", "Put"}});
    ASSERT_EQ(put_count.size(), 1u);
    EXPECT_GE(put_count[0]->value, 1);
    EXPECT_EQ(after.types.at("xronox_backend_errors_total"), "counter");
  }

  std::string last_scrape_;
};

TEST_F(ServerOpsTest, MetricsCountRequestsByTemplatedRouteAndBothBackendTiers) {
  PromText before = Scrape();
  RunWorkload();
  PromText after = Scrape();
  CheckRequestMetrics(before, after);
  CheckBackendMetrics(after, "sqlite:embedded", "folder:embedded");
  EXPECT_EQ(after.Sum("xronox_http_requests_total", {{"route", "/metrics"}, {"status", "200"}}), 1)
      << "the first scrape; the second is counted once answered";
}

TEST_F(ServerOpsTest, MetricsAnswersOnlyGet) {
  Reply posted = Send("POST", "/metrics", "{}");
  EXPECT_EQ(posted.status, 405) << posted.raw;
  EXPECT_EQ(posted.ErrorCode(), "method_not_allowed");
  EXPECT_EQ(posted.Header("Allow"), "GET");
}

// The same on MongoDB (FerretDB) + S3 (versitygw): the series name those connections.
class ServerOpsServicesTest : public ServerOpsTest {
 protected:
  void SetUp() override {
    if (auto check = CheckServices({"XRONOX_TEST_MONGO_URI", "XRONOX_TEST_S3_ENDPOINT",
                                    "XRONOX_TEST_S3_ACCESS_KEY", "XRONOX_TEST_S3_SECRET_KEY"});
        check.missing) {
      if (check.required) FAIL() << check.message;
      GTEST_SKIP() << check.message;
    }
    ServiceStore::Options options;
    options.tenants = {"acme"};
    services_ = std::make_unique<ServiceStore>(options);
    config_path_ = services_->WriteConfigFile(dir_.path());
    ServerOpsTest::SetUp();
  }
  void TearDown() override {
    if (services_ == nullptr) return;  // Skipped.
    ServerOpsTest::TearDown();
    services_.reset();  // Drops the databases and deletes the buckets.
  }
  std::vector<std::string> StoreFlags() override { return {"--config", config_path_}; }

  std::unique_ptr<ServiceStore> services_;
  std::string config_path_;
};

TEST_F(ServerOpsServicesTest, MetricsCountRequestsAndMongoAndS3Calls) {
  PromText before = Scrape();
  RunWorkload();
  PromText after = Scrape();
  CheckRequestMetrics(before, after);
  CheckBackendMetrics(after, "mongo:main", "s3:main");
}

// Every line on stderr, parsed; a line that is not a JSON object fails the test.
std::vector<Json> LogLines(const std::string& text) {
  std::vector<Json> lines;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    Json json = Json::parse(line, nullptr, /*allow_exceptions=*/false);
    EXPECT_TRUE(json.is_object()) << "not a JSON line: " << line;
    if (!json.is_object()) continue;
    EXPECT_TRUE(std::regex_match(json.value("time", ""),
                                 std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z)")))
        << line;
    EXPECT_TRUE(json.contains("level") && json.contains("msg")) << line;
    lines.push_back(std::move(json));
  }
  return lines;
}

const Json* RequestLine(const std::vector<Json>& lines, const std::string& request_id) {
  for (const Json& line : lines) {
    if (line.value("msg", "") == "request" && line.value("request_id", "") == request_id) {
      return &line;
    }
  }
  return nullptr;
}

TEST_F(ServerOpsTest, LogsOneJsonLinePerRequestWithItsRequestIdAndNoSecrets) {
  Reply health = Get("/v1/health", {{"X-Request-Id", "ops-trace-0001"}});
  ASSERT_EQ(health.status, 200);
  EXPECT_EQ(health.Header("X-Request-Id"), "ops-trace-0001");
  std::string body = R"({"note":"body-secret-value"})";
  httplib::Headers headers = Audit({{"Authorization", "Bearer auth-secret-token"}});
  Reply created = Send("PUT", std::string("/v1/runtime/acme/orders/") + kRawId, body, headers);
  ASSERT_EQ(created.status, 201) << created.raw;
  std::string put_id = created.Header("X-Request-Id");
  ASSERT_FALSE(put_id.empty());
  ASSERT_EQ(server_->Stop(), std::optional<int>(0));

  std::string text = server_->Stderr();
  std::vector<Json> lines = LogLines(text);
  ASSERT_GE(lines.size(), 5u) << text;
  EXPECT_EQ(lines.front()["msg"], "xronoxd started") << text;
  EXPECT_EQ(lines.back()["msg"], "xronoxd stopped") << text;
  EXPECT_EQ(lines.back()["drained"], true);
  const Json* get = RequestLine(lines, "ops-trace-0001");
  ASSERT_NE(get, nullptr) << text;
  EXPECT_EQ((*get)["method"], "GET");
  EXPECT_EQ((*get)["route"], "/v1/health");
  EXPECT_EQ((*get)["status"], 200);
  EXPECT_EQ((*get)["level"], "info");
  EXPECT_EQ((*get)["remote_addr"], "127.0.0.1");
  EXPECT_EQ((*get)["bytes_out"], health.raw.size());
  EXPECT_GE((*get)["duration_ms"].get<double>(), 0);
  EXPECT_FALSE(get->contains("principal"));
  const Json* put = RequestLine(lines, put_id);
  ASSERT_NE(put, nullptr) << text;
  EXPECT_EQ((*put)["route"], kRecordRoute);
  EXPECT_EQ((*put)["status"], 201);
  EXPECT_EQ((*put)["bytes_in"], body.size());
  for (const char* secret : {"body-secret-value", "auth-secret-token", "Authorization", kRawId}) {
    EXPECT_EQ(text.find(secret), std::string::npos) << secret << " in the log: " << text;
  }
}

class ServerTextLogTest : public ServerOpsTest {
 protected:
  std::vector<std::string> ServerFlags() override { return {"--log-format", "text"}; }
};

TEST_F(ServerTextLogTest, TextLinesCarryTheRequestId) {
  ASSERT_EQ(Get("/v1/health", {{"X-Request-Id", "ops-text-0002"}}).status, 200);
  ASSERT_EQ(server_->Stop(), std::optional<int>(0));
  std::string text = server_->Stderr();
  EXPECT_NE(text.find(" info request request_id=ops-text-0002 method=GET route=/v1/health "
                      "status=200 "),
            std::string::npos)
      << text;
  EXPECT_NE(text.find(" info xronoxd stopped"), std::string::npos) << text;
}

}  // namespace
}  // namespace xronox::testing
