// The Prometheus rendering of the server's and the backends' metrics, read back with a strict
// parser of the text format: families announced, counts as recorded, buckets cumulative,
// label values escaped, and route labels that never carry a raw id.
#include "server/operations/prometheus_text.h"

#include <gtest/gtest.h>

#include <cmath>
#include <thread>

#include "server/operations/metrics.h"
#include "store/wrappers/backend_metrics.h"
#include "support/prometheus_parse.h"

namespace xronox::server {
namespace {

using testing::ParsePrometheusText;
using testing::PromText;

TEST(PrometheusTextTest, FormatsValuesAsTheTextFormatReadsThem) {
  EXPECT_EQ(FormatSampleValue(0), "0");
  EXPECT_EQ(FormatSampleValue(42), "42");
  EXPECT_EQ(FormatSampleValue(0.0005), "0.0005");
  EXPECT_EQ(FormatSampleValue(2.5), "2.5");
  EXPECT_EQ(FormatSampleValue(INFINITY), "+Inf");
  EXPECT_EQ(FormatSampleValue(-INFINITY), "-Inf");
  EXPECT_EQ(FormatSampleValue(NAN), "NaN");
  EXPECT_EQ(std::stod(FormatSampleValue(0.1 + 0.2)), 0.1 + 0.2) << "round trip";
  EXPECT_EQ(std::stod(FormatSampleValue(1795666608.579546)), 1795666608.579546);
}

TEST(PrometheusTextTest, EscapesBackslashQuoteAndNewlineInLabelValues) {
  EXPECT_EQ(EscapeLabelValue(R"(a\b"c)"
                             "\nd"),
            R"(a\\b\"c\nd)");
  store::BackendMetrics backend;
  backend.Series("object", "s3:we\"ird\\name\n", "Put")->Record(0.001, StatusCode::kOk);
  PromText text =
      ParsePrometheusText(RenderPrometheus(ServerMetrics(0).Snapshot(), backend.Snapshot()));
  ASSERT_EQ(text.error, "");
  EXPECT_EQ(text.Sum("xronox_backend_calls_total", {{"connection", "s3:we\"ird\\name\n"}}), 1);
}

TEST(PrometheusTextTest, RendersRequestCountsAndCumulativeHistograms) {
  ServerMetrics metrics(1700000000.5);
  const std::string route = "/v1/{db}/{tenant}/{collection}/{id}";
  metrics.RecordRequest(route, "GET", 200, 0.0004);      // First bucket (le 0.0005).
  metrics.RecordRequest(route, "GET", 200, 0.003);       // le 0.005.
  metrics.RecordRequest(route, "GET", 404, 0.2);         // le 0.25.
  metrics.RecordRequest(route, "GET", 200, 60);          // Only +Inf.
  metrics.RecordRequest("unmatched", "other", 400, -1);  // Counted, not timed.
  metrics.BeginRequest(/*write=*/true);
  metrics.BeginRequest(/*write=*/false);
  PromText text = ParsePrometheusText(RenderPrometheus(metrics.Snapshot(), {}));
  ASSERT_EQ(text.error, "");
  EXPECT_EQ(text.types["xronox_http_requests_total"], "counter");
  EXPECT_EQ(text.types["xronox_http_request_duration_seconds"], "histogram");
  EXPECT_EQ(text.types["xronox_http_writes_in_flight"], "gauge");
  EXPECT_EQ(text.Sum("xronox_http_requests_total", {{"route", route}, {"status", "200"}}), 3);
  EXPECT_EQ(text.Sum("xronox_http_requests_total", {{"route", route}, {"status", "404"}}), 1);
  EXPECT_EQ(text.Sum("xronox_http_requests_total", {{"route", "unmatched"}}), 1);
  EXPECT_EQ(text.Sum("xronox_http_writes_in_flight", {}), 1);
  EXPECT_EQ(text.Sum("xronox_http_requests_in_flight", {}), 2);
  EXPECT_EQ(text.Sum("xronox_process_start_time_seconds", {}), 1700000000.5);
  std::map<std::string, std::string> series = {{"route", route}, {"method", "GET"}};
  auto le = [&](const std::string& bound) {
    auto labels = series;
    labels["le"] = bound;
    return text.Sum("xronox_http_request_duration_seconds_bucket", labels);
  };
  EXPECT_EQ(le("0.0005"), 1);
  EXPECT_EQ(le("0.001"), 1);
  EXPECT_EQ(le("0.005"), 2);
  EXPECT_EQ(le("0.1"), 2);
  EXPECT_EQ(le("0.25"), 3);
  EXPECT_EQ(le("10"), 3);
  EXPECT_EQ(le("+Inf"), 4);
  EXPECT_EQ(text.Sum("xronox_http_request_duration_seconds_count", series), 4);
  EXPECT_NEAR(text.Sum("xronox_http_request_duration_seconds_sum", series), 60.2034, 1e-6);
  EXPECT_TRUE(
      text.Find("xronox_http_request_duration_seconds_count", {{"route", "unmatched"}}).empty());
}

TEST(PrometheusTextTest, RendersBackendCallsErrorsByCodeAndLatency) {
  store::BackendMetrics backend;
  store::CallSeries* get = backend.Series("hot", "sqlite:embedded", "GetHead");
  get->Record(0.002, StatusCode::kOk);
  get->Record(0.004, StatusCode::kNotFound);
  get->Record(7, StatusCode::kUnavailable);
  backend.Series("object", "folder:embedded", "Put")->Record(0.02, StatusCode::kOk);
  backend.Series("object", "folder:embedded", "Stat");  // Never called: not rendered.
  PromText text =
      ParsePrometheusText(RenderPrometheus(ServerMetrics(0).Snapshot(), backend.Snapshot()));
  ASSERT_EQ(text.error, "");
  std::map<std::string, std::string> hot = {
      {"tier", "hot"}, {"connection", "sqlite:embedded"}, {"operation", "GetHead"}};
  EXPECT_EQ(text.Sum("xronox_backend_calls_total", hot), 3);
  EXPECT_EQ(text.Sum("xronox_backend_errors_total", hot), 2);
  auto with = [](std::map<std::string, std::string> labels, const char* key, const char* value) {
    labels[key] = value;
    return labels;
  };
  EXPECT_EQ(text.Sum("xronox_backend_errors_total", with(hot, "code", "not_found")), 1);
  EXPECT_EQ(text.Sum("xronox_backend_errors_total", with(hot, "code", "unavailable")), 1);
  EXPECT_EQ(text.Sum("xronox_backend_call_duration_seconds_bucket", with(hot, "le", "0.0025")), 1);
  EXPECT_EQ(text.Sum("xronox_backend_call_duration_seconds_bucket", with(hot, "le", "0.005")), 2);
  EXPECT_EQ(text.Sum("xronox_backend_call_duration_seconds_bucket", with(hot, "le", "5")), 2);
  EXPECT_EQ(text.Sum("xronox_backend_call_duration_seconds_bucket", with(hot, "le", "+Inf")), 3);
  EXPECT_EQ(text.Sum("xronox_backend_calls_total", {{"tier", "object"}, {"operation", "Put"}}), 1);
  EXPECT_TRUE(text.Find("xronox_backend_calls_total", {{"operation", "Stat"}}).empty());
}

TEST(PrometheusTextTest, RendersWhatRetentionRunsRemovedAndKept) {
  BackendMetricsSnapshot backend;
  backend.services = {3, 120, 2, 45};
  PromText text = ParsePrometheusText(RenderPrometheus(ServerMetrics(0).Snapshot(), backend));
  ASSERT_EQ(text.error, "");
  EXPECT_EQ(text.Sum("xronox_retention_runs_total", {}), 3);
  EXPECT_EQ(text.Sum("xronox_retention_records_removed_total", {}), 120);
  EXPECT_EQ(text.Sum("xronox_retention_records_held_total", {}), 2);
  EXPECT_EQ(text.Sum("xronox_retention_versions_removed_total", {}), 45);
}

TEST(PrometheusTextTest, HistogramBucketsNeverDecreaseUnderConcurrentObservations) {
  ServerMetrics metrics(0);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&metrics, t] {
      for (int i = 0; i < 500; ++i)
        metrics.RecordRequest("/v1/health", "GET", 200, (i % 13) * 0.01 * t);
    });
  }
  for (auto& thread : threads) thread.join();
  PromText text = ParsePrometheusText(RenderPrometheus(metrics.Snapshot(), {}));
  ASSERT_EQ(text.error, "");
  double previous = 0;
  auto buckets =
      text.Find("xronox_http_request_duration_seconds_bucket", {{"route", "/v1/health"}});
  ASSERT_EQ(buckets.size(), kLatencyBucketBounds.size() + 1);
  for (const auto* bucket : buckets) {
    EXPECT_GE(bucket->value, previous) << "le=" << bucket->labels.at("le");
    previous = bucket->value;
  }
  EXPECT_EQ(previous, 2000);
  EXPECT_EQ(buckets.back()->labels.at("le"), "+Inf");
}

TEST(PrometheusTextTest, RouteLabelsAreTemplatesNeverRawIds) {
  EXPECT_EQ(RouteLabel("/v1/health"), "/v1/health");
  EXPECT_EQ(RouteLabel("/v1/ready?x=1"), "/v1/ready");
  EXPECT_EQ(RouteLabel("/metrics"), "/metrics");
  EXPECT_EQ(RouteLabel("/v1/runtime/acme/orders"), "/v1/{db}/{tenant}/{collection}");
  EXPECT_EQ(RouteLabel("/v1/runtime/acme/orders/secret-id-42?version=3"),
            "/v1/{db}/{tenant}/{collection}/{id}");
  EXPECT_EQ(RouteLabel("/v1/runtime/acme/orders/o1/history"),
            "/v1/{db}/{tenant}/{collection}/{id}/history");
  EXPECT_EQ(RouteLabel("/v1/runtime/acme/orders/o1/diff"),
            "/v1/{db}/{tenant}/{collection}/{id}/diff");
  EXPECT_EQ(RouteLabel("/v1/runtime/acme/orders/o1/restore"),
            "/v1/{db}/{tenant}/{collection}/{id}/restore");
  EXPECT_EQ(RouteLabel("/v1/runtime/acme/orders/o1/content/scan?version=2"),
            "/v1/{db}/{tenant}/{collection}/{id}/content/{property}");
  EXPECT_EQ(RouteLabel("/v1/openapi.json"), "/v1/openapi.json");
  EXPECT_EQ(RouteLabel("/no/such/secret-id-42/path/at/all"), "unmatched");
  EXPECT_EQ(RouteLabel("/v1/%zz"), "unmatched");
  EXPECT_EQ(MethodLabel("PATCH"), "PATCH");
  EXPECT_EQ(MethodLabel("BREW"), "other");
}

}  // namespace
}  // namespace xronox::server
