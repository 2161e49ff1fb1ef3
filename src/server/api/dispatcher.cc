#include "server/api/dispatcher.h"

#include <algorithm>
#include <cctype>
#include <exception>

#include "common/decimal.h"
#include "common/ids.h"
#include "common/memory_reserve.h"
#include "server/api/codec.h"
#include "server/api/handlers.h"
#include "server/api/openapi_document.h"
#include "server/api/request_parsing.h"

namespace xronox::server {

namespace {

bool Contains(const std::vector<std::string>& methods, const std::string& method) {
  return std::find(methods.begin(), methods.end(), method) != methods.end();
}

bool IsWrite(const std::string& method) {
  return method == "POST" || method == "PUT" || method == "PATCH" || method == "DELETE";
}

HttpError NoRoute() {
  return MakeHttpError(404, "not_found",
                       "no such resource; paths are /v1/health, /v1/ready, /v1/openapi.json and "
                       "/v1/{db}/{tenant}/{collection}[/{id}[/history|/diff|/restore|"
                       "/content/{property}]]");
}

HttpError MethodNotAllowed(const std::string& method, const std::vector<std::string>& allowed,
                           bool logs) {
  std::string shown = method.substr(0, 16);
  std::string message = logs ? "logs are append-only: " + shown + " is not allowed here"
                             : shown + " is not allowed here";
  HttpError error = MakeHttpError(405, "method_not_allowed",
                                  message + " (allowed: " + JoinMethods(allowed) + ")");
  error.allow = JoinMethods(allowed);
  return error;
}

HttpResponse OptionsResponse(const std::vector<std::string>& allowed) {
  HttpResponse response;
  response.status = 204;
  response.headers["Allow"] = JoinMethods(allowed);
  return response;
}

// History, diff, restore and reads at a version or time exist only where versions are kept
// (runtime); refusing them here keeps the answer independent of whether the record exists.
Status CheckVersionedOnly(const Route& route, const QueryParams& query, DatabaseType type) {
  if (type == DatabaseType::kRuntime) return Status::Ok();
  bool versioned_read = (route.kind == RouteKind::kRecord || route.kind == RouteKind::kContent ||
                         route.kind == RouteKind::kCollection) &&
                        (query.count("version") || query.count("asOf"));
  if (route.kind == RouteKind::kHistory || route.kind == RouteKind::kDiff ||
      route.kind == RouteKind::kBlame || route.kind == RouteKind::kRestore ||
      route.kind == RouteKind::kRestoreCollection || versioned_read) {
    return InvalidArgument(std::string(DatabaseTypeName(type)) +
                           " keeps no versions: history, diff, blame, restore, "
                           ":restore-collection, ?version and ?asOf need a runtime collection")
        .WithReason("not_versioned");
  }
  return Status::Ok();
}

bool ExceedsLimit(const std::string& content_length, size_t limit) {
  // The HTTP layer refused every length that is not 1-19 digits (http_framing.h).
  std::optional<int64_t> length = ParseNonNegativeDecimal(content_length);
  return length && static_cast<uint64_t>(*length) > limit;
}

// The client's X-Request-Id when it is a safe token (1-128 of [A-Za-z0-9._:-]), else a fresh
// random one: every response carries one, so a client can quote it when reporting a problem.
std::string RequestId(const HttpRequest& request) {
  std::string given = HeaderValue(request.headers, "X-Request-Id");
  bool safe = !given.empty() && given.size() <= 128 &&
              std::all_of(given.begin(), given.end(), [](unsigned char c) {
                return std::isalnum(c) || c == '.' || c == '_' || c == ':' || c == '-';
              });
  return safe ? given : RandomHex(8);
}

HttpResponse TooManyRequests(const std::string& principal, int limit) {
  HttpResponse response = ErrorResponse(
      MakeHttpError(429, "too_many_requests",
                    "the API key of '" + principal + "' has " + std::to_string(limit) +
                        " requests in flight, its limit; retry when one is done"));
  response.headers["Retry-After"] = "1";
  return response;
}

// Reads are GET (and HEAD, OPTIONS); every other method changes data. Backups, whatever the
// method, are the operators' (admin scope).
Access AccessFor(RouteKind kind, const std::string& method) {
  if (NeedsAdmin(kind)) return Access::kAdmin;
  return IsWrite(method) ? Access::kWrite : Access::kRead;
}

const std::string kNoPrincipal;

// Take includeHidden out of `query`: true when it asks for the hidden fields, which only the
// reads of records and content return (docs/formats/hidden-fields.md).
Result<bool> TakeIncludeHidden(RouteKind kind, const std::string& method, QueryParams& query) {
  auto found = query.find("includeHidden");
  if (found == query.end()) return false;
  bool reads_data =
      method == "GET" &&
      (kind == RouteKind::kRecord || kind == RouteKind::kCollection || kind == RouteKind::kContent);
  if (!reads_data) {
    return InvalidArgument("includeHidden applies to reads of records and content only")
        .WithReason("invalid_query");
  }
  if (found->second != "true" && found->second != "false") {
    return InvalidArgument("includeHidden must be true or false").WithReason("invalid_query");
  }
  bool reveal = found->second == "true";
  query.erase(found);
  return reveal;
}

}  // namespace

Dispatcher::Dispatcher(Xronox& store, DispatcherOptions options)
    : store_(store),
      options_(std::move(options)),
      auth_(options_.api_keys),
      limiter_(auth_, options_.max_requests_per_key) {}

HttpResponse Dispatcher::Handle(const HttpRequest& request) const {
  HttpResponse response;
  // Memory that a failed request left short is taken back for the reserve first; while it
  // cannot be, requests get 503 at once rather than spend what destructors will need.
  if (!RearmMemoryReserve() && request.target != "/v1/health") {
    response = ErrorResponse(
        MakeHttpError(503, "out_of_memory", "the server is short of memory; retry shortly"));
    response.headers["Retry-After"] = "1";
    response.headers["X-Request-Id"] = RequestId(request);
    return response;
  }
  try {
    response = Dispatch(request);
  } catch (const std::bad_alloc&) {
    response = ErrorResponse(MakeHttpError(503, "out_of_memory",
                                           "the server ran short of memory while serving this "
                                           "request; retry"));
  } catch (const std::exception& e) {
    response =
        ErrorResponse(MakeHttpError(500, "internal", std::string("internal error: ") + e.what()));
  } catch (...) {
    response = ErrorResponse(MakeHttpError(500, "internal", "internal error: unknown exception"));
  }
  response.headers["X-Request-Id"] = RequestId(request);
  return response;
}

HttpResponse Dispatcher::Dispatch(const HttpRequest& request) const {
  Result<ParsedTarget> parsed = ParseRequestTarget(request.target);
  if (!parsed.ok()) return ErrorResponse(HttpErrorFromStatus(parsed.status(), {}));
  std::optional<Route> route = MatchRoute(parsed->segments);
  if (!route) return ErrorResponse(NoRoute());
  const ApiKey* key = nullptr;
  if (auth_.enabled() && route->kind != RouteKind::kHealth) {
    Result<const ApiKey*> authenticated = auth_.Authenticate(request.headers);
    if (!authenticated.ok()) return UnauthorizedResponse(authenticated.status());
    key = *authenticated;
  }
  std::optional<KeyLimiter::Slot> slot =
      key != nullptr ? limiter_.Acquire(*key) : std::optional<KeyLimiter::Slot>();
  if (key != nullptr && !slot) return TooManyRequests(key->principal, limiter_.max_in_flight());
  HttpResponse response = DispatchRoute(request, *parsed, *route, key);
  if (key != nullptr) response.principal = key->principal;
  return response;
}

HttpResponse Dispatcher::DispatchRoute(const HttpRequest& request, const ParsedTarget& parsed,
                                       const Route& route, const ApiKey* key) const {
  std::string method = request.method == "HEAD" ? "GET" : request.method;
  std::vector<std::string> allowed = AllowedMethods(route.kind, /*logs=*/false);
  if (method == "OPTIONS") return OptionsResponse(allowed);
  if (!Contains(allowed, method)) return ErrorResponse(MethodNotAllowed(method, allowed, false));
  if (route.kind == RouteKind::kHealth) return JsonResponse(200, Json{{"status", "ok"}});
  if (route.kind == RouteKind::kOpenApi) {
    return JsonTextResponse(200, std::string(OpenApiDocument()));
  }
  if (route.kind == RouteKind::kReady) {
    Status ready = store_.CheckReady();
    if (ready.ok()) return JsonResponse(200, Json{{"status", "ready"}});
    // Every failure to answer is "not ready" (503), whatever the backend's own code.
    return ErrorResponse(MakeHttpError(503, "not_ready", ready.message()));
  }
  return DispatchRecord(request, parsed, route, method, key);
}

HttpResponse Dispatcher::DispatchRecord(const HttpRequest& request, const ParsedTarget& parsed,
                                        const Route& route, const std::string& method,
                                        const ApiKey* key) const {
  StatusContext context;
  context.write = IsWrite(method);
  context.create_only = method == "PUT" && request.headers.count("If-None-Match") != 0;
  Result<DatabaseType> type = ResolveDatabaseType(route.database_type);
  if (!type.ok()) return ErrorResponse(HttpErrorFromStatus(type.status(), context));
  bool logs = *type == DatabaseType::kLogs;
  std::vector<std::string> allowed = AllowedMethods(route.kind, logs);
  context.allow = JoinMethods(allowed);
  if (!Contains(allowed, method)) return ErrorResponse(MethodNotAllowed(method, allowed, logs));
  if (key != nullptr) {
    Status allowed_here = Authenticator::Authorize(*key, AccessFor(route.kind, method),
                                                   route.database_type, route.tenant);
    if (!allowed_here.ok()) return ErrorResponse(HttpErrorFromStatus(allowed_here, context));
  }
  // Content bodies are bytes of any type, streamed and limited by their handler; a backup verb
  // may come without a body (its defaults).
  bool bodiless_verb = NeedsAdmin(route.kind) && request.body.empty();
  if (route.kind != RouteKind::kContent && !bodiless_verb) {
    if (std::optional<HttpError> error = CheckBody(request, method)) return ErrorResponse(*error);
  }
  Result<HttpResponse> response = Invoke(request, parsed, route, method, key);
  if (!response.ok()) return ErrorResponse(HttpErrorFromStatus(response.status(), context));
  return std::move(response).value();
}

std::optional<HttpError> Dispatcher::CheckBody(const HttpRequest& request,
                                               const std::string& method) const {
  if (method != "POST" && method != "PUT" && method != "PATCH") return std::nullopt;
  size_t limit = options_.max_body_bytes;
  if (request.body.size() > limit ||
      ExceedsLimit(HeaderValue(request.headers, "Content-Length"), limit)) {
    return MakeHttpError(413, "payload_too_large",
                         "request body is larger than " + std::to_string(limit) + " bytes");
  }
  std::string type = MediaType(HeaderValue(request.headers, "Content-Type"));
  bool accepted =
      type == "application/json" || (method == "PATCH" && type == "application/merge-patch+json");
  if (accepted) return std::nullopt;
  return MakeHttpError(415, "unsupported_media_type",
                       method == "PATCH"
                           ? "Content-Type must be application/merge-patch+json or application/json"
                           : "Content-Type must be application/json");
}

Result<HttpResponse> Dispatcher::Invoke(const HttpRequest& request, const ParsedTarget& parsed,
                                        const Route& route, const std::string& method,
                                        const ApiKey* key) const {
  if (route.kind == RouteKind::kTenantVersions) return TenantVersions(parsed, route);
  XRONOX_ASSIGN_OR_RETURN(Target target, ResolveTarget(route));
  if (route.kind != RouteKind::kCollection && !IsCollectionVerb(route.kind)) {
    XRONOX_RETURN_IF_ERROR(ValidateRouteId(route));
  }
  XRONOX_RETURN_IF_ERROR(CheckVersionedOnly(route, parsed.query, target.database_type));
  if (IsWrite(method)) XRONOX_RETURN_IF_ERROR(CheckQueryParams(parsed.query, {}));
  QueryParams query = parsed.query;
  XRONOX_ASSIGN_OR_RETURN(bool reveal, TakeIncludeHidden(route.kind, method, query));
  if (reveal && key != nullptr) {
    XRONOX_RETURN_IF_ERROR(
        Authenticator::Authorize(*key, Access::kReadHidden, route.database_type, route.tenant));
  }
  XRONOX_ASSIGN_OR_RETURN(Collection collection, store_.With(target));
  if (reveal) collection = collection.RevealingHidden();
  Handler handler = FindHandler(route.kind, method);
  if (handler == nullptr) return Internal("no handler for " + method + " on this route");
  const std::string& principal = key != nullptr ? key->principal : kNoPrincipal;
  RecordCall call{request,     route, query, collection, principal, options_.max_content_bytes,
                  options_.log};
  return handler(call);
}

Result<HttpResponse> Dispatcher::TenantVersions(const ParsedTarget& parsed,
                                                const Route& route) const {
  XRONOX_ASSIGN_OR_RETURN(DatabaseType type, ResolveDatabaseType(route.database_type));
  if (type != DatabaseType::kRuntime) {
    return NotSupported("a version query reads version history, which only runtime keeps")
        .WithReason("not_versioned");
  }
  Route named = route;
  named.collection = "any";  // Checks the tenant as every route does; names no collection.
  XRONOX_ASSIGN_OR_RETURN(Target target, ResolveTarget(named));
  XRONOX_ASSIGN_OR_RETURN(VersionQuery query, VersionQueryFromQuery(parsed.query));
  XRONOX_ASSIGN_OR_RETURN(VersionsPage page, store_.TenantVersions(target.tenant_id, query));
  return JsonResponse(200, VersionsPageToJson(page));
}

}  // namespace xronox::server
