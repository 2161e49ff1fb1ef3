// The server's own metrics: requests by templated route, method and status, request latency,
// requests and writes in flight, and connections. Rendered by prometheus_text.h.
// Thread-safety: every method may be called from many threads at once.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "common/latency_histogram.h"

namespace xronox::server {

/// The route label of a raw request target: the route's template
/// ("/v1/{db}/{tenant}/{collection}/{id}"), "/metrics", or "unmatched"; never a raw id, so
/// the number of label values stays bounded.
std::string RouteLabel(const std::string& target);

/// The method label: the method if it is one the API knows, else "other".
std::string MethodLabel(const std::string& method);

/// A copy of the server's metrics at one instant.
struct ServerMetricsSnapshot {
  struct Requests {
    std::string route, method;
    int status = 0;
    uint64_t count = 0;
  };
  struct Latency {
    std::string route, method;
    HistogramSnapshot histogram;
  };
  std::vector<Requests> requests;  ///< Ordered by route, method, status.
  std::vector<Latency> latencies;  ///< Ordered by route, method.
  int64_t requests_in_flight = 0;
  int64_t writes_in_flight = 0;
  int64_t connections_open = 0;
  uint64_t connections_rejected = 0;
  double start_time_seconds = 0;  ///< Unix time at which the metrics started.
};

class ServerMetrics {
 public:
  /// Start counting now (the start time is reported as xronox_process_start_time_seconds).
  explicit ServerMetrics(double start_time_seconds) : start_time_seconds_(start_time_seconds) {}

  /// Count a finished request; `seconds` < 0 counts it without observing its latency (answers
  /// the transport wrote on its own, whose start it does not know).
  void RecordRequest(const std::string& route, const std::string& method, int status,
                     double seconds);
  /// Mark a request (and, when `write`, a write) as started; EndRequest when it is answered.
  void BeginRequest(bool write);
  void EndRequest(bool write);
  void ConnectionOpened() { connections_open_.fetch_add(1); }
  void ConnectionClosed() { connections_open_.fetch_sub(1); }
  void ConnectionRejected() { connections_rejected_.fetch_add(1); }

  ServerMetricsSnapshot Snapshot() const;

 private:
  const double start_time_seconds_;
  mutable std::mutex mutex_;
  std::map<std::tuple<std::string, std::string, int>, uint64_t> requests_;
  std::map<std::pair<std::string, std::string>, std::unique_ptr<LatencyHistogram>> latencies_;
  std::atomic<int64_t> requests_in_flight_{0};
  std::atomic<int64_t> writes_in_flight_{0};
  std::atomic<int64_t> connections_open_{0};
  std::atomic<uint64_t> connections_rejected_{0};
};

}  // namespace xronox::server
