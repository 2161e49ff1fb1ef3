// Handlers of the collection and record routes. Each turns one call into a response or a Status
// that the dispatcher maps to an HTTP error; none catches exceptions.
// Thread-safety: stateless functions; safe from many threads as Collection is.
#pragma once

#include "server/api/routes.h"
#include "server/transport/http_types.h"
#include "xronox/xronox.h"

namespace xronox::server {

/// Everything a handler needs: the request, its decoded route and query, and the collection.
class LogSink;

struct RecordCall {
  const HttpRequest& request;
  const Route& route;
  const QueryParams& query;
  Collection& collection;
  /// The authenticated key's principal (the actor of writes); empty when auth is off.
  const std::string& principal;
  /// Largest content upload accepted, in bytes (DispatcherOptions::max_content_bytes).
  int64_t max_content_bytes = 0;
  /// Where the runs a request starts (retention, offload) are logged; null logs nothing.
  LogSink* log = nullptr;
};

using Handler = Result<HttpResponse> (*)(RecordCall& call);

/// The handler for a route kind and method (already checked against AllowedMethods).
Handler FindHandler(RouteKind kind, const std::string& method);

// Writes (write_handlers.cc).
Result<HttpResponse> HandleCreate(RecordCall& call);    ///< POST collection: 201.
Result<HttpResponse> HandleAppend(RecordCall& call);    ///< POST :append: 201.
Result<HttpResponse> HandleUpsert(RecordCall& call);    ///< POST :upsert: 201 created, 200 merged.
Result<HttpResponse> HandleVersions(RecordCall& call);  ///< GET :versions: 200.
Result<HttpResponse> HandleEnrich(RecordCall& call);    ///< POST record/enrich: 200.
Result<HttpResponse> HandlePut(RecordCall& call);       ///< PUT record: 201 or 200.
Result<HttpResponse> HandlePatch(RecordCall& call);     ///< PATCH record (merge patch): 200.
Result<HttpResponse> HandleDelete(RecordCall& call);    ///< DELETE record: 200.
Result<HttpResponse> HandleRestore(RecordCall& call);   ///< POST record/restore: 200.

// Reads (read_handlers.cc).
Result<HttpResponse> HandleGet(RecordCall& call);      ///< GET record [?version|?asOf].
Result<HttpResponse> HandleHistory(RecordCall& call);  ///< GET record/history.
Result<HttpResponse> HandleDiff(RecordCall& call);     ///< GET record/diff?from=&to=.
Result<HttpResponse> HandleBlame(RecordCall& call);    ///< GET record/blame?maxVersions=.
Result<HttpResponse> HandleQuery(RecordCall& call);    ///< GET collection?where=.

// Content (content_handlers.cc).
/// PUT content: streams the body into the property; 200 with the record.
Result<HttpResponse> HandlePutContent(RecordCall& call);
/// GET content [?version|?asOf] [Range]: 200 or 206 streamed; ?presign=1: 307 to the store.
Result<HttpResponse> HandleGetContent(RecordCall& call);
/// DELETE content: 200 with the record.
Result<HttpResponse> HandleDeleteContent(RecordCall& call);

// Backups (backup_handlers.cc), admin scope.
Result<HttpResponse> HandleListBackups(RecordCall& call);    ///< GET :backups.
Result<HttpResponse> HandleCreateBackup(RecordCall& call);   ///< POST :backups: 201.
Result<HttpResponse> HandleVerifyBackup(RecordCall& call);   ///< POST :verify-backup.
Result<HttpResponse> HandleRestoreBackup(RecordCall& call);  ///< POST :restore-backup.
/// POST :restore-collection (runtime): every record back to its state at asOf.
Result<HttpResponse> HandleRestoreCollection(RecordCall& call);
/// POST :rebuild: the collection's hot-store rows re-created from its object store.
Result<HttpResponse> HandleRebuild(RecordCall& call);
/// Legal holds (hold_handlers.cc): GET and POST :holds, POST :lift-hold, GET :hold-log.
Result<HttpResponse> HandleListHolds(RecordCall& call);
Result<HttpResponse> HandlePlaceHold(RecordCall& call);
Result<HttpResponse> HandleLiftHold(RecordCall& call);
Result<HttpResponse> HandleHoldLog(RecordCall& call);
/// POST :offload: the collection's offload run now (hold_handlers.cc).
Result<HttpResponse> HandleOffload(RecordCall& call);
/// POST :apply-retention: the collection's retention run now (hold_handlers.cc).
Result<HttpResponse> HandleApplyRetention(RecordCall& call);
Result<HttpResponse> HandlePruneBackups(RecordCall& call);  ///< POST :prune-backups.

}  // namespace xronox::server
