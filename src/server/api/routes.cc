#include "server/api/routes.h"

#include "common/names.h"

namespace xronox::server {

namespace {

constexpr char kGenericTenant[] = "_";

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::vector<std::string_view> Split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (true) {
    size_t end = text.find(separator, start);
    parts.push_back(text.substr(start, end == std::string_view::npos ? end : end - start));
    if (end == std::string_view::npos) return parts;
    start = end + 1;
  }
}

Status BadQuery(std::string message) {
  return InvalidArgument(std::move(message)).WithReason("invalid_query");
}

Result<QueryParams> ParseQuery(std::string_view query) {
  QueryParams params;
  if (query.empty()) return params;
  for (std::string_view pair : Split(query, '&')) {
    if (pair.empty()) continue;  // "a=1&&b=2" and a trailing '&' are harmless.
    size_t eq = pair.find('=');
    std::optional<std::string> name = PercentDecode(pair.substr(0, eq), true);
    std::optional<std::string> value =
        PercentDecode(eq == std::string_view::npos ? "" : pair.substr(eq + 1), true);
    if (!name || !value) return BadQuery("query string holds a malformed percent escape");
    if (!params.emplace(*name, *value).second) {
      return BadQuery("query parameter '" + name->substr(0, 64) + "' is given more than once");
    }
  }
  return params;
}

Status CheckName(Status status, const char* reason) {
  if (status.ok()) return status;
  return status.WithReason(reason);
}

}  // namespace

std::optional<std::string> PercentDecode(std::string_view text, bool plus_is_space) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '%') {
      if (i + 2 >= text.size()) return std::nullopt;
      int high = HexValue(text[i + 1]);
      int low = HexValue(text[i + 2]);
      if (high < 0 || low < 0) return std::nullopt;
      out += static_cast<char>(high * 16 + low);
      i += 2;
    } else {
      out += (plus_is_space && c == '+') ? ' ' : c;
    }
  }
  return out;
}

Result<ParsedTarget> ParseRequestTarget(std::string_view target) {
  // Absolute form (RFC 9112 section 3.2.2): "http://host/path" names the resource "/path".
  if (target.starts_with("http://") || target.starts_with("https://")) {
    size_t path_start = target.find('/', target.find("//") + 2);
    target = path_start == std::string_view::npos ? "/" : target.substr(path_start);
  }
  size_t question = target.find('?');
  std::string_view path = target.substr(0, question);
  if (path.empty() || path[0] != '/') {
    return InvalidArgument("request target must be a path starting with '/'")
        .WithReason("invalid_path");
  }
  ParsedTarget parsed;
  for (std::string_view raw : Split(path.substr(1), '/')) {
    std::optional<std::string> segment = PercentDecode(raw, false);
    if (!segment) {
      return InvalidArgument("path holds a malformed percent escape").WithReason("invalid_path");
    }
    parsed.segments.push_back(std::move(*segment));
  }
  if (question != std::string_view::npos) {
    XRONOX_ASSIGN_OR_RETURN(parsed.query, ParseQuery(target.substr(question + 1)));
  }
  return parsed;
}

namespace {

std::optional<RouteKind> CollectionVerb(const std::string& verb) {
  if (verb == "counters") return RouteKind::kCounters;
  if (verb == "append") return RouteKind::kAppend;
  if (verb == "upsert") return RouteKind::kUpsert;
  if (verb == "versions") return RouteKind::kVersions;
  if (verb == "backups") return RouteKind::kBackups;
  if (verb == "verify-backup") return RouteKind::kVerifyBackup;
  if (verb == "restore-backup") return RouteKind::kRestoreBackup;
  if (verb == "prune-backups") return RouteKind::kPruneBackups;
  if (verb == "restore-collection") return RouteKind::kRestoreCollection;
  if (verb == "rebuild") return RouteKind::kRebuild;
  if (verb == "holds") return RouteKind::kHolds;
  if (verb == "lift-hold") return RouteKind::kLiftHold;
  if (verb == "hold-log") return RouteKind::kHoldLog;
  if (verb == "apply-retention") return RouteKind::kApplyRetention;
  if (verb == "offload") return RouteKind::kOffload;
  return std::nullopt;
}

}  // namespace

bool IsCollectionVerb(RouteKind kind) {
  return kind == RouteKind::kCounters || kind == RouteKind::kAppend || kind == RouteKind::kUpsert ||
         kind == RouteKind::kVersions || NeedsAdmin(kind);
}

bool NeedsAdmin(RouteKind kind) {
  return kind == RouteKind::kBackups || kind == RouteKind::kVerifyBackup ||
         kind == RouteKind::kRestoreBackup || kind == RouteKind::kPruneBackups ||
         kind == RouteKind::kRestoreCollection || kind == RouteKind::kRebuild ||
         kind == RouteKind::kHolds || kind == RouteKind::kLiftHold || kind == RouteKind::kHoldLog ||
         kind == RouteKind::kApplyRetention || kind == RouteKind::kOffload;
}

std::optional<Route> MatchRoute(const std::vector<std::string>& segments) {
  if (segments.empty() || segments[0] != "v1") return std::nullopt;
  Route route;
  if (segments.size() == 2 && segments[1] == "health") return route;  // kHealth.
  if (segments.size() == 2 && segments[1] == "ready") {
    route.kind = RouteKind::kReady;
    return route;
  }
  if (segments.size() == 2 && segments[1] == "openapi.json") {
    route.kind = RouteKind::kOpenApi;
    return route;
  }
  if (segments.size() == 3 && segments[2].ends_with(":versions")) {
    // The versions of every collection of a tenant: "/v1/{db}/{tenant}:versions".
    route.kind = RouteKind::kTenantVersions;
    route.database_type = segments[1];
    route.tenant = segments[2].substr(0, segments[2].size() - std::string_view(":versions").size());
    return route;
  }
  if (segments.size() < 4 || segments.size() > 7) return std::nullopt;
  route.kind = RouteKind::kCollection;
  route.database_type = segments[1];
  route.tenant = segments[2];
  route.collection = segments[3];
  if (size_t colon = route.collection.find(':'); colon != std::string::npos) {
    // A verb on the collection: "{collection}:counters", "{collection}:backups", ...
    std::optional<RouteKind> verb = CollectionVerb(route.collection.substr(colon + 1));
    if (segments.size() != 4 || !verb) return std::nullopt;
    route.collection.resize(colon);
    route.kind = *verb;
    return route;
  }
  if (segments.size() == 4) return route;
  route.id = segments[4];
  route.kind = RouteKind::kRecord;
  if (segments.size() == 5) return route;
  if (segments.size() == 7) {
    if (segments[5] != "content") return std::nullopt;
    route.kind = RouteKind::kContent;
    route.property = segments[6];
    return route;
  }
  if (segments[5] == "history") {
    route.kind = RouteKind::kHistory;
  } else if (segments[5] == "diff") {
    route.kind = RouteKind::kDiff;
  } else if (segments[5] == "blame") {
    route.kind = RouteKind::kBlame;
  } else if (segments[5] == "restore") {
    route.kind = RouteKind::kRestore;
  } else if (segments[5] == "enrich") {
    route.kind = RouteKind::kEnrich;
  } else {
    return std::nullopt;
  }
  return route;
}

std::vector<std::string> AllowedMethods(RouteKind kind, bool logs) {
  switch (kind) {
    case RouteKind::kHealth:
    case RouteKind::kReady:
    case RouteKind::kOpenApi:
      return {"GET"};
    case RouteKind::kCollection:
      return {"GET", "POST"};
    case RouteKind::kRecord:
      if (logs) return {"GET"};
      return {"GET", "PUT", "PATCH", "DELETE"};
    case RouteKind::kHistory:
    case RouteKind::kVersions:
    case RouteKind::kTenantVersions:
    case RouteKind::kCounters:
    case RouteKind::kDiff:
    case RouteKind::kBlame:
      return {"GET"};
    case RouteKind::kRestore:
    case RouteKind::kEnrich:
    case RouteKind::kVerifyBackup:
    case RouteKind::kRestoreBackup:
    case RouteKind::kPruneBackups:
    case RouteKind::kRestoreCollection:
    case RouteKind::kRebuild:
    case RouteKind::kLiftHold:
    case RouteKind::kApplyRetention:
    case RouteKind::kOffload:
    case RouteKind::kAppend:
      return {"POST"};
    case RouteKind::kUpsert:
      if (logs) return {};
      return {"POST"};
    case RouteKind::kBackups:
    case RouteKind::kHolds:
      return {"GET", "POST"};
    case RouteKind::kHoldLog:
      return {"GET"};
    case RouteKind::kContent:
      if (logs) return {"GET"};
      return {"GET", "PUT", "DELETE"};
  }
  return {};
}

std::string RouteTemplate(RouteKind kind) {
  const std::string collection = "/v1/{db}/{tenant}/{collection}";
  switch (kind) {
    case RouteKind::kHealth:
      return "/v1/health";
    case RouteKind::kReady:
      return "/v1/ready";
    case RouteKind::kOpenApi:
      return "/v1/openapi.json";
    case RouteKind::kCollection:
      return collection;
    case RouteKind::kRecord:
      return collection + "/{id}";
    case RouteKind::kHistory:
      return collection + "/{id}/history";
    case RouteKind::kDiff:
      return collection + "/{id}/diff";
    case RouteKind::kBlame:
      return collection + "/{id}/blame";
    case RouteKind::kRestore:
      return collection + "/{id}/restore";
    case RouteKind::kEnrich:
      return collection + "/{id}/enrich";
    case RouteKind::kContent:
      return collection + "/{id}/content/{property}";
    case RouteKind::kCounters:
      return collection + ":counters";
    case RouteKind::kBackups:
      return collection + ":backups";
    case RouteKind::kVerifyBackup:
      return collection + ":verify-backup";
    case RouteKind::kRestoreBackup:
      return collection + ":restore-backup";
    case RouteKind::kPruneBackups:
      return collection + ":prune-backups";
    case RouteKind::kRestoreCollection:
      return collection + ":restore-collection";
    case RouteKind::kRebuild:
      return collection + ":rebuild";
    case RouteKind::kHolds:
      return collection + ":holds";
    case RouteKind::kLiftHold:
      return collection + ":lift-hold";
    case RouteKind::kHoldLog:
      return collection + ":hold-log";
    case RouteKind::kApplyRetention:
      return collection + ":apply-retention";
    case RouteKind::kOffload:
      return collection + ":offload";
    case RouteKind::kAppend:
      return collection + ":append";
    case RouteKind::kUpsert:
      return collection + ":upsert";
    case RouteKind::kVersions:
      return collection + ":versions";
    case RouteKind::kTenantVersions:
      return "/v1/{db}/{tenant}:versions";
  }
  return "other";
}

bool IsStreamedUpload(const std::string& method, std::string_view target) {
  if (method != "PUT") return false;
  Result<ParsedTarget> parsed = ParseRequestTarget(target);
  if (!parsed.ok()) return false;
  std::optional<Route> route = MatchRoute(parsed->segments);
  return route && route->kind == RouteKind::kContent;
}

std::string JoinMethods(const std::vector<std::string>& methods) {
  std::string out;
  for (const std::string& method : methods) {
    if (!out.empty()) out += ", ";
    out += method;
  }
  return out;
}

Result<DatabaseType> ResolveDatabaseType(const std::string& name) {
  std::optional<DatabaseType> type = ParseDatabaseType(name);
  if (!type) {
    std::string shown = name.size() > 64 ? name.substr(0, 64) + "..." : name;
    for (char& c : shown) {
      if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7f) c = '?';
    }
    return NotFound("unknown database type '" + shown +
                    "' (expected knowledge, metadata, runtime, messaging, identities or logs)")
        .WithReason("unknown_database_type");
  }
  return *type;
}

Result<Target> ResolveTarget(const Route& route) {
  Target target;
  XRONOX_ASSIGN_OR_RETURN(target.database_type, ResolveDatabaseType(route.database_type));
  if (route.tenant == kGenericTenant) {
    if (target.database_type == DatabaseType::kRuntime) {
      return InvalidArgument("runtime is per tenant: name a tenant instead of '_'")
          .WithReason("tenant_required");
    }
    target.tier = Tier::kGeneric;
  } else {
    XRONOX_RETURN_IF_ERROR(CheckName(ValidateTenantId(route.tenant), "invalid_tenant_id"));
    target.tier = Tier::kTenant;
    target.tenant_id = route.tenant;
  }
  XRONOX_RETURN_IF_ERROR(
      CheckName(ValidateCollectionName(route.collection), "invalid_collection_name"));
  target.collection = route.collection;
  return target;
}

Status ValidateRouteId(const Route& route) {
  return CheckName(ValidateRecordId(route.id), "invalid_record_id");
}

std::string RecordPath(const Route& route, const std::string& id) {
  return "/v1/" + route.database_type + "/" + route.tenant + "/" + route.collection + "/" + id;
}

}  // namespace xronox::server
