// Backup handlers (docs/formats/backups.md): list and create on {collection}:backups, verify,
// restore and prune as verbs of their own; and the restore of a runtime collection to an
// instant (:restore-collection), and the rebuild of its hot-store rows from its object store
// (:rebuild). Admin scope (the dispatcher checks it). Each body is a JSON
// object of the fields below (optional but for :restore-collection); an unknown field is refused.
#include "common/clock.h"
#include "server/api/codec.h"
#include "server/api/handlers.h"
#include "server/api/request_parsing.h"

namespace xronox::server {

namespace {

Status BadBody(const std::string& message) {
  return InvalidArgument(message).WithReason("invalid_body");
}

// {"db","tenant","collection"} of the backed-up collection; this one when absent.
Result<Target> SourceTarget(const RecordCall& call, const Json& body) {
  if (!body.contains("from")) return call.collection.target();
  const Json& from = body["from"];
  auto text = [&from](const char* name) -> std::string {
    return from.contains(name) && from[name].is_string() ? from[name].get<std::string>() : "";
  };
  std::optional<DatabaseType> type = ParseDatabaseType(text("db"));
  if (!from.is_object() || from.size() != 3 || !type || text("tenant").empty() ||
      text("collection").empty()) {
    return BadBody("from must be {\"db\", \"tenant\", \"collection\"} of a backed-up collection");
  }
  Target target{*type, text("tenant") == "_" ? Tier::kGeneric : Tier::kTenant,
                text("tenant") == "_" ? "" : text("tenant"), text("collection")};
  return target;
}

Json CheckToJson(const std::string& id, const BackupCheck& check) {
  return {{"id", id},
          {"partsChecked", check.parts_checked},
          {"recordsChecked", check.records_checked},
          {"problems", check.problems},
          {"ok", check.ok()}};
}

}  // namespace

Result<HttpResponse> HandleListBackups(RecordCall& call) {
  XRONOX_RETURN_IF_ERROR(CheckQueryParams(call.query, {}));
  XRONOX_ASSIGN_OR_RETURN(BackupList list, call.collection.ListBackups());
  Json complete = Json::array(), incomplete = Json::array();
  for (const BackupManifest& m : list.complete) complete.push_back(BackupManifestToJson(m));
  for (const IncompleteBackup& run : list.incomplete) {
    incomplete.push_back({{"id", run.id},
                          {"objects", run.objects},
                          {"lastModified", FormatRfc3339(run.last_modified)}});
  }
  return JsonResponse(200, Json{{"complete", complete}, {"incomplete", incomplete}});
}

Result<HttpResponse> HandleCreateBackup(RecordCall& call) {
  XRONOX_ASSIGN_OR_RETURN(Json body,
                          VerbBody(call.query, call.request.body, {"asOf", "withContent"}));
  BackupOptions options;
  XRONOX_ASSIGN_OR_RETURN(options.with_content, BoolField(body, "withContent"));
  XRONOX_ASSIGN_OR_RETURN(std::string as_of, StringField(body, "asOf", ""));
  if (!as_of.empty()) {
    options.as_of = ParseRfc3339(as_of);
    if (!options.as_of) return BadBody("asOf must be an RFC 3339 time");
  }
  XRONOX_ASSIGN_OR_RETURN(BackupManifest manifest, call.collection.Backup(options));
  return JsonResponse(201, BackupManifestToJson(manifest));
}

Result<HttpResponse> HandleVerifyBackup(RecordCall& call) {
  XRONOX_ASSIGN_OR_RETURN(Json body, VerbBody(call.query, call.request.body, {"id"}));
  XRONOX_ASSIGN_OR_RETURN(std::string id, StringField(body, "id", "latest"));
  XRONOX_ASSIGN_OR_RETURN(BackupCheck check, call.collection.VerifyBackup(id));
  return JsonResponse(200, CheckToJson(id, check));
}

Result<HttpResponse> HandleRestoreBackup(RecordCall& call) {
  XRONOX_ASSIGN_OR_RETURN(
      Json body, VerbBody(call.query, call.request.body, {"from", "id", "dryRun", "exact"}));
  XRONOX_ASSIGN_OR_RETURN(Target source, SourceTarget(call, body));
  RestoreOptions options;
  XRONOX_ASSIGN_OR_RETURN(std::string id, StringField(body, "id", "latest"));
  XRONOX_ASSIGN_OR_RETURN(options.dry_run, BoolField(body, "dryRun"));
  XRONOX_ASSIGN_OR_RETURN(options.exact, BoolField(body, "exact"));
  XRONOX_ASSIGN_OR_RETURN(options.write, WriteOptionsFromRequest(call.request, {}, call.principal));
  XRONOX_ASSIGN_OR_RETURN(RestoreReport report,
                          call.collection.RestoreBackup({source, id}, options));
  return JsonResponse(200, RestoreReportToJson(report));
}

Result<HttpResponse> HandleRestoreCollection(RecordCall& call) {
  XRONOX_ASSIGN_OR_RETURN(Json body, VerbBody(call.query, call.request.body, {"asOf", "dryRun"}));
  AsOfRestoreOptions options;
  XRONOX_ASSIGN_OR_RETURN(std::string as_of, StringField(body, "asOf", ""));
  std::optional<TimestampMicros> time = ParseRfc3339(as_of);
  if (!time) return BadBody("asOf is required: the RFC 3339 time to restore the collection to");
  options.as_of = *time;
  XRONOX_ASSIGN_OR_RETURN(options.dry_run, BoolField(body, "dryRun"));
  XRONOX_ASSIGN_OR_RETURN(options.write, WriteOptionsFromRequest(call.request, {}, call.principal));
  XRONOX_ASSIGN_OR_RETURN(AsOfRestoreReport report, call.collection.RestoreAsOf(options));
  return JsonResponse(200, AsOfRestoreReportToJson(report));
}

Result<HttpResponse> HandleRebuild(RecordCall& call) {
  XRONOX_ASSIGN_OR_RETURN(Json body, VerbBody(call.query, call.request.body, {}));
  XRONOX_ASSIGN_OR_RETURN(RebuildReport report, call.collection.Rebuild());
  return JsonResponse(200, RebuildReportToJson(report));
}

Result<HttpResponse> HandlePruneBackups(RecordCall& call) {
  XRONOX_ASSIGN_OR_RETURN(Json body,
                          VerbBody(call.query, call.request.body,
                                   {"keepDaily", "keepMonthly", "incompleteAfterHours", "dryRun"}));
  PruneOptions options;
  constexpr int64_t kMaxKeep = 100000;
  XRONOX_ASSIGN_OR_RETURN(int64_t daily, CountField(body, "keepDaily", 7, kMaxKeep));
  XRONOX_ASSIGN_OR_RETURN(int64_t monthly, CountField(body, "keepMonthly", 12, kMaxKeep));
  XRONOX_ASSIGN_OR_RETURN(int64_t hours, CountField(body, "incompleteAfterHours", 24, kMaxKeep));
  options.keep_daily = static_cast<int>(daily);
  options.keep_monthly = static_cast<int>(monthly);
  options.incomplete_after_seconds = hours * 3600;
  XRONOX_ASSIGN_OR_RETURN(options.dry_run, BoolField(body, "dryRun"));
  XRONOX_ASSIGN_OR_RETURN(PruneReport report, call.collection.PruneBackups(options));
  return JsonResponse(200, PruneReportToJson(report));
}

}  // namespace xronox::server
