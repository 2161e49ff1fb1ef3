// Write handlers: create, append, put, merge patch, enrich, delete and restore.
#include "common/json_codec.h"
#include "server/api/codec.h"
#include "server/api/handlers.h"
#include "server/api/request_parsing.h"

namespace xronox::server {

namespace {

// Answers with the record as the write left it (absent only on the replay of an idempotent
// non-versioned write whose record has changed since: then with the id and version).
// A write that changed nothing answers 200 with "unchanged": true first in the body. A write's
// warning (WriteResult::warning) goes in the Xronox-Warning header.
HttpResponse WrittenResponse(RecordCall& call, const WriteResult& result, int status) {
  HttpResponse response;
  if (result.unchanged) {
    status = 200;
    std::string text = result.record ? RecordToJsonText(*result.record)
                                     : Json{{"id", result.id}, {"version", result.version}}.dump();
    response = JsonTextResponse(status, "{\"unchanged\":true," + text.substr(1));
  } else {
    response = result.record
                   ? RecordResponse(status, *result.record)
                   : JsonResponse(status, Json{{"id", result.id}, {"version", result.version}});
  }
  response.headers["ETag"] = ETagFor(result.version);
  // Committed, but follow-up work failed (the counters: verify --repair recounts them).
  if (!result.warning.empty()) response.headers["Xronox-Warning"] = result.warning.substr(0, 1024);
  if (status == 201) response.headers["Location"] = RecordPath(call.route, result.id);
  return response;
}

Result<int64_t> RestoreVersion(const std::string& body) {
  XRONOX_ASSIGN_OR_RETURN(Json request, ParseBodyObject(body, "restore request"));
  auto version = request.find("version");
  if (request.size() != 1 || version == request.end() || !version->is_number_integer() ||
      version->get<int64_t>() < 0) {
    return InvalidArgument("restore request must be {\"version\": <non-negative integer>}")
        .WithReason("invalid_body");
  }
  return version->get<int64_t>();
}

}  // namespace

Result<HttpResponse> HandleCreate(RecordCall& call) {
  XRONOX_ASSIGN_OR_RETURN(Json data, ParseBodyObject(call.request.body, "record"));
  ReleaseOnExit release(data);  // Moved into the write, or released without allocating.
  XRONOX_ASSIGN_OR_RETURN(WriteOptions options,
                          WriteOptionsFromRequest(call.request, {}, call.principal));
  XRONOX_ASSIGN_OR_RETURN(WriteResult result, call.collection.Create(std::move(data), options));
  return WrittenResponse(call, result, 201);
}

// {"entries": [{...}, ...]}: 201 {"ids": [...]} (and "warning" as Xronox-Warning says).
Result<HttpResponse> HandleAppend(RecordCall& call) {
  XRONOX_ASSIGN_OR_RETURN(Json body, VerbBody(call.query, call.request.body, {"entries"}));
  ReleaseOnExit release(body);  // The entries are moved out; the rest released.
  auto entries = body.find("entries");
  if (entries == body.end() || !entries->is_array()) {
    return InvalidArgument("the body must be {\"entries\": [1 to " +
                           std::to_string(kMaxAppendEntries) + " JSON objects]}")
        .WithReason("invalid_body");
  }
  std::vector<Json> list;
  list.reserve(entries->size());
  for (Json& entry : *entries) list.push_back(std::move(entry));
  XRONOX_ASSIGN_OR_RETURN(WriteOptions options,
                          WriteOptionsFromRequest(call.request, {}, call.principal));
  XRONOX_ASSIGN_OR_RETURN(AppendResult result, call.collection.Append(std::move(list), options));
  Json answer = {{"ids", result.ids}};
  if (!result.warning.empty()) answer["warning"] = result.warning.substr(0, 1024);
  HttpResponse response = JsonResponse(201, answer);
  if (!result.warning.empty()) response.headers["Xronox-Warning"] = result.warning.substr(0, 1024);
  return response;
}

// The record's data, as for a create: 201 (and Location) when it made a record, 200 when it
// merged into the record with the same natural-key values.
Result<HttpResponse> HandleUpsert(RecordCall& call) {
  XRONOX_RETURN_IF_ERROR(CheckQueryParams(call.query, {}));
  XRONOX_ASSIGN_OR_RETURN(Json data, ParseBodyObject(call.request.body, "record"));
  ReleaseOnExit release(data);  // Moved into the write, or released without allocating.
  XRONOX_ASSIGN_OR_RETURN(WriteOptions options,
                          WriteOptionsFromRequest(call.request, {}, call.principal));
  XRONOX_ASSIGN_OR_RETURN(WriteResult result, call.collection.Upsert(std::move(data), options));
  return WrittenResponse(call, result, result.created ? 201 : 200);
}

Result<HttpResponse> HandlePut(RecordCall& call) {
  XRONOX_ASSIGN_OR_RETURN(Json data, ParseBodyObject(call.request.body, "record"));
  ReleaseOnExit release(data);  // Moved into the write, or released without allocating.
  XRONOX_ASSIGN_OR_RETURN(
      WriteOptions options,
      WriteOptionsFromRequest(call.request, {.if_match = true, .if_none_match = true},
                              call.principal));
  XRONOX_ASSIGN_OR_RETURN(WriteResult result,
                          call.collection.Put(call.route.id, std::move(data), options));
  return WrittenResponse(call, result, result.created ? 201 : 200);
}

namespace {

// PATCH (a merge patch) and POST .../enrich: a JSON object applied to the record by `write`.
Result<HttpResponse> ApplyToRecord(RecordCall& call, const char* what,
                                   Result<WriteResult> (Collection::*write)(const std::string&,
                                                                            Json,
                                                                            const WriteOptions&)) {
  XRONOX_ASSIGN_OR_RETURN(Json patch, ParseBodyObject(call.request.body, what));
  ReleaseOnExit release(patch);
  XRONOX_ASSIGN_OR_RETURN(
      WriteOptions options,
      WriteOptionsFromRequest(call.request, {.if_match = true}, call.principal));
  XRONOX_ASSIGN_OR_RETURN(WriteResult result,
                          (call.collection.*write)(call.route.id, std::move(patch), options));
  return WrittenResponse(call, result, 200);
}

}  // namespace

Result<HttpResponse> HandlePatch(RecordCall& call) {
  return ApplyToRecord(call, "merge patch", &Collection::Update);
}

Result<HttpResponse> HandleEnrich(RecordCall& call) {
  XRONOX_RETURN_IF_ERROR(CheckQueryParams(call.query, {}));
  return ApplyToRecord(call, "enrich patch", &Collection::Enrich);
}

Result<HttpResponse> HandleDelete(RecordCall& call) {
  XRONOX_ASSIGN_OR_RETURN(
      WriteOptions options,
      WriteOptionsFromRequest(call.request, {.if_match = true}, call.principal));
  XRONOX_ASSIGN_OR_RETURN(WriteResult result, call.collection.Delete(call.route.id, options));
  HttpResponse response =
      JsonResponse(200, Json{{"id", result.id}, {"version", result.version}, {"deleted", true}});
  response.headers["ETag"] = ETagFor(result.version);
  return response;
}

Result<HttpResponse> HandleRestore(RecordCall& call) {
  XRONOX_ASSIGN_OR_RETURN(int64_t version, RestoreVersion(call.request.body));
  XRONOX_ASSIGN_OR_RETURN(
      WriteOptions options,
      WriteOptionsFromRequest(call.request, {.if_match = true}, call.principal));
  XRONOX_ASSIGN_OR_RETURN(WriteResult result,
                          call.collection.Restore(call.route.id, version, options));
  return WrittenResponse(call, result, 200);
}

}  // namespace xronox::server
