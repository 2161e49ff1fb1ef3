#include "server/operations/metrics.h"

#include <array>
#include <optional>

#include "server/api/routes.h"

namespace xronox::server {

std::string RouteLabel(const std::string& target) {
  std::string path = target.substr(0, target.find('?'));
  if (path == "/metrics") return "/metrics";
  Result<ParsedTarget> parsed = ParseRequestTarget(target);
  if (!parsed.ok()) return "unmatched";
  std::optional<Route> route = MatchRoute(parsed->segments);
  return route ? RouteTemplate(route->kind) : "unmatched";
}

std::string MethodLabel(const std::string& method) {
  static const std::array<const char*, 7> kKnown = {"GET",   "HEAD",   "POST",   "PUT",
                                                    "PATCH", "DELETE", "OPTIONS"};
  for (const char* known : kKnown) {
    if (method == known) return method;
  }
  return "other";
}

void ServerMetrics::RecordRequest(const std::string& route, const std::string& method, int status,
                                  double seconds) {
  LatencyHistogram* histogram = nullptr;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    ++requests_[{route, method, status}];
    if (seconds >= 0) {
      std::unique_ptr<LatencyHistogram>& slot = latencies_[{route, method}];
      if (slot == nullptr) slot = std::make_unique<LatencyHistogram>();
      histogram = slot.get();
    }
  }
  if (histogram != nullptr) histogram->Observe(seconds);  // Lives as long as this object.
}

void ServerMetrics::BeginRequest(bool write) {
  requests_in_flight_.fetch_add(1);
  if (write) writes_in_flight_.fetch_add(1);
}

void ServerMetrics::EndRequest(bool write) {
  requests_in_flight_.fetch_sub(1);
  if (write) writes_in_flight_.fetch_sub(1);
}

ServerMetricsSnapshot ServerMetrics::Snapshot() const {
  ServerMetricsSnapshot out;
  out.start_time_seconds = start_time_seconds_;
  out.requests_in_flight = requests_in_flight_.load();
  out.writes_in_flight = writes_in_flight_.load();
  out.connections_open = connections_open_.load();
  out.connections_rejected = connections_rejected_.load();
  std::lock_guard<std::mutex> lock(mutex_);
  for (const auto& [key, count] : requests_) {
    out.requests.push_back({std::get<0>(key), std::get<1>(key), std::get<2>(key), count});
  }
  for (const auto& [key, histogram] : latencies_) {
    out.latencies.push_back({key.first, key.second, histogram->Snapshot()});
  }
  return out;
}

}  // namespace xronox::server
