// JSON shapes of the HTTP API: history and query pages, errors, and the response helpers.
// Records and versions use the library's RecordToJson / VersionInfoToJson (xronox/types.h),
// the one JSON form shared with the CLI.
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "server/api/status_http.h"
#include "server/transport/http_types.h"
#include "xronox/types.h"

namespace xronox::server {

/// {"versions":[...],"next":<cursor or null>}.
Json HistoryPageToJson(const HistoryPage& page);
/// {"next":<cursor or null>,"records":[...]}, each record as RecordToJsonText (raw data
/// spliced in as is).
std::string QueryPageToJsonText(const QueryPage& page);
/// {"error":{"code","message","currentVersion" (when known)}}.
Json ErrorToJson(const HttpError& error);

/// Serialize compactly; never throws (invalid UTF-8 from storage is replaced by U+FFFD).
std::string SerializeJson(const Json& value);
/// A response with a JSON body and Content-Type application/json.
HttpResponse JsonResponse(int status, const Json& body);
/// A response whose body is JSON text already serialized (Content-Type application/json).
HttpResponse JsonTextResponse(int status, std::string body);
/// A record response: RecordToJsonText (the stored data spliced in as is) with its ETag.
HttpResponse RecordResponse(int status, const Record& record);
/// The JSON error response for `error`, with an Allow header for 405.
HttpResponse ErrorResponse(const HttpError& error);
/// A strong entity tag for a version: "\"<version>\"".
std::string ETagFor(int64_t version);
/// True when `text` is well-formed UTF-8 (no overlongs, surrogates or code points > U+10FFFF).
bool IsValidUtf8(std::string_view text);

}  // namespace xronox::server
