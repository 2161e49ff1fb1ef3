#include "server/operations/prometheus_text.h"

#include <charconv>
#include <cmath>
#include <utility>
#include <vector>

namespace xronox::server {

namespace {

using Labels = std::vector<std::pair<std::string, std::string>>;

void Family(std::string& out, const char* name, const char* type, const char* help) {
  out += "# HELP ";
  out += name;
  out += ' ';
  out += help;
  out += "\n# TYPE ";
  out += name;
  out += ' ';
  out += type;
  out += '\n';
}

void Sample(std::string& out, std::string_view name, const Labels& labels, double value) {
  out += name;
  if (!labels.empty()) {
    out += '{';
    for (size_t i = 0; i < labels.size(); ++i) {
      if (i > 0) out += ',';
      out += labels[i].first + "=\"" + EscapeLabelValue(labels[i].second) + '"';
    }
    out += '}';
  }
  out += ' ' + FormatSampleValue(value) + '\n';
}

// The _bucket, _sum and _count samples of one histogram series; `cumulative` has one count
// per bound and a last one for +Inf.
void Histogram(std::string& out, const std::string& name, const Labels& labels,
               const std::vector<double>& bounds, const std::vector<uint64_t>& cumulative,
               double sum) {
  for (size_t i = 0; i < cumulative.size(); ++i) {
    Labels with_le = labels;
    with_le.emplace_back("le", FormatSampleValue(i < bounds.size() ? bounds[i] : INFINITY));
    Sample(out, name + "_bucket", with_le, static_cast<double>(cumulative[i]));
  }
  Sample(out, name + "_sum", labels, sum);
  Sample(out, name + "_count", labels, cumulative.empty() ? 0 : cumulative.back());
}

void RenderServer(std::string& out, const ServerMetricsSnapshot& server) {
  Family(out, "xronox_http_requests_total", "counter",
         "HTTP requests answered, by templated route, method and status.");
  for (const auto& r : server.requests) {
    Sample(out, "xronox_http_requests_total",
           {{"route", r.route}, {"method", r.method}, {"status", std::to_string(r.status)}},
           static_cast<double>(r.count));
  }
  Family(out, "xronox_http_request_duration_seconds", "histogram",
         "Time from a request's arrival at the handler to its answer, by route and method.");
  std::vector<double> bounds(kLatencyBucketBounds.begin(), kLatencyBucketBounds.end());
  for (const auto& l : server.latencies) {
    Histogram(out, "xronox_http_request_duration_seconds",
              {{"route", l.route}, {"method", l.method}}, bounds, l.histogram.cumulative,
              l.histogram.sum_seconds);
  }
  Family(out, "xronox_http_requests_in_flight", "gauge", "Requests being handled now.");
  Sample(out, "xronox_http_requests_in_flight", {}, static_cast<double>(server.requests_in_flight));
  Family(out, "xronox_http_writes_in_flight", "gauge",
         "Writes (POST, PUT, PATCH, DELETE) being handled now.");
  Sample(out, "xronox_http_writes_in_flight", {}, static_cast<double>(server.writes_in_flight));
  Family(out, "xronox_http_connections_open", "gauge", "Client connections being served now.");
  Sample(out, "xronox_http_connections_open", {}, static_cast<double>(server.connections_open));
  Family(out, "xronox_http_connections_rejected_total", "counter",
         "Connections refused with 503 because max-connections were open.");
  Sample(out, "xronox_http_connections_rejected_total", {},
         static_cast<double>(server.connections_rejected));
  Family(out, "xronox_process_start_time_seconds", "gauge",
         "Start time of the process since the Unix epoch, in seconds.");
  Sample(out, "xronox_process_start_time_seconds", {}, server.start_time_seconds);
}

void RenderBackend(std::string& out, const BackendMetricsSnapshot& backend) {
  auto labels_of = [](const BackendCallMetrics& c) {
    return Labels{{"tier", c.tier}, {"connection", c.connection}, {"operation", c.operation}};
  };
  Family(out, "xronox_backend_calls_total", "counter",
         "Calls to a backend, by tier (hot, object), connection and operation.");
  for (const auto& c : backend.calls) {
    Sample(out, "xronox_backend_calls_total", labels_of(c), static_cast<double>(c.calls));
  }
  Family(out, "xronox_backend_errors_total", "counter",
         "Backend calls that returned an error, by status code (not_found and already_exists "
         "are normal answers of some operations).");
  for (const auto& c : backend.calls) {
    for (const auto& [code, count] : c.errors) {
      Labels labels = labels_of(c);
      labels.emplace_back("code", code);
      Sample(out, "xronox_backend_errors_total", labels, static_cast<double>(count));
    }
  }
  Family(out, "xronox_backend_call_duration_seconds", "histogram",
         "Time of backend calls, by tier, connection and operation.");
  for (const auto& c : backend.calls) {
    Histogram(out, "xronox_backend_call_duration_seconds", labels_of(c),
              backend.bucket_bounds_seconds, c.cumulative_buckets, c.seconds_sum);
  }
}

}  // namespace

std::string EscapeLabelValue(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

std::string FormatSampleValue(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  // Counts print as integers; the rest in the shortest form that reads back exactly, in plain
  // notation where %g would use it ("0.0005", not "5e-04").
  if (value == std::trunc(value) && std::fabs(value) < 9007199254740992.0) {
    return std::to_string(static_cast<int64_t>(value));
  }
  char text[32];
  auto [end, error] = std::to_chars(text, text + sizeof(text), value, std::chars_format::general);
  return error == std::errc() ? std::string(text, end) : "NaN";
}

namespace {

void RenderServices(std::string& out, const ServiceMetrics& services) {
  Family(out, "xronox_retention_runs_total", "counter",
         "Retention runs that deleted (not dry runs), since start.");
  Sample(out, "xronox_retention_runs_total", {}, static_cast<double>(services.retention_runs));
  Family(out, "xronox_retention_records_removed_total", "counter",
         "Log records deleted by retention, since start.");
  Sample(out, "xronox_retention_records_removed_total", {},
         static_cast<double>(services.retention_records_removed));
  Family(out, "xronox_retention_records_held_total", "counter",
         "Records old enough for retention that a legal hold kept, since start.");
  Sample(out, "xronox_retention_records_held_total", {},
         static_cast<double>(services.retention_records_held));
  Family(
      out, "xronox_retention_versions_removed_total", "counter",
      "Runtime version payloads removed by retention (their audit skeletons kept), since start.");
  Sample(out, "xronox_retention_versions_removed_total", {},
         static_cast<double>(services.retention_versions_removed));
  Family(out, "xronox_offload_runs_total", "counter",
         "Offload runs that moved records (not dry runs), since start.");
  Sample(out, "xronox_offload_runs_total", {}, static_cast<double>(services.offload_runs));
  Family(out, "xronox_offload_records_moved_total", "counter",
         "Records moved from the hot store to the object store by offload, since start.");
  Sample(out, "xronox_offload_records_moved_total", {},
         static_cast<double>(services.offload_records_moved));
  Family(out, "xronox_offload_bytes_freed_total", "counter",
         "Bytes of record data and audit fields offload took out of the hot store, since start.");
  Sample(out, "xronox_offload_bytes_freed_total", {},
         static_cast<double>(services.offload_bytes_freed));
}

}  // namespace

std::string RenderPrometheus(const ServerMetricsSnapshot& server,
                             const BackendMetricsSnapshot& backend) {
  std::string out;
  RenderServer(out, server);
  RenderBackend(out, backend);
  RenderServices(out, backend.services);
  return out;
}

}  // namespace xronox::server
