// Request-target parsing and the route table of the HTTP API:
//   GET               /v1/health   (liveness: the process answers)
//   GET               /v1/ready    (readiness: every backend answers; 503 otherwise)
//   GET               /v1/openapi.json   (the OpenAPI 3.1 description of this API)
//   GET, POST         /v1/{db}/{tenant}/{collection}
//   GET               /v1/{db}/{tenant}/{collection}:counters   (collection verbs follow a ':',
//                     which no collection name holds, so none can meet a record id)
//   POST              /v1/{db}/{tenant}/{collection}:append   (entries in bulk; not runtime)
//   GET, POST         /v1/{db}/{tenant}/{collection}:backups   (list, create; admin scope)
//   POST              /v1/{db}/{tenant}/{collection}:verify-backup, :restore-backup,
//                     :prune-backups, :restore-collection, :rebuild, :lift-hold (admin scope)
//   GET, POST         /v1/{db}/{tenant}/{collection}:holds   (list, place; admin scope)
//   GET               /v1/{db}/{tenant}/{collection}:hold-log   (admin scope)
//   POST              /v1/{db}/{tenant}/{collection}:apply-retention   (admin scope)
//   GET, PUT, PATCH, DELETE  /v1/{db}/{tenant}/{collection}/{id}   (logs: GET only)
//   GET               /v1/{db}/{tenant}/{collection}/{id}/history
//   GET               /v1/{db}/{tenant}/{collection}/{id}/diff
//   GET               /v1/{db}/{tenant}/{collection}/{id}/blame
//   POST              /v1/{db}/{tenant}/{collection}/{id}/restore
//   POST              /v1/{db}/{tenant}/{collection}/{id}/enrich   (logs: none)
//   GET, PUT, DELETE  /v1/{db}/{tenant}/{collection}/{id}/content/{property}   (logs: GET only)
// {tenant} is "_" for the generic tier. Every path segment is percent-decoded on its own, so an
// encoded '/' never splits or joins segments; names are then checked with common/names.h.
// Thread-safety: pure functions.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "xronox/status.h"
#include "xronox/types.h"

namespace xronox::server {

/// Query parameters, decoded; a name given twice is refused when parsing.
using QueryParams = std::map<std::string, std::string>;

/// A request target split into decoded path segments and query parameters.
struct ParsedTarget {
  std::vector<std::string> segments;  ///< Path segments after the leading '/', decoded.
  QueryParams query;
};

/// Split and decode a raw request target; InvalidArgument (reason "invalid_path" or
/// "invalid_query") for a bad percent escape, a path not starting with '/' or a repeated
/// query parameter.
Result<ParsedTarget> ParseRequestTarget(std::string_view target);

/// Decode %XX escapes (and '+' as space when `plus_is_space`); nullopt on a malformed escape.
std::optional<std::string> PercentDecode(std::string_view text, bool plus_is_space);

enum class RouteKind {
  kHealth,
  kReady,
  kOpenApi,
  kCollection,
  kRecord,
  kHistory,
  kDiff,
  kRestore,
  kContent,
  kCounters,
  kBackups,
  kVerifyBackup,
  kRestoreBackup,
  kPruneBackups,
  kRestoreCollection,
  kRebuild,
  kHolds,
  kLiftHold,
  kHoldLog,
  kApplyRetention,
  kOffload,
  kBlame,
  kAppend,
  kEnrich,
  kUpsert,
  kVersions,
  kTenantVersions
};

/// Every route kind, in declaration order (for tests and documents that must cover them all).
inline constexpr RouteKind kAllRouteKinds[] = {
    RouteKind::kHealth,        RouteKind::kReady,          RouteKind::kOpenApi,
    RouteKind::kCollection,    RouteKind::kRecord,         RouteKind::kHistory,
    RouteKind::kDiff,          RouteKind::kRestore,        RouteKind::kContent,
    RouteKind::kCounters,      RouteKind::kBackups,        RouteKind::kVerifyBackup,
    RouteKind::kRestoreBackup, RouteKind::kPruneBackups,   RouteKind::kRestoreCollection,
    RouteKind::kRebuild,       RouteKind::kHolds,          RouteKind::kLiftHold,
    RouteKind::kHoldLog,       RouteKind::kApplyRetention, RouteKind::kOffload,
    RouteKind::kBlame,         RouteKind::kAppend,         RouteKind::kEnrich,
    RouteKind::kUpsert,        RouteKind::kVersions,       RouteKind::kTenantVersions};

/// True for the verbs on a collection ("{collection}:verb"), whose routes have no record id.
bool IsCollectionVerb(RouteKind kind);
/// True for the routes that need the admin scope (backups).
bool NeedsAdmin(RouteKind kind);

/// The path template of a route kind, as in docs/openapi.json and the metrics' route label:
/// "/v1/{db}/{tenant}/{collection}/{id}/history".
std::string RouteTemplate(RouteKind kind);

/// A matched route with its raw (decoded, not yet validated) path parameters.
struct Route {
  RouteKind kind = RouteKind::kHealth;
  std::string database_type;
  std::string tenant;
  std::string collection;  ///< Empty for kTenantVersions.
  std::string id;        ///< Empty for kHealth, kReady, kOpenApi, kCollection and collection verbs.
  std::string property;  ///< kContent only.
};

/// Match decoded path segments against the route table; nullopt for an unknown path.
std::optional<Route> MatchRoute(const std::vector<std::string>& segments);

/// True for a request whose body the HTTP layer should stream to the handler instead of
/// reading it whole: a PUT of content. Looks at the method and path only.
bool IsStreamedUpload(const std::string& method, std::string_view target);

/// Methods `kind` supports, in Allow-header order; on logs, PUT, PATCH and DELETE are absent.
std::vector<std::string> AllowedMethods(RouteKind kind, bool logs);
/// Join methods for an Allow header: "GET, POST".
std::string JoinMethods(const std::vector<std::string>& methods);

/// Resolve the database type alone: NotFound with reason "unknown_database_type" if unknown.
Result<DatabaseType> ResolveDatabaseType(const std::string& name);
/// Resolve and validate the collection target of a route: tier from the tenant segment ("_"
/// is the generic tier; runtime needs a tenant), tenant and collection names checked.
Result<Target> ResolveTarget(const Route& route);
/// Validate the record id of a route (InvalidArgument, reason "invalid_record_id").
Status ValidateRouteId(const Route& route);

/// The path of a record: "/v1/{db}/{tenant}/{collection}/{id}".
std::string RecordPath(const Route& route, const std::string& id);

}  // namespace xronox::server
