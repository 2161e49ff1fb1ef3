// The operations layer around the request dispatcher: serves GET /metrics, counts every request
// in ServerMetrics and writes one log line per request; also turns the transport's own events
// (connections, answers it wrote itself) into metrics and log lines. Wraps the dispatcher from
// outside, so routing and handlers stay unaware of it.
// Thread-safety: Handle and OnTransportEvent may be called from many threads at once.
#pragma once

#include <functional>

#include "server/api/auth.h"
#include "server/operations/access_log.h"
#include "server/operations/metrics.h"
#include "server/transport/http_listener.h"
#include "server/transport/http_types.h"
#include "xronox/xronox.h"

namespace xronox::server {

class OpsHandler {
 public:
  /// Handle requests with `inner` (the dispatcher), reading backend metrics from `store`;
  /// /metrics needs a key with an `admin` scope when `auth` has keys. `store`, `log` and `auth`
  /// must outlive this object.
  OpsHandler(std::function<HttpResponse(const HttpRequest&)> inner, const Xronox& store,
             LogSink& log, const Authenticator& auth);

  /// Answer /metrics or pass the request on; either way count and log it.
  HttpResponse Handle(const HttpRequest& request);
  /// Count and log what the transport did on its own.
  void OnTransportEvent(const TransportEvent& event);

  const ServerMetrics& metrics() const { return metrics_; }

 private:
  HttpResponse MetricsResponse(const HttpRequest& request) const;
  HttpResponse MetricsBody(const HttpRequest& request) const;

  std::function<HttpResponse(const HttpRequest&)> inner_;
  const Xronox& store_;
  LogSink& log_;
  const Authenticator& auth_;
  ServerMetrics metrics_;
};

}  // namespace xronox::server
