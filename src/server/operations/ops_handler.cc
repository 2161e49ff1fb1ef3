#include "server/operations/ops_handler.h"

#include <chrono>
#include <cmath>

#include "common/clock.h"
#include "common/ids.h"
#include "server/api/codec.h"
#include "server/api/status_http.h"
#include "server/operations/prometheus_text.h"

namespace xronox::server {

namespace {

bool IsWrite(const std::string& method) {
  return method == "POST" || method == "PUT" || method == "PATCH" || method == "DELETE";
}

double NowSeconds() { return static_cast<double>(SystemClock::Default()->NowMicros()) / 1e6; }

// The code of a JSON error answer ({"error": {"code": ...}}), for the log line.
std::string ErrorCodeOf(const HttpResponse& response) {
  if (response.status < 400) return "";
  Json body = Json::parse(response.body, nullptr, /*allow_exceptions=*/false);
  if (!body.is_object() || !body.contains("error") || !body["error"].is_object()) return "";
  return body["error"].value("code", "");
}

// Counts the request as in flight for as long as it lives.
class InFlight {
 public:
  InFlight(ServerMetrics& metrics, bool write) : metrics_(metrics), write_(write) {
    metrics_.BeginRequest(write_);
  }
  ~InFlight() { metrics_.EndRequest(write_); }

 private:
  ServerMetrics& metrics_;
  bool write_;
};

}  // namespace

OpsHandler::OpsHandler(std::function<HttpResponse(const HttpRequest&)> inner, const Xronox& store,
                       LogSink& log, const Authenticator& auth)
    : inner_(std::move(inner)), store_(store), log_(log), auth_(auth), metrics_(NowSeconds()) {}

HttpResponse OpsHandler::Handle(const HttpRequest& request) {
  auto start = std::chrono::steady_clock::now();
  std::string route = RouteLabel(request.target);
  std::string method = MethodLabel(request.method);
  HttpResponse response;
  {
    InFlight in_flight(metrics_, IsWrite(method));
    response = route == "/metrics" ? MetricsResponse(request) : inner_(request);
  }
  std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
  metrics_.RecordRequest(route, method, response.status, took.count());
  RequestLogEntry entry;
  entry.time = SystemClock::Default()->NowMicros();
  entry.request_id = HeaderValue(response.headers, "X-Request-Id");
  entry.method = method;
  entry.route = route;
  entry.status = response.status;
  entry.duration_ms = std::round(took.count() * 1e6) / 1e3;  // Whole microseconds.
  entry.bytes_in = request.body.size();
  entry.bytes_out = response.body.size();
  entry.remote_address = request.remote_address;
  entry.principal = response.principal;
  entry.error_code = ErrorCodeOf(response);
  log_.Write(FormatRequestLine(entry, log_.format()));
  return response;
}

// Metrics tell the load and the errors of every tenant, so with keys they need an admin scope.
HttpResponse OpsHandler::MetricsResponse(const HttpRequest& request) const {
  HttpResponse response;
  std::string principal;
  if (auth_.enabled()) {
    Result<const ApiKey*> key = auth_.Authenticate(request.headers);
    Status admin =
        key.ok() ? Authenticator::AuthorizeAnywhere(**key, Access::kAdmin) : Status::Ok();
    if (!key.ok()) {
      response = UnauthorizedResponse(key.status());
    } else if (!admin.ok()) {
      response = ErrorResponse(HttpErrorFromStatus(admin, {}));
    }
    if (key.ok()) principal = (*key)->principal;
  }
  if (response.status < 400) response = MetricsBody(request);
  response.principal = principal;
  // The dispatcher gives every other answer its id; this one does not pass through it.
  response.headers["X-Request-Id"] = RandomHex(8);
  return response;
}

HttpResponse OpsHandler::MetricsBody(const HttpRequest& request) const {
  HttpResponse response;
  if (request.method != "GET" && request.method != "HEAD") {
    HttpError error = MakeHttpError(405, "method_not_allowed",
                                    request.method.substr(0, 16) +
                                        " is not allowed here "
                                        "(allowed: GET)");
    error.allow = "GET";
    response = ErrorResponse(error);
  } else {
    response.status = 200;
    response.headers["Content-Type"] = kPrometheusContentType;
    response.body = RenderPrometheus(metrics_.Snapshot(), store_.BackendMetrics());
  }
  return response;
}

void OpsHandler::OnTransportEvent(const TransportEvent& event) {
  switch (event.kind) {
    case TransportEvent::Kind::kOpened:
      metrics_.ConnectionOpened();
      return;
    case TransportEvent::Kind::kClosed:
      metrics_.ConnectionClosed();
      return;
    case TransportEvent::Kind::kRejected:
      metrics_.ConnectionRejected();
      log_.Event("warn", "connection rejected: the server is at its connection limit");
      return;
    case TransportEvent::Kind::kAnswered:
      break;
  }
  std::string route = RouteLabel(event.target);
  std::string method = MethodLabel(event.method);
  metrics_.RecordRequest(route, method, event.status, /*seconds=*/-1);
  RequestLogEntry entry;
  entry.time = SystemClock::Default()->NowMicros();
  entry.request_id = event.request_id;
  entry.method = method;
  entry.route = route;
  entry.status = event.status;
  entry.remote_address = event.remote_address;
  entry.error_code = event.code;
  log_.Write(FormatRequestLine(entry, log_.format()));
}

}  // namespace xronox::server
