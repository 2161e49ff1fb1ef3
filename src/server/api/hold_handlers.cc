// Legal hold handlers (docs/formats/holds.md): list and place on {collection}:holds, lift on
// {collection}:lift-hold, the log on {collection}:hold-log; and retention runs on
// {collection}:apply-retention (docs/formats/retention.md) and offload runs on {collection}:offload
// (docs/formats/offload.md). Admin scope (the dispatcher checks
// it); the actor is the key's principal (else X-Xronox-Actor) and X-Xronox-Reason is required.
// A database hold is placed through any collection of the database.
#include "server/api/codec.h"
#include "server/api/handlers.h"
#include "server/api/request_parsing.h"
#include "server/operations/job_log.h"

namespace xronox::server {

namespace {

constexpr int64_t kMaxOffloadDays = 36'500;
constexpr int64_t kMaxOffloadRate = 1'000'000;

struct HoldTarget {
  HoldScope scope = HoldScope::kCollection;
  std::string id;
};

// {"scope": "database"|"collection"|"record", "id": record id}; scope defaults to collection.
Result<HoldTarget> HoldTargetFromBody(const RecordCall& call) {
  XRONOX_ASSIGN_OR_RETURN(Json body, VerbBody(call.query, call.request.body, {"scope", "id"}));
  XRONOX_ASSIGN_OR_RETURN(std::string scope_name, StringField(body, "scope", "collection"));
  std::optional<HoldScope> scope = ParseHoldScope(scope_name);
  if (!scope) {
    return InvalidArgument("scope must be database, collection or record")
        .WithReason("invalid_body");
  }
  HoldTarget target;
  target.scope = *scope;
  XRONOX_ASSIGN_OR_RETURN(target.id, StringField(body, "id", ""));
  return target;
}

}  // namespace

Result<HttpResponse> HandleListHolds(RecordCall& call) {
  XRONOX_RETURN_IF_ERROR(CheckQueryParams(call.query, {}));
  XRONOX_ASSIGN_OR_RETURN(std::vector<LegalHold> holds, call.collection.ListHolds());
  Json list = Json::array();
  for (const LegalHold& hold : holds) list.push_back(LegalHoldToJson(hold));
  return JsonResponse(200, Json{{"holds", list}});
}

Result<HttpResponse> HandlePlaceHold(RecordCall& call) {
  XRONOX_ASSIGN_OR_RETURN(HoldTarget target, HoldTargetFromBody(call));
  XRONOX_ASSIGN_OR_RETURN(WriteOptions audit,
                          WriteOptionsFromRequest(call.request, {}, call.principal));
  XRONOX_ASSIGN_OR_RETURN(LegalHold hold,
                          call.collection.PlaceHold(target.scope, target.id, audit));
  return JsonResponse(201, LegalHoldToJson(hold));
}

Result<HttpResponse> HandleLiftHold(RecordCall& call) {
  XRONOX_ASSIGN_OR_RETURN(HoldTarget target, HoldTargetFromBody(call));
  XRONOX_ASSIGN_OR_RETURN(WriteOptions audit,
                          WriteOptionsFromRequest(call.request, {}, call.principal));
  XRONOX_ASSIGN_OR_RETURN(LegalHold hold, call.collection.LiftHold(target.scope, target.id, audit));
  return JsonResponse(200, LegalHoldToJson(hold));
}

// A log line on stderr for every run that removed anything (the metric counts them too).
Result<HttpResponse> HandleApplyRetention(RecordCall& call) {
  XRONOX_ASSIGN_OR_RETURN(Json body, VerbBody(call.query, call.request.body, {"dryRun"}));
  RetentionOptions options;
  XRONOX_ASSIGN_OR_RETURN(options.dry_run, BoolField(body, "dryRun"));
  XRONOX_ASSIGN_OR_RETURN(RetentionReport report, call.collection.ApplyRetention(options));
  if (call.log != nullptr) LogJobRun(*call.log, "requested", call.collection.target(), report);
  return JsonResponse(200, RetentionReportToJson(report));
}

// {"dryRun", "olderThanDays" (default: the map's s3Offload.olderThan), "maxRecordsPerSecond"}.
Result<HttpResponse> HandleOffload(RecordCall& call) {
  XRONOX_ASSIGN_OR_RETURN(Json body, VerbBody(call.query, call.request.body,
                                              {"dryRun", "olderThanDays", "maxRecordsPerSecond"}));
  OffloadOptions options;
  XRONOX_ASSIGN_OR_RETURN(options.dry_run, BoolField(body, "dryRun"));
  if (body.contains("olderThanDays")) {
    XRONOX_ASSIGN_OR_RETURN(int64_t days, CountField(body, "olderThanDays", 0, kMaxOffloadDays));
    options.older_than_days = static_cast<int>(days);
  }
  XRONOX_ASSIGN_OR_RETURN(
      int64_t rate,
      CountField(body, "maxRecordsPerSecond", options.max_records_per_second, kMaxOffloadRate));
  options.max_records_per_second = static_cast<int>(rate);
  XRONOX_ASSIGN_OR_RETURN(OffloadReport report, call.collection.Offload(options));
  if (call.log != nullptr) LogJobRun(*call.log, "requested", call.collection.target(), report);
  return JsonResponse(200, OffloadReportToJson(report));
}

Result<HttpResponse> HandleHoldLog(RecordCall& call) {
  XRONOX_RETURN_IF_ERROR(CheckQueryParams(call.query, {}));
  XRONOX_ASSIGN_OR_RETURN(std::vector<HoldEvent> events, call.collection.HoldLog());
  Json list = Json::array();
  for (const HoldEvent& event : events) list.push_back(HoldEventToJson(event));
  return JsonResponse(200, Json{{"events", list}});
}

}  // namespace xronox::server
