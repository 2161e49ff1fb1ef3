// The request dispatcher: routes an HttpRequest to its handler, applies the protocol checks
// (404, 405, 413, 415, bad names) before the store is touched, and turns every Status and every
// exception into a JSON error. The only place in the server that catches exceptions.
// Thread-safety: Handle may be called from many threads at once.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "server/api/auth.h"
#include "server/api/routes.h"
#include "server/api/status_http.h"
#include "server/operations/access_log.h"
#include "server/operations/key_limiter.h"
#include "server/transport/http_types.h"
#include "xronox/xronox.h"

namespace xronox::server {

/// Default largest accepted request body: 16 MiB.
inline constexpr size_t kDefaultMaxBodyBytes = size_t{16} << 20;

/// Default largest accepted content upload: 64 GiB.
inline constexpr int64_t kDefaultMaxContentBytes = int64_t{64} << 30;

struct DispatcherOptions {
  size_t max_body_bytes = kDefaultMaxBodyBytes;  ///< Larger bodies get 413.
  /// Larger content uploads (PUT .../content/{property}, streamed) get 413.
  int64_t max_content_bytes = kDefaultMaxContentBytes;
  /// Accepted API keys; empty turns authentication off (every request is served).
  std::vector<ApiKey> api_keys;
  /// Requests one API key may have in flight; more get 429 too_many_requests.
  int max_requests_per_key = kDefaultMaxRequestsPerKey;
  /// Where the retention and offload runs that requests start are logged; null logs nothing.
  LogSink* log = nullptr;
};

class Dispatcher {
 public:
  /// Serve `store`, which must outlive the dispatcher.
  Dispatcher(Xronox& store, DispatcherOptions options);

  /// Handle one request; never throws (an exception becomes a 500 JSON error).
  HttpResponse Handle(const HttpRequest& request) const;

  const DispatcherOptions& options() const { return options_; }
  /// The API keys this dispatcher checks (for routes served outside it, such as /metrics).
  const Authenticator& authenticator() const { return auth_; }

 private:
  HttpResponse Dispatch(const HttpRequest& request) const;
  HttpResponse DispatchRoute(const HttpRequest& request, const ParsedTarget& parsed,
                             const Route& route, const ApiKey* key) const;
  HttpResponse DispatchRecord(const HttpRequest& request, const ParsedTarget& parsed,
                              const Route& route, const std::string& method,
                              const ApiKey* key) const;
  std::optional<HttpError> CheckBody(const HttpRequest& request, const std::string& method) const;
  Result<HttpResponse> Invoke(const HttpRequest& request, const ParsedTarget& parsed,
                              const Route& route, const std::string& method,
                              const ApiKey* key) const;
  // GET /v1/{db}/{tenant}:versions: the version query over every collection of a tenant.
  Result<HttpResponse> TenantVersions(const ParsedTarget& parsed, const Route& route) const;

  Xronox& store_;
  DispatcherOptions options_;
  Authenticator auth_;
  KeyLimiter limiter_;  // Borrows auth_'s keys: declared after it.
};

}  // namespace xronox::server
