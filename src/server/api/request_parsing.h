// Reading request inputs: media types, preconditions, audit headers, query parameters and
// JSON bodies. Every refusal is InvalidArgument with a reason naming the input.
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>

#include "server/api/routes.h"
#include "server/transport/http_types.h"
#include "xronox/audit.h"
#include "xronox/status.h"
#include "xronox/types.h"

namespace xronox::server {

/// The media type of a Content-Type value, lower case, without parameters or spaces.
std::string MediaType(const std::string& content_type);

/// Which conditional headers a write accepts.
struct PreconditionPolicy {
  bool if_match = false;       ///< If-Match: "<version>" -> expected_version.
  bool if_none_match = false;  ///< If-None-Match: * -> create_only.
};

/// Build WriteOptions from X-Xronox-Actor, X-Xronox-Reason, Idempotency-Key and, as the
/// policy allows, If-Match / If-None-Match; a precondition header the write does not accept is
/// refused rather than ignored. With a `principal` (an authenticated key) the actor is the
/// principal and X-Xronox-Actor, when given, is recorded as on-behalf-of; without one the
/// actor is X-Xronox-Actor.
Result<WriteOptions> WriteOptionsFromRequest(const HttpRequest& request, PreconditionPolicy policy,
                                             const std::string& principal);

/// Parse an If-Match value: one strong entity tag holding a version, e.g. "\"3\"".
Result<int64_t> ParseIfMatch(const std::string& value);

/// Refuse query parameters outside `allowed` (reason "invalid_query").
Status CheckQueryParams(const QueryParams& query, std::initializer_list<const char*> allowed);
/// A non-negative integer parameter; nullopt when absent.
Result<std::optional<int64_t>> OptionalIntParam(const QueryParams& query, const char* name);
/// A non-negative integer parameter that must be present.
Result<int64_t> RequiredIntParam(const QueryParams& query, const char* name);

/// GetOptions from ?version=N or ?asOf=<RFC 3339> (at most one of the two).
Result<GetOptions> GetOptionsFromQuery(const QueryParams& query);
/// HistoryOptions from ?limit=&cursor=&order=newest|oldest.
Result<HistoryOptions> HistoryOptionsFromQuery(const QueryParams& query);
/// A version query from ?actor=&from=&to=&field=&limit=&cursor= (the library checks the rest).
Result<VersionQuery> VersionQueryFromQuery(const QueryParams& query);
/// QueryOptions from ?where=&limit=&cursor=&asOf=&order=&from=&to=&fields=.
Result<QueryOptions> QueryOptionsFromQuery(const QueryParams& query);
/// The fields of ?fields=a,b.c (a projection; empty when absent), split at commas: at most
/// kMaxProjectedFields + 1 of them are kept, enough for the library to refuse too many.
std::vector<std::string> FieldsParam(const QueryParams& query);
/// The filter of ?where=<JSON object>; an empty object when absent (reason "invalid_filter").
Result<Json> FilterFromQuery(const QueryParams& query);

/// Parse a request body that must be a JSON object (reason "invalid_body"): valid UTF-8, nested
/// at most kMaxJsonDepth deep, numbers representable without change.
Result<Json> ParseBodyObject(const std::string& body, const std::string& what);

/// The body of a collection verb: no query parameters, and a JSON object with only `allowed`
/// fields (invalid_body naming an unknown one); {} when the body is empty.
Result<Json> VerbBody(const QueryParams& query, const std::string& body,
                      std::initializer_list<const char*> allowed);
/// Field `name` of a verb body: a string (else invalid_body), or `fallback` when absent.
Result<std::string> StringField(const Json& body, const char* name, std::string fallback);
/// Field `name` of a verb body: an integer from 0 to `max` (else invalid_body), or `fallback`
/// when absent.
Result<int64_t> CountField(const Json& body, const char* name, int64_t fallback, int64_t max);
/// Field `name` of a verb body: true or false (else invalid_body); false when absent.
Result<bool> BoolField(const Json& body, const char* name);

}  // namespace xronox::server
