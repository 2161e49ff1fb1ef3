// Read handlers: current and time-travel reads, history, diff, blame, version queries, query and
// counters; and the handler table.
#include "server/api/codec.h"
#include "server/api/handlers.h"
#include "server/api/request_parsing.h"

namespace xronox::server {

Result<HttpResponse> HandleGet(RecordCall& call) {
  QueryParams version_params = call.query;  // All but the projection.
  version_params.erase("fields");
  XRONOX_ASSIGN_OR_RETURN(GetOptions options, GetOptionsFromQuery(version_params));
  options.fields = FieldsParam(call.query);
  options.raw_data = true;  // The stored JSON text is forwarded without a parse.
  XRONOX_ASSIGN_OR_RETURN(Record record, call.collection.Get(call.route.id, options));
  return RecordResponse(200, record);
}

Result<HttpResponse> HandleHistory(RecordCall& call) {
  XRONOX_ASSIGN_OR_RETURN(HistoryOptions options, HistoryOptionsFromQuery(call.query));
  XRONOX_ASSIGN_OR_RETURN(HistoryPage page, call.collection.History(call.route.id, options));
  return JsonResponse(200, HistoryPageToJson(page));
}

Result<HttpResponse> HandleDiff(RecordCall& call) {
  XRONOX_RETURN_IF_ERROR(CheckQueryParams(call.query, {"from", "to"}));
  XRONOX_ASSIGN_OR_RETURN(int64_t from, RequiredIntParam(call.query, "from"));
  XRONOX_ASSIGN_OR_RETURN(int64_t to, RequiredIntParam(call.query, "to"));
  XRONOX_ASSIGN_OR_RETURN(Json patch, call.collection.Diff(call.route.id, from, to));
  return JsonResponse(200, Json{{"from", from}, {"to", to}, {"patch", std::move(patch)}});
}

Result<HttpResponse> HandleBlame(RecordCall& call) {
  XRONOX_RETURN_IF_ERROR(CheckQueryParams(call.query, {"maxVersions"}));
  BlameOptions options;
  XRONOX_ASSIGN_OR_RETURN(std::optional<int64_t> max_versions,
                          OptionalIntParam(call.query, "maxVersions"));
  if (max_versions) {
    if (*max_versions < 1 || *max_versions > kMaxBlameVersions) {
      return InvalidArgument("maxVersions must be 1.." + std::to_string(kMaxBlameVersions))
          .WithReason("invalid_query");
    }
    options.max_versions = static_cast<int>(*max_versions);
  }
  XRONOX_ASSIGN_OR_RETURN(BlameReport report, call.collection.Blame(call.route.id, options));
  return JsonResponse(200, BlameReportToJson(report));
}

Result<HttpResponse> HandleVersions(RecordCall& call) {
  XRONOX_ASSIGN_OR_RETURN(VersionQuery query, VersionQueryFromQuery(call.query));
  XRONOX_ASSIGN_OR_RETURN(VersionsPage page, call.collection.Versions(query));
  return JsonResponse(200, VersionsPageToJson(page));
}

Result<HttpResponse> HandleQuery(RecordCall& call) {
  XRONOX_ASSIGN_OR_RETURN(QueryOptions options, QueryOptionsFromQuery(call.query));
  XRONOX_ASSIGN_OR_RETURN(Json filter, FilterFromQuery(call.query));
  XRONOX_ASSIGN_OR_RETURN(QueryPage page, call.collection.Query(filter, options));
  return JsonTextResponse(200, QueryPageToJsonText(page));
}

Result<HttpResponse> HandleCounters(RecordCall& call) {
  XRONOX_RETURN_IF_ERROR(CheckQueryParams(call.query, {}));
  XRONOX_ASSIGN_OR_RETURN(CollectionCounts counts, call.collection.Counters());
  return JsonResponse(200, CountsToJson(counts));
}

Handler FindHandler(RouteKind kind, const std::string& method) {
  switch (kind) {
    case RouteKind::kHealth:
    case RouteKind::kReady:
    case RouteKind::kOpenApi:
      return nullptr;
    case RouteKind::kCollection:
      if (method == "GET") return &HandleQuery;
      return method == "POST" ? &HandleCreate : nullptr;
    case RouteKind::kRecord:
      if (method == "GET") return &HandleGet;
      if (method == "PUT") return &HandlePut;
      if (method == "PATCH") return &HandlePatch;
      return method == "DELETE" ? &HandleDelete : nullptr;
    case RouteKind::kHistory:
      return method == "GET" ? &HandleHistory : nullptr;
    case RouteKind::kDiff:
      return method == "GET" ? &HandleDiff : nullptr;
    case RouteKind::kBlame:
      return method == "GET" ? &HandleBlame : nullptr;
    case RouteKind::kRestore:
      return method == "POST" ? &HandleRestore : nullptr;
    case RouteKind::kContent:
      if (method == "GET") return &HandleGetContent;
      if (method == "PUT") return &HandlePutContent;
      return method == "DELETE" ? &HandleDeleteContent : nullptr;
    case RouteKind::kCounters:
      return method == "GET" ? &HandleCounters : nullptr;
    case RouteKind::kBackups:
      if (method == "GET") return &HandleListBackups;
      return method == "POST" ? &HandleCreateBackup : nullptr;
    case RouteKind::kVerifyBackup:
      return method == "POST" ? &HandleVerifyBackup : nullptr;
    case RouteKind::kRestoreBackup:
      return method == "POST" ? &HandleRestoreBackup : nullptr;
    case RouteKind::kPruneBackups:
      return method == "POST" ? &HandlePruneBackups : nullptr;
    case RouteKind::kRestoreCollection:
      return method == "POST" ? &HandleRestoreCollection : nullptr;
    case RouteKind::kRebuild:
      return method == "POST" ? &HandleRebuild : nullptr;
    case RouteKind::kHolds:
      if (method == "GET") return &HandleListHolds;
      return method == "POST" ? &HandlePlaceHold : nullptr;
    case RouteKind::kLiftHold:
      return method == "POST" ? &HandleLiftHold : nullptr;
    case RouteKind::kHoldLog:
      return method == "GET" ? &HandleHoldLog : nullptr;
    case RouteKind::kApplyRetention:
      return method == "POST" ? &HandleApplyRetention : nullptr;
    case RouteKind::kOffload:
      return method == "POST" ? &HandleOffload : nullptr;
    case RouteKind::kAppend:
      return method == "POST" ? &HandleAppend : nullptr;
    case RouteKind::kEnrich:
      return method == "POST" ? &HandleEnrich : nullptr;
    case RouteKind::kUpsert:
      return method == "POST" ? &HandleUpsert : nullptr;
    case RouteKind::kVersions:
      return method == "GET" ? &HandleVersions : nullptr;
    case RouteKind::kTenantVersions:
      return nullptr;  // No collection: the dispatcher answers it (Dispatcher::TenantVersions).
  }
  return nullptr;
}

}  // namespace xronox::server
